//! Native benchmark of the CKKS operations GenoVFL's Java API exposes, calling the same
//! Rust functions the JNI entry points call (`genovfl_native::ckks_bench`). Run by
//! `bench/he-native/run.sh`:
//!
//!     cargo run --release --example ckks_bench -- <output.json>
//!
//! Each operation: 0.5 s warm-up, then 100 ms batches for at least 2 s; reports the mean
//! and the fastest batch in microseconds. `multiply_plain_into` writes into an existing
//! ciphertext, as SEAL's own sealbench does.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use genovfl_native::ckks::{BinaryOp, Context, Kind};
use genovfl_native::ckks_bench::{run, Inputs, OPS};

fn measure(mut op: impl FnMut()) -> (f64, f64, u64) {
    let warm = Instant::now();
    while warm.elapsed() < Duration::from_millis(500) {
        op();
    }
    let mut best = f64::MAX;
    let (mut total_ops, start) = (0u64, Instant::now());
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
    (start.elapsed().as_secs_f64() * 1e6 / total_ops as f64, best, total_ops)
}

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "he-native-rust.json".into());
    let mut json = String::from("[\n");
    for (n, bits) in [(8192u64, vec![60, 40, 40, 60]), (16384, vec![60, 40, 40, 40, 40, 40, 40, 60])] {
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
        let mut results: Vec<(&str, (f64, f64, u64))> = Vec::new();
        for (op, name) in OPS.iter().enumerate() {
            results.push((name, measure(|| run(&ctx, op, &inputs).unwrap())));
            if *name == "multiply_plain" {
                let into = || ctx.binary(BinaryOp::MultiplyPlain, a.handle(), pt.handle(), dest.handle()).unwrap();
                results.push(("multiply_plain_into", measure(into)));
            }
        }
        for (name, (mean, best, count)) in results {
            println!("native N={n:>5} {name:<20} mean {mean:>10.1} us  best batch {best:>10.1} us  ({count} ops)");
            let _ = writeln!(json, "  {{\"n\": {n}, \"op\": \"{name}\", \"mean_us\": {mean:.2}, \"best_us\": {best:.2}, \"ops\": {count}}},");
        }
    }
    let json = json.trim_end().trim_end_matches(',').to_string() + "\n]\n";
    std::fs::write(&out, json).expect("write results");
}
