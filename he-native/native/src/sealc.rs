//! The part of Microsoft SEAL's C API (`sealc`, see `SEAL/native/src/seal/c/*.h` in the
//! `sealy` crate) that GenoVFL calls. `sealy` builds SEAL and links `sealc-4.0` and
//! `seal-4.0` statically; its Rust wrappers keep their handles private, so we declare the
//! C functions we need here and use them consistently (no sealy object crosses this API).
//!
//! Every function returns an `HRESULT`; [`check`] turns a failure into an [`Error`].

#![allow(non_snake_case)]

use std::os::raw::{c_int, c_long, c_void};

use crate::jni_util::Error;

pub type Handle = *mut c_void;
pub type HResult = c_long;

// sealc defines HRESULT as `long` and its codes as `0x8...L` literals: on LP64 Linux those
// are *positive* 64-bit values, so SEAL's own FAILED(hr) (hr < 0) test would miss them.
// Only S_OK means success here.
pub const S_OK: HResult = 0;
const E_POINTER: HResult = 0x8000_4003;
const E_INVALIDARG: HResult = 0x8007_0057;
const E_OUTOFMEMORY: HResult = 0x8007_000E;
const COR_E_IO: HResult = 0x8013_1620;
const COR_E_INVALIDOPERATION: HResult = 0x8013_1509;

/// SEAL's `scheme_type::ckks`.
pub const SCHEME_CKKS: u8 = 0x2;
/// SEAL's `sec_level_type::tc128`: SEAL refuses parameters above the
/// HomomorphicEncryption.org bound for 128-bit classical security.
pub const SEC_LEVEL_TC128: c_int = 128;
/// SEAL's `compr_mode_type`.
pub const COMPR_NONE: u8 = 0;
pub const COMPR_ZSTD: u8 = 2;

/// Maps a failed `HRESULT` of the sealc call `what` to an error for Java. SEAL reports a
/// caller mistake (mismatched parameters, scale out of bounds, missing Galois key) as
/// `E_INVALIDARG`; everything else is a failure on our side.
pub fn check(hr: HResult, what: &str) -> Result<(), Error> {
    match hr {
        S_OK => Ok(()),
        E_INVALIDARG => Err(Error::Argument(format!("SEAL refused {what}: invalid argument"))),
        COR_E_INVALIDOPERATION => Err(Error::Argument(format!("SEAL refused {what}: invalid operation"))),
        COR_E_IO => Err(Error::State(format!("SEAL failed in {what}: I/O error"))),
        E_OUTOFMEMORY => Err(Error::State(format!("SEAL failed in {what}: out of memory"))),
        E_POINTER => Err(Error::State(format!("SEAL failed in {what}: null pointer"))),
        other => Err(Error::State(format!("SEAL failed in {what}: HRESULT {:#x}", other as u32))),
    }
}

