#!/usr/bin/env python3
"""Joins the native and JMH results of bench/he-native/run.sh into one Markdown table.

Two estimators per side: the mean, and the best observed (native: fastest 100 ms batch;
JMH: fastest 1 s iteration). On a shared machine the best is the steadier comparison.
The native side also gives its mean thread CPU time."""
import json
import sys

NAMES = {"encrypt": "encrypt", "add": "add", "multiplyPlain": "multiply_plain",
         "multiplyRelin": "multiply_relin", "rescale": "rescale", "rotate": "rotate",
         "save": "save", "load": "load"}
ORDER = ["encrypt", "add", "multiply_plain", "multiply_plain_into", "multiply_plain_into_4primes", "multiply_relin", "rescale", "rotate",
         "save", "load"]

native = {(r["n"], r["op"]): r for r in json.load(open(sys.argv[1]))}
java = {}
for r in json.load(open(sys.argv[2])):
    op = NAMES[r["benchmark"].rsplit(".", 1)[1]]
    m = r["primaryMetric"]
    best = min(v for fork in m["rawData"] for v in fork)
    java[(int(r["params"]["n"]), op)] = (m["score"], m["scoreError"], best)

print("| N | operation | native mean / CPU / best (µs) | Java API mean ± err / best (µs) | overhead (best vs best) |")
print("|---|---|---:|---:|---:|")
for (n, op), r in sorted(native.items(), key=lambda kv: (kv[0][0], ORDER.index(kv[0][1]))):
    j = java.get((n, op))
    cpu = f"{r['cpu_us']:.1f}" if "cpu_us" in r else "–"  # runs before CPU time was recorded
    nat = f"{r['mean_us']:.1f} / {cpu} / {r['best_us']:.1f}"
    if j is None:
        print(f"| {n} | {op} | {nat} | – | – |")
        continue
    overhead = (j[2] - r["best_us"]) / r["best_us"] * 100
    print(f"| {n} | {op} | {nat} | {j[0]:.1f} ± {j[1]:.1f} / {j[2]:.1f} | {overhead:+.1f} % |")
