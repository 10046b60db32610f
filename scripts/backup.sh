#!/usr/bin/env bash
# Back up the database named by DATABASE_URL into DIR with the database's own tools:
#   PostgreSQL: pg_dump (custom format); SQLite: the online backup API.
# Next to the backup: its SHA-256 (FILE.sha256) and the issued documents with a SHA256SUMS file.
# usage: DATABASE_URL=postgresql://… SECRET_KEY=… scripts/backup.sh DIR     (prints the backup's path)
set -euo pipefail
dir=${1:?usage: DATABASE_URL=… scripts/backup.sh DIR}
here=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-$here/.venv/bin/python}
url=${DATABASE_URL:-sqlite:///$here/instance/luanluu.sqlite3}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dir"
case "$url" in
  postgres://* | postgresql://* | postgresql+psycopg://*)
    file="$dir/luanluu-$stamp.pgdump"
    "${PG_DUMP:-pg_dump}" --format=custom --no-owner --no-privileges --file="$file" \
      "postgresql://${url#*://}"
    ;;
  sqlite:///*)
    file="$dir/luanluu-$stamp.sqlite3"
    "$py" - "${url#sqlite:///}" "$file" <<'PY'
import sqlite3, sys
source, target = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
source.backup(target)  # a consistent copy even while the app writes
target.close()
source.close()
PY
    ;;
  *)
    echo "backup: unsupported DATABASE_URL (PostgreSQL or SQLite): $url" >&2
    exit 2
    ;;
esac
(cd "$dir" && sha256sum "$(basename "$file")" > "$(basename "$file").sha256")
(cd "$here" && DATABASE_URL="$url" "$py" -m flask --app wsgi documents export --out "$dir/documents-$stamp" >/dev/null)
echo "$file"
