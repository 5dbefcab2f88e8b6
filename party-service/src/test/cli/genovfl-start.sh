#!/usr/bin/env bash
# Tests `./genovfl start` as a person runs it (./genovfl test runs this after mvn verify):
#   - a party that is not hospital, lab or coordinator, an unknown option and a missing
#     configuration file are refused with a message and a non-zero exit, starting nothing;
#   - `start hospital --data-dir DIR` starts the hospital's service with the demo's
#     configuration, its PostgreSQL data under DIR and owner-only, answers its health check
#     over TLS with the demo CA (`./genovfl ca-pem`), and stops cleanly on SIGTERM.
# Exits non-zero, naming the check, on the first failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../../.." && pwd)   # party-service/src/test/cli -> the repository
genovfl="$root/genovfl"
work=$(mktemp -d "${TMPDIR:-/tmp}/genovfl-start-test.XXXXXX")
service=
cleanup() {
  if [ -n "$service" ] && kill -0 "$service" 2>/dev/null; then
    kill "$service" 2>/dev/null || true
    wait "$service" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "genovfl start test FAILED: $*" >&2; [ -f "$work/start.log" ] && tail -20 "$work/start.log" >&2; exit 1; }

expect_refusal() {   # expected message, then the arguments of ./genovfl start
  local expected=$1; shift
  local out status=0
  out=$("$genovfl" start "$@" 2>&1) || status=$?
  [ "$status" -ne 0 ] || fail "start $* exited 0"
  grep -qF -- "$expected" <<<"$out" || fail "start $* did not say '$expected' but: $out"
}
expect_refusal "start needs a party: hospital, lab or coordinator" regulator
expect_refusal "unknown option --port" hospital --port 1
expect_refusal "no configuration file" hospital --config "$work/missing.properties"

"$genovfl" start hospital --data-dir "$work/data" > "$work/start.log" 2>&1 &
service=$!
config="$root/.genovfl/demo/hospital.properties"
for _ in $(seq 1 180); do
  grep -q "Started PartyServiceApplication" "$work/start.log" 2>/dev/null && break
  kill -0 "$service" 2>/dev/null || fail "the hospital's service exited during start-up"
  sleep 1
done
grep -q "Started PartyServiceApplication" "$work/start.log" || fail "the hospital's service did not start within 180 s"
port=$(grep '^server.port=' "$config" | cut -d= -f2)
ca=$("$genovfl" ca-pem "$work/ca.pem")
health=$(curl -sS --cacert "$ca" "https://localhost:$port/actuator/health") || fail "no TLS answer on port $port"
grep -q '"status":"UP"' <<<"$health" || fail "health is not UP: $health"
database=$(find "$work/data" -name PG_VERSION -printf '%h\n' | head -1)
[ -n "$database" ] || fail "no PostgreSQL data under --data-dir"
[ "$(stat -c %a "$database")" = 700 ] || fail "the database directory is mode $(stat -c %a "$database"), not 700"

kill -TERM "$service"
status=0
wait "$service" || status=$?
service=
# 143 = terminated by SIGTERM after Spring's shutdown hooks ran; 0 if the JVM exits itself.
[ "$status" = 0 ] || [ "$status" = 143 ] || fail "the service exited with $status on SIGTERM"
echo "genovfl start: refusals, start-up with --data-dir, TLS health and clean stop all checked"
