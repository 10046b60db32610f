"""The handover of the rotating flag (cờ luân lưu)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.extensions import db


class FlagHandover(db.Model):  # type: ignore[name-defined,misc]
    """The flag passing from the outgoing leader unit to the new one at a conference."""

    __tablename__ = "flag_handovers"
    __table_args__ = (sa.CheckConstraint("from_unit_id <> to_unit_id", name="different_units"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: one handover per conference
    conference_id: Mapped[int] = mapped_column(sa.ForeignKey("conferences.id"), unique=True)
    #: bên giao: the outgoing leader unit
    from_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    #: bên nhận: the newly elected leader unit, which holds the flag next year
    to_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    #: naive UTC
    handed_over_at: Mapped[datetime]
    giver_name: Mapped[str] = mapped_column(sa.String(120))
    giver_title: Mapped[str] = mapped_column(sa.String(120))
    receiver_name: Mapped[str] = mapped_column(sa.String(120))
    receiver_title: Mapped[str] = mapped_column(sa.String(120))
    #: chứng kiến: the people who witnessed it, one per line
    witnesses: Mapped[str] = mapped_column(sa.Text)
    #: the flag's condition as both sides agree it
    flag_condition: Mapped[str] = mapped_column(sa.Text)
    #: the cluster's files handed over with the flag
    files_handed_over: Mapped[str] = mapped_column(sa.Text, server_default="")
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    conference: Mapped[Conference] = relationship()
    from_unit: Mapped[Unit] = relationship(foreign_keys=[from_unit_id])
    to_unit: Mapped[Unit] = relationship(foreign_keys=[to_unit_id])

    def __repr__(self) -> str:
        return f"<FlagHandover {self.conference_id}>"
