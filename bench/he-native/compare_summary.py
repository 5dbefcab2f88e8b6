#!/usr/bin/env python3
"""The tables of bench/he-native/compare.sh: SEAL without HEXL, with HEXL, and TenSEAL.

Native rows: per build, the lower of the two rounds' mean thread CPU time (what the
operation costs a core; other processes on a shared machine inflate it least) and the
fastest 100 ms batch of either round. Java rows: JMH's mean and fastest 1 s iteration.
The speed-up is without HEXL over with HEXL, on CPU time (native) or on the best iteration
(Java).   compare_summary.py <results dir> [round: only that round's native results]"""
import glob
import json
import os
import re
import sys

OPS = ["encrypt", "add", "multiply_plain", "multiply_relin", "rescale", "rotate", "save", "load"]
JMH_NAMES = {"encrypt": "encrypt", "add": "add", "multiplyPlain": "multiply_plain",
             "multiplyRelin": "multiply_relin", "rescale": "rescale", "rotate": "rotate",
             "save": "save", "load": "load"}
results = sys.argv[1]
only_round = sys.argv[2] if len(sys.argv) > 2 else None

native = {}  # (build, n, op) -> (cpu, best)
for path in glob.glob(os.path.join(results, "he-native-compare-*-*-*.json")):
    build, run = re.match(r"he-native-compare-(\w+)-\d+-(\d+)\.json", os.path.basename(path)).groups()
    if only_round and run != only_round:
        continue
    for r in json.load(open(path)):
        key = (build, r["n"], r["op"])
        cpu, best = native.get(key, (float("inf"), float("inf")))
        native[key] = (min(cpu, r["cpu_us"]), min(best, r["best_us"]))

if native:
    print("Native (Rust calls into SEAL; TenSEAL: Python calls into its SEAL). "
          "µs per operation: mean CPU time / fastest batch.\n")
    print("| N | operation | SEAL | SEAL + HEXL | HEXL speed-up (CPU) | TenSEAL |")
    print("|---|---|---:|---:|---:|---:|")
    for n in (8192, 16384):
        for op in OPS:
            cells = [native.get((b, n, op)) for b in ("seal", "hexl", "tenseal")]
            if cells[0] is None and cells[1] is None:
                continue
            text = [f"{c[0]:,.1f} / {c[1]:,.1f}" if c else "–" for c in cells]
            speedup = f"{cells[0][0] / cells[1][0]:.2f}x" if cells[0] and cells[1] else "–"
            print(f"| {n} | {op} | {text[0]} | {text[1]} | {speedup} | {text[2]} |")

java = {}  # (build, n, op) -> (mean, error, best)
for build in ("seal", "hexl"):
    path = os.path.join(results, f"he-native-compare-jmh-{build}.json")
    if not os.path.exists(path):
        continue
    for r in json.load(open(path)):
        m = r["primaryMetric"]
        best = min(v for fork in m["rawData"] for v in fork)
        java[(build, int(r["params"]["n"]), JMH_NAMES[r["benchmark"].rsplit(".", 1)[1]])] = (
            m["score"], m["scoreError"], best)

if java:
    print("\nJava API (JMH, CkksBenchmark). µs per operation: mean ± error / fastest iteration.\n")
    print("| N | operation | SEAL | SEAL + HEXL | HEXL speed-up (best) |")
    print("|---|---|---:|---:|---:|")
    for n in (8192, 16384):
        for op in OPS:
            cells = [java.get((b, n, op)) for b in ("seal", "hexl")]
            if not any(cells):
                continue  # not selected (JMH_SELECT)
            text = [f"{c[0]:,.1f} ± {c[1]:,.1f} / {c[2]:,.1f}" if c else "–" for c in cells]
            speedup = f"{cells[0][2] / cells[1][2]:.2f}x" if all(cells) else "–"
            print(f"| {n} | {op} | {text[0]} | {text[1]} | {speedup} |")
