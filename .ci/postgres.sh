#!/usr/bin/env bash
# Install (from Debian's packages) and start a local PostgreSQL for the replica tests; print its URL.
# Idempotent: safe to run on a machine where it is already installed or running.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
  pg_createcluster "$version" main >&2
fi
pg_ctlcluster "$version" main start >&2 2>/dev/null || true
for _ in $(seq 1 50); do
  pg_isready -q -h 127.0.0.1 && break
  sleep 0.2
done
psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -qAt -c \"$1\""; }
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='rolecall'")" != "1" ]; then
  psql_admin "CREATE ROLE rolecall LOGIN PASSWORD 'rolecall'" >&2
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname='rolecall_test'")" != "1" ]; then
  psql_admin "CREATE DATABASE rolecall_test OWNER rolecall" >&2
fi
echo "postgresql://rolecall:rolecall@127.0.0.1:5432/rolecall_test"
