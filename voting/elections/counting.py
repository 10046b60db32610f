"""Counting a closed round: the numbers, who is elected, the runoff, and the sentence that says why."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from fractions import Fraction
from functools import cached_property

import sqlalchemy as sa

from voting.clusters.models import Unit
from voting.elections.models import Ballot, NamedVote, PaperCount, Round, RoundMethod
from voting.elections.paper import Committee, committee_of
from voting.elections.rules import (
    BallotType,
    ConferenceRules,
    ThresholdBase,
    VoteForm,
    describe,
    fraction_text,
    rules_of,
    threshold_text,
)
from voting.extensions import db
from voting.formatting import format_percent

#: the default share that must be exceeded (quá bán)
THRESHOLD = Fraction(1, 2)


def threshold_votes(base: int, threshold: Fraction = THRESHOLD) -> int:
    """Return the fewest votes that are strictly more than *threshold* of *base*."""
    share = threshold * base
    return share.numerator // share.denominator + 1


@dataclass(frozen=True)
class CandidateCount:
    """A candidate unit and its votes in a closed round (and votes against, on approve ballots)."""

    unit: Unit
    votes: int
    base: int
    against: int = 0

    @property
    def percent(self) -> str:
        """Return the share of the base as "62,50"."""
        return format_percent(self.votes, self.base)


@dataclass(frozen=True)
class Receipt:
    """A published receipt code and the choice it stands for (after a secret round closes)."""

    code: str
    choice: str


@dataclass(frozen=True)
class NamedChoice:
    """One unit's choice in an open (named) vote."""

    unit: str
    choice: str


@dataclass(frozen=True)
class RoundResult:
    """The count of a closed round and what follows from it, with everything the minutes print."""

    round: Round
    counts: list[CandidateCount]  # most votes first, then list order
    blank: int
    returned: int
    elected: Unit | None
    runoff: list[Unit]  # the next round's candidates when no one is elected (choose-one ballots)
    issued: int = 0
    valid: int = 0
    invalid: int = 0
    against: int = 0
    base: int = 0  # the number the percentage is taken of
    base_label: str = "đơn vị có mặt"
    threshold_votes: int = 1
    decision: str = ""
    rules: list[str] = field(default_factory=list)
    ballot_form: str = ""
    ballot_type: str = ""
    committee: Committee | None = None
    named_votes: list[NamedChoice] = field(default_factory=list)
    needs_decision: bool = False  # the last allowed round ended without a winner
    adopted_at: datetime | None = None

    @cached_property
    def receipts(self) -> list[Receipt]:
        """Return the published receipt codes of a secret electronic round, read when a page shows them.

        Reading every ballot is not part of counting: it would make counting a large round slow.
        """
        rules = rules_of(self.round.election.conference)
        if rules.vote_form is not VoteForm.SECRET or self.round.method is not RoundMethod.ELECTRONIC:
            return []
        return _receipts(self.round, {c.unit.id: c.unit.name for c in self.counts}, rules)

    @property
    def rules_text(self) -> str:
        """Return the rules in force as one paragraph."""
        return " ".join(self.rules)

    @property
    def is_voided(self) -> bool:
        """Return whether the round was voided."""
        return self.round.is_voided

    @property
    def void_reason(self) -> str:
        """Return why the round was voided ("" if it was not)."""
        return self.round.void_reason


def ballot_form_label(round_: Round, rules: ConferenceRules) -> str:
    """Return the form of vote of a round as printed: secret electronic, paper, or open."""
    if rules.vote_form is VoteForm.OPEN:
        return "Biểu quyết công khai, ghi danh từng đơn vị"
    if round_.method is RoundMethod.PAPER:
        return "Bỏ phiếu kín bằng phiếu giấy, Ban kiểm phiếu kiểm"
    return "Bỏ phiếu kín điện tử"


def paper_count(round_: Round) -> PaperCount | None:
    """Return the committee's count of a paper round, if entered."""
    return db.session.get(PaperCount, round_.id)


