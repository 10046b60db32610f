"""Command-line administration, the demo and the export."""

from __future__ import annotations

import hashlib
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask.testing import FlaskCliRunner

from voting.auth.models import User
from voting.clusters.models import Cluster, Unit
from voting.conferences.models import Conference
from voting.demo import PASSWORD
from voting.documents.models import Document
from voting.documents.search import include_object
from voting.extensions import db
from voting.formatting import to_local, utc_now
from voting.signing.demo import DEMO_PIN


def count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_demo_plays_2016_as_history_and_prepares_a_conference_today_twice_changing_nothing(
    runner: FlaskCliRunner,
) -> None:
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "daibieu8" in first.output and PASSWORD in first.output and DEMO_PIN in first.output
    before = (count(Cluster), count(Unit), count(User), count(Conference))
    assert before == (1, 8, 16, 2)  # the clerk (vanthu) included
    history, live = db.session.scalars(sa.select(Conference).order_by(Conference.year))
    today = to_local(utc_now()).date()
    assert history.year == 2016 and history.is_ended and history.held_on.year == 2016
    assert live.year == today.year and live.held_on == today and not live.is_ended
    assert f"({today:%d-%m-%Y})" in first.output
    # The units the 2016 conference elected lead the cluster into today's conference.
    assert live.outgoing_leader.name == "Phòng Công tác chính trị"
    assert live.outgoing_deputy is not None and live.outgoing_deputy.name == "Phòng Hậu cần"
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert (count(Cluster), count(Unit), count(User), count(Conference)) == before


def test_demo_finished_plays_the_conference(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["demo", "--finished"])
    assert result.exit_code == 0, result.output
    conference = db.session.scalar(sa.select(Conference))
    assert conference is not None and conference.is_ended and count(Conference) == 1
    assert conference.held_on.year == 2016 and "11-11-2016" in result.output
    again = runner.invoke(args=["demo", "--finished"])
    # two counting minutes, the handover, the bình xét minutes, the tờ trình and the conference minutes
    assert again.exit_code == 0 and count(Document) == 6

    exported = runner.invoke(args=["documents", "export", "--out", str(tmp_path), "--year", "2016"])
    assert exported.exit_code == 0, exported.output
    pdf = tmp_path / "bien-ban-hoi-nghi-ctd4-2016.pdf"
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert f"{digest}  {pdf.name}\n" in (tmp_path / "SHA256SUMS").read_text()
    assert len((tmp_path / "SHA256SUMS").read_text().splitlines()) == 6  # every document of 2016
    document = db.session.scalar(sa.select(Document).where(Document.filename == pdf.name))
    assert document is not None and document.sha256 == digest


def test_admin_commands_create_a_conference(runner: FlaskCliRunner) -> None:
    def ok(*args: str, input: str | None = None) -> str:
        result = runner.invoke(args=["admin", *args], input=input)
        assert result.exit_code == 0, result.output
        return result.output

    ok(
        "create-cluster",
        "--name",
        "Cụm thi đua số 1",
        "--parent-body",
        "Công an tỉnh Bắc Ninh",
        "--code",
        "CTĐ1",
        "--city",
        "Bắc Ninh",
    )
    for name in ("Phòng A", "Phòng B", "Phòng C"):
        ok("add-unit", "--cluster", "CTĐ1", name)
    twice = "matkhau123\nmatkhau123\n"
    ok("create-user", "ct1", "--role", "chair", "--full-name", "Nguyễn Văn A", input=twice)
    ok("create-user", "tk1", "--role", "secretary", "--full-name", "Trần Thị B", input=twice)
    ok(
        "create-user",
        "db1",
        "--role",
        "representative",
        "--full-name",
        "Lê C",
        "--cluster",
        "CTĐ1",
        "--unit",
        "Phòng A",
        input=twice,
    )
    out = ok(
        "create-conference",
        "--cluster",
        "CTĐ1",
        "--year",
        "2020",
        "--starts-at",
        "2020-12-01 08:00",
        "--place",
        "Hội trường",
        "--chair",
        "ct1",
        "--secretary",
        "tk1",
        "--outgoing-leader",
        "Phòng A",
    )
    assert "năm 2020" in out
    conference = db.session.scalar(sa.select(Conference))
    assert conference is not None and conference.outgoing_leader.name == "Phòng A"
    assert conference.starts_at.hour == 1  # 08:00 in Vietnam is 01:00 UTC


def test_admin_errors_are_messages_not_tracebacks(runner: FlaskCliRunner) -> None:
    cluster = ["admin", "create-cluster", "--parent-body", "Y", "--code", "C1", "--city", "Z"]
    runner.invoke(args=[*cluster, "--name", "X"])
    again = runner.invoke(args=[*cluster, "--name", "X2"])
    assert again.exit_code == 1 and "Mã cụm C1 đã được dùng" in again.output
    user = ["admin", "create-user", "u", "--role", "chair", "--full-name", "U"]
    short = runner.invoke(args=user, input="abc\nabc\n")
    assert short.exit_code == 1 and "ít nhất 8 ký tự" in short.output
    assert count(Cluster) == 1 and count(User) == 0


def test_migrations_match_the_models() -> None:
    """The schema built by the migrations is what the models describe (``flask db check``)."""
    options = {"render_as_batch": True, "include_object": include_object}  # as migrations/env.py
    context = MigrationContext.configure(db.session.connection(), opts=options)
    assert compare_metadata(context, db.metadata) == []
