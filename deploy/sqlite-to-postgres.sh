#!/usr/bin/env bash
# Move the case database of a SQLite home (the demo) into an empty PostgreSQL database
# (docs/deploy.md "Moving from the SQLite demo to PostgreSQL"):
#   sqlite-to-postgres.sh postgresql://jiuzhu@127.0.0.1:5432/jiuzhu
# Run it with the platform stopped and the old home's environment loaded (JIUZHU_HOME set, no DATABASE_URL).
# The SQLite file is only read; the warehouse, uploads, reports and keys stay where they are (the same home).
# It stops at the first difference: the audit trail (count and newest hash) and the clue export must be the
# same before and after. Then set DATABASE_URL in the environment file.
#
# XML, not JSON: Django's JSON serializer keeps times to the millisecond, and the audit trail's hashes cover
# the microseconds. Content types, permissions and sessions are made by `migrate` (users log in again).
set -euo pipefail
NEW_URL=${1:?usage: sqlite-to-postgres.sh postgresql://USER@HOST:PORT/DATABASE}
JIUZHU=${JIUZHU_BIN:-jiuzhu}
PYTHON=${JIUZHU_PYTHON:-python3}
export DJANGO_SETTINGS_MODULE=jiuzhu.app.settings
unset DATABASE_URL
: "${JIUZHU_HOME:?set JIUZHU_HOME to the home of the SQLite demo}"
[ -f "$JIUZHU_HOME/jiuzhu.sqlite3" ] || { echo "没有找到 $JIUZHU_HOME/jiuzhu.sqlite3 / no SQLite case database there" >&2; exit 1; }
work=$(mktemp -d)  # holds personal data until the end: owner only, removed on any exit
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT

tables=$(DATABASE_URL=$NEW_URL "$PYTHON" -c 'import django; django.setup()
from django.db import connection
print(len(connection.introspection.table_names()))')
if [ "$tables" != 0 ]; then
  echo "目标数据库不是空的（有 $tables 张表）：只能迁入空的数据库 / the PostgreSQL database is not empty" >&2
  exit 1
fi

"$JIUZHU" init >/dev/null  # the SQLite database at this release's layout
"$JIUZHU" clues export --format csv --all --out "$work/clues-before.csv" >/dev/null
"$JIUZHU" audit verify >"$work/audit-before.txt"  # after the export: its own audit entry is in the trail
"$PYTHON" -m django dumpdata --format xml --natural-foreign -e contenttypes -e auth.permission -e sessions \
  -e admin.logentry -o "$work/cases.xml"

export DATABASE_URL=$NEW_URL
"$PYTHON" -m django migrate --noinput -v0  # tables only: `jiuzhu init` would seed units the file brings
"$PYTHON" -m jiuzhu.app.ops.move "$work/cases.xml"  # loaddata; it also moves the id sequences past the ids
"$JIUZHU" audit verify >"$work/audit-after.txt"
if ! cmp -s "$work/audit-before.txt" "$work/audit-after.txt"; then
  echo "审计记录迁移后不一致 / the audit trail differs after the move:" >&2
  cat "$work/audit-before.txt" "$work/audit-after.txt" >&2
  exit 1
fi
"$JIUZHU" init >/dev/null
"$JIUZHU" clues export --format csv --all --out "$work/clues-after.csv" >/dev/null
if ! cmp -s "$work/clues-before.csv" "$work/clues-after.csv"; then
  echo "线索导出迁移后不一致 / the clue export differs after the move" >&2
  exit 1
fi
cat "$work/audit-after.txt"
echo "已迁入 PostgreSQL；请在环境文件中设置 DATABASE_URL / moved: set DATABASE_URL in the environment file"
