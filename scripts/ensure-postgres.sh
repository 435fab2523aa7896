#!/usr/bin/env bash
# Make sure the local PostgreSQL server is up where this machine has one.
# The service's tests run against it (database "test", user "postgres", trust auth).
set -u
host=127.0.0.1
port=5432
if ! command -v pg_isready >/dev/null 2>&1; then
  echo "ensure-postgres: no PostgreSQL client tools on this machine; skipping" >&2
  exit 0
fi
if pg_isready -q -h "$host" -p "$port"; then
  exit 0
fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "ensure-postgres: starting PostgreSQL $version" >&2
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi
for _ in $(seq 1 30); do
  pg_isready -q -h "$host" -p "$port" && exit 0
  sleep 1
done
echo "ensure-postgres: PostgreSQL is not reachable on $host:$port" >&2
exit 1
