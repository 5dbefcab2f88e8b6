#!/usr/bin/env bash
# Benchmark (not a test): wall time, bytes and peak memory of one encrypted epoch of
# vertical logistic regression. Writes bench/results/vfl-epoch-<shape>.json.
#   bench/vfl/run.sh [patients=100000] [hospitalFeatures=30] [labFeatures=300] [epochs=2]
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -f vfl-protocol/pom.xml test-compile
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
mvn -B -q -f vfl-protocol/pom.xml dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test
cp=$(cat "$cpfile")
java -Xmx8g -cp "vfl-protocol/target/test-classes:vfl-protocol/target/classes:$cp" \
  org.genovfl.vfl.bench.EpochBenchmark "${1:-100000}" "${2:-30}" "${3:-300}" "${4:-2}" bench/results
