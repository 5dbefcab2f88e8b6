#!/bin/bash
# Starts a party's PostgreSQL server; on an empty data volume it first creates the cluster:
# the superuser postgres reachable only through the container's own Unix socket (peer
# authentication: no password exists for it), and POSTGRES_USER (password from the file
# POSTGRES_PASSWORD_FILE) owning POSTGRES_DB, allowed in over the network with
# scram-sha-256 only. The password never appears in the environment, a command line or a log.
set -euo pipefail
: "${PGDATA:?}" "${POSTGRES_USER:?}" "${POSTGRES_DB:?}"
password_file=${POSTGRES_PASSWORD_FILE:?set POSTGRES_PASSWORD_FILE to a file holding the password of $POSTGRES_USER}
[ -r "$password_file" ] || { echo "genovfl-postgres: cannot read $password_file" >&2; exit 1; }

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "genovfl-postgres: creating the cluster in $PGDATA"
  initdb -D "$PGDATA" -U postgres --auth-local=peer --auth-host=reject -E UTF8 --locale=C.UTF-8 >/dev/null
  cat > "$PGDATA/pg_hba.conf" <<HBA
# Written by genovfl-postgres: administration through the local socket only, the
# application role over the network with scram-sha-256, nothing else.
local all postgres peer
host ${POSTGRES_DB} ${POSTGRES_USER} 0.0.0.0/0 scram-sha-256
host ${POSTGRES_DB} ${POSTGRES_USER} ::/0 scram-sha-256
HBA
  cat >> "$PGDATA/postgresql.conf" <<CONF
listen_addresses = '*'
password_encryption = 'scram-sha-256'
fsync = on
synchronous_commit = on
full_page_writes = on
CONF
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  # psql reads the password from the file itself and quotes it: it is never an argument.
  psql -v ON_ERROR_STOP=1 -q -U postgres -d postgres \
       -v role="$POSTGRES_USER" -v db="$POSTGRES_DB" -v password_file="$password_file" <<'SQL'
\set password `cat :'password_file'`
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"role";
SQL
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "genovfl-postgres: cluster created; $POSTGRES_USER owns database $POSTGRES_DB"
fi
exec postgres -D "$PGDATA"
