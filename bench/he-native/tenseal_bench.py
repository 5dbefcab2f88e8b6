#!/usr/bin/env python3
"""TenSEAL (PyPI `tenseal`) on the operations and parameters of he-native/native/examples/ckks_bench.rs.

TenSEAL bundles its own SEAL and exposes it as `tenseal.sealapi`; this calls SEAL through
that layer, one SEAL call per operation as in our benchmark (multiply_relin is multiply then
relinearize; each result goes into a fresh ciphertext, as ours makes and frees one):
N=8192 on primes of 60, 40, 40, 60 bits and N=16384 on 60, 6 x 40, 60 bits, scale 2^40.
TenSEAL's `save`/`load` take a file path only, so those two go through a file in /dev/shm
(memory, no disk), SEAL's default compression (zstd) as our compressed save.

Each operation: 0.5 s warm-up, then 100 ms batches for at least 2 s; prints and writes the
mean wall time, this thread's mean CPU time and the fastest batch in microseconds.
Run by bench/he-native/compare.sh:  tenseal_bench.py <output.json> [N]"""
import json
import os
import sys
import tempfile
import time

import tenseal
import tenseal.sealapi as seal

PRIMES = {8192: [60, 40, 40, 60], 16384: [60, 40, 40, 40, 40, 40, 40, 60]}


def measure(op):
    warm = time.perf_counter()
    while time.perf_counter() - warm < 0.5:
        op()
    best, total, start, cpu_start = float("inf"), 0, time.perf_counter(), time.thread_time()
    while time.perf_counter() - start < 2.0:
        batch, n = time.perf_counter(), 0
        while time.perf_counter() - batch < 0.1:
            op()
            n += 1
        best = min(best, (time.perf_counter() - batch) * 1e6 / n)
        total += n
    wall, cpu = time.perf_counter() - start, time.thread_time() - cpu_start
    return wall * 1e6 / total, cpu * 1e6 / total, best, total


def bench(n, record):
    parms = seal.EncryptionParameters(seal.SCHEME_TYPE.CKKS)
    parms.set_poly_modulus_degree(n)
    parms.set_coeff_modulus(seal.CoeffModulus.Create(n, PRIMES[n]))
    ctx = seal.SEALContext(parms, True, seal.SEC_LEVEL_TYPE.TC128)
    keygen = seal.KeyGenerator(ctx)
    pk, rk, gk = seal.PublicKey(), seal.RelinKeys(), seal.GaloisKeys()
    keygen.create_public_key(pk)
    keygen.create_relin_keys(rk)
    keygen.create_galois_keys([3], gk)  # the Galois element of a rotation by one slot (3^1 mod 2N); the binding takes elements, not steps
    encoder, encryptor, evaluator = seal.CKKSEncoder(ctx), seal.Encryptor(ctx, pk), seal.Evaluator(ctx)
    values = [((i * 7919) % 1000) / 250.0 - 2.0 for i in range(n // 2)]
    pt = seal.Plaintext()
    encoder.encode(values, 2.0 ** 40, pt)

    def encrypted():
        ct = seal.Ciphertext(ctx)
        encryptor.encrypt(pt, ct)
        return ct

    a, b = encrypted(), encrypted()
    prod = seal.Ciphertext(ctx)
    evaluator.multiply(a, b, prod)
    evaluator.relinearize_inplace(prod, rk)
    fd, path = tempfile.mkstemp(dir="/dev/shm", suffix=".seal")
    os.close(fd)
    a.save(path)

    def fresh(fill):
        def op():
            out = seal.Ciphertext(ctx)
            fill(out)
        return op

    def multiply_relin(out):
        evaluator.multiply(a, b, out)
        evaluator.relinearize_inplace(out, rk)

    ops = [
        ("encrypt", fresh(lambda out: encryptor.encrypt(pt, out))),
        ("add", fresh(lambda out: evaluator.add(a, b, out))),
        ("multiply_plain", fresh(lambda out: evaluator.multiply_plain(a, pt, out))),
        ("multiply_relin", fresh(multiply_relin)),
        ("rescale", fresh(lambda out: evaluator.rescale_to_next(prod, out))),
        ("rotate", fresh(lambda out: evaluator.rotate_vector(a, 1, gk, out))),
        ("save", lambda: a.save(path)),
        ("load", fresh(lambda out: out.load(ctx, path))),
    ]
    try:
        for name, op in ops:
            record(n, name, measure(op))
    finally:
        os.unlink(path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "he-native-tenseal.json"
    sizes = [int(sys.argv[2])] if len(sys.argv) > 2 else [8192, 16384]
    rows = []

    def record(n, name, result):
        mean, cpu, best, count = result
        print(f"tenseal {tenseal.__version__} N={n:>5} {name:<15} mean {mean:>10.1f} us  CPU {cpu:>10.1f} us"
              f"  best batch {best:>10.1f} us  ({count} ops)", flush=True)
        rows.append({"n": n, "op": name, "mean_us": round(mean, 2), "cpu_us": round(cpu, 2),
                     "best_us": round(best, 2), "ops": count})

    for n in sizes:
        bench(n, record)
    with open(out, "w") as f:
        json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
