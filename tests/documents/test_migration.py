"""The migration to versioned documents keeps every issued PDF, byte for byte, and can go back."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from tests.helpers import CHECK_IN_AT, ENDED_AT, OPENED_AT, STARTS_AT, later
from voting import create_app
from voting.extensions import db

BEFORE, AFTER = "e1698f5e2eb7", "330b8afc8d38"
PDF = b"%PDF-1.4 minutes issued before documents had versions"


def stamp(moment: datetime) -> str:
    """Return a moment as SQLite stores it in a DATETIME column."""
    return f"{moment:%Y-%m-%d %H:%M:%S}"


def old_app(tmp_path: Path) -> Flask:
    """An app on a new SQLite file."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-0123456789",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}",
        }
    )


def seed_before() -> None:
    """Write a cluster, a conference and its issued minutes as the schema stood at BEFORE."""
    with db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO clusters (id, name, parent_body, code, city) "
                "VALUES (1, 'Cụm thi đua số 4', 'CATP', 'CTĐ4', 'Hà Nội')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO units (id, cluster_id, name, position, is_active) VALUES (1, 1, 'Phòng A', 0, 1)"
            )
        )
        for user_id, role in ((1, "chair"), (2, "secretary")):
            conn.execute(
                sa.text(
                    "INSERT INTO users (id, username, password_hash, full_name, title, role, is_enabled) "
                    "VALUES (:id, :name, 'x', :name, '', :role, 1)"
                ),
                {"id": user_id, "name": role, "role": role},
            )
        conn.execute(
            sa.text(
                "INSERT INTO conferences (id, cluster_id, year, starts_at, place, directing_leader, "
                "report_summary, chair_id, secretary_id, outgoing_leader_id) "
                "VALUES (1, 1, 2016, :starts_at, 'Hội trường', '', '', 1, 2, 1)"
            ),
            {"starts_at": stamp(STARTS_AT)},
        )
        conn.execute(
            sa.text(
                "INSERT INTO documents (id, conference_id, kind, sequence, number, filename, sha256, "
                "size, content, issued_at, issued_by_id) "
                "VALUES (1, 1, 'conference_minutes', 1, '01/BB-CTĐ4', "
                "'bb.pdf', :sha, :size, :content, :issued_at, 1)"
            ),
            {
                "sha": hashlib.sha256(PDF).hexdigest(),
                "size": len(PDF),
                "content": PDF,
                "issued_at": stamp(ENDED_AT),
            },
        )


def test_issued_bytes_become_version_one_and_come_back(tmp_path: Path) -> None:
    app = old_app(tmp_path)
    with app.app_context():
        upgrade(revision=BEFORE)
        seed_before()
        upgrade(revision=AFTER)
        with db.engine.connect() as conn:
            versions = conn.execute(
                sa.text("SELECT document_id, version, verify_code FROM document_versions")
            ).all()
            files = conn.execute(sa.text("SELECT revision, sha256, content FROM document_files")).all()
        assert [(v[0], v[1]) for v in versions] == [(1, 1)] and len(versions[0][2]) >= 16
        assert files == [(0, hashlib.sha256(PDF).hexdigest(), PDF)]
        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            back = conn.execute(sa.text("SELECT sha256, size, content FROM documents")).all()
        assert back == [(hashlib.sha256(PDF).hexdigest(), len(PDF), PDF)]
        db.engine.dispose()


def test_sqlite_upgrade_to_head_keeps_a_played_election(tmp_path: Path) -> None:
    """Rebuilding tables that others refer to (elections, rounds) must not trip SQLite's foreign keys."""
    app = old_app(tmp_path)
    with app.app_context():
        upgrade(revision=BEFORE)
        seed_before()
        with db.engine.begin() as conn:
            for sql in (
                "INSERT INTO elections"
                " (id, conference_id, office, elected_unit_id, certified_at, certified_by_id)"
                f" VALUES (1, 1, 'leader', 1, '{stamp(later(20))}', 1)",
                "INSERT INTO rounds (id, election_id, number, status, opened_at, closed_at, base)"
                f" VALUES (1, 1, 1, 'closed', '{stamp(OPENED_AT)}', '{stamp(later(15))}', 1)",
                "INSERT INTO round_candidates (round_id, unit_id) VALUES (1, 1)",
                "INSERT INTO check_ins (conference_id, unit_id, checked_in_at, checked_in_by_id)"
                f" VALUES (1, 1, '{stamp(CHECK_IN_AT)}', 1)",
                "INSERT INTO participations (round_id, unit_id) VALUES (1, 1)",
                "INSERT INTO ballots (id, round_id, choice_unit_id, receipt_code)"
                " VALUES ('b1', 1, 1, 'AAAA-2222')",
            ):
                conn.execute(sa.text(sql))
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT round_id, choice_unit_id, receipt_code FROM ballots")).all()
            elected = conn.execute(sa.text("SELECT elected_unit_id FROM elections")).scalar_one()
            assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar_one() == 1
        assert rows == [(1, 1, "AAAA-2222")] and elected == 1
        db.engine.dispose()


