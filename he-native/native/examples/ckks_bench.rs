//! Native benchmark of the CKKS operations GenoVFL's Java API exposes, calling the same
//! Rust functions the JNI entry points call (`genovfl_native::ckks_bench`). Run by
//! `bench/he-native/run.sh`:
//!
//!     cargo run --release --example ckks_bench -- <output.json> [N (both 8192 and 16384 by default)]
//!
//! Each operation: 0.5 s warm-up, then 100 ms batches for at least 2 s; reports the mean
//! (wall clock, and this thread's CPU time, which other processes on a shared machine do
//! not inflate as much) and the fastest batch in microseconds. `multiply_plain_into` writes into an existing
//! ciphertext, as SEAL's own sealbench does. `multiply_plain_into_4primes` is the same at
//! N=8192 on the bit sizes of SEAL's default 218-bit modulus (43, 43, 44, 44, 44), whose top
//! data level has 4 primes against our preset's 3: the like-for-like row for sealbench's
//! `EvaluateMulPt` (`bench/he-native/sealbench.sh`).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use genovfl_native::ckks::{BinaryOp, Context, Kind};
use genovfl_native::ckks_bench::{run, Inputs, OPS};

#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

extern "C" {
    fn clock_gettime(clock: i32, now: *mut Timespec) -> i32;
}

/// This thread's CPU time in seconds (Linux `CLOCK_THREAD_CPUTIME_ID`).
fn thread_cpu_seconds() -> f64 {
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut now = Timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid out-pointer for the duration of the call.
    unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut now) };
    now.tv_sec as f64 + now.tv_nsec as f64 * 1e-9
}

/// Returns (mean wall µs, mean CPU µs, fastest batch µs, operations).
fn measure(mut op: impl FnMut()) -> (f64, f64, f64, u64) {
    let warm = Instant::now();
    while warm.elapsed() < Duration::from_millis(500) {
        op();
    }
    let mut best = f64::MAX;
    let (mut total_ops, start, cpu_start) = (0u64, Instant::now(), thread_cpu_seconds());
    while start.elapsed() < Duration::from_secs(2) {
        let batch = Instant::now();
        let mut n = 0u64;
        while batch.elapsed() < Duration::from_millis(100) {
            op();
            n += 1;
        }
        best = best.min(batch.elapsed().as_secs_f64() * 1e6 / n as f64);
        total_ops += n;
    }
    let per_op = |seconds: f64| seconds * 1e6 / total_ops as f64;
    (per_op(start.elapsed().as_secs_f64()), per_op(thread_cpu_seconds() - cpu_start), best, total_ops)
}

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "he-native-rust.json".into());
    let only: Option<u64> = std::env::args().nth(2).map(|n| n.parse().expect("N"));
    let mut json = String::from("[\n");
    let mut record = |n: u64, name: &str, (mean, cpu, best, count): (f64, f64, f64, u64)| {
        println!("native N={n:>5} {name:<27} mean {mean:>10.1} us  CPU {cpu:>10.1} us  best batch {best:>10.1} us  ({count} ops)");
        let _ = writeln!(json, "  {{\"n\": {n}, \"op\": \"{name}\", \"mean_us\": {mean:.2}, \"cpu_us\": {cpu:.2}, \"best_us\": {best:.2}, \"ops\": {count}}},");
    };
    for (n, bits) in [(8192u64, vec![60, 40, 40, 60]), (16384, vec![60, 40, 40, 40, 40, 40, 40, 60])] {
        if only.is_some_and(|o| o != n) {
            continue;
        }
        let ctx = Context::create(n, &bits).expect("context");
        let kg = ctx.key_generator().unwrap();
        let pk = Context::public_key(kg.handle()).unwrap();
        let rk = Context::relin_keys(kg.handle()).unwrap();
        let gk = ctx.galois_keys(kg.handle(), &[1]).unwrap();
        let enc = ctx.encryptor(pk.handle()).unwrap();
        let values: Vec<f64> = (0..ctx.slots()).map(|i| ((i * 7919) % 1000) as f64 / 250.0 - 2.0).collect();
        let pt = ctx.encode(&values, ctx.max_level(), 2f64.powi(40)).unwrap();
        let a = Context::encrypt(enc.handle(), pt.handle()).unwrap();
        let b = Context::encrypt(enc.handle(), pt.handle()).unwrap();
        let prod = Context::new_ciphertext().unwrap();
        ctx.multiply_relin(a.handle(), b.handle(), rk.handle(), prod.handle()).unwrap();
        let saved = Context::save(Kind::Ciphertext, a.handle(), true).unwrap();
        let dest = Context::new_ciphertext().unwrap();
        let inputs = Inputs {
            encryptor: enc.handle(), pt: pt.handle(), a: a.handle(), b: b.handle(), prod: prod.handle(),
            relin: rk.handle(), galois: gk.handle(), saved: &saved,
        };
        let mut results: Vec<(&str, (f64, f64, f64, u64))> = Vec::new();
        for (op, name) in OPS.iter().enumerate() {
            results.push((name, measure(|| run(&ctx, op, &inputs).unwrap())));
            if *name == "multiply_plain" {
                let into = || ctx.binary(BinaryOp::MultiplyPlain, a.handle(), pt.handle(), dest.handle()).unwrap();
                results.push(("multiply_plain_into", measure(into)));
            }
        }
        for (name, result) in results {
            record(n, name, result);
        }
        if n == 8192 {
            let sealbench = Context::create(n, &[43, 43, 44, 44, 44]).expect("context");
            let kg = sealbench.key_generator().unwrap();
            let pk = Context::public_key(kg.handle()).unwrap();
            let enc = sealbench.encryptor(pk.handle()).unwrap();
            let pt = sealbench.encode(&values, sealbench.max_level(), 2f64.powi(40)).unwrap();
            let a = Context::encrypt(enc.handle(), pt.handle()).unwrap();
            let dest = Context::new_ciphertext().unwrap();
            let into = || sealbench.binary(BinaryOp::MultiplyPlain, a.handle(), pt.handle(), dest.handle()).unwrap();
            record(n, "multiply_plain_into_4primes", measure(into));
        }
    }
    let json = json.trim_end().trim_end_matches(',').to_string() + "\n]\n";
    std::fs::write(&out, json).expect("write results");
}
