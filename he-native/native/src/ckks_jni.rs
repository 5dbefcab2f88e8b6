//! JNI entry points of `org.genovfl.he.CkksNative`. Each one only converts arguments and
//! calls [`crate::ckks`] under [`guard`]. Java checks every precondition it can before
//! calling (handles are live and of the right kind, levels, scales); SEAL checks again.
//!
//! Operations take a `dest` handle: 0 asks for a new ciphertext, anything else is
//! overwritten (and may equal an input, for in-place use). They return the handle written.

use jni::objects::{JByteArray, JClass, JDoubleArray, JIntArray, JLongArray};
use jni::sys::{jboolean, jbyteArray, jdouble, jdoubleArray, jint, jlong};
use jni::JNIEnv;
use std::sync::Mutex;

use crate::ckks::{BinaryOp, Context, Kind, Obj};
use crate::jni_util::{guard, Error};
use crate::sealc::{check, Ciphertext_Scale, Ciphertext_Size, Handle, Plaintext_Scale};

fn h(v: jlong) -> Handle {
    v as usize as Handle
}

/// # Safety
/// Java passes only handles of contexts it created and has not closed.
fn ctx<'a>(v: jlong) -> Result<&'a Context, Error> {
    if v == 0 {
        return Err(Error::State("null context".into()));
    }
    // SAFETY: see above; Java's NativeHandle keeps the context alive during the call.
    Ok(unsafe { &*(v as usize as *const Context) })
}

fn raw(o: Obj) -> jlong {
    o.into_raw() as usize as jlong
}

/// Runs `op` into `dest`, or into a new ciphertext when `dest` is 0.
fn into_dest(dest: jlong, op: impl FnOnce(Handle) -> Result<(), Error>) -> Result<jlong, Error> {
    if dest != 0 {
        op(h(dest))?;
        return Ok(dest);
    }
    let ct = Context::new_ciphertext()?;
    op(ct.handle())?;
    Ok(raw(ct))
}

fn doubles(env: &mut JNIEnv<'_>, array: &JDoubleArray<'_>) -> Result<Vec<f64>, Error> {
    let len = env.get_array_length(array)? as usize;
    let mut v = vec![0f64; len];
    env.get_double_array_region(array, 0, &mut v)?;
    Ok(v)
}

fn new_doubles(env: &mut JNIEnv<'_>, values: &[f64]) -> Result<jdoubleArray, Error> {
    let array = env.new_double_array(values.len() as i32)?;
    env.set_double_array_region(&array, 0, values)?;
    Ok(array.into_raw())
}

fn ints(env: &mut JNIEnv<'_>, array: &JIntArray<'_>) -> Result<Vec<i32>, Error> {
    let len = env.get_array_length(array)? as usize;
    let mut v = vec![0i32; len];
    env.get_int_array_region(array, 0, &mut v)?;
    Ok(v)
}

macro_rules! jni_fn {
    ($name:ident ( $env:ident $(, $arg:ident : $ty:ty)* ) -> $ret:ty $body:block) => {
        #[no_mangle]
        pub extern "system" fn $name<'local>(
            mut env: JNIEnv<'local>,
            _class: JClass<'local>,
            $($arg: $ty),*
        ) -> $ret {
            #[allow(unused_variables)]
            guard(&mut env, |$env| -> Result<$ret, Error> { $body })
        }
    };
}

jni_fn!(Java_org_genovfl_he_CkksNative_contextCreate(env, degree: jlong, bits: JIntArray<'local>) -> jlong {
    let bits = ints(env, &bits)?;
    let ctx = Context::create(degree as u64, &bits)?;
    Ok(Box::into_raw(ctx) as usize as jlong)
});

jni_fn!(Java_org_genovfl_he_CkksNative_destroy(env, kind: jint, handle: jlong) -> () {
    let kind = Kind::from_i32(kind)?;
    // SAFETY: NativeHandle calls this once, after the last use of the handle.
    unsafe { crate::ckks::destroy(kind, h(handle)) };
    Ok(())
});

