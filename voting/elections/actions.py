"""What the chair may do next in an election, and why not: the one guard of the services and the console.

``allowed_actions(situation)`` is what the console shows buttons for; ``require(situation, action)``
is how the services refuse, with the same domain error ``refusal()`` gives. A *situation* is read
once (``services.situation_of``) and holds everything the guards look at, so that neither side
works the rules out again. Checks on an action's arguments (the nominee, the round given, the
reason) stay in the service that takes them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from voting.conferences.models import Conference
from voting.conferences.services import Attendance
from voting.elections.counting import RoundResult
from voting.elections.models import Election, ElectionState, Office, Round
from voting.elections.results import RoundCount
from voting.elections.rules import ConferenceRules, VoteForm
from voting.errors import InvalidState, QuorumNotMet, VotingError
from voting.i18n import N_


class Action(enum.StrEnum):
    """What the chair does to an election (closing a round is the round's own guard, under its lock)."""

    OPEN_ROUND = "open_round"
    VOID_ROUND = "void_round"
    DECIDE = "decide"
    CERTIFY = "certify"

    @property
    def label(self) -> str:
        """Return the action as the refusals name it."""
        return {
            Action.OPEN_ROUND: "mở vòng bầu",
            Action.VOID_ROUND: "hủy vòng bầu",
            Action.DECIDE: "ghi nhận quyết định",
            Action.CERTIFY: "chứng nhận kết quả",
        }[self]


#: which election states allow which action; anything else is a clear 409, never a 500
TRANSITIONS: dict[Action, set[ElectionState]] = {
    Action.OPEN_ROUND: {ElectionState.DRAFT, ElectionState.CLOSED},
    Action.VOID_ROUND: {ElectionState.CLOSED},
    Action.DECIDE: {ElectionState.DRAFT, ElectionState.CLOSED},
    Action.CERTIFY: {ElectionState.CLOSED},
}
STATE_LABELS = {
    ElectionState.DRAFT: "chưa bắt đầu",
    ElectionState.OPEN: "đang có vòng bầu mở",
    ElectionState.CLOSED: "vòng bầu đã kết thúc",
    ElectionState.CERTIFIED: "đã chứng nhận kết quả",
}


@dataclass(frozen=True)
class Situation:
    """Everything the guards of one office's election look at, read once."""

    conference: Conference
    office: Office
    rules: ConferenceRules
    attendance: Attendance  # with the quorum the rules require
    open_round: Round | None  # the conference's open round, of either office
    election: Election | None
    last: RoundCount | None  # the count of the election's latest round, or why it has none
    leader_certified: bool  # the deputy is elected only once the leader is certified
    has_election_key: bool  # the trustees' key ceremony is done (trustees.election_key_of)

    @property
    def state(self) -> ElectionState:
        """Return the election's state (draft before it starts)."""
        return self.election.state if self.election else ElectionState.DRAFT

    @property
    def is_decided(self) -> bool:
        """Return whether the chair recorded a decision."""
        return self.election is not None and self.election.is_decided

    @property
    def last_result(self) -> RoundResult | None:
        """Return the count of the latest round, None if there is none (yet)."""
        return self.last.result if self.last else None


def _state_refusal(situation: Situation, action: Action) -> VotingError | None:
    """Refuse an action the election's state does not allow."""
    state = situation.state
    if state in TRANSITIONS[action]:
        return None
    if state is ElectionState.CERTIFIED:
        return InvalidState(N_("Kết quả bầu %(label)s đã được chứng nhận."), label=situation.office.label)
    return InvalidState(f"Không thể {action.label}: cuộc bầu {situation.office.label} {STATE_LABELS[state]}.")


def _quorum_refusal(situation: Situation) -> VotingError | None:
    present, rules = situation.attendance, situation.rules
    if present.is_quorate:
        return None
    return QuorumNotMet(
        N_(
            "Chưa đủ số đơn vị tham dự: có %(present)s/%(members)s đơn vị, "
            "cần ít nhất %(needed)s (%(quorum)s)."
        ),
        present=len(present.present),
        members=len(present.members),
        needed=present.needed,
        quorum=f"{rules.quorum_numerator}/{rules.quorum_denominator}",
    )


def _prerequisite_refusal(situation: Situation) -> VotingError | None:
    """Refuse to start the deputy's election before the leader's is certified."""
    if situation.last is None and situation.office is Office.DEPUTY and not situation.leader_certified:
        return InvalidState(N_("Cần chứng nhận kết quả bầu Cụm trưởng trước khi bầu Cụm phó."))
    return None


def _open_refusal(situation: Situation) -> VotingError | None:
    if situation.conference.is_ended:
        return InvalidState(N_("Hội nghị đã kết thúc."))
    if situation.rules.vote_form is VoteForm.CONSENSUS:
        return InvalidState(N_("Quy chế là hiệp thương: chủ tọa ghi nhận kết quả, không mở vòng bầu."))
    if situation.open_round is not None:
        return InvalidState(N_("Đang có một vòng bầu mở; hãy kết thúc vòng đó trước."))
    refusal_ = _quorum_refusal(situation) or _state_refusal(situation, Action.OPEN_ROUND)
    if refusal_ is not None:
        return refusal_
    if situation.is_decided:
        return InvalidState(N_("Chủ tọa đã ghi nhận quyết định; hãy chứng nhận kết quả."))
    last = situation.last
    if last is None:
        return _prerequisite_refusal(situation)
    if last.round.is_voided:  # the same ballot again
        return None
    result = last.result
    if result is None:
        assert last.pending is not None
        return InvalidState(last.pending.message)
    if result.winners:
        return InvalidState(
            N_("%(elected)s đã trúng cử %(label)s; hãy chứng nhận kết quả."),
            elected=", ".join(unit.name for unit in result.winners),
            label=situation.office.label,
        )
    if result.needs_decision:
        return InvalidState(
            N_(
                "Đã hết %(rounds)s vòng bầu theo quy chế: chủ tọa ghi nhận quyết định "
                "(hiệp thương hoặc bốc thăm)."
            ),
            rounds=situation.rules.max_rounds,
        )
    return None


def _void_refusal(situation: Situation) -> VotingError | None:
    refusal_ = _state_refusal(situation, Action.VOID_ROUND)
    if refusal_ is not None:
        return refusal_
    if situation.is_decided:
        return InvalidState(N_("Chủ tọa đã ghi nhận quyết định; không hủy vòng bầu được nữa."))
    last = situation.last
    if last is None or last.round.is_open or last.round.is_voided:
        return InvalidState(N_("Chỉ hủy được vòng bầu đã kết thúc và chưa bị hủy."))
    return None


def _decide_refusal(situation: Situation) -> VotingError | None:
    refusal_ = _state_refusal(situation, Action.DECIDE)
    if refusal_ is not None:
        return refusal_
    if situation.is_decided:
        return InvalidState(N_("Chủ tọa đã ghi nhận quyết định cho cuộc bầu này."))
    last = situation.last
    if situation.rules.vote_form is not VoteForm.CONSENSUS:
        if last is not None and not last.round.is_voided and last.result is None:
            assert last.pending is not None
            return InvalidState(last.pending.message)
        result = situation.last_result
        if last is None or last.round.is_voided or result is None or not result.needs_decision:
            return InvalidState(
                N_(
                    "Chủ tọa chỉ ghi nhận quyết định sau vòng bầu cuối cùng được phép (%(rounds)s) "
                    "mà chưa có đơn vị trúng cử."
                ),
                rounds=situation.rules.max_rounds,
            )
    return _quorum_refusal(situation) or _prerequisite_refusal(situation)


def _certify_refusal(situation: Situation) -> VotingError | None:
    last = situation.last
    if last is None and not situation.is_decided:
        return InvalidState(N_("Chưa có vòng bầu nào."))
    if last is not None and last.round.is_open:
        return InvalidState(N_("Hãy kết thúc vòng bầu trước khi chứng nhận."))
    refusal_ = _state_refusal(situation, Action.CERTIFY)
    if refusal_ is not None or situation.is_decided:
        return refusal_
    assert last is not None
    if last.round.is_voided:
        return InvalidState(N_("Vòng bầu gần nhất đã bị hủy; hãy tổ chức bầu lại."))
    if last.result is None:
        assert last.pending is not None
        return InvalidState(last.pending.message)
    if not last.result.winners:
        return InvalidState(N_("Chưa có đơn vị trúng cử; hãy tổ chức bầu lại."))
    return None


_REFUSALS = {
    Action.OPEN_ROUND: _open_refusal,
    Action.VOID_ROUND: _void_refusal,
    Action.DECIDE: _decide_refusal,
    Action.CERTIFY: _certify_refusal,
}


def key_refusal(situation: Situation, *, on_paper: bool) -> VotingError | None:
    """Refuse an electronic secret round before the trustees have made the election key.

    Open (named) votes and paper rounds need no key; a secret ballot cast electronically is
    encrypted under it, so no such round opens before the ceremony is done.
    """
    if on_paper or situation.rules.vote_form is not VoteForm.SECRET or situation.has_election_key:
        return None
    return InvalidState(
        N_(
            "Chưa có khóa bầu cử: những người giữ khóa cần hoàn tất phiên tạo khóa trước khi mở "
            "vòng bỏ phiếu kín điện tử (hoặc bỏ phiếu bằng phiếu giấy)."
        )
    )


def refusal(situation: Situation, action: Action) -> VotingError | None:
    """Return the domain error that refuses *action* now, or None when it is allowed."""
    return _REFUSALS[action](situation)


def allowed_actions(situation: Situation) -> frozenset[Action]:
    """Return what the chair may do next in the election: the console's buttons."""
    return frozenset(action for action in Action if refusal(situation, action) is None)


def require(situation: Situation, action: Action) -> None:
    """Raise the domain error that refuses *action*, if any."""
    error = refusal(situation, action)
    if error is not None:
        raise error
