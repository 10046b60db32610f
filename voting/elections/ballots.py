"""Ballot types: one class per type, holding what its ballot asks, reads, counts and says.

A type is a ``BallotKind`` subclass registered for its ``BallotType`` value: its form (the options
offered and how a submitted value reads as marks), the check of a ballot's marks, how ballots are
stored, shuffled and tallied, the winners cut at the rules' threshold, the runoff, the labels
(ballot, receipts, named votes, paper count) and the decision sentence. Code asks ``rules.ballot``
(or ``ballot_kind(type)``) instead of testing the type; an unknown type fails loudly.

The default storage is one ``models.Ballot`` row holding the ballot's one mark; a type whose
ballots carry several marks, or ciphertexts, overrides ``store``, ``shuffle``, ``tally_round``,
``receipts`` and ``named_votes`` with its own table.
"""

from __future__ import annotations

import enum
import random
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from voting.clusters.models import Unit
from voting.elections.models import Ballot, NamedVote, new_ballot_id
from voting.errors import InvalidChoice
from voting.extensions import db
from voting.formatting import format_percent
from voting.i18n import N_, Translate, vietnamese
from voting.transactions import dialect


class BallotType(enum.StrEnum):
    """What a ballot asks; each value has its class in ``BALLOT_KINDS``."""

    CHOOSE_ONE = "choose_one"
    APPROVE = "approve"
    CHOOSE_UP_TO_K = "choose_up_to_k"  # an award vote's (suy tôn): choose_up_to_k.py

    @property
    def label(self) -> str:
        """Return the Vietnamese description of the ballot type."""
        return ballot_kind(self).label


#: the form value of a blank ballot (phiếu trống)
BLANK = "blank"

#: A cast's inserts, as plain SQL that SQLite and PostgreSQL both read: SQLAlchemy caches a text
#: statement's compiled form, but never a database's own INSERT … ON CONFLICT (its dialects'
#: ``Insert`` sets ``inherit_cache = False``), which every cast then compiled again. A ballot's insert
#: does nothing when its receipt code is taken in the round (``store`` draws again).
INSERT_BALLOT = sa.text(
    "INSERT INTO ballots (id, round_id, choice_unit_id, is_against, receipt_code) "
    "VALUES (:id, :round_id, :choice_unit_id, :is_against, :receipt_code) ON CONFLICT DO NOTHING RETURNING id"
)
INSERT_NAMED_VOTE = sa.insert(NamedVote.__table__)
#: PostgreSQL: the ballot and its voter's named vote in one round trip, the vote only if the ballot
#: went in; no row back when the receipt code is taken. (SQLite has no INSERT inside WITH.)
INSERT_NAMED_BALLOT = sa.text(
    "WITH ballot AS (INSERT INTO ballots (id, round_id, choice_unit_id, is_against, receipt_code) "
    "VALUES (:id, :round_id, :choice_unit_id, :is_against, :receipt_code) "
    "ON CONFLICT DO NOTHING RETURNING id) "
    "INSERT INTO named_votes (round_id, unit_id, choice_unit_id, is_against) "
    "SELECT CAST(:round_id AS INTEGER), CAST(:unit_id AS INTEGER), CAST(:choice_unit_id AS INTEGER), "
    "CAST(:is_against AS BOOLEAN) FROM ballot RETURNING unit_id"
)


@dataclass(frozen=True)
class Mark:
    """What one ballot says: the unit marked (None: a blank ballot), and whether against it."""

    unit_id: int | None
    is_against: bool = False


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
class Tally:
    """A round's votes per unit (None: blank ballots) and votes against each nominee."""

    votes: dict[int | None, int]
    against: dict[int, int]
    #: the ballots returned, when a ballot may carry several marks (None: one mark per ballot)
    ballots: int | None = None


@dataclass(frozen=True)
class Cut:
    """The rules' threshold applied to one round: how many votes of what base elect."""

    base: int  # the number the percentage is taken of
    base_label: str  # "đơn vị có mặt" (a catalogue msgid)
    needed: int  # the fewest votes that elect
    share: str  # the share that must be exceeded, as the rules write it: "50%"
    wording: str  # "quá bán (trên 50%) số đơn vị có mặt"
    max_rounds: int
    wording_in: Callable[[Translate], str] | None = None  # the wording in another language
    seats: int = 1  # how many units the round may elect (an award vote's open seats)
    inclusive: bool = False  # the share itself elects ("từ 50% trở lên", ≥), not only above it (>)

    @property
    def relation(self) -> str:
        """Return how a percent that elects compares with the share: "≥" or ">"."""
        return "≥" if self.inclusive else ">"

    def say(self, sentence: str, count: CandidateCount, tr: Translate) -> str:
        """Fill *sentence* with a count's arithmetic against this cut (unit, votes, base, percent…)."""
        return tr(
            sentence,
            unit=count.unit.name,
            votes=count.votes,
            base=self.base,
            label=tr(self.base_label),
            percent=count.percent,
            share=self.share,
            relation=self.relation,
        )


