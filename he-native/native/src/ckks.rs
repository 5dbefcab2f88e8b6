//! CKKS on Microsoft SEAL: the Rust layer over sealc that the JNI functions in
//! [`crate::ckks_jni`] and the native benchmark call.
//!
//! Objects cross to Java as raw SEAL pointers (`jlong`) tagged with a [`Kind`] so Java can
//! free them. A [`Context`] bundles SEAL's context with its (thread-safe) encoder and
//! evaluator and the parameter id of every level. New SEAL objects are wrapped in [`Obj`]
//! until they are handed to Java, so an early error never leaks one.

use std::io::Read;
use std::os::raw::c_int;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicI64, Ordering};

use crate::jni_util::Error;
use crate::sealc::*;

type ParmsId = [u64; 4];

macro_rules! seal {
    ($f:ident($($arg:expr),* $(,)?)) => {
        // SAFETY: every handle passed is a live SEAL object of the type the function
        // expects (checked by the callers' kinds); out-pointers point to locals.
        check(unsafe { $f($($arg),*) }, stringify!($f))
    };
}

/// Types of SEAL objects handed to Java; the discriminant is shared with `NativeHandle.java`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Kind {
    Context = 1,
    Plaintext = 2,
    Ciphertext = 3,
    SecretKey = 4,
    PublicKey = 5,
    RelinKeys = 6,
    GaloisKeys = 7,
    KeyGenerator = 8,
    Encryptor = 9,
    Decryptor = 10,
}

impl Kind {
    pub fn from_i32(v: i32) -> Result<Kind, Error> {
        Ok(match v {
            1 => Kind::Context,
            2 => Kind::Plaintext,
            3 => Kind::Ciphertext,
            4 => Kind::SecretKey,
            5 => Kind::PublicKey,
            6 => Kind::RelinKeys,
            7 => Kind::GaloisKeys,
            8 => Kind::KeyGenerator,
            9 => Kind::Encryptor,
            10 => Kind::Decryptor,
            _ => return Err(Error::State(format!("unknown native object kind {v}"))),
        })
    }
}

/// Contexts and SEAL objects made by this module and not yet freed. The memory test reads
/// it (through `CkksNative.liveObjects`) to show that closing frees every native object.
static LIVE_OBJECTS: AtomicI64 = AtomicI64::new(0);

/// The number of contexts and SEAL objects currently allocated by this module.
pub fn live_objects() -> i64 {
    LIVE_OBJECTS.load(Ordering::Relaxed)
}

/// Frees a SEAL object (or a boxed [`Context`]) of the given kind.
///
/// # Safety
/// `h` must be a live object of kind `kind`, not used again afterwards.
pub unsafe fn destroy(kind: Kind, h: Handle) {
    if h.is_null() {
        return;
    }
    if kind != Kind::Context {
        LIVE_OBJECTS.fetch_sub(1, Ordering::Relaxed);
    }
    let _ = match kind {
        Kind::Context => {
            drop(Box::from_raw(h as *mut Context));
            S_OK
        }
        Kind::Plaintext => Plaintext_Destroy(h),
        Kind::Ciphertext => Ciphertext_Destroy(h),
        Kind::SecretKey => SecretKey_Destroy(h),
        Kind::PublicKey => PublicKey_Destroy(h),
        Kind::RelinKeys | Kind::GaloisKeys => KSwitchKeys_Destroy(h),
        Kind::KeyGenerator => KeyGenerator_Destroy(h),
        Kind::Encryptor => Encryptor_Destroy(h),
        Kind::Decryptor => Decryptor_Destroy(h),
    };
}

/// An owned SEAL object, destroyed on drop unless released to Java.
pub struct Obj {
    kind: Kind,
    h: Handle,
}

impl Obj {
    fn new(kind: Kind, create: impl FnOnce(*mut Handle) -> Result<(), Error>) -> Result<Obj, Error> {
        let mut h: Handle = null_mut();
        create(&mut h)?;
        if h.is_null() {
            return Err(Error::State(format!("SEAL returned no {kind:?}")));
        }
        LIVE_OBJECTS.fetch_add(1, Ordering::Relaxed);
        Ok(Obj { kind, h })
    }
    fn ciphertext() -> Result<Obj, Error> {
        Obj::new(Kind::Ciphertext, |h| seal!(Ciphertext_Create1(null_mut(), h)))
    }
    fn plaintext() -> Result<Obj, Error> {
        Obj::new(Kind::Plaintext, |h| seal!(Plaintext_Create1(null_mut(), h)))
    }
    pub fn handle(&self) -> Handle {
        self.h
    }
    /// Gives up ownership (to Java, which frees it through [`destroy`]).
    pub fn into_raw(self) -> Handle {
        let h = self.h;
        std::mem::forget(self);
        h
    }
}

