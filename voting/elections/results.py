"""The count of a round, or why there is none yet: the one owner every page, export and service asks."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from voting.elections.counting import RoundResult, count_closed_round, is_decrypted, paper_count
from voting.elections.live import turnout
from voting.elections.models import Round
from voting.elections.paper_models import PaperCount
from voting.errors import InvalidState
from voting.i18n import N_


class Pending(enum.StrEnum):
    """Why a round has no count."""

    OPEN = "open"  # ballots are still being cast: only the turnout is public
    AWAITING_PAPER_COUNT = "awaiting_paper_count"  # closed on paper: the committee has not confirmed
    VOIDED = "voided"  # voided before the committee confirmed a paper count: there never will be one
    AWAITING_DECRYPTION = "awaiting_decryption"  # closed encrypted: a quorum of trustees has not decrypted

    @property
    def message(self) -> str:
        """Return why there is no count, as a catalogue message."""
        return {
            Pending.OPEN: N_("Không xem kết quả khi vòng bầu đang mở."),
            Pending.AWAITING_PAPER_COUNT: N_(
                "Ban kiểm phiếu chưa nhập hoặc chưa xác nhận (hai thành viên) kết quả vòng này."
            ),
            Pending.VOIDED: N_(
                "Vòng bầu đã bị hủy trước khi Ban kiểm phiếu xác nhận kết quả; không có kết quả."
            ),
            Pending.AWAITING_DECRYPTION: N_(
                "Đang chờ đủ số thành viên giữ khóa giải mã kết quả vòng này (phiếu đã mã hóa)."
            ),
        }[self]


@dataclass(frozen=True)
class RoundCount:
    """A round's count, or why there is none yet: exactly one of *result* and *pending* is set."""

    round: Round
    result: RoundResult | None
    pending: Pending | None = None
    paper: PaperCount | None = None  # a paper round's entry, confirmed or not

    @property
    def decision(self) -> str:
        """Return the decision sentence, or why there is no count (a voided round's with its reason)."""
        if self.result is not None:
            return self.result.decision
        assert self.pending is not None
        if self.pending is Pending.VOIDED:
            return f"{self.pending.message} Lý do: {self.round.void_reason}"
        return self.pending.message

    def required(self) -> RoundResult:
        """Return the count; refuse with the reason while there is none."""
        if self.result is None:
            assert self.pending is not None
            raise InvalidState(self.pending.message)
        return self.result


def count_of(round_: Round) -> RoundCount:
    """Return the count of a round, or why there is none yet; never a partial count of an open round."""
    if round_.is_open:
        return RoundCount(round_, None, Pending.OPEN)
    if round_.is_encrypted and not is_decrypted(round_):
        return RoundCount(round_, None, Pending.AWAITING_DECRYPTION)
    if not round_.is_paper:
        return RoundCount(round_, count_closed_round(round_))
    paper = paper_count(round_)
    if paper is None or not paper.is_confirmed:
        reason = Pending.VOIDED if round_.is_voided else Pending.AWAITING_PAPER_COUNT
        return RoundCount(round_, None, reason, paper)
    return RoundCount(round_, count_closed_round(round_, paper), paper=paper)


def count_round(round_: Round) -> RoundResult:
    """Return the count of a round; refuse (409) while there is none, saying why."""
    return count_of(round_).required()


@dataclass(frozen=True)
class RoundView:
    """A round as the pages show it: its turnout, and its count or why there is none yet."""

    round: Round
    voted: int
    count: RoundCount

    @property
    def result(self) -> RoundResult | None:
        """Return the count, None while there is none (never a partial count)."""
        return self.count.result

    @property
    def pending(self) -> Pending | None:
        """Return why there is no count yet, None once counted."""
        return self.count.pending

    @property
    def paper(self) -> PaperCount | None:
        """Return the committee's entry of a paper round, confirmed or not."""
        return self.count.paper

    @property
    def is_awaiting_decryption(self) -> bool:
        """Return whether a closed encrypted round waits for a quorum of trustees to decrypt its count."""
        return self.count.pending is Pending.AWAITING_DECRYPTION

    @property
    def is_awaiting_paper_count(self) -> bool:
        """Return whether a closed paper round waits for the committee's confirmed count."""
        return self.count.pending is Pending.AWAITING_PAPER_COUNT


def round_view(round_: Round, count: RoundCount | None = None) -> RoundView:
    """Return a round with its turnout and its count (*count* when the caller already has it)."""
    return RoundView(round_, turnout(round_), count or count_of(round_))
