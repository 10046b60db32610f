"""Counting a closed round: the numbers, who is elected, the runoff, and the sentence that says why.

What depends on the ballot type (the tally, the winners cut, the runoff, the sentence) is asked of
the type's class in ``ballots.py``; what a page may show and when is ``results.count_of``'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from functools import cached_property, partial

import sqlalchemy as sa

from voting.clusters.models import Unit
from voting.elections.ballots import BallotKind, BallotType, CandidateCount, Cut, Tally
from voting.elections.models import DecryptedCount, EncryptedBallot, Round, RoundMethod
from voting.elections.paper import Committee, committee_of
from voting.elections.paper_models import PaperCount
from voting.elections.rules import (
    ConferenceRules,
    ThresholdBase,
    VoteForm,
    ballot_of,
    describe,
    fraction_text,
    rules_of,
    share_text,
    threshold_of,
)
from voting.extensions import db
from voting.i18n import N_, Translate, vietnamese

__all__ = ["THRESHOLD", "CandidateCount", "RoundResult", "count_closed_round", "threshold_votes"]

#: the default share that must be exceeded (quá bán)
THRESHOLD = Fraction(1, 2)


def threshold_votes(base: int, threshold: Fraction = THRESHOLD, *, inclusive: bool = False) -> int:
    """Return the fewest votes that are more than *threshold* of *base* (at least it, if *inclusive*)."""
    share = threshold * base
    if inclusive:
        return max(-(-share.numerator // share.denominator), 1)  # the ceiling; never zero votes
    return share.numerator // share.denominator + 1


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
    winners: list[Unit]  # who is elected (empty: no one); one unit on today's ballot types
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
    ballot_type: BallotType = BallotType.CHOOSE_ONE
    committee: Committee | None = None
    named_votes: list[NamedChoice] = field(default_factory=list)
    needs_decision: bool = False  # the last allowed round ended without a winner
    adopted_at: datetime | None = None
    ballot_kind: BallotKind | None = None  # what the decision sentence is asked of, in another language
    cut: Cut | None = None

    def decision_in(self, tr: Translate) -> str:
        """Return the decision sentence in *tr*'s language (``decision`` is the Vietnamese one)."""
        if self.ballot_kind is None or self.cut is None:
            return self.decision
        return decision_sentence(
            self.round,
            self.ballot_kind,
            self.cut,
            self.counts,
            self.winners,
            self.runoff,
            needs_decision=self.needs_decision,
            tr=tr,
        )

    @cached_property
    def receipts(self) -> list[Receipt]:
        """Return the published receipt codes of a secret electronic round, read when a page shows them.

        Reading every ballot is not part of counting: it would make counting a large round slow.
        """
        rules = rules_of(self.round.election.conference)
        if rules.vote_form is not VoteForm.SECRET or self.round.method is not RoundMethod.ELECTRONIC:
            return []
        names = {c.unit.id: c.unit.name for c in self.counts}
        ballot = ballot_of(self.round.election, rules)
        return [Receipt(code, choice) for code, choice in ballot.receipts(self.round.id, names)]

    @property
    def elected(self) -> Unit | None:
        """Return the elected unit of a single-winner ballot (None: no one, or several: read winners)."""
        return self.winners[0] if len(self.winners) == 1 else None

    def is_winner(self, unit: Unit) -> bool:
        """Return whether *unit* is elected in this round."""
        return any(winner.id == unit.id for winner in self.winners)

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
        return N_("Biểu quyết công khai, ghi danh từng đơn vị")
    if round_.method is RoundMethod.PAPER:
        return N_("Bỏ phiếu kín bằng phiếu giấy, Ban kiểm phiếu kiểm")
    return N_("Bỏ phiếu kín điện tử")


def paper_count(round_: Round) -> PaperCount | None:
    """Return the committee's count of a paper round, if entered."""
    return db.session.get(PaperCount, round_.id)


def is_decrypted(round_: Round) -> bool:
    """Return whether a closed encrypted round's count is known: decrypted, or no ballot to decrypt."""
    decrypted = sa.select(DecryptedCount.round_id).where(DecryptedCount.round_id == round_.id)
    cast = sa.select(EncryptedBallot.id).where(EncryptedBallot.round_id == round_.id)
    return bool(db.session.scalar(sa.select(sa.or_(sa.exists(decrypted), ~sa.exists(cast)))))


def decrypted_tally(round_: Round, ballot: BallotKind) -> Tally:
    """Read an encrypted round's decrypted counts as the ballot type's tally (none yet: all zero)."""
    rows = db.session.execute(
        sa.select(DecryptedCount.option, DecryptedCount.votes).where(DecryptedCount.round_id == round_.id)
    )
    votes = {option: n for option, n in rows.tuples()}
    options = ballot.encrypted_options([candidate.unit_id for candidate in round_.candidates])
    tally = ballot.tally((mark.unit_id, mark.is_against, votes.get(key, 0)) for key, mark in options)
    if ballot.type is not BallotType.CHOOSE_UP_TO_K:
        return tally
    # A ballot marks 0..k options: the ballots are counted, not the marks; a blank marks none.
    cast = db.session.scalar(
        sa.select(sa.func.count()).select_from(EncryptedBallot).where(EncryptedBallot.round_id == round_.id)
    )
    return Tally(tally.votes, tally.against, ballots=cast or 0)


