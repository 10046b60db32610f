"""SQLite: a cast reads without the write lock and takes it only around its writes, re-checking under it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.eg import ballot_request_of, post_json
from tests.elections.helpers import cast_at_once
from tests.factories import Factories, Site, Stage
from tests.helpers import later
from voting.crypto.prover import encrypt_ballot
from voting.elections import encrypted
from voting.elections.models import EncryptedBallot, Participation, Round, RoundStatus
from voting.extensions import db
from voting.transactions import take_write_lock

pytestmark = pytest.mark.commits  # each test's other connections read what it commits


def _is_sqlite(app: Flask) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "sqlite"


def _open_round(app: Flask, factories: Factories) -> tuple[Site, int]:
    with app.app_context():
        conference = factories.conference(Stage.ROUND_OPEN)
        site = Site.of(conference, archivist=conference.chair, admin=conference.chair)
        round_id = db.session.scalar(sa.select(sa.func.max(Round.id)))
        db.session.commit()
        assert round_id is not None
        return site, round_id


def _rows(app: Flask, table: Any, round_id: int) -> int:
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count()).select_from(table).where(table.round_id == round_id)
        )
        db.session.remove()
        return int(count or 0)


def test_a_round_closed_while_the_proofs_are_checked_refuses_the_ballot(
    app: Flask,
    factories: Factories,
    login: Callable[[str], FlaskClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another writer gets in during the proof check (no lock held); the cast re-checks under the lock."""
    if not _is_sqlite(app):
        pytest.skip("PostgreSQL holds the round's row lock for the whole cast (FOR SHARE)")
    site, round_id = _open_round(app, factories)
    browser = login(site.representatives[2])
    request = ballot_request_of(browser.get(f"/rounds/{round_id}/ballot").get_data(as_text=True))
    manifest = request["manifest"]
    ballot, _randomness = encrypt_ballot(manifest, manifest["options"].index("blank"), request["zero"])
    verify = encrypted.verifier.verify_ballot
    closed: list[bool] = []

    def close_then_verify(*args: Any, **kwargs: Any) -> str:
        with db.engine.connect() as other:
            raw = other.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA busy_timeout = 200")  # a held write lock fails this fast
            with other.begin():
                rounds = Round.__table__
                other.execute(
                    sa.update(rounds)
                    .where(rounds.c.id == round_id)
                    .values(status=RoundStatus.CLOSED, closed_at=later(5))
                )
            raw.execute("PRAGMA busy_timeout = 15000")
        closed.append(True)
        return verify(*args, **kwargs)

    monkeypatch.setattr(encrypted.verifier, "verify_ballot", close_then_verify)
    answer = post_json(browser, f"/eg/rounds/{round_id}/ballot", {"ballot": ballot})

    assert closed == [True]
    assert answer.status_code == 409, answer.get_data(as_text=True)
    assert "Vòng bầu đã kết thúc" in answer.json["error"]
    assert _rows(app, Participation, round_id) == 0
    assert _rows(app, EncryptedBallot, round_id) == 0


def test_simultaneous_casts_of_one_unit_under_the_late_lock_keep_exactly_one(
    app: Flask, factories: Factories
) -> None:
    """Ten casts of one unit, each reading without the lock (as the cast view does): one counted."""
    site, round_id = _open_round(app, factories)
    voter_id, choice_id = site.units[5], site.units[1]
    outcomes = cast_at_once(app, round_id, voter_id, choice_id, path=f"/eg/rounds/{round_id}/ballot")
    assert outcomes == ["already voted"] * 9 + ["cast"]
    assert _rows(app, Participation, round_id) == 1
    assert _rows(app, EncryptedBallot, round_id) == 1


def test_the_write_lock_is_refused_after_a_write(app: Flask, factories: Factories) -> None:
    """Taking the lock ends the read snapshot: after a write, that would commit the write early."""
    if not _is_sqlite(app):
        pytest.skip("no write lock to take on PostgreSQL")
    site, round_id = _open_round(app, factories)
    with app.test_request_context(f"/eg/rounds/{round_id}/ballot", method="POST"):
        db.session.execute(sa.insert(Participation).values(round_id=round_id, unit_id=site.units[3]))
        with pytest.raises(RuntimeError, match="after a write"):
            take_write_lock()
        db.session.rollback()
        db.session.remove()
    assert _rows(app, Participation, round_id) == 0