def _tally(round_: Round, paper: PaperCount | None) -> tuple[dict[int | None, int], dict[int, int], int, int]:
    """Return votes for each choice (None: blank), votes against, issued and invalid."""
    if round_.is_paper:
        if paper is None or not paper.is_confirmed:
            raise ValueError(f"{round_!r} has no confirmed paper count: ask results.count_of")
        votes: dict[int | None, int] = {line.unit_id: line.votes for line in paper.lines}
        votes[None] = paper.blank
        return votes, {line.unit_id: line.against for line in paper.lines}, paper.issued, paper.invalid
    rows = db.session.execute(
        sa.select(Ballot.choice_unit_id, Ballot.is_against, sa.func.count())
        .where(Ballot.round_id == round_.id)
        .group_by(Ballot.choice_unit_id, Ballot.is_against)
    )
    votes, against = {}, {}
    for choice, is_against, n in rows.tuples():
        if is_against and choice is not None:
            against[choice] = n
        else:
            votes[choice] = votes.get(choice, 0) + n
    return votes, against, round_.base, 0


def _receipts(round_: Round, names: dict[int, str], rules: ConferenceRules) -> list[Receipt]:
    """Return the round's receipt codes with their choices, in code order."""
    rows = db.session.execute(
        sa.select(Ballot.receipt_code, Ballot.choice_unit_id, Ballot.is_against)
        .where(Ballot.round_id == round_.id)
        .order_by(Ballot.receipt_code)
    )
    return [
        Receipt(code, choice_label(choice, against, names, rules)) for code, choice, against in rows.tuples()
    ]


def choice_label(choice: int | None, is_against: bool, names: dict[int, str], rules: ConferenceRules) -> str:
    """Return how a choice reads on a published list."""
    if choice is None:
        return "Phiếu trống"
    if rules.ballot_type is BallotType.APPROVE:
        return f"{'Không đồng ý' if is_against else 'Đồng ý'} ({names[choice]})"
    return names[choice]


def _named_votes(round_: Round, names: dict[int, str], rules: ConferenceRules) -> list[NamedChoice]:
    """Return each unit's recorded choice in an open vote, in the units' list order."""
    votes = db.session.scalars(sa.select(NamedVote).where(NamedVote.round_id == round_.id))
    listed = sorted(votes, key=lambda v: (v.unit.position, v.unit.id))
    return [
        NamedChoice(v.unit.name, choice_label(v.choice_unit_id, v.is_against, names, rules)) for v in listed
    ]


def count_closed_round(round_: Round, paper: PaperCount | None = None) -> RoundResult:
    """Count a round that can be counted and decide who is elected, who runs off, or that the chair decides.

    The round is closed or voided, and a paper round comes with its confirmed *paper* count: pages
    and services ask ``results.count_of``, which knows when a round can be counted.
    """
    rules = rules_of(round_.election.conference)
    votes, against, issued, invalid = _tally(round_, paper)
    returned = sum(votes.values()) + sum(against.values()) + invalid
    valid = returned - invalid
    base = {
        ThresholdBase.PRESENT: round_.base,
        ThresholdBase.MEMBERS: round_.member_count or round_.base,
        ThresholdBase.VALID: valid,
    }[rules.threshold_base]
    units = [candidate.unit for candidate in round_.candidates]
    units.sort(key=lambda unit: (-votes.get(unit.id, 0), unit.position, unit.id))
    counts = [CandidateCount(u, votes.get(u.id, 0), base, against.get(u.id, 0)) for u in units]
    needed = threshold_votes(base, rules.threshold)
    elected = None
    if not round_.is_voided and base > 0:
        elected = next((c.unit for c in counts if c.votes >= needed), None)
    runoff = [] if elected or rules.ballot_type is BallotType.APPROVE else runoff_candidates(counts)
    election = round_.election
    counted = [r for r in election.counted_rounds if r.number <= round_.number]
    needs_decision = not round_.is_voided and elected is None and len(counted) >= rules.max_rounds
    names = {unit.id: unit.name for unit in units}
    result = RoundResult(
        round=round_,
        counts=counts,
        blank=votes.get(None, 0),
        returned=returned,
        elected=elected,
        runoff=runoff,
        issued=issued,
        valid=valid,
        invalid=invalid,
        against=sum(against.values()),
        base=base,
        base_label=rules.threshold_base.label,
        threshold_votes=needed,
        rules=describe(rules),
        ballot_form=ballot_form_label(round_, rules),
        ballot_type=rules.ballot_type.label,
        committee=committee_of(election.conference),
        named_votes=_named_votes(round_, names, rules) if rules.vote_form is VoteForm.OPEN else [],
        needs_decision=needs_decision,
        adopted_at=paper.confirmed_at if round_.is_paper and paper else round_.closed_at,
    )
    return _with_decision(result, rules)


