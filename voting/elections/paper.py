"""Paper ballots: the counting committee (Ban kiểm phiếu), its entry and the second member's confirmation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from voting.audit.services import record
from voting.auth.models import Role, User
from voting.conferences.models import CommitteeMember, Conference
from voting.conferences.services import attendance, is_committee_member
from voting.elections.ballots import BallotKind
from voting.elections.models import Round, RoundStatus
from voting.elections.paper_models import PaperCount, PaperCountLine
from voting.elections.rules import rules_of
from voting.errors import InvalidState, NotEligible
from voting.extensions import db
from voting.i18n import N_


@dataclass(frozen=True)
class CommitteeSeat:
    """A committee member as the minutes print them."""

    name: str
    title: str
    is_head: bool


@dataclass(frozen=True)
class Committee:
    """The conference's counting committee, head first."""

    members: list[CommitteeSeat]

    @property
    def head(self) -> CommitteeSeat | None:
        """Return the head (Trưởng ban), if one was named."""
        return next((m for m in self.members if m.is_head), None)


@dataclass(frozen=True)
class PaperEntry:
    """What a committee member enters for a paper round."""

    issued: int
    returned: int
    valid: int
    invalid: int
    blank: int
    votes: dict[int, int]  # candidate unit id -> votes (Đồng ý on approve ballots)
    against: dict[int, int] = field(default_factory=dict)  # Không đồng ý, where the ballot type has it


def committee_members(conference: Conference) -> list[CommitteeMember]:
    """Return the committee's members, head first."""
    return list(
        db.session.scalars(
            sa.select(CommitteeMember)
            .where(CommitteeMember.conference_id == conference.id)
            .order_by(CommitteeMember.is_head.desc(), CommitteeMember.added_at, CommitteeMember.user_id)
        )
    )


def committee_of(conference: Conference) -> Committee | None:
    """Return the committee as printed, or None if the conference has none."""
    members = committee_members(conference)
    if not members:
        return None
    return Committee([CommitteeSeat(m.user.full_name, m.user.title, m.is_head) for m in members])


def add_committee_member(
    conference: Conference, member: User, *, is_head: bool, approvals: int, by: User, now: datetime
) -> CommitteeMember:
    """Record a committee member approved by show of hands (more than half of the units present)."""
    if conference.is_ended:
        raise InvalidState(N_("Hội nghị đã kết thúc."))
    if member.role is not Role.COUNTER:
        raise InvalidState(
            N_("Tài khoản %(username)s không có vai trò thành viên Ban kiểm phiếu."), username=member.username
        )
    present = len(attendance(conference).present)
    if not 0 <= approvals <= present or approvals * 2 <= present:
        raise InvalidState(
            N_("Ban kiểm phiếu phải được quá bán số đơn vị có mặt (%(present)s) biểu quyết thông qua."),
            present=present,
        )
    if is_committee_member(member, conference):
        raise InvalidState(N_("%(full_name)s đã là thành viên Ban kiểm phiếu."), full_name=member.full_name)
    if is_head and any(m.is_head for m in committee_members(conference)):
        raise InvalidState(N_("Ban kiểm phiếu đã có Trưởng ban."))
    seat = CommitteeMember(
        conference_id=conference.id, user_id=member.id, is_head=is_head, approvals=approvals, added_at=now
    )
    db.session.add(seat)
    db.session.flush()
    record(
        "committee.member_added",
        actor=by,
        conference=conference,
        now=now,
        details={"member": member.username, "is_head": is_head, "approvals": approvals},
    )
    return seat


