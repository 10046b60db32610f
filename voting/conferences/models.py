"""Year-end conferences (Hội nghị tổng kết) and the units' check-ins."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.auth.models import User
from voting.clusters.models import Cluster, Unit
from voting.extensions import db
from voting.formatting import to_local
from voting.i18n import N_, Translate, vietnamese

#: the emulation movement the conferences sum up (a proper name: the same in every language)
MOVEMENT = "Vì An ninh Tổ quốc"


class Conference(db.Model):  # type: ignore[name-defined,misc]
    """One cluster's conference reviewing one year."""

    __tablename__ = "conferences"
    __table_args__ = (
        sa.UniqueConstraint("cluster_id", "year"),
        sa.CheckConstraint("chair_id <> secretary_id", name="chair_is_not_secretary"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(sa.ForeignKey("clusters.id"), index=True)
    #: the year under review; the units elected serve in ``year + 1``
    year: Mapped[int]
    #: when the conference starts (naive UTC)
    starts_at: Mapped[datetime]
    #: when the chair closed it; set when the minutes are issued (naive UTC)
    ended_at: Mapped[datetime | None]
    #: the hall: "Hội trường Công an thành phố Hà Nội, số 87 Trần Hưng Đạo"
    place: Mapped[str] = mapped_column(sa.String(255))
    #: senior leader who attends and directs (Đại biểu dự và chỉ đạo)
    directing_leader: Mapped[str] = mapped_column(sa.String(255), server_default="")
    #: the year's review as reported, printed in the minutes; typed by the secretary during the meeting
    report_summary: Mapped[str] = mapped_column(sa.Text, server_default="")
    #: the delegates' discussion as the secretary recorded it, plain paragraphs
    discussion: Mapped[str] = mapped_column(sa.Text, server_default="")
    #: the directing leader's conclusions (Kết luận của đồng chí chỉ đạo), plain paragraphs
    conclusions: Mapped[str] = mapped_column(sa.Text, server_default="")
    #: naive UTC, when the secretary last saved the three texts above; NULL until then
    notes_saved_at: Mapped[datetime | None]
    chair_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    secretary_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: the unit leading the cluster during the year under review
    outgoing_leader_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    outgoing_deputy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    #: units that approved the minutes by show of hands; set when they are issued
    approvals: Mapped[int | None]
    #: secret of the projector's display link; NULL until the chair creates one
    display_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    cluster: Mapped[Cluster] = relationship()
    chair: Mapped[User] = relationship(foreign_keys=[chair_id])
    secretary: Mapped[User] = relationship(foreign_keys=[secretary_id])
    outgoing_leader: Mapped[Unit] = relationship(foreign_keys=[outgoing_leader_id])
    outgoing_deputy: Mapped[Unit | None] = relationship(foreign_keys=[outgoing_deputy_id])

    @property
    def title(self) -> str:
        """Return the conference's official name, in Vietnamese (the documents')."""
        return self.title_in(vietnamese)

    def title_in(self, tr: Translate) -> str:
        """Return the conference's name in *tr*'s language (pages pass ``gettext``)."""
        return tr(
            N_('Hội nghị tổng kết phong trào thi đua "%(movement)s" năm %(year)s'),
            movement=MOVEMENT,
            year=self.year,
        )

    @property
    def held_on(self) -> date:
        """Return the day of the conference in Vietnam."""
        return to_local(self.starts_at).date()

    @property
    def is_ended(self) -> bool:
        """Return whether the conference is closed and its minutes issued."""
        return self.ended_at is not None

    def __repr__(self) -> str:
        return f"<Conference {self.cluster_id}/{self.year}>"


class CheckIn(db.Model):  # type: ignore[name-defined,misc]
    """A unit present at a conference (điểm danh)."""

    __tablename__ = "check_ins"

    conference_id: Mapped[int] = mapped_column(sa.ForeignKey("conferences.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), primary_key=True)
    #: naive UTC; a unit may vote in rounds opened after this moment
    checked_in_at: Mapped[datetime]
    #: the representative who checked the unit in
    checked_in_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    unit: Mapped[Unit] = relationship()

    def __repr__(self) -> str:
        return f"<CheckIn {self.conference_id}/{self.unit_id}>"


class CommitteeMember(db.Model):  # type: ignore[name-defined,misc]
    """A member of the conference's vote-counting committee (Ban kiểm phiếu)."""

    __tablename__ = "committee_members"
    __table_args__ = (
        # One head per conference, held by the database.
        sa.Index(
            "uq_committee_members_one_head",
            "conference_id",
            unique=True,
            postgresql_where=sa.text("is_head"),
            sqlite_where=sa.text("is_head"),
        ),
    )

    conference_id: Mapped[int] = mapped_column(sa.ForeignKey("conferences.id"), primary_key=True)
    #: an account with the counting-committee role
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    is_head: Mapped[bool] = mapped_column(server_default=sa.false())
    #: units that approved the committee by show of hands
    approvals: Mapped[int]
    added_at: Mapped[datetime]

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CommitteeMember {self.conference_id}/{self.user_id}>"


class Delegate(db.Model):  # type: ignore[name-defined,misc]
    """A delegate the secretary adds for a member unit, printed by name and title under the unit."""

    __tablename__ = "delegates"
    __table_args__ = (
        sa.UniqueConstraint("conference_id", "unit_id", "full_name"),
        sa.CheckConstraint("length(full_name) > 0", name="full_name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(sa.ForeignKey("conferences.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    #: "Nguyễn Văn An", in NFC
    full_name: Mapped[str] = mapped_column(sa.String(120))
    #: "Phó trưởng phòng", may be empty
    title: Mapped[str] = mapped_column(sa.String(255), server_default="")
    #: naive UTC
    added_at: Mapped[datetime]
    added_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    unit: Mapped[Unit] = relationship()

    def __repr__(self) -> str:
        return f"<Delegate {self.conference_id}/{self.unit_id} {self.full_name!r}>"
