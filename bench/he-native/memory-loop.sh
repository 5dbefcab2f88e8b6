#!/usr/bin/env bash
# The encrypt/add/close memory loop of CkksMemoryIT (which runs 1,000,000 cycles in every
# build), by hand: prints VmRSS and the live native objects every 5% of the cycles and
# writes bench/results/he-native-memory-loop.txt. Parameters: N=1024, one 27-bit prime.
#   bench/he-native/memory-loop.sh [cycles (1000000)] [threads (all cores)]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cycles=${1:-1000000}
threads=${2:-$(nproc)}
(cd "$root" && mvn -q -B -pl he-native -DskipTests package)
jar=$(ls "$root"/he-native/target/genovfl-he-native-*.jar | head -1)
# a fixed, pre-touched heap: resident from the start, so VmRSS growth is native memory
# (without pre-touch, G1 touching more of its committed heap over time looks like growth)
{
  echo "# bench/he-native/memory-loop.sh $cycles $threads, $(date -u +%F), $(uptime | sed 's/.*load/load/')"
  /usr/bin/time -f "# %e s wall, %U s user, %S s sys" \
    java -Xms64m -Xmx64m -XX:+AlwaysPreTouch -cp "$jar:$root/he-native/target/test-classes" \
    org.genovfl.he.MemoryLoop "$cycles" "$(( cycles / 10 < 50000 ? cycles / 10 : 50000 ))" "$threads" 2>&1
} | tee "$root/bench/results/he-native-memory-loop.txt"
