//! The benchmark operations, shared by the native benchmark (`examples/ckks_bench.rs`) and
//! the paired JNI-overhead measurement (`CkksNative.benchNative`, timed in the same JVM
//! and interleaved with the Java calls, so both see the same machine load).
//! Each run makes and frees its result, as the Java API's benchmark does.

use std::time::Instant;

use crate::ckks::{BinaryOp, Context, Kind};
use crate::jni_util::Error;
use crate::sealc::Handle;

/// The operations, in the order of their codes.
pub const OPS: [&str; 8] = ["encrypt", "add", "multiply_plain", "multiply_relin", "rescale", "rotate", "save", "load"];

/// Inputs of the operations: `prod` is a product (scale Δ²) to rescale, `saved` a saved ciphertext.
pub struct Inputs<'a> {
    pub encryptor: Handle,
    pub pt: Handle,
    pub a: Handle,
    pub b: Handle,
    pub prod: Handle,
    pub relin: Handle,
    pub galois: Handle,
    pub saved: &'a [u8],
}

/// Runs operation `op` once.
pub fn run(ctx: &Context, op: usize, x: &Inputs<'_>) -> Result<(), Error> {
    let dest = || Context::new_ciphertext();
    match op {
        0 => Context::encrypt(x.encryptor, x.pt).map(drop),
        1 => ctx.binary(BinaryOp::Add, x.a, x.b, dest()?.handle()),
        2 => ctx.binary(BinaryOp::MultiplyPlain, x.a, x.pt, dest()?.handle()),
        3 => ctx.multiply_relin(x.a, x.b, x.relin, dest()?.handle()),
        4 => ctx.rescale(x.prod, dest()?.handle()),
        5 => ctx.rotate(x.a, 1, x.galois, dest()?.handle()),
        6 => Context::save(Kind::Ciphertext, x.a, true).map(drop),
        7 => ctx.load(Kind::Ciphertext, x.saved).map(drop),
        _ => Err(Error::Argument(format!("no benchmark operation {op}"))),
    }
}

/// Runs `op` `iterations` times and returns the elapsed nanoseconds.
pub fn time(ctx: &Context, op: usize, x: &Inputs<'_>, iterations: u32) -> Result<u64, Error> {
    let start = Instant::now();
    for _ in 0..iterations {
        run(ctx, op, x)?;
    }
    Ok(start.elapsed().as_nanos() as u64)
}
