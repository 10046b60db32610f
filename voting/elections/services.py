"""Election rules: rounds, secret ballots, counting, runoffs and certification."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

import sqlalchemy as sa

from voting.auth.models import User
from voting.clusters.models import Unit
from voting.clusters.services import member_units
from voting.conferences.models import CheckIn, Conference
from voting.conferences.services import attendance
from voting.elections.models import (
    Ballot,
    Election,
    Office,
    Participation,
    Round,
    RoundCandidate,
    RoundStatus,
)
from voting.errors import (
    AlreadyVoted,
    InvalidChoice,
    InvalidState,
    NotEligible,
    QuorumNotMet,
    RoundNotOpen,
)
from voting.extensions import db
from voting.formatting import format_percent

#: a unit is elected with strictly more than this share of the units present
THRESHOLD = Fraction(1, 2)

#: receipt codes avoid letters and digits that are easy to confuse
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class CandidateCount:
    """A candidate unit and its votes in a closed round."""

    unit: Unit
    votes: int
    base: int

    @property
    def percent(self) -> str:
        """Return the share of the base as "62,50"."""
        return format_percent(self.votes, self.base)


@dataclass(frozen=True)
class RoundResult:
    """The count of a closed round and what follows from it."""

    round: Round
    counts: list[CandidateCount]  # most votes first, then list order
    blank: int
    returned: int
    elected: Unit | None
    runoff: list[Unit]  # the next round's candidates when no one is elected

    @property
    def base(self) -> int:
        """Return the number of units present, the base of the percentage."""
        return self.round.base

    @property
    def decision(self) -> str:
        """Return the arithmetic of the decision as one Vietnamese sentence."""
        if self.elected is not None:
            top = self.counts[0]
            return (
                f"{top.unit.name} đạt {top.votes}/{self.base} phiếu của các đơn vị có mặt "
                f"({top.percent}%), quá bán (trên 50%): trúng cử."
            )
        names = ", ".join(unit.name for unit in self.runoff)
        return f"Không đơn vị nào đạt quá bán (trên 50%) số đơn vị có mặt; bầu lại giữa: {names}."


def threshold_votes(base: int) -> int:
    """Return the fewest votes that are more than half of *base*."""
    return int(THRESHOLD * base) + 1


def get_election(conference: Conference, office: Office) -> Election | None:
    """Return the conference's election of an office, if it has started."""
    return db.session.scalar(
        sa.select(Election).where(Election.conference_id == conference.id, Election.office == office)
    )


def initial_candidates(conference: Conference, office: Office) -> list[Unit]:
    """Return the first round's candidates: all members but the outgoing or new leader."""
    if office is Office.LEADER:
        excluded = conference.outgoing_leader_id
    else:
        leader = get_election(conference, Office.LEADER)
        if leader is None or not leader.is_certified:
            raise InvalidState("Cần chứng nhận kết quả bầu Cụm trưởng trước khi bầu Cụm phó.")
        excluded = leader.elected_unit_id
    return [unit for unit in member_units(conference.cluster_id) if unit.id != excluded]


def open_round_of(conference: Conference) -> Round | None:
    """Return the conference's open round, if any."""
    return db.session.scalar(
        sa.select(Round)
        .join(Election)
        .where(Election.conference_id == conference.id, Round.status == RoundStatus.OPEN)
    )


def open_round(conference: Conference, office: Office, *, now: datetime) -> Round:
    """Open the next round of an election: the first one, or a runoff among the top units."""
    if conference.is_ended:
        raise InvalidState("Hội nghị đã kết thúc.")
    if open_round_of(conference) is not None:
        raise InvalidState("Đang có một vòng bầu mở; hãy kết thúc vòng đó trước.")
    present = attendance(conference)
    if not present.is_quorate:
        raise QuorumNotMet(
            f"Chưa đủ số đơn vị tham dự: có {len(present.present)}/{len(present.members)} "
            f"đơn vị, cần ít nhất {present.needed} (2/3)."
        )
    election = get_election(conference, office)
    if election is None:
        candidates = initial_candidates(conference, office)
        election = Election(conference_id=conference.id, office=office)
        db.session.add(election)
        number = 1
    else:
        if election.is_certified:
            raise InvalidState(f"Kết quả bầu {office.label} đã được chứng nhận.")
        last = count_round(election.rounds[-1])
        if last.elected is not None:
            raise InvalidState(
                f"{last.elected.name} đã trúng cử {office.label}; hãy chứng nhận kết quả."
            )
        candidates = last.runoff
        number = last.round.number + 1
    if not candidates:
        raise InvalidState("Không có đơn vị nào đủ điều kiện ứng cử.")
    round_ = Round(
        election=election,
        number=number,
        status=RoundStatus.OPEN,
        opened_at=now,
        base=len(present.present),
    )
    db.session.add(round_)
    db.session.flush()
    db.session.add_all(RoundCandidate(round_id=round_.id, unit_id=unit.id) for unit in candidates)
    db.session.flush()
    return round_