impl Drop for Obj {
    fn drop(&mut self) {
        // SAFETY: we own h and nobody else has seen it.
        unsafe { destroy(self.kind, self.h) }
    }
}

/// SEAL's context with its encoder, evaluator and the chain of parameter ids.
/// All its methods are thread-safe (SEAL's encoder and evaluator are const objects).
pub struct Context {
    seal: Handle,
    encoder: Handle,
    evaluator: Handle,
    key_parms: ParmsId,
    /// Parameter id of each data level, indexed by SEAL's chain index (0 = last level).
    levels: Vec<ParmsId>,
    /// The last prime of each data level: what a rescale from that level divides by.
    last_primes: Vec<u64>,
    degree: usize,
    /// Coefficient modulus bit sizes, key level last.
    bits: Vec<i32>,
}

// SAFETY: the SEAL objects inside are only read after construction, and SEAL documents
// SEALContext, CKKSEncoder and Evaluator as safe for concurrent const use.
unsafe impl Send for Context {}
unsafe impl Sync for Context {}

impl Drop for Context {
    fn drop(&mut self) {
        LIVE_OBJECTS.fetch_sub(1, Ordering::Relaxed);
        // SAFETY: created in create_context and owned here.
        unsafe {
            Evaluator_Destroy(self.evaluator);
            CKKSEncoder_Destroy(self.encoder);
            SEALContext_Destroy(self.seal);
        }
    }
}

/// Header SEAL writes before every serialized object.
const SEAL_MAGIC: u16 = 0xA15E;
const SEAL_HEADER_SIZE: usize = 16;

impl Context {
    /// Builds a CKKS context; SEAL refuses parameters above the 128-bit security bound.
    pub fn create(degree: u64, bits: &[i32]) -> Result<Box<Context>, Error> {
        let mut bit_sizes: Vec<c_int> = bits.to_vec();
        let mut moduli: Vec<Handle> = vec![null_mut(); bits.len()];
        let mut parms: Handle = null_mut();
        seal!(EncParams_Create1(SCHEME_CKKS, &mut parms))?;
        let result = (|| {
            seal!(EncParams_SetPolyModulusDegree(parms, degree))?;
            seal!(CoeffModulus_Create1(degree, bits.len() as u64, bit_sizes.as_mut_ptr(), moduli.as_mut_ptr()))
                .map_err(|_| Error::Argument(format!("no NTT-friendly primes of bit sizes {bits:?} for N={degree}")))?;
            seal!(EncParams_SetCoeffModulus(parms, moduli.len() as u64, moduli.as_mut_ptr()))?;
            let mut seal_ctx: Handle = null_mut();
            seal!(SEALContext_Create(parms, true, SEC_LEVEL_TC128, &mut seal_ctx))?;
            LIVE_OBJECTS.fetch_add(1, Ordering::Relaxed); // from here on, Drop frees and counts down
            let mut ctx = Box::new(Context {
                seal: seal_ctx,
                encoder: null_mut(),
                evaluator: null_mut(),
                key_parms: [0; 4],
                levels: Vec::new(),
                last_primes: Vec::new(),
                degree: degree as usize,
                bits: bits.to_vec(),
            });
            let mut set = false;
            seal!(SEALContext_ParametersSet(seal_ctx, &mut set))?;
            if !set {
                return Err(Error::Argument(format!("SEAL refused the parameters: {}", ctx.parameter_error())));
            }
            seal!(SEALContext_KeyParmsId(seal_ctx, ctx.key_parms.as_mut_ptr()))?;
            let mut data: Handle = null_mut();
            seal!(SEALContext_FirstContextData(seal_ctx, &mut data))?;
            let mut chain: Vec<(u64, ParmsId, u64)> = Vec::new();
            while !data.is_null() {
                let (mut index, mut p, mut id) = (0u64, null_mut(), [0u64; 4]);
                seal!(ContextData_ChainIndex(data, &mut index))?;
                seal!(ContextData_Parms(data, &mut p))?;
                let got = seal!(EncParams_GetParmsId(p, id.as_mut_ptr())).and_then(|()| last_prime(p));
                // ContextData_Parms hands out a copy of the parameters.
                seal!(EncParams_Destroy(p))?;
                chain.push((index, id, got?));
                let mut next: Handle = null_mut();
                seal!(ContextData_NextContextData(data, &mut next))?;
                data = next;
            }
            chain.sort_by_key(|(i, _, _)| *i);
            if chain.iter().enumerate().any(|(i, (index, _, _))| i as u64 != *index) || chain.is_empty() {
                return Err(Error::State("unexpected SEAL modulus chain".into()));
            }
            ctx.last_primes = chain.iter().map(|(_, _, q)| *q).collect();
            ctx.levels = chain.into_iter().map(|(_, id, _)| id).collect();
            seal!(CKKSEncoder_Create(seal_ctx, &mut ctx.encoder))?;
            seal!(Evaluator_Create(seal_ctx, &mut ctx.evaluator))?;
            Ok(ctx)
        })();
        // SAFETY: parms and moduli were created above and SEAL copied them into the context.
        unsafe {
            EncParams_Destroy(parms);
            for m in moduli.into_iter().filter(|m| !m.is_null()) {
                Modulus_Destroy(m);
            }
        }
        result
    }

