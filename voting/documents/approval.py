"""The reading of the draft minutes and their approval by show of hands, and the dates the minutes print.

The minutes are read aloud from the draft (``draft_minutes``), then the present units vote by show
of hands; the secretary or the chair records the three counts. Only an approval by more than half of
the present units lets the minutes be numbered and issued, and the minutes print that approval.
Their date line and closing time come from these recorded events, never from the clock at issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.audit.services import record
from voting.auth.models import User
from voting.conferences.models import Conference
from voting.conferences.services import attendance
from voting.elections.models import Election, Round
from voting.errors import InvalidState
from voting.extensions import db
from voting.formatting import nfc, to_local
from voting.handovers.services import find_handover
from voting.i18n import N_


class MinutesApproval(db.Model):  # type: ignore[name-defined,misc]
    """The show-of-hands vote on the minutes after their draft was read aloud (one per conference)."""

    __tablename__ = "minutes_approvals"
    __table_args__ = (
        sa.CheckConstraint("agreed >= 0 AND disagreed >= 0 AND abstained >= 0", name="counts_not_negative"),
        sa.CheckConstraint("agreed + disagreed + abstained <= present", name="counts_within_present"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(sa.ForeignKey("conferences.id"), unique=True)
    #: units present when the vote was taken: the base of "x/y đơn vị có mặt"
    present: Mapped[int]
    #: units that raised their hands to approve (đồng ý)
    agreed: Mapped[int]
    #: units against (không đồng ý)
    disagreed: Mapped[int]
    #: units that abstained (không biểu quyết)
    abstained: Mapped[int]
    #: naive UTC: when the vote was recorded, which is when the meeting ended
    recorded_at: Mapped[datetime]
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: why the recorded events lie on more than one day; empty when the meeting kept to its date
    overrun_reason: Mapped[str] = mapped_column(sa.Text, server_default="")

    conference: Mapped[Conference] = relationship()

    @property
    def is_adopted(self) -> bool:
        """Return whether more than half of the present units approved."""
        return self.agreed * 2 > self.present

    def __repr__(self) -> str:
        return f"<MinutesApproval {self.conference_id}: {self.agreed}/{self.present}>"


def find_approval(conference: Conference) -> MinutesApproval | None:
    """Return the recorded approval of the conference's minutes, if any."""
    return db.session.scalar(sa.select(MinutesApproval).where(MinutesApproval.conference_id == conference.id))


def record_approval(
    conference: Conference, *, agreed: int, disagreed: int, abstained: int, by: User, now: datetime
) -> MinutesApproval:
    """Record (or, before issue, re-record) the show of hands on the minutes."""
    if conference.is_ended:
        raise InvalidState(N_("Biên bản đã được phát hành; không thể ghi nhận lại biểu quyết."))
    if by.id not in (conference.chair_id, conference.secretary_id):
        raise InvalidState(N_("Chỉ chủ tọa hoặc thư ký của hội nghị ghi nhận biểu quyết."))
    present = len(attendance(conference).present)
    counts = (agreed, disagreed, abstained)
    if min(counts) < 0 or sum(counts) > present:
        raise InvalidState(
            N_(
                "Tổng số đồng ý, không đồng ý và không biểu quyết phải từ 0 đến %(present)s "
                "(số đơn vị có mặt)."
            ),
            present=present,
        )
    approval = find_approval(conference)
    if approval is None:
        approval = MinutesApproval(conference=conference, recorded_by_id=by.id)
        db.session.add(approval)
    approval.present, approval.agreed, approval.disagreed, approval.abstained = present, *counts
    approval.recorded_at, approval.recorded_by_id = now, by.id
    db.session.flush()
    record(
        "minutes.approved",
        actor=by,
        conference=conference,
        now=now,
        details={"present": present, "agreed": agreed, "disagreed": disagreed, "abstained": abstained},
    )
    return approval


def approval_fields(conference: Conference) -> dict[str, Any]:
    """Return what the minutes print of the show of hands (approvals None before the vote)."""
    approval = find_approval(conference)
    if approval is None:  # minutes issued before approvals were recorded kept the typed count
        return {"approvals": conference.approvals}
    return {
        "approvals": approval.agreed,
        "disagreed": approval.disagreed,
        "abstained": approval.abstained,
        "overrun_reason": approval.overrun_reason,
    }


@dataclass(frozen=True)
class MinutesDates:
    """When the meeting began and ended by its recorded events, and the day the minutes are dated."""

    started_at: datetime  # naive UTC
    ended_at: datetime  # naive UTC: the approval, else the last event so far
    dated_on: date  # Vietnam day of the date line
    other_days: list[date]  # days of recorded events other than the conference's date, in order


def _events(conference: Conference) -> list[datetime]:
    """Return the recorded moments of the meeting: opening, each round's close, handover, approval."""
    closes = db.session.scalars(
        sa.select(Round.closed_at)
        .join(Election)
        .where(Election.conference_id == conference.id, Round.closed_at.is_not(None))
    )
    moments = [conference.starts_at, *(moment for moment in closes if moment is not None)]
    handover = find_handover(conference)
    if handover is not None:
        moments.append(handover.handed_over_at)
    approval = find_approval(conference)
    if approval is not None:
        moments.append(approval.recorded_at)
    return moments


def minutes_dates(conference: Conference) -> MinutesDates:
    """Return the dates the minutes print, from the recorded events alone."""
    moments = _events(conference)
    approval = find_approval(conference)
    ended_at = approval.recorded_at if approval is not None else max(moments)
    days = sorted({to_local(moment).date() for moment in moments} - {conference.held_on})
    return MinutesDates(conference.starts_at, ended_at, to_local(ended_at).date(), days)


def _day(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def check_dates(conference: Conference, reason: str) -> str:
    """Return the reason to print, or refuse when events lie on other days and no reason is given."""
    reason = nfc(reason.strip())
    dates = minutes_dates(conference)
    if not dates.other_days:
        return ""
    if len(reason) < 5:
        raise InvalidState(
            N_(
                "Các sự kiện của hội nghị không cùng ngày %(held)s (có sự kiện ngày %(other)s): "
                "cần ghi lý do hội nghị kéo dài sang ngày khác (ít nhất 5 ký tự)."
            ),
            held=_day(conference.held_on),
            other=", ".join(_day(day) for day in dates.other_days),
        )
    return reason
