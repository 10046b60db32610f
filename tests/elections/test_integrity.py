"""Ballot secrecy by design, concurrency and the database's own constraints, without the HTTP client."""

from __future__ import annotations

import copy
import hashlib
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import IntegrityError

from tests.eg import cast_ballot, open_round
from tests.elections.helpers import cast_at_once, check_in_all, count_rows, open_vote_round, vote
from tests.helpers import OPENED_AT, later
from voting.conferences.models import Conference
from voting.crypto.prover import encrypt_ballot
from voting.elections import casting, encrypted, services
from voting.elections.models import (
    Ballot,
    EncryptedBallot,
    NamedVote,
    Office,
    Participation,
    Round,
    RoundStatus,
)
from voting.errors import InvalidChoice, RoundNotOpen
from voting.extensions import db

# Secret ballot by design ------------------------------------------------------------------------


def test_ballots_table_holds_no_voter_and_no_time() -> None:
    inspector = sa.inspect(db.session.connection())
    columns = {column["name"] for column in inspector.get_columns("ballots")}
    assert columns == {"id", "round_id", "choice_unit_id", "is_against", "receipt_code"}
    referred = {fk["referred_table"] for fk in inspector.get_foreign_keys("ballots")}
    assert referred <= {"rounds", "round_candidates"}
    assert "participations" not in referred
    assert "users" not in referred


