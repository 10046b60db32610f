"""The cast runs the same SQL statements at 10 or 60 candidates: no query per candidate can come back."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine.interfaces import CacheStats

from tests.eg import ballot_request_of
from tests.elections.helpers import change_rules
from tests.factories import Factories, Site, Stage
from tests.helpers import OPENED_AT, csrf_token, statements
from voting.crypto.prover import encrypt_ballot
from voting.elections.models import Ballot, Office, Participation, Round
from voting.elections.rules import VoteForm
from voting.elections.services import open_round
from voting.extensions import db

#: a voter that is neither the outgoing leader (index 0, not a candidate) nor the one it votes for
VOTER, CHOICE = 5, 2


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements the app runs inside the block."""
    with app.app_context():
        engine = db.engine
    with statements(engine) as seen:
        yield seen


def _open_vote_round(app: Flask, factories: Factories, units: int) -> tuple[Site, int]:
    """Commit a conference of *units* units (all but the outgoing leader stand) with an open vote's round."""
    with app.app_context():
        conference = factories.conference(Stage.CHECKED_IN, units=units, election_key=False)
        change_rules(conference, vote_form=VoteForm.OPEN)
        round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
        site = Site.of(conference, archivist=conference.chair, admin=conference.chair)
        db.session.commit()
        return site, round_.id


def _statements_of_open_cast(
    app: Flask, factories: Factories, login: Callable[[str], FlaskClient], units: int
) -> list[str]:
    site, round_id = _open_vote_round(app, factories, units)
    browser = login(site.representatives[VOTER])
    token = csrf_token(browser, f"/rounds/{round_id}/ballot")
    form = {"choice": str(site.units[CHOICE]), "csrf_token": token}
    with counted(app) as seen:
        answer = browser.post(f"/rounds/{round_id}/cast", data=form)
    assert answer.status_code == 302 and answer.location.endswith(f"/rounds/{round_id}/receipt")
    return seen


def _statements_of_secret_cast(
    app: Flask, factories: Factories, login: Callable[[str], FlaskClient], units: int
) -> list[str]:
    with app.app_context():
        conference = factories.conference(Stage.ROUND_OPEN, units=units)
        site = Site.of(conference, archivist=conference.chair, admin=conference.chair)
        round_id = db.session.scalar(sa.select(sa.func.max(Round.id)))
        db.session.commit()
    browser = login(site.representatives[VOTER])
    page = browser.get(f"/rounds/{round_id}/ballot").get_data(as_text=True)
    request = ballot_request_of(page)
    manifest = request["manifest"]
    choice = manifest["options"].index(f"unit:{site.units[CHOICE]}")
    ballot, _randomness = encrypt_ballot(manifest, choice, request["zero"])
    token = csrf_token(browser, f"/conferences/{site.conference_id}")
    with counted(app) as seen:
        answer = browser.post(
            f"/eg/rounds/{round_id}/ballot", json={"ballot": ballot}, headers={"X-CSRFToken": token}
        )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return seen


@pytest.mark.parametrize(
    "statements_of", [_statements_of_open_cast, _statements_of_secret_cast], ids=["open", "secret"]
)
def test_a_cast_runs_the_same_statements_at_10_and_at_60_candidates(
    app: Flask,
    factories: Factories,
    login: Callable[[str], FlaskClient],
    statements_of: Callable[..., list[str]],
) -> None:
    """The choice is checked by primary key, never by loading every candidate and its unit."""
    small = statements_of(app, factories, login, 11)
    large = statements_of(app, factories, login, 61)
    assert len(large) == len(small), "\n".join(large)
    every_candidate = [
        sql for sql in large if "round_candidates" in sql and " units" in sql and "unit_id = " not in sql
    ]
    assert not every_candidate, "the cast loads every candidate's unit"


