"""Elections of the leader and deputy units, their rounds and the secret ballots."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.extensions import db
from voting.models import enum_column

if TYPE_CHECKING:
    from voting.clusters.models import Unit
    from voting.conferences.models import Conference


class Office(enum.StrEnum):
    """The office a unit is elected to for the next year."""

    LEADER = "leader"
    DEPUTY = "deputy"

    @property
    def label(self) -> str:
        """Return the Vietnamese name of the office."""
        return "Cụm trưởng" if self is Office.LEADER else "Cụm phó"


class RoundStatus(enum.StrEnum):
    """A round is open for ballots, then closed for good."""

    OPEN = "open"
    CLOSED = "closed"


class Election(db.Model):  # type: ignore[name-defined,misc]
    """The election of one office at one conference."""

    __tablename__ = "elections"
    __table_args__ = (
        sa.UniqueConstraint("conference_id", "office"),
        sa.CheckConstraint(
            "certified_at IS NULL OR elected_unit_id IS NOT NULL", name="certified_has_winner"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(sa.ForeignKey("conferences.id"))
    office: Mapped[Office] = mapped_column(enum_column(Office, "office"))
    #: set on certification, never changed afterwards
    elected_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    certified_at: Mapped[datetime | None]
    certified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    conference: Mapped[Conference] = relationship()
    elected_unit: Mapped[Unit | None] = relationship()
    rounds: Mapped[list[Round]] = relationship(
        back_populates="election", order_by="Round.number"
    )

    @property
    def is_certified(self) -> bool:
        """Return whether the result is final."""
        return self.certified_at is not None

    def __repr__(self) -> str:
        return f"<Election {self.conference_id} {self.office.value}>"


class Round(db.Model):  # type: ignore[name-defined,misc]
    """One ballot round of an election; later rounds are runoffs."""

    __tablename__ = "rounds"
    __table_args__ = (
        sa.UniqueConstraint("election_id", "number"),
        sa.CheckConstraint("(status = 'open') = (closed_at IS NULL)", name="closed_has_time"),
        sa.CheckConstraint("base > 0", name="base_positive"),
        # At most one open round per election, held by the database.
        sa.Index(
            "uq_rounds_one_open_per_election",
            "election_id",
            unique=True,
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(sa.ForeignKey("elections.id"))
    #: 1 for the first round, 2 for the first runoff (bầu lại), ...
    number: Mapped[int]
    status: Mapped[RoundStatus] = mapped_column(enum_column(RoundStatus, "round_status"))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    #: units present when the round opened: who may vote and the base of the percentage
    base: Mapped[int]

    election: Mapped[Election] = relationship(back_populates="rounds")
    candidates: Mapped[list[RoundCandidate]] = relationship(
        back_populates="round", order_by="RoundCandidate.unit_id"
    )

    @property
    def is_open(self) -> bool:
        """Return whether ballots are accepted."""
        return self.status is RoundStatus.OPEN

    def __repr__(self) -> str:
        return f"<Round {self.election_id}#{self.number} {self.status.value}>"


class RoundCandidate(db.Model):  # type: ignore[name-defined,misc]
    """A unit on a round's ballot (Danh sách đề cử)."""

    __tablename__ = "round_candidates"

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), primary_key=True)

    round: Mapped[Round] = relationship(back_populates="candidates")
    unit: Mapped[Unit] = relationship()

    def __repr__(self) -> str:
        return f"<RoundCandidate {self.round_id}/{self.unit_id}>"


def new_ballot_id() -> str:
    """Return a random ballot id that says nothing about when it was cast."""
    return secrets.token_hex(16)


class Ballot(db.Model):  # type: ignore[name-defined,misc]
    """A secret ballot: the round and the choice, with no unit and no time."""

    __tablename__ = "ballots"
    __table_args__ = (
        # A choice must be a candidate of the same round; NULL is a blank ballot.
        sa.ForeignKeyConstraint(
            ["round_id", "choice_unit_id"],
            ["round_candidates.round_id", "round_candidates.unit_id"],
        ),
    )

    #: random, so that ids carry no order
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_ballot_id)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), index=True)
    #: the chosen unit, or NULL for a blank ballot (phiếu trống)
    choice_unit_id: Mapped[int | None]
    #: shown once to the voter, who can later find the ballot by it
    receipt_code: Mapped[str] = mapped_column(sa.String(16), unique=True)

    def __repr__(self) -> str:
        return f"<Ballot {self.id}>"


class Participation(db.Model):  # type: ignore[name-defined,misc]
    """That a unit voted in a round; its primary key makes one ballot per unit per round."""

    __tablename__ = "participations"

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), primary_key=True)

    def __repr__(self) -> str:
        return f"<Participation {self.round_id}/{self.unit_id}>"
