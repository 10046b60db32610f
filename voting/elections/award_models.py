"""The tables of award votes (suy tôn): a plaintext choose-up-to-k ballot's marks and the units proposed."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.clusters.models import Unit
from voting.extensions import db


class ElectionWinner(db.Model):  # type: ignore[name-defined,misc]
    """A unit a multi-seat vote proposes (an award vote), written when the result is certified."""

    __tablename__ = "election_winners"
    __table_args__ = (
        sa.UniqueConstraint("election_id", "position"),
        sa.CheckConstraint("position >= 1", name="position_positive"),
    )

    election_id: Mapped[int] = mapped_column(sa.ForeignKey("elections.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), primary_key=True)
    #: 1 for the unit with the most votes, and so on
    position: Mapped[int]

    unit: Mapped[Unit] = relationship()

    def __repr__(self) -> str:
        return f"<ElectionWinner {self.election_id}/{self.unit_id}>"


class BallotMark(db.Model):  # type: ignore[name-defined,misc]
    """One unit marked on a plaintext choose-up-to-k ballot (its Ballot row has no choice of its own)."""

    __tablename__ = "ballot_marks"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["round_id", "unit_id"],
            ["round_candidates.round_id", "round_candidates.unit_id"],
        ),
    )

    ballot_id: Mapped[str] = mapped_column(sa.ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(primary_key=True)
    #: the ballot's round, repeated so that a mark must name a candidate of that round
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), index=True)

    def __repr__(self) -> str:
        return f"<BallotMark {self.ballot_id}/{self.unit_id}>"
