"""Backup and restore round trip (scripts/backup.sh, scripts/restore.sh) on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from tests.faults.support import ROOT, SECRET, PgCluster
from voting import create_app
from voting.demo import create_demo, play_demo
from voting.documents.models import DocumentFile
from voting.extensions import db


def _play(url: str) -> None:
    """Build a database holding the demo conference played to its end (minutes issued)."""
    app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        conference, _ = create_demo()
        play_demo(conference)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _snapshot(url: str) -> dict[str, list[str]]:
    """Return every table's rows, sorted, as text: equal snapshots mean equal databases."""
    engine = sa.create_engine(url)
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return {
                name: sorted(repr(tuple(row)) for row in connection.execute(sa.select(table)))
                for name, table in metadata.tables.items()
            }
    finally:
        engine.dispose()


def _documents(url: str) -> dict[int, str]:
    """Return each stored file's id → SHA-256 of its bytes, checking the stored digest."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.select(DocumentFile.id, DocumentFile.sha256, DocumentFile.content)
            ).all()
    finally:
        engine.dispose()
    for id_, stored, content in rows:
        assert hashlib.sha256(content).hexdigest() == stored, id_
    return {id_: stored for id_, stored, _content in rows}


def _run(script: str, argument: Path, url: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "PYTHON": sys.executable, **extra}
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / script), str(argument)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _round_trip(source: str, target: str, backups: Path, **tools: str) -> None:
    _play(source)
    before, documents = _snapshot(source), _documents(source)
    assert documents, "the demo issued no document"

    made = _run("backup.sh", backups, source, **tools)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    assert backup.exists() and (backup.parent / (backup.name + ".sha256")).exists()
    sums = next(backups.glob("documents-*/SHA256SUMS")).read_text()
    assert {line.split()[0] for line in sums.splitlines()} <= set(documents.values())

    restored = _run("restore.sh", backup, target, **tools)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert f"documents: {len(documents)} files checked, every SHA-256 matches" in restored.stdout
    signatures = re.search(r"signatures: (\d+) checked, every one valid", restored.stdout)
    assert signatures and int(signatures.group(1)) > 0, restored.stdout  # the demo's minutes are signed
    audit = "flask audit verify: passed" in restored.stdout
    assert audit or "flask audit verify: command not available" in restored.stdout
    assert _snapshot(target) == before
    assert _documents(target) == documents

    # A damaged backup is refused before anything is touched.
    with backup.open("r+b") as damaged:
        damaged.seek(-100, os.SEEK_END)
        byte = damaged.read(1)
        damaged.seek(-1, os.SEEK_CUR)
        damaged.write(bytes([byte[0] ^ 0xFF]))
    refused = _run("restore.sh", backup, target, **tools)
    assert refused.returncode == 1 and "does not match its SHA-256" in refused.stderr
    assert _snapshot(target) == before


def test_sqlite_backup_and_restore_round_trip(tmp_path: Path) -> None:
    _round_trip(
        f"sqlite:///{tmp_path / 'live.sqlite3'}",
        f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        tmp_path / "backups",
    )


def test_postgres_backup_and_restore_round_trip(pg_cluster: PgCluster, tmp_path: Path) -> None:
    source = pg_cluster.create_database("backup_source")
    target = pg_cluster.create_database("backup_target")
    _round_trip(
        source,
        target,
        tmp_path / "backups",
        PG_DUMP=str(pg_cluster.bin / "pg_dump"),
        PG_RESTORE=str(pg_cluster.bin / "pg_restore"),
    )
