"""The audit log's head printed in the minutes: cutting the log short or re-chaining it is caught."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.factories import Site, Stage
from tests.helpers import require_tool, text
from voting.audit.models import AuditEntry
from voting.audit.services import Head, entry_hash, head, still_extends, verify
from voting.conferences.models import Conference
from voting.documents.archive import audit_anchor, conference_zip
from voting.documents.models import Document, DocumentKind
from voting.documents.services import find_document
from voting.extensions import db

MakeConference = Callable[..., Conference]


@pytest.fixture
def minutes(make_conference: MakeConference) -> Document:
    conference = make_conference(Stage.MINUTES_ISSUED)
    document = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
    assert document is not None
    return document


def printed_anchor(document: Document) -> Head:
    anchor = audit_anchor(document.current_version)
    assert anchor is not None
    return anchor


def rechain_from(first_id: int, details: str) -> None:
    """Edit entry #first_id and recompute every hash from it on, as a forger with database access would."""
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == first_id).values(details=details))
    previous = db.session.scalar(sa.select(AuditEntry.hash).where(AuditEntry.id == first_id - 1))
    for entry in db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.id >= first_id).order_by(AuditEntry.id)
    ):
        entry.prev_hash = previous
        entry.hash = entry_hash(
            id=entry.id,
            conference_id=entry.conference_id,
            actor_id=entry.actor_id,
            actor_username=entry.actor_username,
            action=entry.action,
            details=json.loads(entry.details),
            created_at=entry.created_at,
            prev_hash=previous,
        )
        previous = entry.hash
        db.session.flush()
    db.session.commit()


def test_the_minutes_print_the_head_of_the_log_at_issue(minutes: Document, tmp_path: Path) -> None:
    anchor = printed_anchor(minutes)
    stored = db.session.get(AuditEntry, anchor.count)
    assert stored is not None and stored.hash == anchor.hash
    assert anchor.count < head().count  # the issue itself was logged after the minutes were built
    path = tmp_path / "minutes.pdf"
    path.write_bytes(minutes.content)
    printed = subprocess.run(
        [require_tool("pdftotext"), "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    flat = "".join(printed.split())
    assert anchor.hash in flat and f"có{anchor.count}mục" in flat


def test_an_untouched_log_extends_the_printed_head(minutes: Document, runner: FlaskCliRunner) -> None:
    anchor = printed_anchor(minutes)
    db.session.commit()
    result = runner.invoke(args=["audit", "verify", "--expect", anchor.hash])
    assert result.exit_code == 0, result.output
    assert "vẫn nối tiếp" in result.output
    assert still_extends(anchor)


def test_deleting_the_last_entries_is_caught_against_the_printed_head(
    minutes: Document, runner: FlaskCliRunner
) -> None:
    anchor = printed_anchor(minutes)
    db.session.execute(sa.delete(AuditEntry).where(AuditEntry.id >= anchor.count - 5))
    db.session.commit()
    assert verify().is_intact  # what is left is a valid chain: without the anchor nothing shows
    result = runner.invoke(args=["audit", "verify", "--expect", anchor.hash])
    assert result.exit_code == 1 and "cắt bớt" in result.output
    assert not still_extends(anchor)


def test_rechaining_from_an_edited_entry_is_caught_against_the_printed_head(
    minutes: Document, runner: FlaskCliRunner
) -> None:
    anchor = printed_anchor(minutes)
    rechain_from(5, '{"unit_id":1}')
    assert verify().is_intact  # re-chained: every hash matches its entry again
    result = runner.invoke(args=["audit", "verify", "--expect", anchor.hash])
    assert result.exit_code == 1 and "viết lại" in result.output
    assert not still_extends(anchor)


@pytest.mark.commits
@pytest.mark.parametrize("tampering", ["none", "cut", "rechain"])
def test_the_verify_page_checks_the_log_against_the_printed_head(
    app: Flask, make_site: Callable[..., Site], client: FlaskClient, tampering: str
) -> None:
    site = make_site(Stage.MINUTES_ISSUED)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
        assert minutes is not None
        anchor, code = printed_anchor(minutes), minutes.current_version.verify_code
        if tampering == "cut":
            db.session.execute(sa.delete(AuditEntry).where(AuditEntry.id >= anchor.count - 5))
            db.session.commit()
        elif tampering == "rechain":
            rechain_from(5, '{"unit_id":1}')
    page = text(client.get(f"/verify/{code}"))
    if tampering == "none":
        assert "vẫn nối tiếp mã băm in trong biên bản" in page and "KHÔNG còn" not in page
    else:
        assert "KHÔNG còn nối tiếp mã băm in trong biên bản" in page


def test_the_conference_zip_carries_the_printed_head(minutes: Document) -> None:
    anchor = printed_anchor(minutes)
    with zipfile.ZipFile(io.BytesIO(conference_zip(minutes.conference))) as bundle:
        anchors = json.loads(bundle.read("audit-head.json"))
        sums = bundle.read("SHA256SUMS").decode()
    assert {"number": minutes.number, "version": 1, "count": anchor.count, "hash": anchor.hash} in anchors[
        "printed_in_documents"
    ]
    assert anchors["head_at_export"] == {"count": head().count, "hash": head().hash}
    assert "audit-head.json" in sums