def _tally(round_: Round, paper: PaperCount | None, ballot: BallotKind) -> tuple[Tally, int, int]:
    """Return the round's tally, the ballots issued and the invalid ones."""
    if round_.is_paper:
        if paper is None or not paper.is_confirmed:
            raise ValueError(f"{round_!r} has no confirmed paper count: ask results.count_of")
        votes: dict[int | None, int] = {line.unit_id: line.votes for line in paper.lines}
        votes[None] = paper.blank
        return Tally(votes, {line.unit_id: line.against for line in paper.lines}), paper.issued, paper.invalid
    if round_.is_encrypted:
        return decrypted_tally(round_, ballot), round_.base, 0
    return ballot.tally_round(round_.id), round_.base, 0


def count_closed_round(round_: Round, paper: PaperCount | None = None) -> RoundResult:
    """Count a round that can be counted and decide who is elected, who runs off, or that the chair decides.

    The round is closed or voided, and a paper round comes with its confirmed *paper* count: pages
    and services ask ``results.count_of``, which knows when a round can be counted.
    """
    election = round_.election
    rules = rules_of(election.conference)
    ballot = ballot_of(election, rules)
    share, inclusive = threshold_of(election, rules)
    tally, issued, invalid = _tally(round_, paper, ballot)
    votes, against = tally.votes, tally.against
    marked = sum(votes.values()) + sum(against.values()) if tally.ballots is None else tally.ballots
    returned = marked + invalid
    valid = returned - invalid
    base = {
        ThresholdBase.PRESENT: round_.base,
        ThresholdBase.MEMBERS: round_.member_count or round_.base,
        ThresholdBase.VALID: valid,
    }[rules.threshold_base]
    units = [candidate.unit for candidate in round_.candidates]
    units.sort(key=lambda unit: (-votes.get(unit.id, 0), unit.position, unit.id))
    counts = [CandidateCount(u, votes.get(u.id, 0), base, against.get(u.id, 0)) for u in units]
    cut = Cut(
        base=base,
        base_label=rules.threshold_base.label,
        needed=threshold_votes(base, share, inclusive=inclusive),
        share=fraction_text(share),
        wording=share_text(share, rules.threshold_base, inclusive=inclusive),
        max_rounds=rules.max_rounds,
        wording_in=partial(share_text, share, rules.threshold_base, inclusive=inclusive),
        seats=round_.seats,
        inclusive=inclusive,
    )
    winners = ballot.winners(counts, cut) if not round_.is_voided and base > 0 else []
    runoff = ballot.next_runoff(counts, winners, cut)
    counted = [r for r in election.counted_rounds if r.number <= round_.number]
    # the last allowed round left no winner, or (an award vote) a tie across the last seat
    unsettled = not winners or bool(runoff)
    needs_decision = not round_.is_voided and unsettled and len(counted) >= rules.max_rounds
    names = {unit.id: unit.name for unit in units}
    return RoundResult(
        round=round_,
        counts=counts,
        blank=votes.get(None, 0),
        returned=returned,
        winners=winners,
        runoff=runoff,
        issued=issued,
        valid=valid,
        invalid=invalid,
        against=sum(against.values()),
        base=base,
        base_label=cut.base_label,
        threshold_votes=cut.needed,
        decision=decision_sentence(
            round_, ballot, cut, counts, winners, runoff, needs_decision=needs_decision
        ),
        ballot_kind=ballot,
        cut=cut,
        rules=describe(rules),
        ballot_form=ballot_form_label(round_, rules),
        ballot_type=ballot.type,
        committee=committee_of(election.conference),
        named_votes=[NamedChoice(*vote) for vote in ballot.named_votes(round_.id, names)]
        if rules.vote_form is VoteForm.OPEN
        else [],
        needs_decision=needs_decision,
        adopted_at=paper.confirmed_at if round_.is_paper and paper else round_.closed_at,
    )


def decision_sentence(
    round_: Round,
    ballot: BallotKind,
    cut: Cut,
    counts: list[CandidateCount],
    winners: list[Unit],
    runoff: list[Unit],
    *,
    needs_decision: bool,
    tr: Translate = vietnamese,
) -> str:
    """Return the arithmetic of the decision: "5/8 đơn vị có mặt = 62,50% > 50%: trúng cử"."""
    if round_.is_voided:
        return tr(N_("Vòng bầu đã bị hủy, không tính kết quả. Lý do: %(reason)s"), reason=round_.void_reason)
    if cut.base == 0:
        return tr(N_("Không có phiếu hợp lệ nào; không đơn vị nào trúng cử."))
    return ballot.decision(counts, winners, runoff, cut, needs_decision=needs_decision, tr=tr)
