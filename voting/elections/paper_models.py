"""The tables of a paper round's count: the committee's totals and each candidate's votes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.auth.models import User
from voting.extensions import db


class PaperCount(db.Model):  # type: ignore[name-defined,misc]
    """The committee's count of a paper round; it counts only once a second member confirms it."""

    __tablename__ = "paper_counts"
    __table_args__ = (
        sa.CheckConstraint("returned <= issued", name="returned_le_issued"),
        sa.CheckConstraint("valid + invalid = returned", name="valid_plus_invalid"),
        sa.CheckConstraint("blank <= valid", name="blank_le_valid"),
        sa.CheckConstraint("blank >= 0 AND invalid >= 0 AND valid >= 0", name="not_negative"),
        sa.CheckConstraint("confirmed_by_id IS NULL OR confirmed_by_id <> entered_by_id", name="four_eyes"),
        sa.CheckConstraint("(confirmed_at IS NULL) = (confirmed_by_id IS NULL)", name="confirmed_has_time"),
    )

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), primary_key=True)
    #: ballots issued (phát ra), returned (thu vào), valid, invalid, blank (trống)
    issued: Mapped[int]
    returned: Mapped[int]
    valid: Mapped[int]
    invalid: Mapped[int]
    blank: Mapped[int]
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    entered_at: Mapped[datetime]
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]

    entered_by: Mapped[User] = relationship(foreign_keys=[entered_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    lines: Mapped[list[PaperCountLine]] = relationship(cascade="all, delete-orphan")

    @property
    def is_confirmed(self) -> bool:
        """Return whether a second member confirmed the entry."""
        return self.confirmed_at is not None

    def __repr__(self) -> str:
        return f"<PaperCount {self.round_id}>"


class PaperCountLine(db.Model):  # type: ignore[name-defined,misc]
    """Votes for one candidate in a paper count (and against, on approve/reject ballots)."""

    __tablename__ = "paper_count_lines"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["round_id", "unit_id"], ["round_candidates.round_id", "round_candidates.unit_id"]
        ),
        sa.CheckConstraint("votes >= 0 AND against >= 0", name="not_negative"),
    )

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("paper_counts.round_id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(primary_key=True)
    votes: Mapped[int]
    against: Mapped[int] = mapped_column(server_default="0")

    def __repr__(self) -> str:
        return f"<PaperCountLine {self.round_id}/{self.unit_id}>"
