//! The JNI error boundary shared by every native module (CKKS now, PSI later).
//!
//! A `Java_*` entry point wraps its body in [`guard`]: the body returns `Result<T, Error>`,
//! a Rust panic is caught with `catch_unwind`, and either becomes a Java exception while
//! the entry point returns `T::default()` (Java ignores the value when an exception is
//! pending). Nothing a Java caller passes may unwind into the JVM.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use jni::JNIEnv;

/// Java class thrown for bytes that do not decode to a valid object for the context.
pub const FORMAT_EXCEPTION: &str = "org/genovfl/he/HeFormatException";

/// An error to be raised in Java.
#[derive(Debug)]
pub enum Error {
    /// The caller's mistake: `IllegalArgumentException`.
    Argument(String),
    /// Untrusted bytes that are malformed or do not fit the context: `HeFormatException`
    /// (an `IllegalArgumentException`).
    Format(String),
    /// A failure on our side: `IllegalStateException`.
    State(String),
    /// A JNI call failed; the JVM already has an exception pending (or none can be thrown).
    Jni(jni::errors::Error),
}

impl From<jni::errors::Error> for Error {
    fn from(e: jni::errors::Error) -> Self {
        Error::Jni(e)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Argument(m) | Error::Format(m) | Error::State(m) => f.write_str(m),
            Error::Jni(e) => write!(f, "JNI: {e}"),
        }
    }
}

/// Runs `body` under `catch_unwind` and turns an error or a panic into a Java exception.
pub fn guard<'local, T, F>(env: &mut JNIEnv<'local>, body: F) -> T
where
    T: Default,
    F: FnOnce(&mut JNIEnv<'local>) -> Result<T, Error>,
{
    let outcome = catch_unwind(AssertUnwindSafe(|| body(env)));
    match outcome {
        Ok(Ok(value)) => value,
        Ok(Err(error)) => {
            throw(env, &error);
            T::default()
        }
        Err(panic) => {
            let error = Error::State(format!("native code panicked: {}", panic_message(&panic)));
            throw(env, &error);
            T::default()
        }
    }
}

fn throw(env: &mut JNIEnv<'_>, error: &Error) {
    if env.exception_check().unwrap_or(true) {
        return; // keep the exception the JVM already holds
    }
    let class = match error {
        Error::Argument(_) => "java/lang/IllegalArgumentException",
        Error::Format(_) => FORMAT_EXCEPTION,
        Error::State(_) | Error::Jni(_) => "java/lang/IllegalStateException",
    };
    // If even throwing fails, the JVM has an exception (e.g. OutOfMemoryError) pending.
    let _ = env.throw_new(class, error.to_string());
}

fn panic_message(panic: &Box<dyn Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}
