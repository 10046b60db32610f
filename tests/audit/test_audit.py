"""The audit log: what is recorded, what is not, and `audit verify` catching tampering."""

from __future__ import annotations

import json
import threading

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.eg import cast_ballot, open_round
from tests.elections.helpers import check_in_all, run_round
from tests.factories import Factories
from tests.helpers import OPENED_AT, later
from voting.audit.models import AuditEntry
from voting.audit.services import GENESIS, entry_hash, record, verify
from voting.auth.models import Role
from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.elections.models import EncryptedBallot, Office, Round
from voting.elections.services import certify, get_election
from voting.extensions import db


def entries(action: str | None = None) -> list[AuditEntry]:
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def play(conference: Conference) -> None:
    """Check in, elect the leader in one round and certify it."""
    units = check_in_all(conference)
    run_round(conference, Office.LEADER, [units[1]] * 6 + [units[2], None])
    certify(get_election(conference, Office.LEADER), by=conference.chair, now=later(20))  # type: ignore[arg-type]


def test_every_step_is_recorded_in_a_chain(conference: Conference) -> None:
    play(conference)
    actions = [entry.action for entry in entries()]
    assert actions[0] == "conference.created"
    assert actions.count("unit.checked_in") == 8 and actions.count("ballot.cast") == 8
    assert [
        "round.opened",
        "round.closed",
        *["round.decryption_posted"] * 2,
        "round.decrypted",
        "election.certified",
    ] == [a for a in actions if a.startswith(("round.", "election."))]
    chain = entries()
    assert chain[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(chain, chain[1:], strict=False))
    assert [e.id for e in chain] == list(range(1, len(chain) + 1))
    assert verify().is_intact


def test_ballot_entries_carry_no_content_and_only_the_minute(conference: Conference) -> None:
    play(conference)
    receipts = set(db.session.scalars(sa.select(EncryptedBallot.tracker)))
    ballot_ids = set(db.session.scalars(sa.select(EncryptedBallot.id)))
    for entry in entries("ballot.cast"):
        details = json.loads(entry.details)
        assert set(details) == {"round_id", "unit_id"}
        assert not any(secret in entry.details for secret in receipts | ballot_ids)
        assert entry.created_at.second == 0 and entry.created_at.microsecond == 0


def test_verify_names_an_edited_entry(conference: Conference, runner: FlaskCliRunner) -> None:
    play(conference)
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == 5).values(details='{"unit_id": 1}'))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "#5" in result.output and "bị sửa" in result.output


def test_verify_names_the_entry_after_a_deleted_one(conference: Conference, runner: FlaskCliRunner) -> None:
    play(conference)
    db.session.execute(sa.delete(AuditEntry).where(AuditEntry.id == 7))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "#8" in result.output and "#7" in result.output


def test_verify_catches_two_swapped_entries(conference: Conference, runner: FlaskCliRunner) -> None:
    play(conference)
    first, second = db.session.get(AuditEntry, 3), db.session.get(AuditEntry, 4)
    assert first is not None and second is not None
    swap = {
        column: (getattr(first, column), getattr(second, column))
        for column in (
            "conference_id",
            "actor_id",
            "actor_username",
            "action",
            "details",
            "created_at",
            "prev_hash",
            "hash",
        )
    }
    # Two updates through a free hash value, since hash is unique.
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == 3).values(hash="x" * 64))
    db.session.execute(
        sa.update(AuditEntry).where(AuditEntry.id == 4).values(**{k: v[0] for k, v in swap.items()})
    )
    db.session.execute(
        sa.update(AuditEntry).where(AuditEntry.id == 3).values(**{k: v[1] for k, v in swap.items()})
    )
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "#3" in result.output


def test_verify_passes_on_an_untouched_log(conference: Conference, runner: FlaskCliRunner) -> None:
    play(conference)
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"{len(entries())} mục" in result.output


@pytest.mark.commits  # the threads read what this test commits
def test_concurrent_ballots_keep_one_unbroken_chain(app: Flask, conference: Conference) -> None:
    """Eight representatives cast at once: eight entries, consecutive ids, one chain."""
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    round_id, unit_ids, choice_id = round_.id, [u.id for u in units], units[1].id
    db.session.commit()
    barrier = threading.Barrier(len(unit_ids))
    errors: list[str] = []

    def worker(unit_id: int) -> None:
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                round_here = db.session.get(Round, round_id)
                assert round_here is not None
                cast_ballot(
                    round_here, db.session.get(Unit, unit_id), db.session.get(Unit, choice_id), now=later(2)
                )  # type: ignore[arg-type]
                db.session.commit()
            except Exception as error:  # any error fails the assertion below
                db.session.rollback()
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(unit_id,)) for unit_id in unit_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    db.session.expire_all()
    assert len(entries("ballot.cast")) == 8
    assert verify().is_intact


def test_record_outside_a_conference(conference: Conference) -> None:
    record("login.failed", actor=None, details={"username": "khong-ton-tai"}, now=OPENED_AT)
    [entry] = entries("login.failed")
    assert entry.conference_id is None and entry.actor_username == ""
    assert verify().is_intact


def test_each_database_hashes_an_entry_as_the_verifier_does(factories: Factories) -> None:
    """PostgreSQL numbers and hashes an entry in the database, SQLite in Python: the same bytes either way.

    Vietnamese text, a number, nested details, with and without an actor, the chain's first entry
    and the one after it: each stored hash is ``entry_hash`` over the stored fields.
    """
    assert not entries()
    admin = factories.user(Role.ADMIN, username="quản.trị")
    record("login.failed", actor=None, details={"username": "Phòng Hậu cần – Đội 1"}, now=OPENED_AT)
    record(
        "score.saved",
        actor=admin,
        details={"điểm": 7.5, "mục": [1, "Tiêu chí ‘đặc biệt’"], "ghi chú": None},
        now=later(3).replace(microsecond=123456),
    )
    stored = entries()
    assert [entry.id for entry in stored] == [1, 2] and stored[0].prev_hash == GENESIS
    for entry in stored:
        fields = {
            "id": entry.id,
            "conference_id": entry.conference_id,
            "actor_id": entry.actor_id,
            "actor_username": entry.actor_username,
            "action": entry.action,
            "details": json.loads(entry.details),
            "created_at": entry.created_at,
        }
        assert entry.hash == entry_hash(**fields, prev_hash=entry.prev_hash)
    assert stored[1].prev_hash == stored[0].hash and stored[1].actor_username == "quản.trị"
    assert stored[1].created_at.microsecond == 0
    assert verify().is_intact