    /// `dest` = `a` brought down to `level` with scale exactly `scale`, ready to be added
    /// to a ciphertext at that level and scale. From a higher level this costs one
    /// multiplication by the constant 1 encoded at the scale that makes the following
    /// rescale land exactly on `scale` (Δ' = scale · q / a.scale, q the prime dropped).
    pub fn match_level(&self, a: Handle, level: usize, scale: f64, dest: Handle) -> Result<(), Error> {
        let from = self.ciphertext_level(a)?;
        let mut a_scale = 0f64;
        seal!(Ciphertext_Scale(a, &mut a_scale))?;
        if from < level {
            return Err(Error::Argument(format!("cannot raise a ciphertext from level {from} to {level}")));
        }
        if from == level {
            if (a_scale - scale).abs() > scale * 1e-12 {
                return Err(Error::Argument("same level but different scales: cannot match without a level".into()));
            }
            return self.mod_switch(a, level, dest);
        }
        self.mod_switch(a, level + 1, dest)?;
        let factor_scale = scale * self.last_primes[level + 1] as f64 / a_scale;
        let one = self.encode_constant(1.0, level + 1, factor_scale)?;
        self.binary(BinaryOp::MultiplyPlain, dest, one.h, dest)?;
        self.rescale(dest, dest)?;
        seal!(Ciphertext_SetScale(dest, scale))
    }

    fn parameter_error(&self) -> String {
        let mut buf = vec![0u8; 512];
        let mut len = buf.len() as u64;
        match seal!(SEALContext_ParameterErrorMessage(self.seal, buf.as_mut_ptr(), &mut len)) {
            Ok(()) => {
                buf.truncate((len as usize).min(buf.len()));
                String::from_utf8_lossy(&buf).trim_end_matches('\0').to_string()
            }
            Err(_) => "unknown reason".into(),
        }
    }

    pub fn slots(&self) -> usize {
        self.degree / 2
    }
    /// Highest data level (chain index of the first data level).
    pub fn max_level(&self) -> usize {
        self.levels.len() - 1
    }
    fn parms(&self, level: usize) -> Result<&ParmsId, Error> {
        self.levels.get(level).ok_or_else(|| Error::Argument(format!("no level {level}")))
    }
    fn level_of(&self, id: &ParmsId) -> Option<usize> {
        self.levels.iter().position(|p| p == id)
    }

    // ----- metadata -----

    pub fn ciphertext_level(&self, ct: Handle) -> Result<usize, Error> {
        let mut id = [0u64; 4];
        seal!(Ciphertext_ParmsId(ct, id.as_mut_ptr()))?;
        self.level_of(&id).ok_or_else(|| Error::Argument("ciphertext is not at a data level of this context".into()))
    }
    pub fn plaintext_level(&self, pt: Handle) -> Result<usize, Error> {
        let mut id = [0u64; 4];
        seal!(Plaintext_GetParmsId(pt, id.as_mut_ptr()))?;
        self.level_of(&id).ok_or_else(|| Error::Argument("plaintext is not at a data level of this context".into()))
    }

