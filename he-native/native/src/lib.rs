//! Native core of GenoVFL, loaded by the JVM through JNI.
//!
//! One module per feature, each with its JNI entry points in a `*_jni` module:
//! - [`ckks`] / [`ckks_jni`]: CKKS homomorphic encryption on Microsoft SEAL (via [`sealc`]);
//! - (planned) `psi`: Ristretto255 group operations for private set intersection.
//!
//! Every `Java_*` entry point runs under [`jni_util::guard`], which converts a Rust error
//! or panic into a Java exception: no input a Java caller can build may crash the JVM.

// sealy builds Microsoft SEAL and links its C API statically; we call that API ourselves.
use sealy as _;

pub mod ckks;
pub mod ckks_bench;
pub mod ckks_jni;
pub mod jni_util;
pub mod psi;
pub mod sealc;

use jni::objects::JClass;
use jni::sys::jstring;
use jni::JNIEnv;

/// Version of this native library, compared by the Java loader with the jar's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// How SEAL was built: with Intel HEXL (cargo feature `hexl`, the default) or without.
pub const SEAL_BUILD: &str = if cfg!(feature = "hexl") { "SEAL with Intel HEXL" } else { "SEAL" };

/// `org.genovfl.he.NativeLibrary.nativeVersion()`: the smallest call that proves the
/// library is loaded and the JNI symbols resolve. Names the SEAL build too, so a test or a
/// log line can tell which build a JVM loaded.
#[no_mangle]
pub extern "system" fn Java_org_genovfl_he_NativeLibrary_nativeVersion<'local>(
    env: JNIEnv<'local>,
    _class: JClass<'local>,
) -> jstring {
    match env.new_string(format!("genovfl-native {VERSION} ({SEAL_BUILD})")) {
        Ok(s) => s.into_raw(),
        // new_string failing means a Java exception (OutOfMemoryError) is already pending.
        Err(_) => std::ptr::null_mut(),
    }
}
