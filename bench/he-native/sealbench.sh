#!/usr/bin/env bash
# SEAL's own benchmark (sealbench, from the SEAL sources sealy 0.2.0 ships) built against the
# very SEAL library he-native links (same build, same flags), for SEAL's own figures on this
# machine. Writes bench/results/<name>.{json,txt} (name: he-native-sealbench). Needs Google Benchmark
# (Debian: libbenchmark-dev) and a release build of he-native/native (mvn package or
# bench/he-native/run.sh native). sealbench times 10 iterations per repetition (its own
# setting), with the inputs re-randomised outside the timing; we ask for 20 repetitions
# and keep mean, median and spread. Its precomputation (keys for every N) takes a minute.
#   bench/he-native/sealbench.sh [benchmark filter regex] [name]
# CARGO_TARGET_DIR picks another build of the crate (e.g. SEAL built with other CXXFLAGS).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
results=$root/bench/results
filter=${1:-'n=(8192|16384) / log\(q\)=[0-9]+ / CKKS / (EncryptPublic|EncryptSecret|EvaluateAddCt|EvaluateMulPt|EvaluateMulCt|EvaluateRescaleInplace|EvaluateRelinInplace|EvaluateRotate)/'}
name=${2:-he-native-sealbench}
checkout_id=$(printf '%s' "$root/he-native/native" | sha256sum | cut -c1-12)
target_dir=${CARGO_TARGET_DIR:-$HOME/.cache/genovfl/cargo-target/$checkout_id}

build=$(ls -d "$target_dir"/release/build/sealy-*/out/build 2>/dev/null | head -1)
seal_src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/sealy-0.2.0/SEAL 2>/dev/null | head -1)
if [ -z "$build" ] || [ ! -f "$build/lib/libseal-4.0.a" ]; then
  echo "no SEAL build under $target_dir: build he-native first (mvn -pl he-native package)" >&2
  exit 1
fi
if [ ! -f /usr/include/benchmark/benchmark.h ]; then
  echo "Google Benchmark is missing: apt-get install libbenchmark-dev" >&2
  exit 1
fi

# the compile flags of the SEAL build itself, so the benchmark code is built the same way
flags=$(sed -n 's/^CMAKE_CXX_FLAGS:STRING=//p' "$build/CMakeCache.txt")
flags_release=$(sed -n 's/^CMAKE_CXX_FLAGS_RELEASE:STRING=//p' "$build/CMakeCache.txt")
exe=$target_dir/sealbench
# shellcheck disable=SC2086
c++ -std=c++17 $flags $flags_release -I"$seal_src/native/src" -I"$build/native/src" \
  "$seal_src"/native/bench/*.cpp "$build/lib/libseal-4.0.a" "$build/lib/libzstd.a" "$build/lib/libz.a" \
  -lbenchmark -lpthread -o "$exe"

mkdir -p "$results"
"$exe" --benchmark_filter="$filter" --benchmark_out="$results/$name.json" \
  --benchmark_out_format=json --benchmark_repetitions=20 --benchmark_report_aggregates_only=true | tee "$results/$name.txt"