    // ----- encoding -----

    pub fn encode(&self, values: &[f64], level: usize, scale: f64) -> Result<Obj, Error> {
        let parms = self.parms(level)?;
        if values.len() > self.slots() {
            return Err(Error::Argument(format!("{} values exceed {} slots", values.len(), self.slots())));
        }
        let pt = Obj::plaintext()?;
        seal!(CKKSEncoder_Encode1(self.encoder, values.len() as u64, values.as_ptr(), parms.as_ptr(), scale,
            pt.h, null_mut()))?;
        Ok(pt)
    }

    pub fn encode_constant(&self, value: f64, level: usize, scale: f64) -> Result<Obj, Error> {
        let parms = self.parms(level)?;
        let pt = Obj::plaintext()?;
        seal!(CKKSEncoder_Encode3(self.encoder, value, parms.as_ptr(), scale, pt.h, null_mut()))?;
        Ok(pt)
    }

    pub fn decode(&self, pt: Handle) -> Result<Vec<f64>, Error> {
        let mut out = vec![0f64; self.slots()];
        let mut count = out.len() as u64;
        seal!(CKKSEncoder_Decode1(self.encoder, pt, &mut count, out.as_mut_ptr(), null_mut()))?;
        out.truncate(count as usize);
        Ok(out)
    }

    // ----- keys, encryption -----

    pub fn key_generator(&self) -> Result<Obj, Error> {
        Obj::new(Kind::KeyGenerator, |h| seal!(KeyGenerator_Create1(self.seal, h)))
    }
    pub fn secret_key(kg: Handle) -> Result<Obj, Error> {
        Obj::new(Kind::SecretKey, |h| seal!(KeyGenerator_SecretKey(kg, h)))
    }
    pub fn public_key(kg: Handle) -> Result<Obj, Error> {
        Obj::new(Kind::PublicKey, |h| seal!(KeyGenerator_CreatePublicKey(kg, false, h)))
    }
    pub fn relin_keys(kg: Handle) -> Result<Obj, Error> {
        Obj::new(Kind::RelinKeys, |h| seal!(KeyGenerator_CreateRelinKeys(kg, false, h)))
    }
    pub fn galois_keys(&self, kg: Handle, steps: &[i32]) -> Result<Obj, Error> {
        for &s in steps {
            if s == 0 || s.unsigned_abs() as usize >= self.slots() {
                return Err(Error::Argument(format!("rotation step {s} must be non-zero and below {} in magnitude", self.slots())));
            }
        }
        let mut steps: Vec<c_int> = steps.to_vec();
        Obj::new(Kind::GaloisKeys, |h| {
            seal!(KeyGenerator_CreateGaloisKeysFromSteps(kg, steps.len() as u64, steps.as_mut_ptr(), false, h))
        })
    }
    pub fn encryptor(&self, pk: Handle) -> Result<Obj, Error> {
        Obj::new(Kind::Encryptor, |h| seal!(Encryptor_Create(self.seal, pk, null_mut(), h)))
    }
    pub fn decryptor(&self, sk: Handle) -> Result<Obj, Error> {
        Obj::new(Kind::Decryptor, |h| seal!(Decryptor_Create(self.seal, sk, h)))
    }
    pub fn encrypt(enc: Handle, pt: Handle) -> Result<Obj, Error> {
        let ct = Obj::ciphertext()?;
        seal!(Encryptor_Encrypt(enc, pt, ct.h, null_mut()))?;
        Ok(ct)
    }
    pub fn decrypt(dec: Handle, ct: Handle) -> Result<Obj, Error> {
        let pt = Obj::plaintext()?;
        seal!(Decryptor_Decrypt(dec, ct, pt.h))?;
        Ok(pt)
    }

    // ----- evaluation: each writes to `dest` (which may be an input) -----

