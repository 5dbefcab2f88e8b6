#!/usr/bin/env bash
# Memory under oversized uploads (not a test): starts a hospital and a lab party service as
# `./genovfl start` does (default JVM settings, default genovfl.limits), then sends each of
# them two oversized uploads at once and records the JVM's peak resident set size (VmHWM,
# reset before each case) and whether the service still answers afterwards:
#   - hospital: two 1 GiB FHIR bodies, chunked (read up to max-document-size, then 413);
#   - hospital: two 1 GiB FHIR bodies with a Content-Length (refused at the first read);
#   - lab: two gzipped VCFs whose one data line is 1 GiB (line buffer capped at max-vcf-line-size, 413).
# Writes bench/results/ingest-limits.json. Needs the party-service jar (./genovfl builds it).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/bench/common/driver.sh"
jar=$(bench_jar "$root")
results="$root/bench/results"
work=$(mktemp -d "${TMPDIR:-/tmp}/genovfl-limits-bench.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$results"

java -Dloader.main=org.genovfl.party.demo.DemoSetup -jar "$jar" "$work/demo" >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Each party has its own accounts (<party>-admin), passwords in the demo's credentials file.
admin() { echo "$1-admin:$(grep "^$1-admin=" "$work/demo/credentials.properties" | cut -d= -f2-)"; }
declare -A port pid
for party in hospital lab; do
  port[$party]=$(free_port)
  java -jar "$jar" --spring.config.additional-location="file:$work/demo/$party.properties" \
    --server.port="${port[$party]}" --genovfl.data-directory="$work/data-$party" > "$work/$party.log" 2>&1 &
  pid[$party]=$!
  pids+=("$!")
done
url() { echo "https://localhost:${port[$1]}$2"; }
for party in hospital lab; do
  for _ in $(seq 1 900); do  # starts take minutes on a loaded machine
    curl -sk "$(url $party /actuator/health)" | grep -q UP && break
    sleep 1
  done
  curl -sk "$(url $party /actuator/health)" | grep -q UP || { tail -30 "$work/$party.log" >&2; exit 1; }
done

kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/${pid[$1]}/status"; }
reset_peak() { echo 5 > "/proc/${pid[$1]}/clear_refs"; }

# Two requests at once; prints both status codes.
twice() {
  "$@" > "$work/a.status" & local a=$!
  "$@" > "$work/b.status" & local b=$!
  wait $a $b
  echo "$(cat "$work/a.status") $(cat "$work/b.status")"
}
fhir_chunked() {
  head -c 1G /dev/zero | tr '\0' ' ' | curl -sk -o /dev/null -w '%{http_code}' -u "$(admin hospital)" \
    -H 'Content-Type: application/fhir+json' -H 'Transfer-Encoding: chunked' -H 'Expect:' -X POST -T - "$(url hospital /api/ingest/fhir)" || true
}
head -c 1G /dev/zero | tr '\0' ' ' > "$work/big.json"
fhir_declared() {
  # -T streams the file with its Content-Length (--data-binary would load it into curl's memory).
  curl -sk -o /dev/null -w '%{http_code}' -u "$(admin hospital)" -H 'Content-Type: application/fhir+json' -H 'Expect:' \
    -X POST -T "$work/big.json" "$(url hospital /api/ingest/fhir)" || true
}
{ printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n20\t100\trs1\tA\tG\t.\tPASS\tX='
  head -c 1G /dev/zero | tr '\0' 'A'; printf '\tGT\t0/1\n'; } | gzip -1 > "$work/long-line.vcf.gz"
vcf_long_line() {
  curl -sk -o /dev/null -w '%{http_code}' -u "$(admin lab)" -F "file=@$work/long-line.vcf.gz" \
    "$(url lab '/api/ingest/vcf?name=long-line')" || true
}

cases=()
measure() {  # party name command
  local party=$1 name=$2
  shift 2
  reset_peak "$party"
  local before started statuses seconds after health
  before=$(kib "$party" VmRSS)
  started=$(date +%s.%N)
  statuses=$("$@")
  seconds=$(echo "$(date +%s.%N) - $started" | bc)
  after=$(kib "$party" VmHWM)
  health=$(curl -sk "$(url "$party" /actuator/health)" | grep -q UP && echo UP || echo DOWN)
  echo "$name: statuses $statuses, RSS before $((before / 1024)) MiB, peak $((after / 1024)) MiB, ${seconds}s, afterwards $health"
  cases+=("{\"case\": \"$name\", \"party\": \"$party\", \"statuses\": \"$statuses\", \"rssBeforeMiB\": $((before / 1024)), \"peakRssMiB\": $((after / 1024)), \"seconds\": $seconds, \"healthAfter\": \"$health\"}")
}
measure hospital "two chunked 1 GiB FHIR bodies" twice fhir_chunked
measure hospital "two 1 GiB FHIR bodies with Content-Length" twice fhir_declared
measure lab "two VCFs with a 1 GiB line (gzipped $(( $(stat -c %s "$work/long-line.vcf.gz") / 1024 )) KiB)" twice vcf_long_line

{
  echo "{\"machine\": {\"cores\": $(nproc), \"memoryGiB\": $(awk '/MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo),"
  echo " \"date\": \"$(date -u +%Y-%m-%d)\", \"jvm\": \"$(java -version 2>&1 | head -1 | tr -d '"')\", \"jvmOptions\": \"defaults\"},"
  echo " \"limits\": \"application.yml defaults: max-document-size 64MB, max-vcf-line-size 64MB\","
  echo " \"results\": [$(IFS=,; echo "${cases[*]}")]}"
} | python3 -m json.tool > "$results/ingest-limits.json"
echo "wrote $results/ingest-limits.json"