jni_fn!(Java_org_genovfl_he_CkksNative_liveObjects(env) -> jlong {
    Ok(crate::ckks::live_objects())
});

jni_fn!(Java_org_genovfl_he_CkksNative_encode(env, c: jlong, values: JDoubleArray<'local>, level: jint, scale: jdouble) -> jlong {
    let values = doubles(env, &values)?;
    Ok(raw(ctx(c)?.encode(&values, level as usize, scale)?))
});

jni_fn!(Java_org_genovfl_he_CkksNative_encodeConstant(env, c: jlong, value: jdouble, level: jint, scale: jdouble) -> jlong {
    Ok(raw(ctx(c)?.encode_constant(value, level as usize, scale)?))
});

jni_fn!(Java_org_genovfl_he_CkksNative_decode(env, c: jlong, pt: jlong) -> jdoubleArray {
    let values = ctx(c)?.decode(h(pt))?;
    new_doubles(env, &values)
});

jni_fn!(Java_org_genovfl_he_CkksNative_keyGenerator(env, c: jlong) -> jlong {
    Ok(raw(ctx(c)?.key_generator()?))
});

jni_fn!(Java_org_genovfl_he_CkksNative_secretKey(env, kg: jlong) -> jlong {
    Ok(raw(Context::secret_key(h(kg))?))
});

jni_fn!(Java_org_genovfl_he_CkksNative_publicKey(env, kg: jlong) -> jlong {
    Ok(raw(Context::public_key(h(kg))?))
});

jni_fn!(Java_org_genovfl_he_CkksNative_relinKeys(env, kg: jlong) -> jlong {
    Ok(raw(Context::relin_keys(h(kg))?))
});

jni_fn!(Java_org_genovfl_he_CkksNative_galoisKeys(env, c: jlong, kg: jlong, steps: JIntArray<'local>) -> jlong {
    let steps = ints(env, &steps)?;
    Ok(raw(ctx(c)?.galois_keys(h(kg), &steps)?))
});

jni_fn!(Java_org_genovfl_he_CkksNative_encryptor(env, c: jlong, pk: jlong) -> jlong {
    Ok(raw(ctx(c)?.encryptor(h(pk))?))
});

jni_fn!(Java_org_genovfl_he_CkksNative_decryptor(env, c: jlong, sk: jlong) -> jlong {
    Ok(raw(ctx(c)?.decryptor(h(sk))?))
});

jni_fn!(Java_org_genovfl_he_CkksNative_encrypt(env, enc: jlong, pt: jlong) -> jlong {
    Ok(raw(Context::encrypt(h(enc), h(pt))?))
});

jni_fn!(Java_org_genovfl_he_CkksNative_encryptValues(env, c: jlong, enc: jlong, values: JDoubleArray<'local>, level: jint, scale: jdouble) -> jlong {
    let values = doubles(env, &values)?;
    let pt = ctx(c)?.encode(&values, level as usize, scale)?;
    Ok(raw(Context::encrypt(h(enc), pt.handle())?))
});

jni_fn!(Java_org_genovfl_he_CkksNative_decrypt(env, dec: jlong, ct: jlong) -> jlong {
    Ok(raw(Context::decrypt(h(dec), h(ct))?))
});

jni_fn!(Java_org_genovfl_he_CkksNative_decryptValues(env, c: jlong, dec: jlong, ct: jlong) -> jdoubleArray {
    let pt = Context::decrypt(h(dec), h(ct))?;
    let values = ctx(c)?.decode(pt.handle())?;
    new_doubles(env, &values)
});

jni_fn!(Java_org_genovfl_he_CkksNative_binary(env, c: jlong, op: jint, a: jlong, b: jlong, dest: jlong) -> jlong {
    let op = match op {
        0 => BinaryOp::Add,
        1 => BinaryOp::Sub,
        2 => BinaryOp::AddPlain,
        3 => BinaryOp::SubPlain,
        4 => BinaryOp::MultiplyPlain,
        other => return Err(Error::State(format!("unknown operation {other}"))),
    };
    let ctx = ctx(c)?;
    into_dest(dest, |d| ctx.binary(op, h(a), h(b), d))
});