def test_ballot_ids_are_random_hex(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    vote(round_, [units[1]] * 8)
    ids = list(db.session.scalars(sa.select(EncryptedBallot.id).where(EncryptedBallot.round_id == round_.id)))
    assert len(ids) == 8
    assert len(set(ids)) == 8
    assert all(re.fullmatch(r"[0-9a-f]{32}", ballot_id) for ballot_id in ids)
    values = sorted(int(ballot_id, 16) for ballot_id in ids)
    # sequential ids would sit next to each other; 128 random bits are far apart
    assert values[-1] - values[0] > 10**6


def test_trackers_are_unique_hashes_of_the_ballots(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    returned = [cast_ballot(round_, voter, units[1]) for voter in units]
    query = sa.select(EncryptedBallot.tracker, EncryptedBallot.content).where(
        EncryptedBallot.round_id == round_.id
    )
    stored = db.session.execute(query).all()
    assert sorted(row.tracker for row in stored) == sorted(returned)
    assert len(set(returned)) == 8  # the same choice eight times: eight different ciphertexts
    assert all(row.tracker == hashlib.sha256(row.content.encode()).hexdigest() for row in stored)


# Concurrency ------------------------------------------------------------------------------------


@pytest.mark.commits  # the threads read what this test commits
def test_concurrent_ballots_of_one_unit_keep_exactly_one(app: Flask, conference: Conference) -> None:
    """Ten simultaneous casts for the same unit: one ballot, nine AlreadyVoted, nothing else."""
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    round_id, voter_id, choice_id = round_.id, units[5].id, units[1].id
    # The threads must see the round; the main thread touches nothing until they end
    # (on SQLite an open transaction here would hold the write lock).
    db.session.commit()

    outcomes = cast_at_once(app, round_id, voter_id, choice_id)

    assert outcomes == ["already voted"] * 9 + ["cast"]
    assert count_rows(EncryptedBallot, round_) == 1
    assert count_rows(Participation, round_) == 1


def test_a_ballot_reads_the_rounds_status_under_its_lock_not_from_memory(conference: Conference) -> None:
    """A round closed by another transaction after the view loaded it refuses the ballot."""
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    rounds = Round.__table__
    closed = (
        sa.update(rounds)
        .where(rounds.c.id == round_.id)
        .values(status=RoundStatus.CLOSED, closed_at=later(5))
    )
    db.session.connection().execute(closed)  # behind the ORM's back, as a concurrent close would be
    assert round_.status is RoundStatus.OPEN

    with pytest.raises(RoundNotOpen):
        cast_ballot(round_, units[0], units[1])
    assert round_.status is RoundStatus.CLOSED
    assert count_rows(Participation, round_) == 0


def test_a_replayed_encrypted_ballot_is_refused_and_writes_nothing(conference: Conference) -> None:
    """Another unit posting a copy of a cast ballot: refused by the round's unique tracker, no savepoint."""
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    manifest = encrypted.manifest_of(round_)
    ballot, _randomness = encrypt_ballot(manifest, manifest["options"].index(f"unit:{units[1].id}"), [])
    encrypted.cast_encrypted(round_, units[4], ballot, by=None, now=later(1))

    with pytest.raises(InvalidChoice, match="lặp lại"):
        encrypted.cast_encrypted(round_, units[5], copy.deepcopy(ballot), by=None, now=later(2))

    assert count_rows(EncryptedBallot, round_) == 1
    assert count_rows(Participation, round_) == 1  # the copier's participation was taken back
    cast_ballot(round_, units[5], units[2])  # the transaction goes on: the copier may still vote
    assert count_rows(EncryptedBallot, round_) == 2


# Database constraints without the service ------------------------------------------------------


def test_database_refuses_a_second_participation(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    row = {"round_id": round_.id, "unit_id": units[2].id}
    db.session.execute(sa.insert(Participation).values(**row))
    with pytest.raises(IntegrityError):
        db.session.execute(sa.insert(Participation).values(**row))
    db.session.rollback()


def test_database_refuses_a_ballot_for_a_non_candidate(conference: Conference) -> None:
    """The composite foreign key ties a ballot's choice to its own round's candidates."""
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    db.session.execute(
        sa.insert(Ballot).values(
            id="a" * 32, round_id=round_.id, choice_unit_id=units[1].id, receipt_code="AAAA-AAAA"
        )
    )
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.insert(Ballot).values(
                id="b" * 32,
                round_id=round_.id,
                choice_unit_id=conference.outgoing_leader_id,
                receipt_code="BBBB-BBBB",
            )
        )
    db.session.rollback()


def test_database_refuses_a_second_open_round(conference: Conference) -> None:
    check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    common = {"election_id": round_.election_id, "opened_at": later(1), "base": 8}
    # a closed round alongside the open one is fine: the index is partial
    db.session.execute(
        sa.insert(Round).values(number=3, status=RoundStatus.CLOSED, closed_at=later(2), **common)
    )
    with pytest.raises(IntegrityError):
        db.session.execute(sa.insert(Round).values(number=2, status=RoundStatus.OPEN, **common))
    db.session.rollback()


def test_a_receipt_code_already_drawn_is_drawn_again(
    conference: Conference, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two ballots drawing the same receipt code: the second draws again, and both are cast.

    In an open vote each ballot's named vote goes in with it (one statement on PostgreSQL): the
    refused draw leaves no named vote behind.
    """
    round_ = open_vote_round(conference)
    units = conference.cluster.units
    drawn = iter(["AAAA-AAAA", "AAAA-AAAA", "BBBB-BBBB"])
    monkeypatch.setattr(casting, "new_receipt_code", lambda: next(drawn))
    first = services.cast_ballot(round_, units[0], units[1], now=later(2))
    second = services.cast_ballot(round_, units[1], units[2], now=later(2))
    assert (first, second) == ("AAAA-AAAA", "BBBB-BBBB")
    codes = db.session.scalars(sa.select(Ballot.receipt_code).where(Ballot.round_id == round_.id))
    assert sorted(codes) == ["AAAA-AAAA", "BBBB-BBBB"]
    assert count_rows(Participation, round_) == 2
    named = db.session.execute(
        sa.select(NamedVote.unit_id, NamedVote.choice_unit_id).where(NamedVote.round_id == round_.id)
    )
    assert sorted(named.tuples()) == sorted([(units[0].id, units[1].id), (units[1].id, units[2].id)])


def test_a_receipt_code_is_unique_in_its_round_only(conference: Conference) -> None:
    """Receipts are published per round: the same code may stand in two rounds, never twice in one."""
    round_ = open_vote_round(conference)
    other = Round(
        election_id=round_.election_id,
        number=2,
        status=RoundStatus.CLOSED,
        opened_at=later(3),
        closed_at=later(4),
        base=round_.base,
    )
    db.session.add(other)
    db.session.flush()
    for target in (round_, other):
        db.session.add(Ballot(round_id=target.id, choice_unit_id=None, receipt_code="CCCC-CCCC"))
    db.session.flush()
    db.session.add(Ballot(round_id=round_.id, choice_unit_id=None, receipt_code="CCCC-CCCC"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
