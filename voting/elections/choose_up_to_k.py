"""The choose-up-to-k ballot of an award vote (suy tôn): mark 0..k candidate units, k the seats open.

Counting: the candidates reaching the threshold (≥ or > the share of the base) ranked by votes; the
first k are proposed; when units tied on votes straddle the last seat(s), the units above the tie
are proposed and the tied ones run off for the seats still open (``cut_seats``). A tie is never
broken by list order.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from voting.clusters.models import Unit
from voting.elections.award_models import BallotMark
from voting.elections.ballots import (
    BallotKind,
    BallotType,
    CandidateCount,
    Cut,
    Mark,
    Tally,
    insert_ballot,
    register,
)
from voting.elections.models import Ballot
from voting.errors import InvalidChoice
from voting.extensions import db
from voting.i18n import N_, Translate, vietnamese

T = TypeVar("T")


@dataclass(frozen=True)
class SeatCut(Generic[T]):
    """Who a round of a k-seat vote proposes, and who runs off for the seats left by a tie."""

    proposed: list[T]
    runoff: list[T]
    open_seats: int  # the seats the runoff is for (0: none)


def cut_seats(ranked: Sequence[tuple[T, int]], *, seats: int, needed: int) -> SeatCut[T]:
    """Cut a ranked list of (candidate, votes), most votes first, at *seats* seats and *needed* votes.

    Every proposed candidate has at least *needed* votes; at most *seats* are proposed; candidates
    with equal votes are proposed together or not at all: a tie across the last seat runs off.
    """
    reaching = [(item, votes) for item, votes in ranked if votes >= needed]
    if len(reaching) <= seats:
        return SeatCut([item for item, _ in reaching], [], 0)
    last = reaching[seats - 1][1]
    if reaching[seats][1] < last:
        return SeatCut([item for item, _ in reaching[:seats]], [], 0)
    above = [item for item, votes in reaching if votes > last]
    tied = [item for item, votes in reaching if votes == last]
    return SeatCut(above, tied, seats - len(above))


@register
class ChooseUpToKBallot(BallotKind):
    """Mark up to k candidate units (k: the round's seats); no mark at all is a blank ballot."""

    type = BallotType.CHOOSE_UP_TO_K
    label = N_("Chọn tối đa k đơn vị (không chọn đơn vị nào là phiếu trống)")
    for_offices = False
    elected_sentence = N_(
        "%(unit)s đạt %(votes)s/%(base)s %(label)s = %(percent)s%% %(relation)s %(share)s: được đề nghị."
    )

    def options(self, candidates: Sequence[Unit]) -> list[tuple[str, str]]:
        return [(str(unit.id), unit.name) for unit in candidates]

    def encrypted_options(self, candidate_ids: Sequence[int]) -> list[tuple[str, Mark]]:
        # A choose-up-to-k manifest has no "blank": a blank ballot marks no option.
        return [(f"unit:{unit_id}", Mark(unit_id)) for unit_id in candidate_ids]

    def read(self, value: str, candidates: Sequence[Unit]) -> Mark | None:
        return next((Mark(unit.id) for unit in candidates if str(unit.id) == value), None)

    def check(self, marks: Sequence[Mark], *, seats: int = 1) -> None:
        units = [mark.unit_id for mark in marks if mark.unit_id is not None]
        if any(mark.is_against for mark in marks):
            raise InvalidChoice(N_("Phiếu suy tôn không có lựa chọn Không đồng ý."))
        if len(units) != len(set(units)):
            raise InvalidChoice(N_("Mỗi đơn vị chỉ được đánh dấu một lần trên phiếu."))
        if len(units) > seats:
            raise InvalidChoice(
                N_("Phiếu chọn %(marked)s đơn vị, nhiều hơn số được chọn (tối đa %(seats)s đơn vị)."),
                marked=len(units),
                seats=seats,
            )

    def mark_label(self, mark: Mark, names: Mapping[int, str]) -> str:
        return "Phiếu trống" if mark.unit_id is None else names[mark.unit_id]

    def store(self, round_id: int, marks: Sequence[Mark], receipt_code: str, *, voter_id: int | None) -> bool:
        if voter_id is not None:  # award votes are secret ballots (cast_ballot names no voter)
            raise InvalidChoice(N_("Phiếu suy tôn là phiếu kín."))
        ballot_id = insert_ballot(
            {"round_id": round_id, "choice_unit_id": None, "is_against": False, "receipt_code": receipt_code}
        )
        if ballot_id is None:
            return False
        units = sorted({mark.unit_id for mark in marks if mark.unit_id is not None})
        if units:
            db.session.execute(
                sa.insert(BallotMark),
                [{"ballot_id": ballot_id, "unit_id": unit_id, "round_id": round_id} for unit_id in units],
            )
        return True

    def _ballots(self, round_id: int) -> dict[str, tuple[str, list[int]]]:
        """Return a round's ballots by id: (receipt code, the units marked)."""
        ballots: dict[str, tuple[str, list[int]]] = {
            ballot_id: (code, [])
            for ballot_id, code in db.session.execute(
                sa.select(Ballot.id, Ballot.receipt_code).where(Ballot.round_id == round_id)
            ).tuples()
        }
        marks = sa.select(BallotMark.ballot_id, BallotMark.unit_id).where(BallotMark.round_id == round_id)
        for ballot_id, unit_id in db.session.execute(marks.order_by(BallotMark.unit_id)).tuples():
            ballots[ballot_id][1].append(unit_id)
        return ballots

    def shuffle(self, round_id: int) -> None:
        rows = list(self._ballots(round_id).values())
        random.SystemRandom().shuffle(rows)
        db.session.execute(sa.delete(BallotMark).where(BallotMark.round_id == round_id))
        db.session.execute(sa.delete(Ballot).where(Ballot.round_id == round_id))
        for code, units in rows:
            self.store(round_id, [Mark(unit_id) for unit_id in units], code, voter_id=None)

    def tally_round(self, round_id: int) -> Tally:
        per_unit = db.session.execute(
            sa.select(BallotMark.unit_id, sa.func.count())
            .where(BallotMark.round_id == round_id)
            .group_by(BallotMark.unit_id)
        ).tuples()
        marked = sa.select(BallotMark.ballot_id).where(BallotMark.ballot_id == Ballot.id)
        blank = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Ballot)
            .where(Ballot.round_id == round_id, ~sa.exists(marked))
        )
        votes: dict[int | None, int] = {unit_id: n for unit_id, n in per_unit}
        votes[None] = blank or 0
        ballots = db.session.scalar(
            sa.select(sa.func.count()).select_from(Ballot).where(Ballot.round_id == round_id)
        )
        return Tally(votes, {}, ballots=ballots or 0)

    def receipts(self, round_id: int, names: Mapping[int, str]) -> list[tuple[str, str]]:
        rows = sorted(self._ballots(round_id).values())
        return [
            (code, ", ".join(names[u] for u in units) if units else "Phiếu trống") for code, units in rows
        ]

    def named_votes(self, round_id: int, names: Mapping[int, str]) -> list[tuple[str, str]]:
        return []  # never an open vote

    def winners(self, counts: Sequence[CandidateCount], cut: Cut) -> list[Unit]:
        return list(self._cut(counts, cut).proposed)

    def next_runoff(self, counts: Sequence[CandidateCount], winners: Sequence[Unit], cut: Cut) -> list[Unit]:
        return list(self._cut(counts, cut).runoff)

    def _cut(self, counts: Sequence[CandidateCount], cut: Cut) -> SeatCut[Unit]:
        return cut_seats([(count.unit, count.votes) for count in counts], seats=cut.seats, needed=cut.needed)

    def decision(
        self,
        counts: Sequence[CandidateCount],
        winners: Sequence[Unit],
        runoff: Sequence[Unit],
        cut: Cut,
        *,
        needs_decision: bool,
        tr: Translate = vietnamese,
    ) -> str:
        said = [cut.say(self.elected_sentence, count, tr) for count in counts if count.unit in winners]
        if runoff:
            names = ", ".join(unit.name for unit in runoff)
            open_seats = cut.seats - len(winners)
            if needs_decision:
                sentence = N_(
                    "%(names)s bằng phiếu nhau ở vị trí cuối; đã hết %(rounds)s vòng: "
                    "%(seats)s vị trí còn lại không đề nghị đơn vị nào."
                )
                said.append(tr(sentence, names=names, rounds=cut.max_rounds, seats=open_seats))
            else:
                sentence = N_(
                    "%(names)s bằng phiếu nhau ở vị trí cuối: "
                    "bầu lại giữa các đơn vị này cho %(seats)s vị trí."
                )
                said.append(tr(sentence, names=names, seats=open_seats))
        elif not winners:
            wording = cut.wording_in(tr) if cut.wording_in is not None else cut.wording
            said.append(
                tr(N_("Không đơn vị nào đạt %(wording)s: không đề nghị đơn vị nào."), wording=wording)
            )
        return " ".join(said)

    def paper_label(self, column: str, unit: Unit) -> str:
        return str(_l("Số phiếu chọn %(name)s", name=unit.name))

    def entry_errors(
        self, votes: Mapping[int, int], against: Mapping[int, int], *, valid: int, blank: int
    ) -> list[str]:
        over = [unit_id for unit_id, n in votes.items() if n > valid - blank]
        return ["Số phiếu chọn một đơn vị không thể nhiều hơn số phiếu hợp lệ không trống."] if over else []