    pub fn binary(&self, op: BinaryOp, a: Handle, b: Handle, dest: Handle) -> Result<(), Error> {
        let e = self.evaluator;
        match op {
            BinaryOp::Add => seal!(Evaluator_Add(e, a, b, dest)),
            BinaryOp::Sub => seal!(Evaluator_Sub(e, a, b, dest)),
            BinaryOp::AddPlain => seal!(Evaluator_AddPlain(e, a, b, dest)),
            BinaryOp::SubPlain => seal!(Evaluator_SubPlain(e, a, b, dest)),
            BinaryOp::MultiplyPlain => seal!(Evaluator_MultiplyPlain(e, a, b, dest, null_mut())),
        }
    }
    pub fn negate(&self, a: Handle, dest: Handle) -> Result<(), Error> {
        seal!(Evaluator_Negate(self.evaluator, a, dest))
    }
    /// `a * b`, relinearized back to two polynomials.
    pub fn multiply_relin(&self, a: Handle, b: Handle, rk: Handle, dest: Handle) -> Result<(), Error> {
        seal!(Evaluator_Multiply(self.evaluator, a, b, dest, null_mut()))?;
        seal!(Evaluator_Relinearize(self.evaluator, dest, rk, dest, null_mut()))
    }
    pub fn rescale(&self, a: Handle, dest: Handle) -> Result<(), Error> {
        seal!(Evaluator_RescaleToNext(self.evaluator, a, dest, null_mut()))
    }
    pub fn mod_switch(&self, a: Handle, level: usize, dest: Handle) -> Result<(), Error> {
        let parms = *self.parms(level)?;
        seal!(Evaluator_ModSwitchTo1(self.evaluator, a, parms.as_ptr(), dest, null_mut()))
    }
    pub fn mod_switch_plain(&self, a: Handle, level: usize, dest: Handle) -> Result<(), Error> {
        let parms = *self.parms(level)?;
        seal!(Evaluator_ModSwitchTo2(self.evaluator, a, parms.as_ptr(), dest))
    }
    pub fn rotate(&self, a: Handle, steps: i32, gk: Handle, dest: Handle) -> Result<(), Error> {
        seal!(Evaluator_RotateVector(self.evaluator, a, steps, gk, dest, null_mut()))
            .map_err(|_| Error::Argument(format!("cannot rotate by {steps}: no Galois keys for this step")))
    }
    /// Every slot of `dest` gets the sum of all slots of `a`: log2(slots) rotations by
    /// powers of two, each followed by an addition.
    pub fn sum_slots(&self, a: Handle, gk: Handle, dest: Handle) -> Result<(), Error> {
        let tmp = Obj::ciphertext()?;
        self.rotate(a, 1, gk, tmp.h)?;
        seal!(Evaluator_Add(self.evaluator, a, tmp.h, dest))?;
        let mut step = 2usize;
        while step < self.slots() {
            self.rotate(dest, step as i32, gk, tmp.h)?;
            seal!(Evaluator_Add(self.evaluator, dest, tmp.h, dest))?;
            step <<= 1;
        }
        Ok(())
    }
    pub fn new_ciphertext() -> Result<Obj, Error> {
        Obj::ciphertext()
    }
    pub fn new_plaintext() -> Result<Obj, Error> {
        Obj::plaintext()
    }

    // ----- serialization -----

    /// SEAL's serialization of `h`, compressed with zstd unless `compress` is false.
    pub fn save(kind: Kind, h: Handle, compress: bool) -> Result<Vec<u8>, Error> {
        let mut buf = Vec::new();
        Self::save_into(kind, h, compress, &[], &mut buf)?;
        Ok(buf)
    }

