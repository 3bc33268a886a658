#!/usr/bin/env bash
# Debian packages the project needs, installed only when missing and only as root.
#   venv: python3-venv (for `python3 -m venv`)
#   all:  Java for Spark's local mode, Debian's chromium for the browser tests, postgresql-client
#         (pg_dump, psql) for backups of a PostgreSQL case database, nginx and openssl for the stack test,
#         wrk for the stack's load bench
set -euo pipefail
want=()
need() { command -v "$1" >/dev/null 2>&1 || want+=("$2"); }
case "${1:-all}" in
  venv) python3 -m venv --help >/dev/null 2>&1 || want+=(python3-venv) ;;
  all)
    need java openjdk-17-jre-headless
    need chromium chromium
    need pg_dump postgresql-client  # jiuzhu backup / restore on PostgreSQL (pg_dump, psql)
    need nginx nginx                # the production stack test (tests/deploy/test_stack.py)
    need openssl openssl            # its self-signed certificate
    need wrk wrk                    # the load generator of bench/stack_load.py
    ;;
esac
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "需要安装 / please install: ${want[*]} (apt-get install, as root)" >&2
  exit 1
fi
echo "安装 / installing: ${want[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