#: the most statements a cast may run, per database. SQLite counts its BEGIN (the write lock is then
#: taken on the raw connection, and the round re-checked by the participation's own insert).
#: Raise only with a reason: each is a round trip on every one of a hall's casts.
#: open: login session and user; round, election, conference, rules, check-in and the candidate by
#: primary key (share-locked); participation (only into an open round, once); ballot and named vote
#: (one statement on PostgreSQL); the audit append (one call on PostgreSQL: lock, head and insert;
#: on SQLite the head, then the insert, BEGIN IMMEDIATE serializing them).
#: secret: no candidate and no named vote, but the candidates' ids (the manifest) and the election
#: key (ceremony, trustees); a replay is refused by the unique tracker.
PINNED = {
    "open": {"sqlite": 8, "postgresql": 5},
    "secret": {"sqlite": 10, "postgresql": 8},
}


@pytest.mark.parametrize(
    ("kind", "statements_of"), [("open", _statements_of_open_cast), ("secret", _statements_of_secret_cast)]
)
def test_a_cast_runs_no_more_statements_than_pinned(
    app: Flask,
    factories: Factories,
    login: Callable[[str], FlaskClient],
    kind: str,
    statements_of: Callable[..., list[str]],
) -> None:
    """Login session, one read of the round with what the cast checks, the inserts and the audit append."""
    seen = statements_of(app, factories, login, 11)
    with app.app_context():
        dialect = db.engine.dialect.name
    assert len(seen) <= PINNED[kind][dialect], "\n".join(seen)
    assert not [sql for sql in seen if "SAVEPOINT" in sql.upper()], "a cast needs no savepoint"


@contextmanager
def compiled_anew(app: Flask) -> Iterator[list[str]]:
    """Collect the statements inside the block that SQLAlchemy did not take from its cache."""
    with app.app_context():
        engine = db.engine
    missed: list[str] = []

    def note(*args: Any) -> None:
        statement, context = str(args[2]), args[4]
        if statement.strip().upper() != "BEGIN" and context.cache_hit is not CacheStats.CACHE_HIT:
            missed.append(f"{context.cache_hit}: {statement}")

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield missed
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)


@pytest.mark.parametrize(
    "statements_of", [_statements_of_open_cast, _statements_of_secret_cast], ids=["open", "secret"]
)
def test_a_cast_compiles_no_statement_again(
    app: Flask,
    factories: Factories,
    login: Callable[[str], FlaskClient],
    statements_of: Callable[..., list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each of a cast's statements is compiled once, then taken from SQLAlchemy's cache.

    SQLAlchemy never caches a database's own INSERT … ON CONFLICT: each cast compiled it again,
    about as much CPU as running it. (SQLite's BEGIN is sent as it is.)
    """
    statements_of(app, factories, login, 11)  # the first cast compiles
    monkeypatch.setattr(sys.modules[__name__], "counted", compiled_anew)  # only the cast's request
    missed = statements_of(app, factories, login, 11)
    assert not missed, "\n".join(missed)


@pytest.mark.parametrize("value", ["", "abc", "1e3", "-1", "٣", "99999999999", "outgoing leader"])
def test_a_cast_naming_no_candidate_is_refused_and_writes_nothing(
    app: Flask, factories: Factories, login: Callable[[str], FlaskClient], value: str
) -> None:
    """Unless the ballot reads the posted value as one of the round's options, nothing is cast."""
    site, round_id = _open_vote_round(app, factories, 11)
    browser = login(site.representatives[VOTER])
    token = csrf_token(browser, f"/rounds/{round_id}/ballot")
    posted = (
        str(site.units[0]) if value == "outgoing leader" else value
    )  # a unit of the cluster, not standing
    answer = browser.post(
        f"/rounds/{round_id}/cast", data={"choice": posted, "csrf_token": token}, follow_redirects=True
    )
    assert answer.request.path == f"/rounds/{round_id}/ballot"
    assert "Phiếu không hợp lệ; hãy chọn lại." in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Participation)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 0
    cast = browser.post(
        f"/rounds/{round_id}/cast", data={"choice": str(site.units[CHOICE]), "csrf_token": token}
    )
    assert cast.status_code == 302 and cast.location.endswith(f"/rounds/{round_id}/receipt")
