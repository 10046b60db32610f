"""The chair's start page: each conference they chair and what it is waiting for, with the place to act."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from voting.conferences.models import Conference
from voting.console.overview import ElectionView, Overview, overview
from voting.documents.approval import find_approval
from voting.documents.archive import conference_documents
from voting.documents.kinds import closing_kind
from voting.elections.results import Pending
from voting.elections.rules import VoteForm
from voting.i18n import N_


@dataclass(frozen=True)
class Waiting:
    """What a conference waits for: a catalogue message, its values, and where to act (an endpoint)."""

    message: str
    endpoint: str
    params: dict[str, Any] = field(default_factory=dict)
    is_done: bool = False  # nothing left to do: the conference is over and its documents published

    def sentence(self, gettext: Callable[..., str]) -> str:
        """Return the message in the reader's language, the office's name translated too."""
        params = {key: gettext(value) if key == "office" else value for key, value in self.params.items()}
        return gettext(self.message, **params)


def waiting_for(conference: Conference, state: Overview | None = None) -> Waiting:
    """Return the first thing the conference waits for, in the order the day runs."""
    state = state or overview(conference)
    if conference.is_ended:
        return _after_the_minutes(conference)
    attendance = state.attendance
    if not attendance.is_quorate and state.open_round is None:
        return Waiting(
            N_("Điểm danh: có mặt %(present)s/%(members)s đơn vị, cần ít nhất %(needed)s."),
            "console.console",
            {
                "present": len(attendance.present),
                "members": len(attendance.members),
                "needed": attendance.needed,
            },
        )
    for view in state.elections:
        waiting = _election_waits(state, view)
        if waiting is not None:
            return waiting
    if state.can_record_handover:
        return Waiting(N_("Ghi nhận việc bàn giao cờ luân lưu."), "console.console")
    if find_approval(conference) is None:
        return Waiting(N_("Đọc dự thảo biên bản và ghi nhận biểu quyết thông qua."), "documents.draft")
    return Waiting(N_("Phát hành biên bản hội nghị."), "console.console")


def _election_waits(state: Overview, view: ElectionView) -> Waiting | None:
    """Return what one office's election waits for, or None once it is certified."""
    if view.election is not None and view.election.is_certified:
        return None
    office = {"office": view.office.label}
    last = view.rounds[-1] if view.rounds else None
    if last is not None and last.round.is_open:
        return Waiting(
            N_("Vòng %(number)s bầu %(office)s đang mở: %(voted)s/%(base)s đơn vị đã bỏ phiếu."),
            "console.console",
            {**office, "number": last.round.number, "voted": last.voted, "base": last.round.base},
        )
    if last is not None and last.pending is Pending.AWAITING_DECRYPTION:
        return Waiting(
            N_("Người giữ khóa giải mã kết quả vòng %(number)s bầu %(office)s."),
            "trustees.page",
            {**office, "number": last.round.number},
        )
    if last is not None and last.pending is Pending.AWAITING_PAPER_COUNT:
        return Waiting(
            N_("Ban kiểm phiếu nhập và xác nhận kết quả vòng %(number)s bầu %(office)s."),
            "console.console",
            {**office, "number": last.round.number},
        )
    if view.can_certify:
        return Waiting(N_("Chứng nhận kết quả bầu %(office)s."), "console.console", office)
    if view.can_decide and not view.can_open:
        return Waiting(N_("Ghi nhận quyết định bầu %(office)s."), "console.console", office)
    needs_key = state.rules is not None and state.rules.vote_form is VoteForm.SECRET
    if needs_key and not (state.ceremony is not None and state.ceremony.is_done):
        return Waiting(N_("Những người giữ khóa tạo khóa bầu cử (bỏ phiếu kín)."), "trustees.page")
    if view.can_open:
        params = {**office, "number": len(view.rounds) + 1}
        return Waiting(N_("Mở vòng %(number)s bầu %(office)s."), "console.console", params)
    return Waiting(N_("Tiếp tục bầu %(office)s."), "console.console", office)


def _after_the_minutes(conference: Conference) -> Waiting:
    """Return what the issued documents wait for: signatures, then the agency's seal on the minutes."""
    in_force = [document for document in conference_documents(conference) if not document.is_replaced]
    versions = [document.current_version for document in in_force]
    unsigned = [version for version in versions if not version.is_signed]
    if unsigned:
        return Waiting(
            N_("Ký văn bản: còn %(count)s/%(total)s văn bản chưa ký đủ."),
            "signing.conference_documents",
            {"count": len(unsigned), "total": len(versions)},
        )
    documents = "signing.conference_documents"
    if any(version.document.kind is closing_kind() and version.published_at is None for version in versions):
        return Waiting(N_("Văn thư đóng dấu (ký số cơ quan) và phát hành biên bản."), documents)
    return Waiting(N_("Đã kết thúc; các văn bản đã ký và phát hành."), documents, is_done=True)
