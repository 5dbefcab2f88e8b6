#!/usr/bin/env bash
# Benchmark (not a test): one vertical inference run, every role in one process, step by
# step (wall and CPU seconds, bytes). Writes bench/results/vfl-inference-<shape>.json.
#   bench/vfl/inference.sh [patients=100000] [hospitalFeatures=30] [labFeatures=300] [labs=1]
# Run it after a reactor build (mvn -o -pl vfl-protocol -am verify -DskipTests): it uses
# this checkout's he-native jar, not one from ~/.m2.
set -euo pipefail
cd "$(dirname "$0")/../.."
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
mvn -B -q -o -pl vfl-protocol -am dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test \
  >/dev/null
cp="he-native/target/genovfl-he-native-0.1.0-SNAPSHOT.jar:$(cat "$cpfile")"
java -Xmx4g -cp "vfl-protocol/target/test-classes:vfl-protocol/target/classes:$cp" \
  org.genovfl.vfl.bench.InferenceBenchmark "${1:-100000}" "${2:-30}" "${3:-300}" "${4:-1}" bench/results
