//! Native core of GenoVFL, loaded by the JVM through JNI.
//!
//! Every `Java_*` entry point converts a Rust error or panic into a Java exception: no
//! input a Java caller can build may crash the JVM.

use jni::objects::JClass;
use jni::sys::jstring;
use jni::JNIEnv;

/// Version of this native library, compared by the Java loader with the jar's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `org.genovfl.he.NativeLibrary.nativeVersion()`: the smallest call that proves the
/// library is loaded and the JNI symbols resolve.
#[no_mangle]
pub extern "system" fn Java_org_genovfl_he_NativeLibrary_nativeVersion<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
) -> jstring {
    match env.new_string(format!("genovfl-native {VERSION}")) {
        Ok(s) => s.into_raw(),
        // new_string failing means a Java exception (OutOfMemoryError) is already pending.
        Err(_) => std::ptr::null_mut(),
    }
}
