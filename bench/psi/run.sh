#!/usr/bin/env bash
# PSI benchmark (not a test): hospital and lab party services as two processes on this
# machine, over loopback mutual TLS, 50% overlap, n identifiers per side.
#   bench/psi/run.sh [n ...]        default: 10000 100000 1000000
#   bench/psi/run.sh --table        only rewrite bench/results/psi.md from the JSON files
# Writes bench/results/psi-<n>.json and bench/results/psi.md. Needs the party-service jar
# (./genovfl builds it; or mvn -pl party-service -am package -DskipTests); GENOVFL_JAR overrides.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/bench/common/driver.sh"
table_only=false
[ "${1:-}" = "--table" ] && { table_only=true; shift; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
results="$root/bench/results"
if ! $table_only; then
jar=$(bench_jar "$root")
work=$(mktemp -d "${TMPDIR:-/tmp}/genovfl-psi-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$results" "$work/classes"

bench_compile "$jar" "$work" "$root/bench/common/BenchParties.java" "$root/bench/psi/PsiBench.java"
java -cp "$work/classes:$cp" PsiBench "$jar" "$work" "$results" "${sizes[@]}" | tee "$work/out.txt"
fi

{
  echo "| identifiers per side | intersection | wall, run start to both completed (s) | hospital CPU: service + its PostgreSQL (s) | lab CPU: service + its PostgreSQL (s) | of which group operations, hospital / lab (s) | hospital peak RSS (MiB) | lab peak RSS (MiB) | bytes sent per identifier (hospital / lab) | load average after |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  # Every size measured so far (a run of some sizes keeps the others' rows).
  for f in $(ls "$results"/psi-[0-9]*.json | sort -t- -k2 -n); do
    python3 - "$f" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
def cpu(party):
    pg = r.get(party + 'PostgresCpuSeconds')
    return f"{r[party + 'CpuSeconds']}" + ("" if pg is None else f" + {pg}")
def crypto(party):
    return r.get(party + 'CpuSecondsByThread', {}).get('(threads that ended)', 'n/a')
wall = r.get('wallSeconds') if 'hospitalPostgresCpuSeconds' in r else r['serverWallSeconds']
print(f"| {r['identifiersPerSide']:,} | {r['intersection']:,} | {wall} | {cpu('hospital')} | {cpu('lab')} | {crypto('hospital')} / {crypto('lab')} | {r['hospitalPeakRssMiB']} | {r['labPeakRssMiB']} | {r['hospitalBytesSentPerIdentifier']} / {r['labBytesSentPerIdentifier']} | {r.get('loadAverageAfter', '')} |")
PY
  done
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs). Load average at the end of"
  echo "each run is in its JSON (loadAverageAfter): other jobs shared the machine when it is well above 2."
  echo "Group operations: the CPU of the threads that ended during the run (the native workers each"
  echo "batched call spawns); per-thread CPU is in each JSON. Rows without PostgreSQL CPU predate it."
} > "$results/psi.md"
cat "$results/psi.md"