def test_the_kind_is_no_longer_checked_against_a_list_and_the_downgrade_restores_it(tmp_path: Path) -> None:
    """4ae7d799d30a: a new document kind needs no migration; the other constraints stay."""
    app = old_app(tmp_path)

    def checks() -> set[str]:
        return {c["name"] for c in sa.inspect(db.engine).get_check_constraints("documents")}

    def kind_length() -> int:
        (kind,) = [c for c in sa.inspect(db.engine).get_columns("documents") if c["name"] == "kind"]
        return int(kind["type"].length)

    with app.app_context():
        upgrade(revision="b7c1e4a9f2d0")
        assert checks() == {"ck_documents_document_kind", "ck_documents_counting_has_election"}
        upgrade(revision="4ae7d799d30a")
        assert checks() == {"ck_documents_counting_has_election"} and kind_length() == 40
        indexes = {i["name"]: i for i in sa.inspect(db.engine).get_indexes("documents")}
        assert indexes["uq_documents_one_per_kind"]["unique"]
        downgrade(revision="b7c1e4a9f2d0")
        assert checks() == {"ck_documents_document_kind", "ck_documents_counting_has_election"}
        assert kind_length() == 20
        db.engine.dispose()


def test_the_register_backfill_keeps_printed_numbers_and_separates_a_shared_year(tmp_path: Path) -> None:
    """360a25ffe471: documents join their cluster's register of their conference's (Vietnam) year.

    Two conferences held in 2016 both printed 01 and 02; the later one's register positions move to
    3 and 4, so the next number issued is 05. A conference starting 31 Dec 18:00 UTC is on 1 January.
    """
    app = old_app(tmp_path)
    with app.app_context():
        upgrade(revision=BEFORE)
        seed_before()  # conference 1 reviews 2016, held 11 Nov 2016, minutes 01/BB-CTĐ4 (id 1)
        upgrade(revision="fef89f3b8f69")
        starts = {2: datetime(2016, 1, 15, 1, 0), 3: datetime(2016, 12, 31, 18, 0)}
        with db.engine.begin() as conn:
            for conference_id, year in ((2, 2015), (3, 2017)):
                conn.execute(
                    sa.text(
                        "INSERT INTO conferences (id, cluster_id, year, starts_at, place, directing_leader, "
                        "report_summary, chair_id, secretary_id, outgoing_leader_id) "
                        "VALUES (:id, 1, :year, :starts_at, 'Hội trường', '', '', 1, 2, 1)"
                    ),
                    {"id": conference_id, "year": year, "starts_at": stamp(starts[conference_id])},
                )
            rows = [
                (2, 1, "handover_minutes", 2, ENDED_AT),  # conference 1's second document
                (3, 2, "handover_minutes", 1, starts[2]),  # conference 2 issued first, in January
                (4, 2, "conference_minutes", 2, starts[2]),
                (5, 3, "conference_minutes", 1, starts[3]),
            ]
            for id_, conference_id, kind, sequence, issued_at in rows:
                conn.execute(
                    sa.text(
                        "INSERT INTO documents (id, conference_id, kind, sequence, number, filename, "
                        "issued_at, issued_by_id) VALUES (:id, :conference_id, :kind, :sequence, "
                        ":number, :filename, :issued_at, 1)"
                    ),
                    {
                        "id": id_,
                        "conference_id": conference_id,
                        "kind": kind,
                        "sequence": sequence,
                        "number": f"0{sequence}/BB-CTĐ4",
                        "filename": f"{id_}.pdf",
                        "issued_at": stamp(issued_at),
                    },
                )
        upgrade(revision="360a25ffe471")
        with db.engine.connect() as conn:
            after = conn.execute(
                sa.text("SELECT id, cluster_id, register_year, sequence, number FROM documents ORDER BY id")
            ).all()
        assert [tuple(row) for row in after] == [
            (1, 1, 2016, 3, "01/BB-CTĐ4"),  # issued after conference 2's 01 and 02 of the same year
            (2, 1, 2016, 4, "02/BB-CTĐ4"),
            (3, 1, 2016, 1, "01/BB-CTĐ4"),
            (4, 1, 2016, 2, "02/BB-CTĐ4"),
            (5, 1, 2017, 1, "01/BB-CTĐ4"),
        ]
        downgrade(revision="fef89f3b8f69")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM documents")).scalar_one() == 5
        db.engine.dispose()
