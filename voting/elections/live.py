"""Turnout: how many units voted in a round (what the live pages poll is ``voting.console.live``)."""

from __future__ import annotations

import sqlalchemy as sa

from voting.elections.models import Participation, Round
from voting.extensions import db


def turnout(round_: Round) -> int:
    """Return how many units have voted in the round."""
    return (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Participation).where(Participation.round_id == round_.id)
        )
        or 0
    )
