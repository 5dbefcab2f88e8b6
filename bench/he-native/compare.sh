#!/usr/bin/env bash
# SEAL with Intel HEXL (he-native's build) beside SEAL without it (the build before HEXL)
# and beside TenSEAL (PyPI), for the same CKKS operations and parameters, in one run:
#   native: he-native/native/examples/ckks_bench.rs built twice, into separate target
#           directories (cargo feature `hexl`, the default, and --no-default-features), and
#           bench/he-native/tenseal_bench.py, run one after the other for each N, twice over;
#   Java:   JMH's CkksBenchmark on the packaged jar, and on a copy of it whose portable
#           library is the build without HEXL (both forced to the portable variant).
# Writes bench/results/he-native-compare-*.json and he-native-compare.md (the table in
# docs/benchmarks.md). Every step logs the load average: the machine may be shared.
# Takes about 15 minutes after the builds.
#   bench/he-native/compare.sh [all|native|java]
# JMH_SELECT (a JMH regex, default CkksBenchmark), JMH_WARMUPS and JMH_ITERATIONS (3 and 5)
# shorten the Java part, e.g. JMH_SELECT='CkksBenchmark.(add|multiplyPlain|rescale|save)$'.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
results=$root/bench/results
cache=${GENOVFL_CACHE:-$HOME/.cache/genovfl}
what=${1:-all}
# with HEXL: the target directory of he-native/native/build.sh's portable build, whose SEAL
# build it shares; without HEXL: one beside it
checkout_id=$(printf '%s' "$root/he-native/native" | sha256sum | cut -c1-12)
target_dir=${CARGO_TARGET_DIR:-$cache/cargo-target/$checkout_id}
tenseal_version=0.3.18
mkdir -p "$results"
if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
log() { printf '## %s, %s, load average %s\n' "$*" "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1-3 /proc/loadavg)"; }

target_of() { if [ "$1" = hexl ]; then echo "$target_dir"; else echo "$target_dir-without-hexl"; fi; }

# build_bench hexl|seal: the ckks_bench example (and the library) with or without HEXL
build_bench() {
  local features=()
  [ "$1" = hexl ] || features=(--no-default-features)
  (cd "$root/he-native/native" && env -u RUSTFLAGS cargo build --release --locked --quiet --lib --example ckks_bench \
    "${features[@]}" --target-dir "$(target_of "$1")")
}

if [ "$what" = all ] || [ "$what" = native ]; then
  log "building ckks_bench with and without HEXL"
  build_bench hexl
  build_bench seal
  if [ ! -x "$cache/tenseal-venv/bin/python" ]; then
    python3 -m venv "$cache/tenseal-venv"
  fi
  "$cache/tenseal-venv/bin/pip" install -q "tenseal==$tenseal_version"
  for round in 1 2; do
    for n in 8192 16384; do
      for build in seal hexl; do
        log "round $round, N=$n, SEAL $build"
        "$(target_of $build)/release/examples/ckks_bench" \
          "$results/he-native-compare-$build-$n-$round.json" "$n"
      done
      log "round $round, N=$n, TenSEAL $tenseal_version"
      "$cache/tenseal-venv/bin/python" "$root/bench/he-native/tenseal_bench.py" \
        "$results/he-native-compare-tenseal-$n-$round.json" "$n"
    done
  done 2>&1 | tee "$results/he-native-compare-native.txt"
fi

if [ "$what" = all ] || [ "$what" = java ]; then
  # package builds the native library (with HEXL) into the jar and compiles the benchmark
  (cd "$root" && mvn -q -B -o -pl he-native -am -DskipTests package)
  classpath=$(cd "$root" && mvn -q -B -o -pl he-native dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
  jar=$(ls "$root"/he-native/target/genovfl-he-native-*.jar | head -1)
  build_bench seal
  # the same jar with the portable library swapped for the build without HEXL
  swap=$(mktemp -d)
  trap 'rm -rf "$swap"' EXIT
  lib_dir=org/genovfl/he/native/linux-x86_64
  mkdir -p "$swap/$lib_dir"
  cp "$(target_of seal)/release/libgenovfl_native.so" "$swap/$lib_dir/"
  sha256sum "$swap/$lib_dir/libgenovfl_native.so" | cut -d' ' -f1 > "$swap/$lib_dir/libgenovfl_native.so.sha256"
  cp "$jar" "$swap/without-hexl.jar"
  jar uf "$swap/without-hexl.jar" -C "$swap" "$lib_dir"
  heap=(-Xms1g -Xmx1g -XX:+AlwaysPreTouch -Dgenovfl.native.variant=portable)
  {
    for build in seal hexl; do
      if [ $build = hexl ]; then build_jar=$jar; else build_jar=$swap/without-hexl.jar; fi
      log "JMH, SEAL $build"
      java -cp "$build_jar:$root/he-native/target/test-classes:$classpath" org.openjdk.jmh.Main "${JMH_SELECT:-CkksBenchmark}" \
        -f 1 -wi "${JMH_WARMUPS:-3}" -i "${JMH_ITERATIONS:-5}" -w 1s -r 1s -jvmArgsAppend "${heap[*]}" -rf json \
        -rff "$results/he-native-compare-jmh-$build.json"
    done
  } 2>&1 | tee "$results/he-native-compare-jmh.txt"
fi

python3 "$root/bench/he-native/compare_summary.py" "$results" | tee "$results/he-native-compare.md"
