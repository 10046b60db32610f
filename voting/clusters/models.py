"""Emulation clusters (Cụm thi đua) and their member units."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.extensions import db


class Cluster(db.Model):  # type: ignore[name-defined,misc]
    """A Cụm thi đua of a parent body."""

    __tablename__ = "clusters"
    __table_args__ = (sa.UniqueConstraint("parent_body", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "Cụm thi đua số 4"
    name: Mapped[str] = mapped_column(sa.String(120))
    #: the body the cluster belongs to: "Công an thành phố Hà Nội"
    parent_body: Mapped[str] = mapped_column(sa.String(160))
    #: short code used in document numbers: "CTĐ4" gives "01/BB-CTĐ4"
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    #: city printed in the place-and-date line: "Hà Nội"
    city: Mapped[str] = mapped_column(sa.String(80))

    units: Mapped[list[Unit]] = relationship(back_populates="cluster", order_by="Unit.position")

    def __repr__(self) -> str:
        return f"<Cluster {self.code}>"


class Unit(db.Model):  # type: ignore[name-defined,misc]
    """A member unit (Đơn vị thành viên) of a cluster."""

    __tablename__ = "units"
    __table_args__ = (sa.UniqueConstraint("cluster_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(sa.ForeignKey("clusters.id"), index=True)
    #: official name: "Phòng Công tác chính trị"
    name: Mapped[str] = mapped_column(sa.String(160))
    #: order in lists and on ballots
    position: Mapped[int] = mapped_column(server_default="0")
    #: units that left the cluster stay for history but take no part
    is_active: Mapped[bool] = mapped_column(server_default=sa.true())

    cluster: Mapped[Cluster] = relationship(back_populates="units")

    def __repr__(self) -> str:
        return f"<Unit {self.name}>"
