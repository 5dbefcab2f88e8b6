#!/usr/bin/env bash
# Benchmark (not a test): one vertical LR run between the hospital, lab and coordinator
# party services, each its own process with its own embedded PostgreSQL, over loopback
# mutual TLS. Records wall time per epoch, each party's CPU time and peak RSS, and the
# body bytes exchanged, in bench/results/vfl-network-<n>x<features>.json.
#   bench/vfl/network.sh [patients=100000] [hospitalFeatures=30] [labFeatures=300] [epochs=3]
# Needs the party-service jar (./genovfl builds it; or mvn -pl party-service -am package
# -DskipTests); GENOVFL_JAR overrides.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/bench/common/driver.sh"
jar=$(bench_jar "$root")
work=$(mktemp -d "${TMPDIR:-/tmp}/genovfl-vfl-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$root/bench/results" "$work/classes"

bench_compile "$jar" "$work" "$root/bench/common/BenchParties.java" "$root/bench/vfl/NetworkTrainingBench.java"
java -Xmx2g -cp "$work/classes:$cp" NetworkTrainingBench "$jar" "$work/network" "$root/bench/results" \
  "${1:-100000}" "${2:-30}" "${3:-300}" "${4:-3}"
