"""A province's archive at national scale: 10,000 and 100,000 documents, and the pages that list them.

The documents are seeded in bulk (``clone_documents``): one conference is played and issued through the
services, then its document rows (documents, versions, one small file each) are copied into new
clusters and years with multi-row inserts. The archive lists metadata, so no PDF is built per copy.
Run alone: ``python -m bench --only province`` (``--province 10000,100000``).
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask

from bench.client import median
from bench.seed import cheap_seeding, make_cluster, play_year, start_conference
from bench.sessions import signed_session
from voting.auth import services as auth_services
from voting.auth.models import Role
from voting.clusters.models import Cluster
from voting.conferences.models import Conference
from voting.demo import PASSWORD
from voting.documents.archive import archive
from voting.documents.models import Document, DocumentFile, DocumentVersion
from voting.documents.search import GIN_INDEX, VECTOR_COLUMN
from voting.extensions import db
from voting.formatting import fold

#: years of conferences per seeded cluster (a cluster has one conference a year)
YEARS_PER_CLUSTER = 50
FIRST_YEAR = 1950
#: the words searched: in every document (the worst case) and in one cluster's documents only
COMMON_SEARCH = "hau can"
RARE_SEARCH = "tinh so 7"


def _row(table: sa.Table, record: Any, **changes: Any) -> dict[str, Any]:
    """Return a row's columns (without its id) as a dict, with *changes* applied."""
    values = {column.key: getattr(record, column.key) for column in table.columns if column.key != "id"}
    return {**values, **changes}


