//! Native benchmark of the CKKS operations GenoVFL's Java API exposes, calling the same
//! Rust functions the JNI entry points call, so `JMH time - this time` is the JNI and Java
//! overhead. Run by `bench/he-native/run.sh`:
//!
//!     cargo run --release --example ckks_bench -- <output.json>
//!
//! Each operation: 0.5 s warm-up, then batches for at least 2 s; reports the mean and the
//! best batch mean in microseconds. Results (and allocation of each result, as in Java)
//! are freed inside the timed loop, as the Java benchmark closes its results.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use genovfl_native::ckks::{BinaryOp, Context, Kind};

struct Fixture {
    ctx: Box<Context>,
    _keys: Vec<genovfl_native::ckks::Obj>,
    enc: genovfl_native::ckks::Obj,
    pt: genovfl_native::ckks::Obj,
    a: genovfl_native::ckks::Obj,
    b: genovfl_native::ckks::Obj,
    prod: genovfl_native::ckks::Obj,
    rk: genovfl_native::ckks::Obj,
    gk: genovfl_native::ckks::Obj,
    saved: Vec<u8>,
}

fn fixture(n: u64, bits: &[i32]) -> Fixture {
    let ctx = Context::create(n, bits).expect("context");
    let kg = ctx.key_generator().unwrap();
    let pk = Context::public_key(kg.handle()).unwrap();
    let rk = Context::relin_keys(kg.handle()).unwrap();
    let gk = ctx.galois_keys(kg.handle(), &[1]).unwrap();
    let enc = ctx.encryptor(pk.handle()).unwrap();
    let slots = ctx.slots();
    let values: Vec<f64> = (0..slots).map(|i| ((i * 7919) % 1000) as f64 / 250.0 - 2.0).collect();
    let scale = 2f64.powi(40);
    let pt = ctx.encode(&values, ctx.max_level(), scale).unwrap();
    let a = Context::encrypt(enc.handle(), pt.handle()).unwrap();
    let b = Context::encrypt(enc.handle(), pt.handle()).unwrap();
    let prod = Context::new_ciphertext().unwrap();
    ctx.multiply_relin(a.handle(), b.handle(), rk.handle(), prod.handle()).unwrap();
    let saved = Context::save(Kind::Ciphertext, a.handle(), true).unwrap();
    Fixture { ctx, _keys: vec![kg, pk], enc, pt, a, b, prod, rk, gk, saved }
}

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
    let mut first = true;
    for (n, bits) in [(8192u64, vec![60, 40, 40, 60]), (16384, vec![60, 40, 40, 40, 40, 40, 40, 60])] {
        let f = fixture(n, &bits);
        let ctx = &f.ctx;
        let new_ct = || Context::new_ciphertext().unwrap();
        let ops: Vec<(&str, Box<dyn FnMut() + '_>)> = vec![
            ("encrypt", Box::new(|| drop(Context::encrypt(f.enc.handle(), f.pt.handle()).unwrap()))),
            ("add", Box::new(|| {
                let d = new_ct();
                ctx.binary(BinaryOp::Add, f.a.handle(), f.b.handle(), d.handle()).unwrap();
            })),
            ("multiply_plain", Box::new(|| {
                let d = new_ct();
                ctx.binary(BinaryOp::MultiplyPlain, f.a.handle(), f.pt.handle(), d.handle()).unwrap();
            })),
            ("multiply_relin", Box::new(|| {
                let d = new_ct();
                ctx.multiply_relin(f.a.handle(), f.b.handle(), f.rk.handle(), d.handle()).unwrap();
            })),
            ("rescale", Box::new(|| {
                let d = new_ct();
                ctx.rescale(f.prod.handle(), d.handle()).unwrap();
            })),
            ("rotate", Box::new(|| {
                let d = new_ct();
                ctx.rotate(f.a.handle(), 1, f.gk.handle(), d.handle()).unwrap();
            })),
            ("save", Box::new(|| drop(Context::save(Kind::Ciphertext, f.a.handle(), true).unwrap()))),
            ("load", Box::new(|| drop(ctx.load(Kind::Ciphertext, &f.saved).unwrap()))),
        ];
        for (name, mut op) in ops {
            let (mean, best, count) = measure(&mut op);
            println!("native N={n:>5} {name:<15} mean {mean:>10.1} us  best batch {best:>10.1} us  ({count} ops)");
            if !first {
                json.push_str(",\n");
            }
            first = false;
            let _ = write!(json, "  {{\"n\": {n}, \"op\": \"{name}\", \"mean_us\": {mean:.2}, \"best_us\": {best:.2}, \"ops\": {count}}}");
        }
    }
    json.push_str("\n]\n");
    std::fs::write(&out, json).expect("write results");
}