    /// Replaces the contents of `buf` with `prefix` followed by SEAL's serialization of `h`.
    /// SEAL writes straight into `buf`, which grows to SEAL's size bound only if it is
    /// smaller: a caller that keeps `buf` between calls allocates nothing.
    pub fn save_into(kind: Kind, h: Handle, compress: bool, prefix: &[u8], buf: &mut Vec<u8>) -> Result<(), Error> {
        type SaveSize = unsafe extern "C" fn(Handle, u8, *mut i64) -> HResult;
        type Save = unsafe extern "C" fn(Handle, *mut u8, u64, u8, *mut i64) -> HResult;
        let (save_size, save, size_name, save_name): (SaveSize, Save, &str, &str) = match kind {
            Kind::Plaintext => (Plaintext_SaveSize, Plaintext_Save, "Plaintext_SaveSize", "Plaintext_Save"),
            Kind::Ciphertext => (Ciphertext_SaveSize, Ciphertext_Save, "Ciphertext_SaveSize", "Ciphertext_Save"),
            Kind::SecretKey => (SecretKey_SaveSize, SecretKey_Save, "SecretKey_SaveSize", "SecretKey_Save"),
            Kind::PublicKey => (PublicKey_SaveSize, PublicKey_Save, "PublicKey_SaveSize", "PublicKey_Save"),
            Kind::RelinKeys | Kind::GaloisKeys => {
                (KSwitchKeys_SaveSize, KSwitchKeys_Save, "KSwitchKeys_SaveSize", "KSwitchKeys_Save")
            }
            other => return Err(Error::State(format!("{other:?} cannot be saved"))),
        };
        let mode = if compress { COMPR_ZSTD } else { COMPR_NONE };
        let mut size = 0i64;
        // SAFETY: `h` is a live SEAL object of `kind`, which chose these functions; `size` is a local.
        check(unsafe { save_size(h, mode, &mut size) }, size_name)?;
        let size = usize::try_from(size).map_err(|_| Error::State(format!("SEAL save size {size}")))?;
        buf.clear();
        buf.reserve(prefix.len() + size);
        buf.extend_from_slice(prefix);
        // SEAL only writes to `out`, and we keep only the `written` bytes it reports.
        let out = buf.spare_capacity_mut().as_mut_ptr() as *mut u8;
        let mut written = 0i64;
        // SAFETY: as above; SEAL writes at most `size` bytes to `out`, within the capacity reserved.
        check(unsafe { save(h, out, size as u64, mode, &mut written) }, save_name)?;
        match usize::try_from(written) {
            Ok(n) if n <= size => {
                // SAFETY: SEAL initialised these n bytes after the prefix, within the capacity reserved.
                unsafe { buf.set_len(prefix.len() + n) };
                Ok(())
            }
            _ => Err(Error::State(format!("SEAL reports {written} bytes written into {size}"))),
        }
    }

    /// Largest uncompressed SEAL serialization a valid object of `kind` can have under
    /// this context; bounds decompression so a small input cannot inflate without limit.
    fn max_serialized_size(&self, kind: Kind) -> usize {
        let n = self.degree;
        let k_all = self.bits.len();
        let k_data = k_all.saturating_sub(1).max(1);
        let poly = |k: usize| n * k * 8;
        let slack = 4096;
        let one_kswitch_key = (k_all - 1).max(1) * (2 * poly(k_all) + 256) + 256;
        slack + match kind {
            Kind::Plaintext => poly(k_data),
            Kind::Ciphertext => 2 * poly(k_data),
            Kind::SecretKey => poly(k_all),
            Kind::PublicKey => 2 * poly(k_all),
            Kind::RelinKeys => one_kswitch_key,
            // at most one key per Galois element a step can need: +-2^i and conjugation
            Kind::GaloisKeys => (2 * (usize::BITS - n.leading_zeros()) as usize + 1) * one_kswitch_key,
            _ => 0,
        }
    }

