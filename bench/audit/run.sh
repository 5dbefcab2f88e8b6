#!/usr/bin/env bash
# Audit benchmark (not a test): steps commit events to the transactional outbox, the relay
# delivers them in batches (default settings: every 200 ms, up to 200 events) to the ledger.
#   bench/audit/run.sh                    embedded ledger (hash chain in the party's PostgreSQL)
#   bench/audit/run.sh --fabric [file]    Fabric channel (after ./genovfl fabric up); file defaults
#                                         to the hospital's connection file
# Writes bench/results/audit-<ledger>.json and bench/results/audit.md. Needs the party-service
# jar (./genovfl builds it; or mvn -pl party-service -am package -DskipTests); GENOVFL_JAR overrides.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/bench/common/driver.sh"
mode=embedded; extra=()
if [ "${1:-}" = "--fabric" ]; then
  mode=fabric
  extra=("${2:-${GENOVFL_FABRIC_DIR:-$root/.genovfl/fabric}/connections/connection-hospital.properties}")
  [ -f "${extra[0]}" ] || { echo "no Fabric connection file ${extra[0]}: run ./genovfl fabric up" >&2; exit 1; }
fi
jar=$(bench_jar "$root")
results="$root/bench/results"
work=$(mktemp -d "${TMPDIR:-/tmp}/genovfl-audit-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$results" "$work/classes"

bench_compile "$jar" "$work" "$root/bench/audit/AuditBench.java"
java -Xmx1g -cp "$work/classes:$cp" AuditBench "$work" "$results" "$mode" "${extra[@]}" > "$work/out.json"
cat "$work/out.json"

{
  echo "| ledger | load | events | commit latency p50 (ms) | p95 (ms) | max (ms) | delivered events/s |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
  for f in "$results"/audit-embedded.json "$results"/audit-fabric.json; do
    [ -f "$f" ] || continue
    python3 - "$f" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for load, row in (("one event at a time (every 40 ms)", r["latencyOneEventAtATime"]),
                  (f"burst, {r['throughputBurst']['producers']} producers", r["throughputBurst"])):
    print(f"| {r['ledger']} | {load} | {row['events']:,} | {row['commitLatencyMsP50']} | {row['commitLatencyMsP95']} "
          f"| {row['commitLatencyMsMax']} | {row['deliveredEventsPerSecond']} |")
d = r["backlogDrain"]
print(f"| {r['ledger']} | backlog drain (relay batches of {r['relayBatchSize']}) | {d['events']:,} | | | | {d['deliveredEventsPerSecond']} |")
PY
  done
  echo
  echo "Relay: every 200 ms, batches of up to 200 events. Latency: step commit to event recorded on"
  echo "the ledger. Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%Y-%m-%d)."
} > "$results/audit.md"
cat "$results/audit.md"