def _with_decision(result: RoundResult, rules: ConferenceRules) -> RoundResult:
    """Return the result with its decision sentence, arithmetic included."""
    return replace(result, decision=decision_sentence(result, rules))


def decision_sentence(result: RoundResult, rules: ConferenceRules) -> str:
    """Return the arithmetic of the decision: "5/8 đơn vị có mặt = 62,50% > 50%: trúng cử"."""
    share = fraction_text(rules.threshold)
    if result.is_voided:
        return f"Vòng bầu đã bị hủy, không tính kết quả. Lý do: {result.void_reason}"
    if result.base == 0:
        return "Không có phiếu hợp lệ nào; không đơn vị nào trúng cử."
    approve = rules.ballot_type is BallotType.APPROVE
    if result.elected is not None:
        winner = next(c for c in result.counts if c.unit.id == result.elected.id)
        verb = "được đồng ý" if approve else "đạt"
        return (
            f"{winner.unit.name} {verb} {winner.votes}/{result.base} {result.base_label} = "
            f"{winner.percent}% > {share}: trúng cử."
        )
    if approve:
        nominee = result.counts[0] if result.counts else None
        head = (
            f"{nominee.unit.name} chỉ được đồng ý {nominee.votes}/{result.base} {result.base_label} = "
            f"{nominee.percent}%, không vượt {share}: không trúng cử"
            if nominee
            else "Không có đơn vị được đề cử"
        )
        tail = "chủ tọa ghi nhận quyết định." if result.needs_decision else "đề cử lại ở vòng sau."
        return f"{head}; {tail}"
    top = result.counts[0] if result.counts else None
    arithmetic = f" (cao nhất {top.votes}/{result.base} = {top.percent}%, không vượt {share})" if top else ""
    names = ", ".join(unit.name for unit in result.runoff)
    tied = len(result.runoff) > 1 and len({c.votes for c in result.counts if c.unit in result.runoff}) == 1
    tie_note = " Các đơn vị dẫn đầu bằng phiếu nhau; không tự phân định." if tied else ""
    if result.needs_decision:
        return (
            f"Không đơn vị nào đạt {threshold_text(rules)}{arithmetic}; đã hết {rules.max_rounds} "
            f"vòng bầu: chủ tọa ghi nhận quyết định giữa: {names}.{tie_note}"
        )
    return f"Không đơn vị nào đạt {threshold_text(rules)}{arithmetic}; bầu lại giữa: {names}.{tie_note}"


def runoff_candidates(counts: list[CandidateCount]) -> list[Unit]:
    """Return the tied top units, or the top two (with everyone tied for second); never break a tie."""
    if not counts:
        return []
    top = counts[0].votes
    tied_top = [c.unit for c in counts if c.votes == top]
    if len(tied_top) > 1 or len(counts) == 1:
        return tied_top
    second = counts[1].votes
    return tied_top + [c.unit for c in counts if c.votes == second]
