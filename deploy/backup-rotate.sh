#!/usr/bin/env bash
# Nightly backup with rotation (docs/deploy.md): run by jiuzhu-backup.service with the environment file
# loaded. Keeps the newest $KEEP_DAILY archives and the first archive of each of the last $KEEP_MONTHLY months.
set -euo pipefail
DIR=${JIUZHU_BACKUP_DIR:-/var/backups/jiuzhu}
KEEP_DAILY=${JIUZHU_BACKUP_KEEP_DAILY:-14}
KEEP_MONTHLY=${JIUZHU_BACKUP_KEEP_MONTHLY:-12}
JIUZHU=${JIUZHU_BIN:-jiuzhu}
mkdir -p "$DIR"
stamp=$(date +%Y%m%d-%H%M%S)
if [ -n "${JIUZHU_BACKUP_KEY:-}" ]; then
  "$JIUZHU" backup --key-file "$JIUZHU_BACKUP_KEY" --out "$DIR/jiuzhu-$stamp.tar.gz.enc"
else
  "$JIUZHU" backup --out "$DIR/jiuzhu-$stamp.tar.gz"
fi
# Names sort by time. Keep: the newest KEEP_DAILY, and the oldest of each month among the newest KEEP_MONTHLY months.
mapfile -t all < <(find "$DIR" -maxdepth 1 -name 'jiuzhu-*.tar.gz*' -printf '%f\n' | sort)
declare -A keep=()
for f in "${all[@]: -$KEEP_DAILY}"; do keep[$f]=1; done
declare -A month_first=()
for f in "${all[@]}"; do m=${f:7:6}; [ -n "${month_first[$m]:-}" ] || month_first[$m]=$f; done
for m in $(printf '%s\n' "${!month_first[@]}" | sort | tail -n "$KEEP_MONTHLY"); do keep[${month_first[$m]}]=1; done
for f in "${all[@]}"; do [ -n "${keep[$f]:-}" ] || rm -f -- "$DIR/$f"; done
