"""The projector's display link and what the big screen shows."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from voting.conferences.models import Conference
from voting.elections.counting import RoundResult
from voting.elections.live import turnout
from voting.elections.models import Election, Round, RoundStatus
from voting.elections.results import Pending, RoundCount, count_of
from voting.elections.services import open_round_of
from voting.extensions import db


@dataclass(frozen=True)
class Screen:
    """What the projector shows now: the open round's turnout, or the last closed round's count."""

    conference: Conference
    round: Round | None
    voted: int
    count: RoundCount | None

    @property
    def result(self) -> RoundResult | None:
        """Return the round's count, None while there is none."""
        return self.count.result if self.count else None

    @property
    def pending(self) -> Pending | None:
        """Return why the round has no count yet (open, or awaiting the committee's paper count)."""
        return self.count.pending if self.count else None


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
        return Screen(conference, current, turnout(current), count_of(current))
    last = db.session.scalar(
        sa.select(Round)
        .join(Election)
        .where(Election.conference_id == conference.id, Round.status == RoundStatus.CLOSED)
        .order_by(Round.closed_at.desc(), Round.id.desc())
        .limit(1)
    )
    if last is None:
        return Screen(conference, None, 0, None)
    return Screen(conference, last, turnout(last), count_of(last))
