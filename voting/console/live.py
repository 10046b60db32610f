"""The live pages' version: what the console, the representative's page and the projector poll.

One statement answers it, from counters and timestamps only (no ORM object, no count of a round):
the units present, the open round's turnout, and a fingerprint of everything else that changes a
page's shape (rounds opened, closed, voided, paper counts entered and confirmed, decryptions,
decisions, certifications, the handover, the end of the conference). The same statement carries the
access check, so an unchanged poll is answered (304) after the login session's query and this one.
"""

from __future__ import annotations

import functools
import hashlib
import operator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Request, jsonify
from werkzeug.wrappers import Response

from voting.auth.models import Role, User
from voting.auth.services import live_session, live_session_values
from voting.conferences.access import visible_to_account
from voting.conferences.models import CheckIn, Conference
from voting.elections.models import (
    DecryptedCount,
    Election,
    Participation,
    Round,
    RoundStatus,
)
from voting.elections.paper_models import PaperCount
from voting.extensions import db
from voting.handovers.models import FlagHandover


@dataclass(frozen=True)
class LiveState:
    """The figures the live pages update in place, and the fingerprint of what re-renders a region."""

    conference_id: int
    present: int  # units checked in
    voted: int  # units that voted in the open round (0 when none is open)
    shape: str  # changes when any region must be drawn again

    @property
    def etag(self) -> str:
        """Return a tag that changes exactly when the answer changes."""
        return f"{self.shape}.{self.present}.{self.voted}"

    def as_json(self) -> dict[str, int | str]:
        """Return what the polling script reads."""
        return {"present": self.present, "voted": self.voted, "shape": self.shape}


def _count(*columns: sa.orm.QueryableAttribute[Any]) -> sa.ColumnElement[int]:
    """Return the sum of the non-null counts of *columns*."""
    counts: list[sa.ColumnElement[int]] = [sa.func.count(column) for column in columns]
    return functools.reduce(operator.add, counts)


@functools.cache
def _figures() -> sa.Select[Any]:
    """Return the state's columns, built once (building a statement costs more than running this one).

    Each subquery sits one level below the conference, so that it correlates to it. The shape's
    figures are sums of counts that only grow (rounds opened, closed, voided; paper counts entered,
    confirmed; decisions, certifications; nothing is ever deleted), so a sum changes exactly when
    one of them does.
    """
    of_conference = Election.conference_id == Conference.id
    rounds = sa.select(Round.id).join(Election, Election.id == Round.election_id).where(of_conference)
    return sa.select(
        Conference.id,
        Conference.ended_at,
        sa.select(sa.func.count(CheckIn.unit_id))
        .where(CheckIn.conference_id == Conference.id)
        .scalar_subquery(),
        rounds.with_only_columns(sa.func.count(Participation.unit_id))
        .join(Participation, Participation.round_id == Round.id)
        .where(Round.status == RoundStatus.OPEN)
        .scalar_subquery(),
        # Below, what re-renders a region.
        rounds.with_only_columns(
            _count(Round.id, Round.closed_at, Round.voided_at, PaperCount.round_id, PaperCount.confirmed_at)
        )
        .outerjoin(PaperCount, PaperCount.round_id == Round.id)
        .scalar_subquery(),
        rounds.with_only_columns(sa.func.count(sa.distinct(DecryptedCount.round_id)))
        .join(DecryptedCount, DecryptedCount.round_id == Round.id)
        .scalar_subquery(),
        sa.select(_count(Election.decided_at, Election.certified_at)).where(of_conference).scalar_subquery(),
        sa.select(sa.func.count(FlagHandover.conference_id))
        .where(FlagHandover.conference_id == Conference.id)
        .scalar_subquery(),
    )


@functools.cache
def _statement(by: str, roles: tuple[Role, ...] = ()) -> sa.Select[Any]:
    """Return the whole statement for one way of naming the conference, built once, its values bound later."""
    if by == "token":
        return _figures().where(Conference.display_token == sa.bindparam("token"))
    by_id = _figures().where(Conference.id == sa.bindparam("conference_id"))
    if by == "session":
        return by_id.where(live_session(), User.role.in_(roles), visible_to_account())
    return by_id


def _state(statement: sa.Select[Any], values: dict[str, Any]) -> LiveState | None:
    """Run the statement on the session's connection (Core: no ORM result machinery for a row of counts)."""
    row = db.session.connection().execute(statement, values).first()
    if row is None:
        return None
    conference_id, ended_at, present, voted, *shape = row
    fingerprint = hashlib.sha256(repr((ended_at, *shape)).encode()).hexdigest()[:16]
    return LiveState(conference_id, present or 0, voted or 0, fingerprint)


def live_state(conference_id: int) -> LiveState:
    """Return the live state of a conference (the pages draw with it)."""
    state = _state(_statement("id"), {"conference_id": conference_id})
    assert state is not None, f"no conference {conference_id}"
    return state


def live_state_for_session(
    conference_id: int, user_id: int, token: str, *, roles: tuple[Role, ...]
) -> LiveState | None:
    """Return the conference's live state if the login session is live and its account may see it.

    None otherwise (an ended session, another role than *roles*, another cluster's conference). One
    statement: a poll's only one while nothing changed.
    """
    values = {"conference_id": conference_id, **live_session_values(user_id, token)}
    return _state(_statement("session", roles), values)


def live_state_by_token(token: str) -> LiveState | None:
    """Return the live state of the conference whose display link carries *token*."""
    return _state(_statement("token"), {"token": token}) if token else None


def live_response(state: LiveState, request: Request) -> Response:
    """Answer a poll: the state as JSON with its ETag, or a bodiless 304 while it has not changed."""
    response = Response(status=304) if state.etag in request.if_none_match else jsonify(state.as_json())
    # Browsers revalidate every poll (no-cache) and get a bodiless 304 while nothing changed.
    response.set_etag(state.etag)
    response.cache_control.no_cache = True
    response.cache_control.private = True
    return response.make_conditional(request)