def _lock_round(round_: Round, *, exclusive: bool) -> Round:
    """Reload a round under a row lock (shared for ballots, exclusive for closing)."""
    locked = db.session.scalar(
        sa.select(Round)
        .where(Round.id == round_.id)
        .with_for_update(read=not exclusive)
        .execution_options(populate_existing=True)
    )
    assert locked is not None
    return locked


def new_receipt_code() -> str:
    """Return a random receipt code such as "K7QX-92MD"."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def is_eligible(round_: Round, unit: Unit) -> bool:
    """Return whether the unit was checked in when the round opened."""
    checked_in_at = db.session.scalar(
        sa.select(CheckIn.checked_in_at).where(
            CheckIn.conference_id == round_.election.conference_id, CheckIn.unit_id == unit.id
        )
    )
    return checked_in_at is not None and checked_in_at <= round_.opened_at


def has_voted(round_: Round, unit: Unit) -> bool:
    """Return whether the unit has cast its ballot in the round."""
    return db.session.get(Participation, (round_.id, unit.id)) is not None


def cast_ballot(round_: Round, unit: Unit, choice: Unit | None) -> Ballot:
    """Cast the unit's secret ballot for *choice* (None for blank) and return it."""
    round_ = _lock_round(round_, exclusive=False)
    if not round_.is_open:
        raise RoundNotOpen("Vòng bầu đã kết thúc; phiếu không được ghi nhận.")
    if not is_eligible(round_, unit):
        raise NotEligible(
            f"{unit.name} chưa điểm danh trước khi vòng bầu mở nên không bỏ phiếu ở vòng này."
        )
    if choice is not None and db.session.get(RoundCandidate, (round_.id, choice.id)) is None:
        raise InvalidChoice(f"{choice.name} không có trong danh sách đề cử của vòng này.")
    ballot = Ballot(
        round_id=round_.id,
        choice_unit_id=choice.id if choice else None,
        receipt_code=new_receipt_code(),
    )
    try:
        # The participation's primary key is the one-ballot-per-unit rule; both rows or neither.
        with db.session.begin_nested():
            db.session.add(Participation(round_id=round_.id, unit_id=unit.id))
            db.session.flush()
            db.session.add(ballot)
    except sa.exc.IntegrityError:
        raise AlreadyVoted(f"{unit.name} đã bỏ phiếu ở vòng này; mỗi đơn vị chỉ có một phiếu.") from None
    return ballot


def close_round(round_: Round, *, now: datetime) -> Round:
    """Close an open round; no ballot is accepted afterwards."""
    round_ = _lock_round(round_, exclusive=True)
    if not round_.is_open:
        raise InvalidState("Vòng bầu này đã kết thúc.")
    round_.status = RoundStatus.CLOSED
    round_.closed_at = now
    db.session.flush()
    return round_


def turnout(round_: Round) -> int:
    """Return how many units have voted in the round."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Participation).where(Participation.round_id == round_.id)
    ) or 0


def count_round(round_: Round) -> RoundResult:
    """Count a closed round by SQL aggregation and decide who is elected or who runs off."""
    if round_.is_open:
        raise InvalidState("Không xem kết quả khi vòng bầu đang mở.")
    rows = db.session.execute(
        sa.select(Ballot.choice_unit_id, sa.func.count())
        .where(Ballot.round_id == round_.id)
        .group_by(Ballot.choice_unit_id)
    )
    votes: dict[int | None, int] = {choice: count for choice, count in rows.tuples()}
    units = [candidate.unit for candidate in round_.candidates]
    units.sort(key=lambda unit: (-votes.get(unit.id, 0), unit.position, unit.id))
    counts = [CandidateCount(unit, votes.get(unit.id, 0), round_.base) for unit in units]
    elected = next((c.unit for c in counts if c.votes >= threshold_votes(round_.base)), None)
    return RoundResult(
        round=round_,
        counts=counts,
        blank=votes.get(None, 0),
        returned=sum(votes.values()),
        elected=elected,
        runoff=[] if elected else runoff_candidates(counts),
    )


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


def certify(election: Election, *, by: User, now: datetime) -> Election:
    """Certify an election whose last closed round elected a unit; final afterwards."""
    if not election.rounds:
        raise InvalidState("Chưa có vòng bầu nào.")
    last = election.rounds[-1]
    if last.is_open:
        raise InvalidState("Hãy kết thúc vòng bầu trước khi chứng nhận.")
    result = count_round(last)
    if result.elected is None:
        raise InvalidState("Chưa có đơn vị trúng cử; hãy tổ chức bầu lại.")
    # A conditional update makes a second, concurrent certification a no-op we can detect.
    updated = db.session.execute(
        sa.update(Election)
        .where(Election.id == election.id, Election.certified_at.is_(None))
        .values(elected_unit_id=result.elected.id, certified_at=now, certified_by_id=by.id)
        .execution_options(synchronize_session=False)
    )
    if updated.rowcount != 1:
        raise InvalidState(f"Kết quả bầu {election.office.label} đã được chứng nhận.")
    db.session.refresh(election)
    return election
