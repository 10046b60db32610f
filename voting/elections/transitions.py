"""The guarded transitions of an election: draft → open → closed → certified (voided rounds stay)."""

from __future__ import annotations

from voting.elections.models import Election, ElectionState
from voting.errors import InvalidState
from voting.i18n import N_

#: which election states allow which action; anything else is a clear 409, never a 500
TRANSITIONS: dict[str, set[ElectionState]] = {
    "open_round": {ElectionState.DRAFT, ElectionState.CLOSED},
    "close_round": {ElectionState.OPEN},
    "void_round": {ElectionState.CLOSED},
    "decide": {ElectionState.DRAFT, ElectionState.CLOSED},
    "certify": {ElectionState.CLOSED},
}
ACTION_LABELS = {
    "open_round": "mở vòng bầu",
    "close_round": "kết thúc vòng bầu",
    "void_round": "hủy vòng bầu",
    "decide": "ghi nhận quyết định",
    "certify": "chứng nhận kết quả",
}
STATE_LABELS = {
    ElectionState.DRAFT: "chưa bắt đầu",
    ElectionState.OPEN: "đang có vòng bầu mở",
    ElectionState.CLOSED: "vòng bầu đã kết thúc",
    ElectionState.CERTIFIED: "đã chứng nhận kết quả",
}


def require(election: Election, action: str) -> None:
    """Refuse an action the election's state does not allow."""
    state = election.state
    if state in TRANSITIONS[action]:
        return
    if state is ElectionState.CERTIFIED:
        raise InvalidState(N_("Kết quả bầu %(label)s đã được chứng nhận."), label=election.office.label)
    raise InvalidState(
        f"Không thể {ACTION_LABELS[action]}: cuộc bầu {election.office.label} {STATE_LABELS[state]}."
    )
