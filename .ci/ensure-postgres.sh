#!/usr/bin/env bash
# The PostgreSQL the tests use: 127.0.0.1:5432, trust auth, database `test`.
# Where none answers, install and start one (root only). The suite creates and drops its own databases.
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then exit 0; fi
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
ver=$(ls /etc/postgresql | sort -V | tail -n 1)
hba=/etc/postgresql/$ver/main/pg_hba.conf
grep -q "jiuzhu-test" "$hba" || sed -i '1i host all all 127.0.0.1/32 trust # jiuzhu-test\nhost all all ::1/128 trust # jiuzhu-test' "$hba"
pg_ctlcluster --skip-systemctl-redirect "$ver" main start || pg_ctlcluster --skip-systemctl-redirect "$ver" main restart
for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
su postgres -c "psql -tAc \"select 1 from pg_database where datname='test'\"" | grep -q 1 \
  || su postgres -c "createdb test"
