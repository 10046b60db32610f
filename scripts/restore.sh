#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database named by DATABASE_URL, then check it:
# the backup's SHA-256, the schema revision, every stored file's SHA-256, every signature (the checks of
# `flask --app wsgi verify`) and, where the command exists, `flask --app wsgi audit verify` (audit chain).
# PostgreSQL: the target database must exist (it is cleaned first). SQLite: the file is replaced.
# usage: DATABASE_URL=postgresql://… SECRET_KEY=… scripts/restore.sh BACKUP_FILE
set -euo pipefail
file=${1:?usage: DATABASE_URL=… scripts/restore.sh BACKUP_FILE}
here=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-$here/.venv/bin/python}
url=${DATABASE_URL:-sqlite:///$here/instance/luanluu.sqlite3}
if ! (cd "$(dirname "$file")" && sha256sum --check --quiet "$(basename "$file").sha256"); then
  echo "restore: $file does not match its SHA-256; refusing to restore it" >&2
  exit 1
fi
case "$url" in
  postgres://* | postgresql://* | postgresql+psycopg://*)
    "${PG_RESTORE:-pg_restore}" --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
      --dbname="postgresql://${url#*://}" "$file"
    ;;
  sqlite:///*)
    "$py" - "$file" "${url#sqlite:///}" <<'PY'
import sqlite3, sys
source, target = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
source.backup(target)
target.close()
source.close()
PY
    ;;
  *)
    echo "restore: unsupported DATABASE_URL (PostgreSQL or SQLite): $url" >&2
    exit 2
    ;;
esac
cd "$here"
# One process for the checks: starting the app costs seconds.
DATABASE_URL="$url" "$py" - <<'PY'
import hashlib
import os
import subprocess
import sys

import sqlalchemy as sa
from alembic.migration import MigrationContext

from voting import create_app
from voting.extensions import db

try:  # documents keep their bytes per file (versions and signing revisions) since issue 4
    from voting.documents.models import DocumentFile as Stored
except ImportError:
    from voting.documents.models import Document as Stored

app = create_app()
with app.app_context():
    with db.engine.connect() as connection:
        print("schema revision:", MigrationContext.configure(connection).get_current_revision())
    rows = db.session.execute(sa.select(Stored.id, Stored.sha256, Stored.content)).all()
    bad = [f"file {id_}: stored {stored}" for id_, stored, content in rows if hashlib.sha256(content).hexdigest() != stored]
    if bad:
        sys.exit("restore: stored files whose content does not match their SHA-256:\n" + "\n".join(bad))
    print(f"documents: {len(rows)} files checked, every SHA-256 matches")
    try:
        from voting.signing.services import verify_pdf
    except ImportError:
        print("signatures: this version signs nothing, skipped")
    else:
        reports = [(id_, report) for id_, _stored, content in rows for report in verify_pdf(content).signatures]
        failed = [f"file {id_}: {report.field} by {report.signer}" for id_, report in reports if not report.is_ok]
        if failed:
            sys.exit("restore: signatures that do not validate:\n" + "\n".join(failed))
        print(f"signatures: {len(reports)} checked, every one valid")
# The audit chain (`flask audit verify`), where this version has it.
for words in (["audit", "verify"],):
    group = app.cli
    for word in words[:-1]:
        group = group.commands.get(word) if hasattr(group, "commands") else None
    if group is None or words[-1] not in getattr(group, "commands", {}):
        print(f"flask {' '.join(words)}: command not available in this version, skipped")
        continue
    check = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *words], env=os.environ, check=False)
    if check.returncode != 0:
        sys.exit(f"restore: flask {' '.join(words)} failed")
    print(f"flask {' '.join(words)}: passed")
PY
