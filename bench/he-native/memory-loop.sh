#!/usr/bin/env bash
# The 1,000,000-cycle encrypt/add/close memory check (the test suite runs 12,000): prints
# VmRSS every 5% of the cycles and writes bench/results/he-native-memory-loop.txt.
#   bench/he-native/memory-loop.sh [cycles] [N: 4096 (q = 40+20+40 bits) or 8192 (preset)]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cycles=${1:-1000000}
n=${2:-4096}
(cd "$root" && mvn -q -B -pl he-native -DskipTests package)
jar=$(ls "$root"/he-native/target/genovfl-he-native-*.jar | head -1)
# a fixed, pre-touched heap: resident from the start, so VmRSS growth is native memory
# (without pre-touch, G1 touching more of its committed heap over time looks like growth)
java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -cp "$jar:$root/he-native/target/test-classes" org.genovfl.he.MemoryLoop "$cycles" "$n" \
  | tee "$root/bench/results/he-native-memory-loop.txt"