jni_fn!(Java_org_genovfl_he_CkksNative_constant(env, c: jlong, multiply: jboolean, a: jlong, value: jdouble, scale: jdouble, dest: jlong) -> jlong {
    let ctx = ctx(c)?;
    let level = ctx.ciphertext_level(h(a))?;
    let pt = ctx.encode_constant(value, level, scale)?;
    let op = if multiply != 0 { BinaryOp::MultiplyPlain } else { BinaryOp::AddPlain };
    into_dest(dest, |d| ctx.binary(op, h(a), pt.handle(), d))
});

jni_fn!(Java_org_genovfl_he_CkksNative_negate(env, c: jlong, a: jlong, dest: jlong) -> jlong {
    let ctx = ctx(c)?;
    into_dest(dest, |d| ctx.negate(h(a), d))
});

jni_fn!(Java_org_genovfl_he_CkksNative_multiplyRelin(env, c: jlong, a: jlong, b: jlong, rk: jlong, dest: jlong) -> jlong {
    let ctx = ctx(c)?;
    into_dest(dest, |d| ctx.multiply_relin(h(a), h(b), h(rk), d))
});

jni_fn!(Java_org_genovfl_he_CkksNative_rescale(env, c: jlong, a: jlong, dest: jlong) -> jlong {
    let ctx = ctx(c)?;
    into_dest(dest, |d| ctx.rescale(h(a), d))
});

jni_fn!(Java_org_genovfl_he_CkksNative_modSwitch(env, c: jlong, a: jlong, level: jint, dest: jlong) -> jlong {
    let ctx = ctx(c)?;
    into_dest(dest, |d| ctx.mod_switch(h(a), level as usize, d))
});

jni_fn!(Java_org_genovfl_he_CkksNative_matchLevel(env, c: jlong, a: jlong, level: jint, scale: jdouble, dest: jlong) -> jlong {
    let ctx = ctx(c)?;
    into_dest(dest, |d| ctx.match_level(h(a), level as usize, scale, d))
});

jni_fn!(Java_org_genovfl_he_CkksNative_modSwitchPlain(env, c: jlong, pt: jlong, level: jint) -> jlong {
    let ctx = ctx(c)?;
    let out = Context::new_plaintext()?;
    ctx.mod_switch_plain(h(pt), level as usize, out.handle())?;
    Ok(raw(out))
});

jni_fn!(Java_org_genovfl_he_CkksNative_rotate(env, c: jlong, a: jlong, steps: jint, gk: jlong, dest: jlong) -> jlong {
    let ctx = ctx(c)?;
    into_dest(dest, |d| ctx.rotate(h(a), steps, h(gk), d))
});

jni_fn!(Java_org_genovfl_he_CkksNative_sumSlots(env, c: jlong, a: jlong, gk: jlong, dest: jlong) -> jlong {
    let ctx = ctx(c)?;
    into_dest(dest, |d| ctx.sum_slots(h(a), h(gk), d))
});

// Level in the low 16 bits, number of polynomials above.
jni_fn!(Java_org_genovfl_he_CkksNative_ciphertextShape(env, c: jlong, ct: jlong) -> jlong {
    let level = ctx(c)?.ciphertext_level(h(ct))? as jlong;
    let mut size = 0u64;
    // SAFETY: ct is a live ciphertext.
    check(unsafe { Ciphertext_Size(h(ct), &mut size) }, "Ciphertext_Size")?;
    Ok(level | (size as jlong) << 16)
});

jni_fn!(Java_org_genovfl_he_CkksNative_ciphertextScale(env, ct: jlong) -> jdouble {
    let mut scale = 0f64;
    // SAFETY: ct is a live ciphertext.
    check(unsafe { Ciphertext_Scale(h(ct), &mut scale) }, "Ciphertext_Scale")?;
    Ok(scale)
});


jni_fn!(Java_org_genovfl_he_CkksNative_plaintextLevel(env, c: jlong, pt: jlong) -> jint {
    Ok(ctx(c)?.plaintext_level(h(pt))? as jint)
});

