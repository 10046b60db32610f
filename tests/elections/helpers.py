"""Shared steps for the election tests: check in, vote, run a round, make counting-committee accounts."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from flask import Flask

from tests.eg import cast_ballot, close_round, open_round
from tests.helpers import CHECK_IN_AT, PASSWORD, later
from voting.auth.models import Role, User
from voting.auth.services import create_user
from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.conferences.services import check_in
from voting.elections.models import Election, EncryptedBallot, Office, Participation, Round
from voting.elections.rules import DEFAULTS, RulesChange, VoteForm, set_rules
from voting.elections.services import RoundResult, certify, count_round, get_election
from voting.errors import AlreadyVoted
from voting.extensions import db


def check_in_all(conference: Conference, n: int = 8) -> list[Unit]:
    """Check in the first *n* units of the conference's cluster."""
    units = list(conference.cluster.units[:n])
    for unit in units:
        check_in(conference, unit, by=conference.chair, now=CHECK_IN_AT)
    return units


def vote(round_: Round, choices: Sequence[Unit | None], *, against: Sequence[bool] = ()) -> None:
    """Cast one ballot per choice, the voters being the cluster's units in list order."""
    voters = round_.election.conference.cluster.units
    flags = list(against) + [False] * (len(choices) - len(against))
    for voter, choice, is_against in zip(voters, choices, flags, strict=False):
        cast_ballot(round_, voter, choice, against=is_against, now=later(1))


def run_round(
    conference: Conference,
    office: Office,
    choices: Sequence[Unit | None],
    *,
    minute: int = 0,
    **kwargs: object,
) -> RoundResult:
    """Open a round, cast the ballots, close it and return its count."""
    round_ = open_round(conference, office, now=later(minute), **kwargs)  # type: ignore[arg-type]
    vote(round_, choices)
    return count_round(close_round(round_, now=later(minute + 10)))


def change_rules(conference: Conference, **changes: object) -> None:
    """Set the conference's rules: the defaults with *changes*."""
    base = RulesChange(**DEFAULTS)  # type: ignore[arg-type]
    set_rules(conference, replace(base, **changes), by=conference.chair, now=CHECK_IN_AT)  # type: ignore[arg-type]


def make_counters(n: int = 3) -> list[User]:
    """Create *n* counting-committee accounts kiemphieu1..n (with the test password)."""
    return [
        create_user(f"kiemphieu{i}", PASSWORD, full_name=f"Kiểm Phiếu {i}", title="Cán bộ", role=Role.COUNTER)
        for i in range(1, n + 1)
    ]


def elect_leader(conference: Conference, winner: Unit) -> Election:
    """Run and certify a leader election that *winner* wins 6 to 2 (all 8 units present)."""
    units = conference.cluster.units
    run_round(conference, Office.LEADER, [winner] * 6 + [units[2], None])
    election = get_election_or_fail(conference, Office.LEADER)
    return certify(election, by=conference.chair, now=later(15))


def get_election_or_fail(conference: Conference, office: Office) -> Election:
    """Return the conference's election of an office, which must exist."""
    election = get_election(conference, office)
    assert election is not None
    return election


def count_rows(model: type[EncryptedBallot] | type[Participation], round_: Round) -> int:
    """Return how many rows of *model* belong to the round."""
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.round_id == round_.id))
        or 0
    )


def cast_at_once(
    app: Flask, round_id: int, voter_id: int, choice_id: int, *, threads: int = 10, path: str | None = None
) -> list[str]:
    """Cast one unit's ballot from *threads* threads at once; return each outcome, sorted.

    An outcome is "cast", "already voted" or the error's repr. With *path*, each thread casts inside a
    POST to it, as the cast view does (on SQLite: reading without the write lock until the writes).
    The caller must have committed the round and hold no transaction open.
    """
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def context() -> AbstractContextManager[Any]:
        return app.test_request_context(path, method="POST") if path else app.app_context()

    def worker() -> None:
        with context():
            barrier.wait(timeout=30)
            try:
                round_ = db.session.get(Round, round_id)
                voter, choice = db.session.get(Unit, voter_id), db.session.get(Unit, choice_id)
                assert round_ is not None and voter is not None
                cast_ballot(round_, voter, choice)
                db.session.commit()
                outcome = "cast"
            except AlreadyVoted:
                db.session.rollback()
                outcome = "already voted"
            except Exception as error:  # any other error fails the caller's assertion
                db.session.rollback()
                outcome = repr(error)
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    running = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in running)
    return sorted(outcomes)


def open_vote_round(conference: Conference) -> Round:
    """Switch the conference to an open (named) vote, check every unit in and open the leader round."""
    change_rules(conference, vote_form=VoteForm.OPEN)
    check_in_all(conference)
    return open_round(conference, Office.LEADER, now=later(1))