class BallotKind:
    """A ballot type; subclasses say what differs, the defaults are one mark per ballot, one winner."""

    type: ClassVar[BallotType]
    #: the type as the rules, the ballot and the minutes describe it
    label: ClassVar[str]
    #: the chair names one nominee per round instead of the rules listing who stands (and no runoff)
    is_nominated: ClassVar[bool] = False
    #: a conference's rules may choose it for the leader and deputy (False: award votes only)
    for_offices: ClassVar[bool] = True
    #: the numbers the committee enters per candidate on a paper count (PaperCountLine's columns)
    paper_columns: ClassVar[tuple[str, ...]] = ("votes",)
    #: how the decision sentence says a unit got its votes: "đạt"
    #: the sentence of an elected unit's arithmetic
    elected_sentence: ClassVar[str] = N_(
        "%(unit)s đạt %(votes)s/%(base)s %(label)s = %(percent)s%% %(relation)s %(share)s: trúng cử."
    )

    def options(self, candidates: Sequence[Unit]) -> list[tuple[str, str]]:
        """Return the ballot's options as (form value, label), the blank ballot last."""
        raise NotImplementedError

    def read(self, value: str, candidates: Sequence[Unit]) -> Mark | None:
        """Return the mark a submitted form value stands for; None if it is not on this ballot."""
        raise NotImplementedError

    def encrypted_options(self, candidate_ids: Sequence[int]) -> list[tuple[str, Mark]]:
        """Return the encrypted ballot's options in manifest order, as (key, the mark it stands for).

        Given the candidate units' ids only: a cast builds the manifest without loading the units.
        """
        raise NotImplementedError

    def check(self, marks: Sequence[Mark], *, seats: int = 1) -> None:
        """Refuse a ballot this type cannot carry: here one mark (a unit or blank), never against."""
        if len(marks) != 1:
            raise InvalidChoice(N_("Mỗi phiếu chọn đúng một đơn vị hoặc để trống."))
        if marks[0].is_against:
            raise InvalidChoice(N_("Chỉ phiếu Đồng ý / Không đồng ý mới có lựa chọn Không đồng ý."))

    def mark_label(self, mark: Mark, names: Mapping[int, str]) -> str:
        """Return how a mark reads on a published list of receipts or named votes."""
        return "Phiếu trống" if mark.unit_id is None else names[mark.unit_id]

    def store(self, round_id: int, marks: Sequence[Mark], receipt_code: str, *, voter_id: int | None) -> bool:
        """Write a checked ballot; in an open (named) vote, also the voter's named record (*voter_id*).

        Return False, with nothing written, when *receipt_code* is already a receipt of the round.
        """
        (mark,) = marks
        choice = {"round_id": round_id, "choice_unit_id": mark.unit_id, "is_against": mark.is_against}
        if voter_id is not None and dialect() == "postgresql":  # one round trip for both rows
            values = {**choice, "id": new_ballot_id(), "receipt_code": receipt_code, "unit_id": voter_id}
            return db.session.execute(INSERT_NAMED_BALLOT, values).first() is not None
        if insert_ballot({**choice, "receipt_code": receipt_code}) is None:
            return False
        if voter_id is not None:
            db.session.execute(INSERT_NAMED_VOTE, {**choice, "unit_id": voter_id})
        return True

    def shuffle(self, round_id: int) -> None:
        """Re-write a round's ballots in random order with fresh ids, so storage order says nothing."""
        rows = list(
            db.session.execute(
                sa.select(Ballot.choice_unit_id, Ballot.is_against, Ballot.receipt_code).where(
                    Ballot.round_id == round_id
                )
            ).tuples()
        )
        random.SystemRandom().shuffle(rows)
        db.session.execute(sa.delete(Ballot).where(Ballot.round_id == round_id))
        for choice, against, code in rows:
            db.session.execute(
                sa.insert(Ballot).values(
                    id=secrets.token_hex(16),
                    round_id=round_id,
                    choice_unit_id=choice,
                    is_against=against,
                    receipt_code=code,
                )
            )

    def tally_round(self, round_id: int) -> Tally:
        """Tally a round's stored ballots (one GROUP BY, answered from its covering index)."""
        rows = db.session.execute(
            sa.select(Ballot.choice_unit_id, Ballot.is_against, sa.func.count())
            .where(Ballot.round_id == round_id)
            .group_by(Ballot.choice_unit_id, Ballot.is_against)
        )
        return self.tally(rows.tuples())

    def receipts(self, round_id: int, names: Mapping[int, str]) -> list[tuple[str, str]]:
        """Return a closed secret round's receipt codes with the choice each stands for, in code order."""
        rows = db.session.execute(
            sa.select(Ballot.receipt_code, Ballot.choice_unit_id, Ballot.is_against)
            .where(Ballot.round_id == round_id)
            .order_by(Ballot.receipt_code)
        )
        return [
            (code, self.mark_label(Mark(choice, against), names)) for code, choice, against in rows.tuples()
        ]

    def named_votes(self, round_id: int, names: Mapping[int, str]) -> list[tuple[str, str]]:
        """Return each unit's recorded choice in an open vote, in the units' list order."""
        votes = db.session.scalars(sa.select(NamedVote).where(NamedVote.round_id == round_id))
        listed = sorted(votes, key=lambda v: (v.unit.position, v.unit.id))
        return [(v.unit.name, self.mark_label(Mark(v.choice_unit_id, v.is_against), names)) for v in listed]

    def tally(self, rows: Iterable[tuple[int | None, bool, int]]) -> Tally:
        """Add up stored marks, given as (unit id or None, against, number of ballots)."""
        votes: dict[int | None, int] = {}
        against: dict[int, int] = {}
        for unit_id, is_against, n in rows:
            if is_against and unit_id is not None:
                against[unit_id] = against.get(unit_id, 0) + n
            else:
                votes[unit_id] = votes.get(unit_id, 0) + n
        return Tally(votes, against)

    def winners(self, counts: Sequence[CandidateCount], cut: Cut) -> list[Unit]:
        """Return who is elected: the top unit if it reaches the threshold and no other has as many.

        Above half there can never be two; "from 50% up" lets two tie at half, and a tie is never
        broken here (the runoff or the chair's decision does).
        """
        if len(counts) > 1 and counts[1].votes == counts[0].votes:
            return []
        return [count.unit for count in counts[:1] if count.votes >= cut.needed]

    def runoff(self, counts: Sequence[CandidateCount]) -> list[Unit]:
        """Return the next round's candidates when no one is elected."""
        return []

    def next_runoff(self, counts: Sequence[CandidateCount], winners: Sequence[Unit], cut: Cut) -> list[Unit]:
        """Return the next round's candidates given this round's winners (none: no runoff)."""
        return [] if winners else self.runoff(counts)

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
        """Return the arithmetic of the decision: "5/8 đơn vị có mặt = 62,50% > 50%: trúng cử"."""
        elected = [count for count in counts if count.unit in winners]
        return " ".join(cut.say(self.elected_sentence, count, tr) for count in elected)

    def paper_label(self, column: str, unit: Unit) -> str:
        """Return the label of a candidate's number on the paper count form."""
        return unit.name

    def entry_errors(
        self, votes: Mapping[int, int], against: Mapping[int, int], *, valid: int, blank: int
    ) -> list[str]:
        """Return the checks a paper count of this type fails (one mark per valid, non-blank ballot)."""
        total = sum(votes.values()) + sum(against.values())
        if total != valid - blank:
            return [
                f"Tổng số phiếu của các đơn vị ({total}) phải bằng phiếu hợp lệ trừ phiếu trống "
                f"({valid} - {blank} = {valid - blank})."
            ]
        return []