extern "C" {
    pub fn EncParams_Create1(scheme: u8, out: *mut Handle) -> HResult;
    pub fn EncParams_Destroy(this: Handle) -> HResult;
    pub fn EncParams_SetPolyModulusDegree(this: Handle, degree: u64) -> HResult;
    pub fn EncParams_SetCoeffModulus(this: Handle, length: u64, coeffs: *mut Handle) -> HResult;

    pub fn CoeffModulus_Create1(degree: u64, length: u64, bit_sizes: *mut c_int, coeffs: *mut Handle) -> HResult;
    pub fn Modulus_Destroy(this: Handle) -> HResult;

    pub fn SEALContext_Create(parms: Handle, expand_mod_chain: bool, sec_level: c_int, out: *mut Handle) -> HResult;
    pub fn SEALContext_Destroy(this: Handle) -> HResult;
    pub fn SEALContext_ParametersSet(this: Handle, set: *mut bool) -> HResult;
    pub fn SEALContext_ParameterErrorMessage(this: Handle, out: *mut u8, length: *mut u64) -> HResult;
    pub fn SEALContext_KeyParmsId(this: Handle, parms_id: *mut u64) -> HResult;
    pub fn SEALContext_FirstContextData(this: Handle, out: *mut Handle) -> HResult;
    pub fn ContextData_NextContextData(this: Handle, out: *mut Handle) -> HResult;
    pub fn ContextData_Parms(this: Handle, out: *mut Handle) -> HResult;
    pub fn ContextData_ChainIndex(this: Handle, index: *mut u64) -> HResult;
    pub fn EncParams_GetCoeffModulus(this: Handle, length: *mut u64, coeffs: *mut Handle) -> HResult;
    pub fn Modulus_Value(this: Handle, value: *mut u64) -> HResult;
    pub fn EncParams_GetParmsId(this: Handle, parms_id: *mut u64) -> HResult;

    pub fn CKKSEncoder_Create(context: Handle, out: *mut Handle) -> HResult;
    pub fn CKKSEncoder_Destroy(this: Handle) -> HResult;
    pub fn CKKSEncoder_SlotCount(this: Handle, count: *mut u64) -> HResult;
    pub fn CKKSEncoder_Encode1(this: Handle, count: u64, values: *const f64, parms_id: *const u64, scale: f64,
        destination: Handle, pool: Handle) -> HResult;
    pub fn CKKSEncoder_Encode3(this: Handle, value: f64, parms_id: *const u64, scale: f64, destination: Handle,
        pool: Handle) -> HResult;
    pub fn CKKSEncoder_Decode1(this: Handle, plain: Handle, count: *mut u64, values: *mut f64, pool: Handle) -> HResult;

    pub fn KeyGenerator_Create1(context: Handle, out: *mut Handle) -> HResult;
    pub fn KeyGenerator_Destroy(this: Handle) -> HResult;
    pub fn KeyGenerator_SecretKey(this: Handle, out: *mut Handle) -> HResult;
    pub fn KeyGenerator_CreatePublicKey(this: Handle, save_seed: bool, out: *mut Handle) -> HResult;
    pub fn KeyGenerator_CreateRelinKeys(this: Handle, save_seed: bool, out: *mut Handle) -> HResult;
    pub fn KeyGenerator_CreateGaloisKeysFromSteps(this: Handle, count: u64, steps: *mut c_int, save_seed: bool,
        out: *mut Handle) -> HResult;

    pub fn SecretKey_Create1(out: *mut Handle) -> HResult;
    pub fn SecretKey_Destroy(this: Handle) -> HResult;
    pub fn SecretKey_SaveSize(this: Handle, compr: u8, result: *mut i64) -> HResult;
    pub fn SecretKey_Save(this: Handle, out: *mut u8, size: u64, compr: u8, written: *mut i64) -> HResult;
    pub fn SecretKey_Load(this: Handle, context: Handle, inp: *mut u8, size: u64, read: *mut i64) -> HResult;
    pub fn PublicKey_Create1(out: *mut Handle) -> HResult;
    pub fn PublicKey_Destroy(this: Handle) -> HResult;
    pub fn PublicKey_SaveSize(this: Handle, compr: u8, result: *mut i64) -> HResult;
    pub fn PublicKey_Save(this: Handle, out: *mut u8, size: u64, compr: u8, written: *mut i64) -> HResult;
    pub fn PublicKey_Load(this: Handle, context: Handle, inp: *mut u8, size: u64, read: *mut i64) -> HResult;
    /// Relinearization and Galois keys are `KSwitchKeys` (they add no members).
    pub fn KSwitchKeys_Create1(out: *mut Handle) -> HResult;
    pub fn KSwitchKeys_Destroy(this: Handle) -> HResult;
    pub fn KSwitchKeys_SaveSize(this: Handle, compr: u8, result: *mut i64) -> HResult;
    pub fn KSwitchKeys_Save(this: Handle, out: *mut u8, size: u64, compr: u8, written: *mut i64) -> HResult;
    pub fn KSwitchKeys_Load(this: Handle, context: Handle, inp: *mut u8, size: u64, read: *mut i64) -> HResult;
    pub fn ValCheck_RelinKeys_IsValidFor(keys: Handle, context: Handle, result: *mut bool) -> HResult;
    pub fn ValCheck_GaloisKeys_IsValidFor(keys: Handle, context: Handle, result: *mut bool) -> HResult;
    pub fn ValCheck_PublicKey_IsValidFor(key: Handle, context: Handle, result: *mut bool) -> HResult;
    pub fn ValCheck_SecretKey_IsValidFor(key: Handle, context: Handle, result: *mut bool) -> HResult;
    pub fn ValCheck_Ciphertext_IsValidFor(ct: Handle, context: Handle, result: *mut bool) -> HResult;
    pub fn ValCheck_Plaintext_IsValidFor(pt: Handle, context: Handle, result: *mut bool) -> HResult;

    pub fn Plaintext_Create1(pool: Handle, out: *mut Handle) -> HResult;
    pub fn Plaintext_Destroy(this: Handle) -> HResult;
    pub fn Plaintext_GetParmsId(this: Handle, parms_id: *mut u64) -> HResult;
    pub fn Plaintext_Scale(this: Handle, scale: *mut f64) -> HResult;
    pub fn Plaintext_IsNTTForm(this: Handle, ntt: *mut bool) -> HResult;
    pub fn Plaintext_SaveSize(this: Handle, compr: u8, result: *mut i64) -> HResult;
    pub fn Plaintext_Save(this: Handle, out: *mut u8, size: u64, compr: u8, written: *mut i64) -> HResult;
    pub fn Plaintext_Load(this: Handle, context: Handle, inp: *mut u8, size: u64, read: *mut i64) -> HResult;

    pub fn Ciphertext_Create1(pool: Handle, out: *mut Handle) -> HResult;
    pub fn Ciphertext_Destroy(this: Handle) -> HResult;
    pub fn Ciphertext_Size(this: Handle, size: *mut u64) -> HResult;
    pub fn Ciphertext_ParmsId(this: Handle, parms_id: *mut u64) -> HResult;
    pub fn Ciphertext_Scale(this: Handle, scale: *mut f64) -> HResult;
    pub fn Ciphertext_SetScale(this: Handle, scale: f64) -> HResult;
    pub fn Ciphertext_IsNTTForm(this: Handle, ntt: *mut bool) -> HResult;
    pub fn Ciphertext_SaveSize(this: Handle, compr: u8, result: *mut i64) -> HResult;
    pub fn Ciphertext_Save(this: Handle, out: *mut u8, size: u64, compr: u8, written: *mut i64) -> HResult;
    pub fn Ciphertext_Load(this: Handle, context: Handle, inp: *mut u8, size: u64, read: *mut i64) -> HResult;

    pub fn Encryptor_Create(context: Handle, public_key: Handle, secret_key: Handle, out: *mut Handle) -> HResult;
    pub fn Encryptor_Destroy(this: Handle) -> HResult;
    pub fn Encryptor_Encrypt(this: Handle, plain: Handle, destination: Handle, pool: Handle) -> HResult;
    pub fn Decryptor_Create(context: Handle, secret_key: Handle, out: *mut Handle) -> HResult;
    pub fn Decryptor_Destroy(this: Handle) -> HResult;
    pub fn Decryptor_Decrypt(this: Handle, encrypted: Handle, destination: Handle) -> HResult;

    pub fn Evaluator_Create(context: Handle, out: *mut Handle) -> HResult;
    pub fn Evaluator_Destroy(this: Handle) -> HResult;
    pub fn Evaluator_Negate(this: Handle, encrypted: Handle, destination: Handle) -> HResult;
    pub fn Evaluator_Add(this: Handle, a: Handle, b: Handle, destination: Handle) -> HResult;
    pub fn Evaluator_Sub(this: Handle, a: Handle, b: Handle, destination: Handle) -> HResult;
    pub fn Evaluator_AddPlain(this: Handle, a: Handle, plain: Handle, destination: Handle) -> HResult;
    pub fn Evaluator_SubPlain(this: Handle, a: Handle, plain: Handle, destination: Handle) -> HResult;
    pub fn Evaluator_MultiplyPlain(this: Handle, a: Handle, plain: Handle, destination: Handle, pool: Handle) -> HResult;
    pub fn Evaluator_Multiply(this: Handle, a: Handle, b: Handle, destination: Handle, pool: Handle) -> HResult;
    pub fn Evaluator_Relinearize(this: Handle, a: Handle, relin_keys: Handle, destination: Handle, pool: Handle)
        -> HResult;
    pub fn Evaluator_RescaleToNext(this: Handle, a: Handle, destination: Handle, pool: Handle) -> HResult;
    pub fn Evaluator_ModSwitchTo1(this: Handle, a: Handle, parms_id: *const u64, destination: Handle, pool: Handle)
        -> HResult;
    pub fn Evaluator_ModSwitchTo2(this: Handle, plain: Handle, parms_id: *const u64, destination: Handle) -> HResult;
    pub fn Evaluator_RotateVector(this: Handle, a: Handle, steps: c_int, galois_keys: Handle, destination: Handle,
        pool: Handle) -> HResult;
}
