#!/usr/bin/env bash
# CKKS benchmarks of he-native, native (Rust) and through the Java API (JMH), at N=8192 and
# N=16384: encrypt, add, multiply_plain, multiply+relinearize, rescale, rotate, save, load.
# Writes bench/results/he-native-{rust,jmh,overhead}.{json,txt} and he-native-summary.txt
# (the tables copied into docs/benchmarks.md). Run from anywhere; takes about 8 minutes.
#   bench/he-native/run.sh            both
#   bench/he-native/run.sh native     only the Rust benchmark
#   bench/he-native/run.sh java       only JMH
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
results=$root/bench/results
# the per-checkout target directory of he-native/native/build.sh
checkout_id=$(printf '%s' "$root/he-native/native" | sha256sum | cut -c1-12)
target_dir=${CARGO_TARGET_DIR:-$HOME/.cache/genovfl/cargo-target/$checkout_id}
what=${1:-all}
mkdir -p "$results"
if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi

if [ "$what" = all ] || [ "$what" = native ]; then
  cargo run --release --locked --quiet --manifest-path "$root/he-native/native/Cargo.toml" \
    --target-dir "$target_dir" --example ckks_bench -- "$results/he-native-rust.json" \
    | tee "$results/he-native-rust.txt"
fi

if [ "$what" = all ] || [ "$what" = java ]; then
  # package builds the native library into the jar and compiles the benchmark (tests skipped)
  (cd "$root" && mvn -q -B -pl he-native -DskipTests package)
  classpath=$(cd "$root" && mvn -q -B -pl he-native dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
  jar=$(ls "$root"/he-native/target/genovfl-he-native-*.jar | head -1)
  # A fixed, pre-touched heap measures the steady state of a long-running service: in a
  # young JVM every new byte[] (save returns one per call) lands on heap pages never used
  # before, and the kernel's first-touch faults were then billed to the Java side.
  heap=(-Xms1g -Xmx1g -XX:+AlwaysPreTouch)
  java -cp "$jar:$root/he-native/target/test-classes:$classpath" org.openjdk.jmh.Main CkksBenchmark \
    -f 1 -wi 3 -i 5 -w 1s -r 1s -jvmArgsAppend "${heap[*]}" -rf json -rff "$results/he-native-jmh.json" \
    | tee "$results/he-native-jmh.txt"
  # paired: Java API and native calls alternate in one process, so both see the same load
  java "${heap[@]}" -cp "$jar:$root/he-native/target/test-classes:$classpath" org.genovfl.he.JniOverhead \
    "$results/he-native-overhead"
fi

python3 "$root/bench/he-native/summarize.py" "$results/he-native-rust.json" "$results/he-native-jmh.json" \
  | tee "$results/he-native-summary.txt"
