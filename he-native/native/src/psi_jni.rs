//! JNI entry points of `org.genovfl.he.ristretto.RistrettoNative`. Each converts arguments
//! and calls [`crate::psi`] under [`guard`]; a malformed point from a peer becomes an
//! `IllegalArgumentException` whose message names its position, never its bytes.
//!
//! A blinding key crosses JNI as an opaque handle (a `Box<BlindingKey>` pointer): the
//! secret scalar never leaves native memory and is wiped when Java destroys the key.

use jni::objects::{JByteArray, JClass, JIntArray};
use jni::sys::jlong;
use jni::JNIEnv;

use crate::jni_util::{guard, Error};
use crate::psi::{self, BlindingKey};

/// # Safety
/// Java passes only handles of keys it generated and has not destroyed (`BlindingKey`
/// in Java serialises use and destruction).
fn key<'a>(handle: jlong) -> Result<&'a BlindingKey, Error> {
    if handle == 0 {
        return Err(Error::State("blinding key is destroyed".into()));
    }
    // SAFETY: see above.
    Ok(unsafe { &*(handle as usize as *const BlindingKey) })
}

fn bytes(env: &mut JNIEnv<'_>, array: &JByteArray<'_>) -> Result<Vec<u8>, Error> {
    if array.is_null() {
        return Err(Error::Argument("byte array is null".into()));
    }
    Ok(env.convert_byte_array(array)?)
}

fn new_bytes<'local>(env: &mut JNIEnv<'local>, value: &[u8]) -> Result<JByteArray<'local>, Error> {
    Ok(env.byte_array_from_slice(value)?)
}

#[no_mangle]
pub extern "system" fn Java_org_genovfl_he_ristretto_RistrettoNative_generateKey<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
) -> jlong {
    guard(&mut env, |_| {
        let key = BlindingKey::generate().map_err(Error::State)?;
        Ok(Box::into_raw(Box::new(key)) as usize as jlong)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_genovfl_he_ristretto_RistrettoNative_destroyKey<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    handle: jlong,
) {
    guard(&mut env, |_| {
        if handle != 0 {
            // SAFETY: Java calls this once per handle, after its last use; Drop wipes the scalar.
            drop(unsafe { Box::from_raw(handle as usize as *mut BlindingKey) });
        }
        Ok(())
    })
}

#[no_mangle]
pub extern "system" fn Java_org_genovfl_he_ristretto_RistrettoNative_hashAndBlind<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    handle: jlong,
    domain_tag: JByteArray<'local>,
    identifiers: JByteArray<'local>,
    ends: JIntArray<'local>,
) -> JByteArray<'local> {
    guard(&mut env, |env| {
        let key = key(handle)?;
        let tag = bytes(env, &domain_tag)?;
        let identifiers = bytes(env, &identifiers)?;
        if ends.is_null() {
            return Err(Error::Argument("ends is null".into()));
        }
        let mut raw_ends = vec![0i32; env.get_array_length(&ends)? as usize];
        env.get_int_array_region(&ends, 0, &mut raw_ends)?;
        let ends: Vec<usize> = raw_ends
            .iter()
            .map(|&e| usize::try_from(e).map_err(|_| Error::Argument(format!("negative end offset {e}"))))
            .collect::<Result<_, _>>()?;
        let blinded = psi::hash_and_blind(key, &tag, &identifiers, &ends).map_err(Error::Argument)?;
        new_bytes(env, &blinded)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_genovfl_he_ristretto_RistrettoNative_blind<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    handle: jlong,
    points: JByteArray<'local>,
) -> JByteArray<'local> {
    guard(&mut env, |env| {
        let key = key(handle)?;
        let points = bytes(env, &points)?;
        let blinded = psi::blind(key, &points).map_err(|e| Error::Argument(e.to_string()))?;
        new_bytes(env, &blinded)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_genovfl_he_ristretto_RistrettoNative_intersect<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    own: JByteArray<'local>,
    peer: JByteArray<'local>,
) -> JIntArray<'local> {
    guard(&mut env, |env| {
        let own = bytes(env, &own)?;
        let peer = bytes(env, &peer)?;
        let positions = psi::intersect(&own, &peer).map_err(Error::Argument)?;
        let as_ints: Vec<i32> = positions.iter().map(|&p| p as i32).collect();
        let array = env.new_int_array(as_ints.len() as i32)?;
        env.set_int_array_region(&array, 0, &as_ints)?;
        Ok(array)
    })
}