jni_fn!(Java_org_genovfl_he_CkksNative_plaintextScale(env, pt: jlong) -> jdouble {
    let mut scale = 0f64;
    // SAFETY: pt is a live plaintext.
    check(unsafe { Plaintext_Scale(h(pt), &mut scale) }, "Plaintext_Scale")?;
    Ok(scale)
});

/// Output buffers of `save` for ciphertexts and plaintexts, kept between calls. Saving a
/// ciphertext at N=8192 takes a buffer of about 0.4 MB, and a fresh one per call (new pages
/// for the kernel to map and zero) was what made the Java call dearer than the native one,
/// which does not also copy the bytes into a Java array. A few buffers are kept, one per
/// thread saving at the same moment, of a bounded size. Keys are not pooled: they are rarely
/// saved, large, and a secret key's bytes should not linger in a pool.
static SAVE_BUFFERS: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
const SAVE_BUFFERS_KEPT: usize = 4;
const SAVE_BUFFER_MAX_KEPT_BYTES: usize = 4 << 20;

fn with_save_buffer<T>(kind: Kind, f: impl FnOnce(&mut Vec<u8>) -> T) -> T {
    let pooled = matches!(kind, Kind::Ciphertext | Kind::Plaintext);
    let taken = if pooled { SAVE_BUFFERS.lock().ok().and_then(|mut pool| pool.pop()) } else { None };
    let mut buf = taken.unwrap_or_default();
    let result = f(&mut buf);
    if pooled && buf.capacity() <= SAVE_BUFFER_MAX_KEPT_BYTES {
        if let Ok(mut pool) = SAVE_BUFFERS.lock() {
            if pool.len() < SAVE_BUFFERS_KEPT {
                pool.push(buf);
            }
        }
    }
    result
}

jni_fn!(Java_org_genovfl_he_CkksNative_save(env, kind: jint, handle: jlong, compress: jboolean, prefix: JByteArray<'local>) -> jbyteArray {
    let prefix = env.convert_byte_array(&prefix)?;
    let kind = Kind::from_i32(kind)?;
    with_save_buffer(kind, |buf| {
        Context::save_into(kind, h(handle), compress != 0, &prefix, buf)?;
        Ok(env.byte_array_from_slice(buf)?.into_raw())
    })
});

jni_fn!(Java_org_genovfl_he_CkksNative_load(env, c: jlong, kind: jint, bytes: JByteArray<'local>, offset: jint) -> jlong {
    let len = env.get_array_length(&bytes)?;
    if offset < 0 || offset > len {
        return Err(Error::Argument(format!("offset {offset} outside 0..{len}")));
    }
    let mut buf = vec![0i8; (len - offset) as usize];
    env.get_byte_array_region(&bytes, offset, &mut buf)?;
    // SAFETY: i8 and u8 have the same layout.
    let buf: &[u8] = unsafe { std::slice::from_raw_parts(buf.as_ptr() as *const u8, buf.len()) };
    Ok(raw(ctx(c)?.load(Kind::from_i32(kind)?, buf)?))
});

jni_fn!(Java_org_genovfl_he_CkksNative_benchNative(env, c: jlong, op: jint, handles: JLongArray<'local>, saved: JByteArray<'local>, iterations: jint) -> jlong {
    let len = env.get_array_length(&handles)? as usize;
    if len != 7 {
        return Err(Error::Argument("benchNative needs 7 handles".into()));
    }
    let mut hs = [0i64; 7];
    env.get_long_array_region(&handles, 0, &mut hs)?;
    let saved = env.convert_byte_array(&saved)?;
    let inputs = crate::ckks_bench::Inputs {
        encryptor: h(hs[0]), pt: h(hs[1]), a: h(hs[2]), b: h(hs[3]), prod: h(hs[4]), relin: h(hs[5]),
        galois: h(hs[6]), saved: &saved,
    };
    Ok(crate::ckks_bench::time(ctx(c)?, op as usize, &inputs, iterations.max(0) as u32)? as jlong)
});