#: every ballot type's class, by its value
BALLOT_KINDS: dict[BallotType, BallotKind] = {}

K = TypeVar("K", bound=BallotKind)


def insert_ballot(values: Mapping[str, object]) -> str | None:
    """Insert a ballot row (a random id unless given); return its id, or None if its receipt code is taken.

    *values*: round_id, choice_unit_id, is_against and receipt_code.
    """
    row = {"id": new_ballot_id(), **values}
    return db.session.execute(INSERT_BALLOT, row).scalar()


def register(kind: type[K]) -> type[K]:
    """Register a ballot type's class (as one instance: the classes hold no state)."""
    BALLOT_KINDS[kind.type] = kind()
    return kind


def ballot_kind(ballot_type: BallotType | str) -> BallotKind:
    """Return the class of a ballot type; an unknown type fails loudly."""
    try:
        return BALLOT_KINDS[BallotType(ballot_type)]
    except (KeyError, ValueError):
        raise LookupError(f"no ballot type {ballot_type!r}: register a BallotKind for it") from None


def blank_option() -> tuple[str, str]:
    return (BLANK, str(_l("Phiếu trống (không chọn đơn vị nào)")))


@register
class ChooseOneBallot(BallotKind):
    """Choose one candidate unit, or a blank ballot; no majority means a runoff among the top units."""

    type = BallotType.CHOOSE_ONE
    label = N_("Chọn một đơn vị (hoặc phiếu trống)")

    def options(self, candidates: Sequence[Unit]) -> list[tuple[str, str]]:
        return [(str(unit.id), unit.name) for unit in candidates] + [blank_option()]

    def encrypted_options(self, candidate_ids: Sequence[int]) -> list[tuple[str, Mark]]:
        return [(f"unit:{unit_id}", Mark(unit_id)) for unit_id in candidate_ids] + [(BLANK, Mark(None))]

    def read(self, value: str, candidates: Sequence[Unit]) -> Mark | None:
        if value == BLANK:
            return Mark(None)
        return next((Mark(unit.id) for unit in candidates if str(unit.id) == value), None)

    def runoff(self, counts: Sequence[CandidateCount]) -> list[Unit]:
        return runoff_candidates(counts)

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
        if winners:
            return super().decision(counts, winners, runoff, cut, needs_decision=needs_decision, tr=tr)
        top = counts[0] if counts else None
        arithmetic = (
            tr(
                N_(" (cao nhất %(votes)s/%(base)s = %(percent)s%%, không vượt %(share)s)"),
                votes=top.votes,
                base=cut.base,
                percent=top.percent,
                share=cut.share,
            )
            if top
            else ""
        )
        names = ", ".join(unit.name for unit in runoff)
        tied = len(runoff) > 1 and len({c.votes for c in counts if c.unit in runoff}) == 1
        tie_note = " " + tr(N_("Các đơn vị dẫn đầu bằng phiếu nhau; không tự phân định.")) if tied else ""
        wording = cut.wording_in(tr) if cut.wording_in is not None else cut.wording
        if needs_decision:
            sentence = N_(
                "Không đơn vị nào đạt %(wording)s%(arithmetic)s; đã hết %(rounds)s "
                "vòng bầu: chủ tọa ghi nhận quyết định giữa: %(names)s."
            )
            said = tr(sentence, wording=wording, arithmetic=arithmetic, rounds=cut.max_rounds, names=names)
            return said + tie_note
        sentence = N_("Không đơn vị nào đạt %(wording)s%(arithmetic)s; bầu lại giữa: %(names)s.")
        return tr(sentence, wording=wording, arithmetic=arithmetic, names=names) + tie_note

    def entry_errors(
        self, votes: Mapping[int, int], against: Mapping[int, int], *, valid: int, blank: int
    ) -> list[str]:
        errors = ["Phiếu chọn một đơn vị không có số phiếu không đồng ý."] if any(against.values()) else []
        return errors + super().entry_errors(votes, against, valid=valid, blank=blank)


#: the form values of an approve/reject ballot
def runoff_candidates(counts: Sequence[CandidateCount]) -> list[Unit]:
    """Return the tied top units, or the top two (with everyone tied for second); never break a tie."""
    if not counts:
        return []
    top = counts[0].votes
    tied_top = [c.unit for c in counts if c.votes == top]
    if len(tied_top) > 1 or len(counts) == 1:
        return tied_top
    second = counts[1].votes
    return tied_top + [c.unit for c in counts if c.votes == second]


# The types kept in their own modules register themselves on import.
from voting.elections import approve as approve  # noqa: E402
from voting.elections import choose_up_to_k as choose_up_to_k  # noqa: E402

_missing = set(BallotType) - BALLOT_KINDS.keys()
if _missing:  # a value added to BallotType without its class: fail at import, not mid-conference
    raise RuntimeError(f"ballot types without a class: {sorted(_missing)}")
