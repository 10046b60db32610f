"""Turnout: how many units voted in a round, and the live figure the pages poll (one query, an ETag)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from voting.conferences.models import Conference
from voting.elections.models import Election, Participation, Round, RoundStatus
from voting.extensions import db


@dataclass(frozen=True)
class LiveTurnout:
    """The open round (if any) and how many of its units have voted."""

    round_id: int | None
    voted: int = 0
    base: int = 0

    def as_json(self) -> dict[str, int | None]:
        """Return what the polling pages read (only the round id when no round is open)."""
        if self.round_id is None:
            return {"round_id": None}
        return {"round_id": self.round_id, "voted": self.voted, "base": self.base}

    @property
    def etag(self) -> str:
        """Return a tag that changes exactly when the answer changes."""
        return hashlib.sha256(f"{self.round_id}:{self.voted}:{self.base}".encode()).hexdigest()[:20]


def live_turnout(conference: Conference) -> LiveTurnout:
    """Return the conference's open round and its turnout in one query.

    The election is found through its (conference, office) unique index, the round through
    (election, number), and the count reads only the participations' primary-key index.
    """
    voted = (
        sa.select(sa.func.count())
        .select_from(Participation)
        .where(Participation.round_id == Round.id)
        .scalar_subquery()
    )
    row = db.session.execute(
        sa.select(Round.id, Round.base, voted)
        .join(Election, Election.id == Round.election_id)
        .where(Election.conference_id == conference.id, Round.status == RoundStatus.OPEN)
    ).first()
    if row is None:
        return LiveTurnout(None)
    return LiveTurnout(row[0], row[2] or 0, row[1])


def turnout(round_: Round) -> int:
    """Return how many units have voted in the round."""
    return (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Participation).where(Participation.round_id == round_.id)
        )
        or 0
    )