    /// Loads an object of `kind` from untrusted bytes and checks that it is valid for this
    /// context: a SEAL header, at most the size a valid object can have, zstd or no
    /// compression, SEAL's own `load` (parameter id and is-valid-for), then our checks
    /// (ciphertexts and plaintexts at a data level, ciphertexts of two polynomials).
    pub fn load(&self, kind: Kind, bytes: &[u8]) -> Result<Obj, Error> {
        let limit = self.max_serialized_size(kind);
        let raw = inflate(bytes, limit)?;
        self.check_nesting(kind, &raw[SEAL_HEADER_SIZE..])?;
        let obj = match kind {
            Kind::Plaintext => Obj::plaintext()?,
            Kind::Ciphertext => Obj::ciphertext()?,
            Kind::SecretKey => Obj::new(kind, |h| seal!(SecretKey_Create1(h)))?,
            Kind::PublicKey => Obj::new(kind, |h| seal!(PublicKey_Create1(h)))?,
            Kind::RelinKeys | Kind::GaloisKeys => Obj::new(kind, |h| seal!(KSwitchKeys_Create1(h)))?,
            other => return Err(Error::State(format!("{other:?} cannot be loaded"))),
        };
        let mut buf = raw;
        let (ptr, len, mut read) = (buf.as_mut_ptr(), buf.len() as u64, 0i64);
        let loaded = match kind {
            Kind::Plaintext => seal!(Plaintext_Load(obj.h, self.seal, ptr, len, &mut read)),
            Kind::Ciphertext => seal!(Ciphertext_Load(obj.h, self.seal, ptr, len, &mut read)),
            Kind::SecretKey => seal!(SecretKey_Load(obj.h, self.seal, ptr, len, &mut read)),
            Kind::PublicKey => seal!(PublicKey_Load(obj.h, self.seal, ptr, len, &mut read)),
            _ => seal!(KSwitchKeys_Load(obj.h, self.seal, ptr, len, &mut read)),
        };
        loaded.map_err(|e| Error::Format(format!("not a valid {kind:?} for this context ({e})")))?;
        if read as u64 != len {
            return Err(Error::Format(format!("{kind:?}: {} trailing bytes", len - read as u64)));
        }
        let mut valid = false;
        match kind {
            Kind::Plaintext => seal!(ValCheck_Plaintext_IsValidFor(obj.h, self.seal, &mut valid))?,
            Kind::Ciphertext => seal!(ValCheck_Ciphertext_IsValidFor(obj.h, self.seal, &mut valid))?,
            Kind::SecretKey => seal!(ValCheck_SecretKey_IsValidFor(obj.h, self.seal, &mut valid))?,
            Kind::PublicKey => seal!(ValCheck_PublicKey_IsValidFor(obj.h, self.seal, &mut valid))?,
            Kind::RelinKeys => seal!(ValCheck_RelinKeys_IsValidFor(obj.h, self.seal, &mut valid))?,
            _ => seal!(ValCheck_GaloisKeys_IsValidFor(obj.h, self.seal, &mut valid))?,
        }
        if !valid {
            return Err(Error::Format(format!("{kind:?} is not valid for this context")));
        }
        match kind {
            Kind::Ciphertext => {
                self.ciphertext_level(obj.h).map_err(|e| Error::Format(e.to_string()))?;
                let (mut size, mut ntt) = (0u64, false);
                seal!(Ciphertext_Size(obj.h, &mut size))?;
                seal!(Ciphertext_IsNTTForm(obj.h, &mut ntt))?;
                if size != 2 || !ntt {
                    return Err(Error::Format(format!("ciphertext must have 2 polynomials in NTT form (has {size})")));
                }
            }
            Kind::Plaintext => {
                self.plaintext_level(obj.h).map_err(|e| Error::Format(e.to_string()))?;
                let mut ntt = false;
                seal!(Plaintext_IsNTTForm(obj.h, &mut ntt))?;
                if !ntt {
                    return Err(Error::Format("CKKS plaintext must be in NTT form".into()));
                }
            }
            _ => {}
        }
        Ok(obj)
    }

