#!/usr/bin/env bash
# Benchmark (not a test): one encrypted GWAS scan in one process (hospital, lab and
# coordinator as LocalGwasRun drives them), synthetic genotypes, binary outcome.
# Writes bench/results/gwas-<patients>x<variants>.json.
#   bench/gwas/run.sh [patients=500] [variants=10000] [covariates=10]
# Build first from the worktree root: mvn -B -o -q install -DskipTests -pl he-native,vfl-protocol -am
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -o -q -f vfl-protocol/pom.xml test-compile
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
mvn -B -o -q -f vfl-protocol/pom.xml dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test
java -Xmx8g -cp "vfl-protocol/target/test-classes:vfl-protocol/target/classes:$(cat "$cpfile")" \
  org.genovfl.vfl.bench.ScoreScanBenchmark "${1:-500}" "${2:-10000}" "${3:-10}" bench/results