def entry_errors(
    entry: PaperEntry, candidate_ids: set[int], *, most_issued: int, ballot: BallotKind
) -> list[str]:
    """Return every arithmetic check the entry fails (empty when it is consistent)."""
    errors = []
    numbers = [entry.issued, entry.returned, entry.valid, entry.invalid, entry.blank]
    numbers += list(entry.votes.values()) + list(entry.against.values())
    if any(n < 0 for n in numbers):
        errors.append("Các số phải không âm.")
    if set(entry.votes) != candidate_ids or not set(entry.against) <= candidate_ids:
        errors.append("Phải nhập số phiếu cho đúng các đơn vị trong danh sách đề cử.")
    if entry.issued > most_issued:
        errors.append(f"Số phiếu phát ra ({entry.issued}) vượt số đơn vị được bỏ phiếu ({most_issued}).")
    if entry.returned > entry.issued:
        errors.append(f"Số phiếu thu vào ({entry.returned}) lớn hơn số phiếu phát ra ({entry.issued}).")
    if entry.valid + entry.invalid != entry.returned:
        errors.append(
            f"Phiếu hợp lệ + không hợp lệ ({entry.valid} + {entry.invalid}) phải bằng số phiếu thu vào "
            f"({entry.returned})."
        )
    if entry.blank > entry.valid:
        errors.append(f"Số phiếu trống ({entry.blank}) lớn hơn số phiếu hợp lệ ({entry.valid}).")
    errors += ballot.entry_errors(entry.votes, entry.against, valid=entry.valid, blank=entry.blank)
    if any(n > entry.valid for n in list(entry.votes.values()) + list(entry.against.values())):
        errors.append(f"Không đơn vị nào có thể được nhiều hơn số phiếu hợp lệ ({entry.valid}).")
    return errors


def _paper_round(round_: Round, account: User) -> Conference:
    """Check that a committee member may work on this round's count; return its conference."""
    conference = round_.election.conference
    if not round_.is_paper:
        raise InvalidState(N_("Vòng bầu này bỏ phiếu điện tử; không nhập kết quả kiểm phiếu giấy."))
    if round_.status is not RoundStatus.CLOSED:
        raise InvalidState(N_("Chỉ nhập kết quả kiểm phiếu khi vòng bầu đã kết thúc (và chưa bị hủy)."))
    if round_.election.is_certified:
        raise InvalidState(N_("Kết quả bầu đã được chứng nhận."))
    if not is_committee_member(account, conference):
        raise NotEligible(N_("Chỉ thành viên Ban kiểm phiếu của hội nghị được nhập hoặc xác nhận kết quả."))
    return conference


def enter_paper_count(round_: Round, entry: PaperEntry, *, by: User, now: datetime) -> PaperCount:
    """Enter (or re-enter, until confirmed) the committee's count of a paper round."""
    conference = _paper_round(round_, by)
    candidate_ids = {c.unit_id for c in round_.candidates}
    errors = entry_errors(entry, candidate_ids, most_issued=round_.base, ballot=rules_of(conference).ballot)
    if errors:
        raise InvalidState(" ".join(errors))
    count = db.session.get(PaperCount, round_.id)
    if count is not None and count.is_confirmed:
        raise InvalidState(N_("Kết quả đã được xác nhận; không thể nhập lại."))
    numbers = {name: getattr(entry, name) for name in ("issued", "returned", "valid", "invalid", "blank")}
    if count is None:
        count = PaperCount(round_id=round_.id, entered_by_id=by.id, entered_at=now, **numbers)
        db.session.add(count)
    else:  # a correction before confirmation replaces the whole entry
        count.lines.clear()
        db.session.flush()
        for name, value in numbers.items():
            setattr(count, name, value)
        count.entered_by_id, count.entered_at = by.id, now
    count.lines.extend(
        PaperCountLine(unit_id=unit_id, votes=votes, against=entry.against.get(unit_id, 0))
        for unit_id, votes in sorted(entry.votes.items())
    )
    db.session.flush()
    record(
        "paper.entered",
        actor=by,
        conference=conference,
        now=now,
        details={
            "round_id": round_.id,
            "issued": entry.issued,
            "returned": entry.returned,
            "valid": entry.valid,
            "invalid": entry.invalid,
            "blank": entry.blank,
            "votes": {str(k): v for k, v in sorted(entry.votes.items())},
            "against": {str(k): v for k, v in sorted(entry.against.items())},
        },
    )
    return count


def confirm_paper_count(round_: Round, *, by: User, now: datetime) -> PaperCount:
    """Confirm another member's entry (four eyes); only then does the round count."""
    conference = _paper_round(round_, by)
    count = db.session.get(PaperCount, round_.id)
    if count is None:
        raise InvalidState(N_("Chưa có kết quả kiểm phiếu để xác nhận."))
    if count.is_confirmed:
        raise InvalidState(N_("Kết quả kiểm phiếu đã được xác nhận."))
    if count.entered_by_id == by.id:
        raise NotEligible(N_("Người nhập không tự xác nhận: cần một thành viên khác của Ban kiểm phiếu."))
    count.confirmed_by_id, count.confirmed_at = by.id, now
    db.session.flush()
    record("paper.confirmed", actor=by, conference=conference, now=now, details={"round_id": round_.id})
    return count
