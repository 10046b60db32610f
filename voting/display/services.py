"""The projector's display link and what the big screen shows."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from voting.conferences.models import Conference
from voting.elections.models import Election, Round, RoundStatus
from voting.elections.services import RoundResult, count_round, open_round_of, turnout
from voting.extensions import db


@dataclass(frozen=True)
class Screen:
    """What the projector shows now: the open round's turnout, or the last closed round's count."""

    conference: Conference
    round: Round | None
    voted: int
    result: RoundResult | None

    @property
    def version(self) -> str:
        """Return a fingerprint that changes when the page must be redrawn (turnout updates in place)."""
        if self.round is None:
            return "none"
        parts = (self.round.id, self.round.status.value, self.round.election.is_certified)
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def rotate_display_token(conference: Conference) -> str:
    """Give the conference a new display link secret; the old link stops working."""
    conference.display_token = secrets.token_urlsafe(24)
    db.session.flush()
    return conference.display_token


def conference_for_display(token: str) -> Conference | None:
    """Return the conference whose display link carries *token*."""
    if not token:
        return None
    return db.session.scalar(sa.select(Conference).where(Conference.display_token == token))


def screen(conference: Conference) -> Screen:
    """Return what the projector should show for the conference."""
    current = open_round_of(conference)
    if current is not None:
        return Screen(conference, current, turnout(current), None)
    last = db.session.scalar(
        sa.select(Round)
        .join(Election)
        .where(Election.conference_id == conference.id, Round.status == RoundStatus.CLOSED)
        .order_by(Round.closed_at.desc(), Round.id.desc())
        .limit(1)
    )
    if last is None:
        return Screen(conference, None, 0, None)
    return Screen(conference, last, turnout(last), count_round(last))
