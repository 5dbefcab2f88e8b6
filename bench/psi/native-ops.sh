#!/usr/bin/env bash
# The PSI group operations alone, through he-native's Java API (no network, no database).
#   bench/psi/native-ops.sh [n]       default n = 200000
# Writes bench/results/psi-native-ops.json. Needs the he-native jar (HE_NATIVE_JAR overrides).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-200000}
jar=${HE_NATIVE_JAR:-$(ls "$root"/he-native/target/genovfl-he-native-*.jar | head -1)}
work=$(mktemp -d "${TMPDIR:-/tmp}/genovfl-psi-ops.XXXXXX")
trap 'rm -rf "$work"' EXIT
javac -cp "$jar" -d "$work" "$root/bench/psi/NativeOps.java"
java -cp "$work:$jar" NativeOps "$n" | tee "$root/bench/results/psi-native-ops.json"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