def _insert(table: sa.Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows in batches (multi-row INSERT … RETURNING) and return their ids in order."""
    ids: list[int] = []
    for start in range(0, len(rows), 5000):
        statement = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
        ids += db.session.scalars(statement, rows[start : start + 5000]).all()
    return ids


def clone_documents(template_id: int, count: int) -> list[int]:
    """Copy the template conference's documents into new clusters and years until *count* exist.

    Each copy has its own number, verification code and search text (the cluster's name and year
    added); its one file is empty (the archive lists size and hash, not bytes). Return the clusters' ids.
    """
    template = db.session.get(Conference, template_id)
    assert template is not None
    documents = list(
        db.session.scalars(
            sa.select(Document).where(Document.conference_id == template_id).order_by(Document.sequence)
        )
    )
    conferences = math.ceil(count / len(documents))
    years = min(YEARS_PER_CLUSTER, conferences)
    cluster_count = math.ceil(conferences / years)
    cluster_table, conference_table = Cluster.__table__, Conference.__table__
    first = (db.session.scalar(sa.select(sa.func.max(Cluster.id))) or 0) + 1
    numbers = range(first, first + cluster_count)
    names = [f"Cụm thi đua tỉnh số {n}" for n in numbers]
    cluster_ids = _insert(
        cluster_table,
        [
            _row(cluster_table, template.cluster, name=name, code=f"PV{n}")
            for n, name in zip(numbers, names, strict=True)
        ],
    )
    slots = [(i, year) for i in range(cluster_count) for year in range(FIRST_YEAR, FIRST_YEAR + years)]
    slots = slots[:conferences]
    conference_ids = _insert(
        conference_table,
        [
            _row(conference_table, template, cluster_id=cluster_ids[i], year=year, display_token=None)
            for i, year in slots
        ],
    )
    document_rows, version_rows, file_rows = [], [], []
    made = 0
    for (i, year), conference_id in zip(slots, conference_ids, strict=True):
        for document in documents:
            if made == count:
                break
            made += 1
            document_rows.append(
                _row(
                    Document.__table__,
                    document,
                    conference_id=conference_id,
                    cluster_id=cluster_ids[i],
                    register_year=year,
                    number=f"{document.sequence:02d}/BB-PV{numbers[i]}",
                    replaces_id=None,
                    replaced_at=None,
                )
            )
    document_ids = _insert(Document.__table__, document_rows)
    firsts = [d.versions[0] for d in documents]
    for index, document_id in enumerate(document_ids):
        version = firsts[index % len(documents)]
        i, year = slots[index // len(documents)]
        extra = fold(f" {names[i]} năm {year} ")
        version_rows.append(
            _row(
                DocumentVersion.__table__,
                version,
                document_id=document_id,
                verify_code=secrets.token_urlsafe(12),
                search_text=version.search_text + extra,
                superseded_at=None,
            )
        )
    version_ids = _insert(DocumentVersion.__table__, version_rows)
    for index, version_id in enumerate(version_ids):
        file = firsts[index % len(documents)].files[0]
        file_rows.append(_row(DocumentFile.__table__, file, version_id=version_id, content=b""))
    _insert(DocumentFile.__table__, file_rows)
    db.session.flush()
    return cluster_ids


@contextmanager
def statements(engine: sa.Engine | sa.Connection, *, queries_only: bool = False) -> Iterator[list[str]]:
    """Collect the SQL statements *engine* runs in the block (*queries_only*: SQLite's BEGIN aside).

    The tests' statement pins use it too (``tests.helpers.statements``).
    """
    seen: list[str] = []

    def count(*args: Any) -> None:
        if not queries_only or str(args[2]).strip().upper() != "BEGIN":
            seen.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def seed_template() -> tuple[int, int]:
    """Play and issue one conference (the template of every copy); return it and an archivist's id."""
    with cheap_seeding():
        archivist = auth_services.create_user(
            "tinh-luutru", PASSWORD, full_name="Lê Thị Lan", title="Văn thư", role=Role.ARCHIVIST
        )
        cluster, units, chair, secretary, reps = make_cluster(1, 8, prefix="T")
        conference = start_conference(cluster, units, chair, secretary, reps, 2024, 2024)
        play_year(conference, units, chair, 2024)
    db.session.commit()
    return conference.id, archivist.id


def _time(app: Flask, cookie: str, path: str, repeat: int) -> dict[str, Any]:
    """GET *path* as the archivist *repeat* times; return the median ms, the statements and the bytes."""
    client = app.test_client()
    name, value = cookie.split("=", 1)
    client.set_cookie(name, value)
    runs, size, counted = [], 0, 0
    with app.app_context():
        engine = db.engine
    for _ in range(repeat):
        with statements(engine) as seen:
            start = time.perf_counter()
            reply = client.get(path)
            runs.append(1000 * (time.perf_counter() - start))
        assert reply.status_code == 200, (path, reply.status_code)
        size, counted = len(reply.data), len(seen)
    return {"ms": median(runs), "min": min(runs), "statements": counted, "bytes": size}


def _seed_up_to(app: Flask, template_id: int, size: int) -> tuple[int, float, int]:
    """Add copies until the archive holds *size* documents; return the count, the seconds and a cluster."""
    with app.app_context():
        start = time.perf_counter()
        have = db.session.scalar(sa.select(sa.func.count(Document.id))) or 0
        is_postgresql = db.engine.dialect.name == "postgresql"
        if is_postgresql:  # a GIN index is built far faster at once than row by row
            db.session.execute(sa.text(f"DROP INDEX {GIN_INDEX}"))
        clusters = clone_documents(template_id, size - have)
        if is_postgresql:  # as the migration 5c1f0e2d7a90 builds it
            db.session.execute(
                sa.text(f"CREATE INDEX {GIN_INDEX} ON document_versions USING gin ({VECTOR_COLUMN})")
            )
        db.session.commit()
        if is_postgresql:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("ANALYZE"))
        have = db.session.scalar(sa.select(sa.func.count(Document.id))) or 0
        return have, time.perf_counter() - start, clusters[len(clusters) // 2]


def _time_search(app: Flask, repeat: int) -> dict[str, float]:
    """Time the search service alone: the first page (51 rows) of a word every document holds."""
    runs = []
    with app.app_context():
        for _ in range(repeat):
            db.session.expire_all()
            start = time.perf_counter()
            archive(text=COMMON_SEARCH, limit=51)
            runs.append(1000 * (time.perf_counter() - start))
    return {"ms": median(runs), "min": min(runs)}


def measure(app: Flask, sizes: list[int], repeat: int = 7) -> list[dict[str, Any]]:
    """Seed the province up to each size in turn and time the archive, the API and the search."""
    with app.app_context():
        template_id, archivist_id = seed_template()
        cookie = signed_session(app, archivist_id)[0]
    results = []
    for size in sizes:
        have, seeded, cluster = _seed_up_to(app, template_id, size)
        print(f"province: {have} documents seeded in {seeded:.1f} s", flush=True)
        paths = {
            "archive page 1, no filter": "/archive",
            "archive, one cluster": f"/archive?cluster={cluster}",
            "archive page 20": "/archive?page=20",
            f"archive, search «{COMMON_SEARCH}» (every document)": f"/archive?text={COMMON_SEARCH}",
            "archive, search «Hậu cần» (every document)": "/archive?text=Hậu+cần",
            f"archive, search «{RARE_SEARCH}» (a few clusters)": f"/archive?text={RARE_SEARCH}",
            "API documents, 50 a page": "/api/v1/documents",
            "API documents, 200 a page": "/api/v1/documents?per_page=200",
            "API documents page 20": "/api/v1/documents?page=20",
        }
        timings = {label: _time(app, cookie, path, repeat) for label, path in paths.items()}
        timings[f"search query alone («{COMMON_SEARCH}», 51 rows)"] = _time_search(app, repeat)
        results.append({"documents": have, "seed_s": seeded, "timings": timings})
    return results


def print_report(label: str, results: list[dict[str, Any]]) -> None:
    """Print one database's province figures as a Markdown table."""
    print(f"\n### Province archive ({label})\n")
    sizes = [r["documents"] for r in results]
    print("| | " + " | ".join(f"{n:,} documents" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name in results[0]["timings"]:
        cells = []
        for result in results:
            t = result["timings"][name]
            extra = f", {t['statements']} statements, {t['bytes'] / 1024:.0f} KB" if "statements" in t else ""
            cells.append(f"{t['ms']:.1f} ms{extra}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| seeding (bulk inserts) | " + " | ".join(f"{r['seed_s']:.1f} s" for r in results) + " |")
