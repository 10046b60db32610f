"""The live pages' version: what the console, the representative's page and the projector poll.

One statement answers it, from counters and timestamps only (no ORM object, no count of a round):
the units present, the open round's turnout, and a fingerprint of everything else that changes a
page's shape (rounds opened, closed, voided, paper counts entered and confirmed, decryptions,
decisions, certifications, the handover, the end of the conference). The same statement carries the
access check, so an unchanged poll is answered (304) after the login session's query and this one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Request, jsonify
from werkzeug.wrappers import Response

from voting.conferences.models import CheckIn, Conference
from voting.elections.models import (
    DecryptedCount,
    Election,
    PaperCount,
    Participation,
    Round,
    RoundStatus,
)
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


def _count(column: sa.orm.QueryableAttribute[Any], *where: sa.ColumnElement[bool]) -> sa.ScalarSelect[int]:
    """Return a subquery counting *column* where every condition holds (correlated to the conference)."""
    return sa.select(sa.func.count(column)).where(*where).scalar_subquery()


def live_state(*where: sa.ColumnElement[bool]) -> LiveState | None:
    """Return the live state of the conference matching *where* (its id or token, and who may see it)."""
    of_conference = Election.conference_id == Conference.id
    round_ids = sa.select(Round.id).join(Election, Election.id == Round.election_id).where(of_conference)
    open_ids = round_ids.where(Round.status == RoundStatus.OPEN)
    in_rounds = sa.and_(Election.id == Round.election_id, of_conference)
    figures = (
        _count(CheckIn.unit_id, CheckIn.conference_id == Conference.id),
        _count(Participation.unit_id, Participation.round_id.in_(open_ids.scalar_subquery())),
        # Below, what re-renders a region: each count only grows as the conference goes on.
        _count(Round.id, in_rounds),
        _count(Round.closed_at, in_rounds),
        _count(Round.voided_at, in_rounds),
        _count(PaperCount.round_id, PaperCount.round_id.in_(round_ids.scalar_subquery())),
        _count(PaperCount.confirmed_at, PaperCount.round_id.in_(round_ids.scalar_subquery())),
        _count(DecryptedCount.round_id, DecryptedCount.round_id.in_(round_ids.scalar_subquery())),
        _count(Election.decided_at, of_conference),
        _count(Election.certified_at, of_conference),
        _count(FlagHandover.conference_id, FlagHandover.conference_id == Conference.id),
    )
    row = db.session.execute(sa.select(Conference.id, Conference.ended_at, *figures).where(*where)).first()
    if row is None:
        return None
    conference_id, ended_at, present, voted, *shape = row
    fingerprint = hashlib.sha256(repr((ended_at, *shape)).encode()).hexdigest()[:16]
    return LiveState(conference_id, present or 0, voted or 0, fingerprint)


def live_response(state: LiveState, request: Request) -> Response:
    """Answer a poll: the state as JSON with its ETag, or a bodiless 304 while it has not changed."""
    response = jsonify(state.as_json())
    # Browsers revalidate every poll (no-cache) and get a bodiless 304 while nothing changed.
    response.set_etag(state.etag)
    response.cache_control.no_cache = True
    response.cache_control.private = True
    return response.make_conditional(request)
