#!/usr/bin/env bash
# Audit benchmark (not a test): steps commit events to the transactional outbox, the relay
# delivers them in batches (default settings: every 200 ms, up to 200 events) to the ledger.
# Both ledgers side by side, in one run:
#   bench/audit/run.sh                    the embedded ledger (hash chain in the party's PostgreSQL),
#                                         then the Fabric channel through the hospital's peer; brings
#                                         the network up (and down after) unless it already runs
#   bench/audit/run.sh --embedded-only    only the embedded ledger
#   bench/audit/run.sh --fabric-only      only the Fabric channel (the table keeps the last embedded figures)
# For Fabric it also samples the CPU time and peak RSS of every Fabric process (orderer, peers,
# chaincode servers) from /proc while the benchmark runs.
# Writes bench/results/audit-<ledger>.json, audit-fabric-processes.json and bench/results/audit.md.
# Needs the party-service jar (./genovfl builds it; or mvn -pl party-service -am package -DskipTests);
# GENOVFL_JAR overrides.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/bench/common/driver.sh"
fabric_sh="$root/fabric-audit/network/fabric.sh"
net=${GENOVFL_FABRIC_DIR:-$root/.genovfl/fabric}
jar=$(bench_jar "$root")
results="$root/bench/results"
work=$(mktemp -d "${TMPDIR:-/tmp}/genovfl-audit-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$results" "$work/classes" "$work/embedded" "$work/fabric"

bench_compile "$jar" "$work" "$root/bench/audit/AuditBench.java"
if [ "${1:-}" != "--fabric-only" ]; then
  java -Xmx1g -cp "$work/classes:$cp" AuditBench "$work/embedded" "$results" embedded > "$work/embedded.json"
  cat "$work/embedded.json"
fi

# CPU seconds (user+system, children included) and peak RSS (VmHWM) of each Fabric process.
fabric_usage() {
  local f pid name
  for f in "$net"/pids/*.pid; do
    pid=$(cat "$f"); name=$(basename "$f" .pid)
    [ -r "/proc/$pid/stat" ] || continue
    awk -v n="$name" -v hz="$(getconf CLK_TCK)" -v rss="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")" \
      '{ printf "%s %.2f %d\n", n, ($14 + $15 + $16 + $17) / hz, rss }' "/proc/$pid/stat"
  done
}

if [ "${1:-}" != "--embedded-only" ]; then
  started_here=0
  "$fabric_sh" status > "$work/status.txt" 2>/dev/null || true   # not in a pipe: grep -q would cut it short
  if ! grep -q '^peer-hospital .*running' "$work/status.txt"; then
    "$fabric_sh" up; started_here=1
  fi
  [ $started_here = 0 ] || trap '"$fabric_sh" down; rm -rf "$work"' EXIT
  fabric_usage > "$work/usage-before.txt"
  began=$(date +%s.%N)
  java -Xmx1g -cp "$work/classes:$cp" AuditBench "$work/fabric" "$results" fabric \
    "$net/connections/connection-hospital.properties" > "$work/fabric.json"
  ended=$(date +%s.%N)
  fabric_usage > "$work/usage-after.txt"
  cat "$work/fabric.json"
  python3 - "$work/usage-before.txt" "$work/usage-after.txt" "$began" "$ended" "$results/audit-fabric-processes.json" <<'PY'
import json, sys
before = {l.split()[0]: float(l.split()[1]) for l in open(sys.argv[1]) if l.strip()}
rows, wall = [], float(sys.argv[4]) - float(sys.argv[3])
for line in open(sys.argv[2]):
    name, cpu, rss = line.split()
    used = float(cpu) - before.get(name, 0.0)
    rows.append({"process": name, "cpuSeconds": round(used, 1), "cpuPercentOfOneCore": round(100 * used / wall, 1),
                 "peakRssMiB": round(int(rss) / 1024, 1)})
json.dump({"wallSeconds": round(wall, 1), "processes": rows}, open(sys.argv[5], "w"), indent=2)
PY
fi

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
if "backlogDrainOneStreamAtATime" in r:
    d = r["backlogDrainOneStreamAtATime"]
    print(f"| {r['ledger']} | backlog drain, 4 projects, one batch of {r['relayBatchSize']} at a time | {d['events']:,} | | | | {d['deliveredEventsPerSecond']} |")
d = r["backlogDrain"]
streams = r.get("relayStreamsInFlight", 1)
print(f"| {r['ledger']} | backlog drain, 4 projects, batches of {r['relayBatchSize']}, {streams} stream(s) in flight | {d['events']:,} | | | | {d['deliveredEventsPerSecond']} |")
PY
  done
  if [ -f "$results/audit-fabric-processes.json" ]; then
    echo
    echo "Fabric processes while the Fabric benchmark ran:"
    echo
    echo "| process | CPU (s) | CPU (% of one core) | peak RSS (MiB) |"
    echo "| --- | ---: | ---: | ---: |"
    python3 - "$results/audit-fabric-processes.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for p in sorted(r["processes"], key=lambda p: p["process"]):
    print(f"| {p['process']} | {p['cpuSeconds']} | {p['cpuPercentOfOneCore']} | {p['peakRssMiB']} |")
print(f"| all, over {r['wallSeconds']} s | {round(sum(p['cpuSeconds'] for p in r['processes']), 1)} | "
      f"{round(sum(p['cpuPercentOfOneCore'] for p in r['processes']), 1)} | {round(sum(p['peakRssMiB'] for p in r['processes']), 1)} |")
PY
  fi
  echo
  echo "Relay: every 200 ms, batches of up to 200 events, up to 4 streams (projects) in flight where the"
  echo "ledger takes them (Fabric; the embedded ledger one at a time). Latency: step commit to event recorded on"
  echo "the ledger. Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%Y-%m-%d)."
} > "$results/audit.md"
cat "$results/audit.md"