    /// Relinearization and Galois keys nest a table of public keys, each a SEAL object with
    /// its own SEAL header (secret and public keys are a plaintext and a ciphertext
    /// serialized directly). SEAL would inflate a compressed nested object without bound, and
    /// reserves the table sizes it reads before reading the entries (a hostile count is a
    /// `std::bad_alloc` that no C API catches, which aborts the JVM). So we walk the
    /// structure first: table sizes within what the parameters allow, every nested object
    /// uncompressed and exactly filling its place.
    fn check_nesting(&self, kind: Kind, body: &[u8]) -> Result<(), Error> {
        let bad = |m: String| Err(Error::Format(format!("{kind:?}: {m}")));
        let nested = |at: usize| -> Result<usize, Error> {
            let rest = &body[at.min(body.len())..];
            if rest.len() < SEAL_HEADER_SIZE {
                return Err(Error::Format(format!("{kind:?}: truncated nested object")));
            }
            let size = u64::from_le_bytes(rest[8..16].try_into().expect("8 bytes"));
            let magic = u16::from_le_bytes([rest[0], rest[1]]);
            if magic != SEAL_MAGIC || rest[2] as usize != SEAL_HEADER_SIZE || rest[5] != COMPR_NONE
                || size < SEAL_HEADER_SIZE as u64 || size > rest.len() as u64
            {
                return Err(Error::Format(format!("{kind:?}: malformed nested object")));
            }
            Ok(size as usize)
        };
        let read_u64 = |at: usize| -> Result<u64, Error> {
            body.get(at..at + 8)
                .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
                .ok_or_else(|| Error::Format(format!("{kind:?}: truncated")))
        };
        match kind {
            Kind::RelinKeys | Kind::GaloisKeys => {
                let max_dim1 = if kind == Kind::RelinKeys { 1 } else { self.degree as u64 };
                let max_dim2 = self.bits.len() as u64;
                let mut at = 32; // parms_id
                let dim1 = read_u64(at)?;
                at += 8;
                if dim1 > max_dim1 {
                    return bad(format!("{dim1} key lists, at most {max_dim1}"));
                }
                for _ in 0..dim1 {
                    let dim2 = read_u64(at)?;
                    at += 8;
                    if dim2 > max_dim2 {
                        return bad(format!("{dim2} keys in a list, at most {max_dim2}"));
                    }
                    for _ in 0..dim2 {
                        at += nested(at)?;
                    }
                }
                if at != body.len() {
                    return bad("trailing bytes".into());
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub fn key_parms_id(&self) -> ParmsId {
        self.key_parms
    }
}

fn last_prime(parms: Handle) -> Result<u64, Error> {
    let mut len = 0u64;
    seal!(EncParams_GetCoeffModulus(parms, &mut len, null_mut()))?;
    let mut moduli: Vec<Handle> = vec![null_mut(); len as usize];
    seal!(EncParams_GetCoeffModulus(parms, &mut len, moduli.as_mut_ptr()))?;
    let mut value = 0u64;
    let got = match moduli.last() {
        Some(&m) => seal!(Modulus_Value(m, &mut value)),
        None => Err(Error::State("empty coefficient modulus".into())),
    };
    for m in moduli {
        // SAFETY: EncParams_GetCoeffModulus allocated each with new.
        unsafe { Modulus_Destroy(m) };
    }
    got.map(|()| value)
}

/// The CKKS operations of [`Context::binary`].
#[derive(Clone, Copy, Debug)]
pub enum BinaryOp {
    Add,
    Sub,
    AddPlain,
    SubPlain,
    MultiplyPlain,
}

/// Checks the SEAL header of untrusted `bytes` and returns an uncompressed SEAL stream of
/// at most `limit` payload bytes. We inflate zstd ourselves because SEAL's own inflater
/// has no output bound (a few kilobytes could expand to gigabytes); zlib is refused.
pub fn inflate(bytes: &[u8], limit: usize) -> Result<Vec<u8>, Error> {
    let fmt = |m: &str| Error::Format(m.to_string());
    if bytes.len() < SEAL_HEADER_SIZE {
        return Err(fmt("too short for a SEAL header"));
    }
    let magic = u16::from_le_bytes([bytes[0], bytes[1]]);
    let header_size = bytes[2] as usize;
    let (major, compr) = (bytes[3], bytes[5]);
    let size = u64::from_le_bytes(bytes[8..16].try_into().expect("8 bytes"));
    if magic != SEAL_MAGIC || header_size != SEAL_HEADER_SIZE {
        return Err(fmt("no SEAL header"));
    }
    if major != 4 {
        return Err(Error::Format(format!("SEAL serialization version {major} is not supported")));
    }
    if size != bytes.len() as u64 {
        return Err(Error::Format(format!("SEAL header announces {size} bytes but {} were given", bytes.len())));
    }
    let payload = &bytes[SEAL_HEADER_SIZE..];
    let mut out = Vec::with_capacity(SEAL_HEADER_SIZE + payload.len().min(limit));
    out.extend_from_slice(&bytes[..SEAL_HEADER_SIZE]);
    match compr {
        COMPR_NONE => {
            if payload.len() > limit {
                return Err(fmt("object larger than any valid one for this context"));
            }
            out.extend_from_slice(payload);
        }
        COMPR_ZSTD => {
            let mut source = payload;
            let decoder = ruzstd::StreamingDecoder::new(&mut source)
                .map_err(|e| Error::Format(format!("bad zstd frame: {e}")))?;
            let got = decoder
                .take(limit as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| Error::Format(format!("bad zstd data: {e}")))?;
            if got > limit {
                return Err(fmt("decompressed object larger than any valid one for this context"));
            }
            if !source.is_empty() {
                return Err(fmt("trailing bytes after the zstd frame"));
            }
            out[5] = COMPR_NONE;
            let total = out.len() as u64;
            out[8..16].copy_from_slice(&total.to_le_bytes());
        }
        other => return Err(Error::Format(format!("compression mode {other} is not accepted"))),
    }
    Ok(out)
}
