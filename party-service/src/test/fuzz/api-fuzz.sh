#!/usr/bin/env bash
# API fuzzing of one party service with Schemathesis (PyPI), from its OpenAPI document.
#
#   api-fuzz.sh <base-url> <report-dir> [schemathesis run options...]
#   api-fuzz.sh --install        only make the virtual environment (./genovfl test does, first)
#
# Makes (once) a Python virtual environment with a pinned Schemathesis in
# ${GENOVFL_CACHE:-~/.cache/genovfl}/fuzz-venv, then runs it against <base-url>/v3/api-docs
# with the checks GenoVFL asserts: no 5xx, no status code the document does not declare,
# responses matching their declared schema (and media type). Further options (sign-in, client
# certificate, which paths, how many examples, the seed) come from the caller:
# ApiHardeningIT runs it for each party, people's and peer endpoints (docs/security.md).
# Exit status: Schemathesis' (0 = no failure).
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
venv="${GENOVFL_CACHE:-$HOME/.cache/genovfl}/fuzz-venv"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "version $SCHEMATHESIS_VERSION\$"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
[ "${1:-}" = "--install" ] && exit 0

[ $# -ge 2 ] || { echo "usage: $0 <base-url> <report-dir> [schemathesis options...] | --install" >&2; exit 2; }
base_url=$1
report_dir=$2
shift 2

mkdir -p "$report_dir"
# Phase fuzzing only: the coverage phase multiplies the requests (about 800 per party and
# account, 6 minutes on 2 cores) and crashed in Schemathesis 4.32.5 on CPython 3.11 with
# two workers (SystemError: AST constructor recursion depth mismatch).
# From the report directory, so Schemathesis keeps its cache (.schemathesis/) there, not in the tree.
cd "$report_dir"
exec "$venv/bin/schemathesis" run "$base_url/v3/api-docs" \
  --url "$base_url" \
  --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance \
  --phases fuzzing \
  --no-shrink \
  --warnings off \
  --report junit,ndjson --report-dir "$report_dir" \
  "$@"
