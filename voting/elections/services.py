"""Election rules: the state machine of rounds, ballots, voiding, the chair's decision and certification.

What the chair may do next is ``actions.py``'s (these services ``require`` it), the count of a
round or why there is none ``results.py``'s, the arithmetic ``counting.py``'s, what depends on the
ballot type ``ballots.py``'s, paper ballots and the committee ``paper.py``'s, the rules as data
``rules.py``'s; the names other features use are re-exported here.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
import sqlalchemy.orm as sa_orm
from sqlalchemy.dialects import postgresql, sqlite

from voting.audit.services import record
from voting.auth.models import User
from voting.clusters.models import Unit
from voting.clusters.services import member_units
from voting.conferences.models import CheckIn, Conference
from voting.conferences.services import Attendance, attendance
from voting.elections.actions import Action, Situation, key_refusal, require
from voting.elections.ballots import CandidateCount, Mark
from voting.elections.counting import THRESHOLD, RoundResult, threshold_votes
from voting.elections.live import turnout
from voting.elections.models import (
    Election,
    Office,
    Participation,
    Round,
    RoundCandidate,
    RoundMethod,
    RoundStatus,
)
from voting.elections.results import count_of, count_round
from voting.elections.rules import ConferenceRules, VoteForm, ballot_of, rules_of, store_rules
from voting.errors import (
    AlreadyVoted,
    InvalidChoice,
    InvalidState,
    NotEligible,
    RoundNotOpen,
)
from voting.extensions import db
from voting.formatting import utc_now
from voting.i18n import N_
from voting.transactions import take_write_lock
from voting.trustees.keys import election_key_of

__all__ = [
    "THRESHOLD",
    "CandidateCount",
    "RoundResult",
    "count_round",
    "threshold_votes",
    "turnout",
]

#: receipt codes avoid letters and digits that are easy to confuse
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def get_election(conference: Conference, office: Office) -> Election | None:
    """Return the conference's election of an office, if it has started."""
    return db.session.scalar(
        sa.select(Election).where(Election.conference_id == conference.id, Election.office == office)
    )


def quorum(conference: Conference, rules: ConferenceRules | None = None) -> Attendance:
    """Return the attendance with the quorum the conference's rules require."""
    return attendance(conference, (rules or rules_of(conference)).quorum)


def initial_candidates(conference: Conference, office: Office) -> list[Unit]:
    """Return who may stand: all members but the outgoing leader (leader) or the new leader (deputy)."""
    rules = rules_of(conference)
    excluded: set[int | None] = set()
    if office is Office.LEADER:
        if rules.leader_excludes_outgoing:
            excluded.add(conference.outgoing_leader_id)
    else:
        leader = get_election(conference, Office.LEADER)
        if leader is None or not leader.is_certified:
            raise InvalidState(N_("Cần chứng nhận kết quả bầu Cụm trưởng trước khi bầu Cụm phó."))
        excluded.add(leader.elected_unit_id)
        if rules.deputy_excludes_outgoing_leader:
            excluded.add(conference.outgoing_leader_id)
    return [unit for unit in member_units(conference.cluster_id) if unit.id not in excluded]


def open_round_of(conference: Conference) -> Round | None:
    """Return the conference's open round, if any."""
    return db.session.scalar(
        sa.select(Round)
        .join(Election)
        .where(Election.conference_id == conference.id, Round.status == RoundStatus.OPEN)
    )


def last_round(election: Election) -> Round | None:
    """Return the election's latest round, voided or not."""
    return election.rounds[-1] if election.rounds else None


def situation_of(
    conference: Conference,
    office: Office,
    *,
    rules: ConferenceRules | None = None,
    present: Attendance | None = None,
) -> Situation:
    """Read once what the guards of an office's election look at (see ``actions``)."""
    rules = rules or rules_of(conference)
    election = get_election(conference, office)
    last = last_round(election) if election else None
    leader = election if office is Office.LEADER else get_election(conference, Office.LEADER)
    return Situation(
        conference=conference,
        office=office,
        rules=rules,
        attendance=present or quorum(conference, rules),
        open_round=open_round_of(conference),
        election=election,
        last=count_of(last) if last else None,
        leader_certified=leader is not None and leader.is_certified,
        has_election_key=election_key_of(conference) is not None,
    )


def next_candidates(situation: Situation) -> list[Unit] | None:
    """Return the candidates of the next round, once it may open; None when the chair nominates one."""
    nominated = situation.rules.ballot.is_nominated
    last = situation.last
    if last is None:
        return None if nominated else initial_candidates(situation.conference, situation.office)
    if last.round.is_voided:  # the same ballot again
        return [candidate.unit for candidate in last.round.candidates]
    return None if nominated else last.required().runoff


def open_round(
    conference: Conference,
    office: Office,
    *,
    now: datetime,
    by: User | None = None,
    nominee: Unit | None = None,
    on_paper: bool = False,
) -> Round:
    """Open the next round of an election: the first one, a runoff, or a rerun of a voided round."""
    rules = rules_of(conference)
    if on_paper and rules.vote_form is VoteForm.OPEN:
        raise InvalidState(N_("Biểu quyết công khai không dùng phiếu giấy kín."))
    situation = situation_of(conference, office, rules=rules)
    require(situation, Action.OPEN_ROUND)
    refused = key_refusal(situation, on_paper=on_paper)
    if refused is not None:
        raise refused
    election, present = situation.election, situation.attendance
    candidates = next_candidates(situation)
    if candidates is None:  # the ballot type has the chair name one nominee among those who may stand
        eligible = initial_candidates(conference, office)
        if nominee is None or nominee.id not in {unit.id for unit in eligible}:
            raise InvalidChoice(N_("Hãy chọn một đơn vị được đề cử trong số các đơn vị đủ điều kiện ứng cử."))
        candidates = [nominee]
    if not candidates:
        raise InvalidState(N_("Không có đơn vị nào đủ điều kiện ứng cử."))
    store_rules(conference)  # the rules in force are on record, and locked from now on
    if election is None:
        election = Election(conference_id=conference.id, office=office)
        db.session.add(election)
    number = election.rounds[-1].number + 1 if election.rounds else 1
    round_ = Round(
        election=election,
        number=number,
        status=RoundStatus.OPEN,
        opened_at=now,
        base=len(present.present),
        member_count=len(present.members),
        method=round_method(rules, on_paper=on_paper),
    )
    db.session.add(round_)
    db.session.flush()
    db.session.add_all(RoundCandidate(round_id=round_.id, unit_id=unit.id) for unit in candidates)
    db.session.flush()
    record(
        "round.opened",
        actor=by or conference.chair,
        conference=conference,
        now=now,
        details={
            "office": office.value,
            "round": number,
            "round_id": round_.id,
            "method": round_.method.value,
            "candidates": [unit.id for unit in candidates],
            "base": round_.base,
        },
    )
    return round_


def round_method(rules: ConferenceRules, *, on_paper: bool) -> RoundMethod:
    """Return how a new round is cast: on paper, encrypted (a secret ballot) or named (an open vote)."""
    if on_paper:
        return RoundMethod.PAPER
    return RoundMethod.ELECTRONIC if rules.vote_form is VoteForm.OPEN else RoundMethod.ENCRYPTED


def lock_round(round_: Round, *, exclusive: bool) -> Round:
    """Lock the round's row (shared for ballots, exclusive for closing) and return it up to date."""
    if exclusive:
        locked = db.session.get(Round, round_.id, with_for_update=True, populate_existing=True)
        assert locked is not None
        return locked
    # A ballot only needs the status read under the lock: nothing else of an open round changes.
    status = db.session.scalar(
        sa.select(Round.status).where(Round.id == round_.id).with_for_update(read=True)
    )
    if status is not round_.status:
        db.session.refresh(round_)
    return round_


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


@dataclass(frozen=True)
class Admission:
    """What a cast reads before it writes, in one query: the round, its rules and the voter's standing."""

    round: Round  # with its election and conference
    rules: ConferenceRules
    checked_in_at: datetime | None  # the voter's check-in, None if it has not checked in
    has_voted: bool


def _admission_query() -> sa.Select[Any]:
    checked_in_at = (
        sa.select(CheckIn.checked_in_at)
        .where(CheckIn.conference_id == Election.conference_id, CheckIn.unit_id == sa.bindparam("unit_id"))
        .scalar_subquery()
    )
    voted = sa.exists().where(
        Participation.round_id == Round.id, Participation.unit_id == sa.bindparam("unit_id")
    )
    return (
        sa.select(Round, ConferenceRules, checked_in_at, voted)
        .join(Round.election)
        .join(Election.conference)
        .outerjoin(ConferenceRules, ConferenceRules.conference_id == Election.conference_id)
        .options(sa_orm.contains_eager(Round.election).contains_eager(Election.conference))
        .where(Round.id == sa.bindparam("round_id"))
        .with_for_update(read=True, of=Round)
        .execution_options(populate_existing=True)  # the status as of the lock
    )


#: built once, with bound ids: every cast runs it, and building it cost about as much as running it
_ADMISSION = _admission_query()


def read_admission(round_id: int, unit_id: int) -> Admission | None:
    """Read a round with its election, conference and rules, and *unit_id*'s check-in and participation.

    One query, which share-locks the round's row (PostgreSQL) for the rest of the transaction, as
    ``lock_round`` does for a ballot: closing the round waits for the casts that read it open.
    """
    row = db.session.execute(_ADMISSION, {"round_id": round_id, "unit_id": unit_id}).one_or_none()
    if row is None:
        return None
    round_, rules, at, has_voted_ = row
    return Admission(round_, rules or rules_of(round_.election.conference), at, bool(has_voted_))


def check_admission(admission: Admission, unit: Unit) -> None:
    """Refuse a ballot the round cannot take now from *unit* (open, electronic, checked in when it opened)."""
    round_ = admission.round
    if not round_.is_open:
        raise RoundNotOpen(N_("Vòng bầu đã kết thúc; phiếu không được ghi nhận."))
    if round_.is_paper:
        raise InvalidState(N_("Vòng này bỏ phiếu bằng phiếu giấy tại hội trường."))
    if admission.checked_in_at is None or admission.checked_in_at > round_.opened_at:
        raise NotEligible(
            N_("%(unit)s chưa điểm danh trước khi vòng bầu mở nên không bỏ phiếu ở vòng này."), unit=unit.name
        )


def admit_voter(round_: Round, unit: Unit) -> Round:
    """Lock the round for a ballot and refuse one it cannot take now from *unit*; return the round."""
    admission = read_admission(round_.id, unit.id)
    assert admission is not None  # the round is loaded, so it exists
    check_admission(admission, unit)
    return admission.round


def lock_for_ballot(round_: Round) -> Round:
    """Take SQLite's write lock if the cast has read without it, and re-check the round under it.

    Whether the unit has voted is re-checked by the participation's primary key, as it is inserted.
    """
    if take_write_lock():
        round_ = lock_round(round_, exclusive=False)
        if not round_.is_open:
            raise RoundNotOpen(N_("Vòng bầu đã kết thúc; phiếu không được ghi nhận."))
    return round_


#: the INSERT that can do nothing on a conflict, per database
_INSERTS: dict[str, Callable[[Any], Any]] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_new(model: type[Any]) -> Any:
    """Return an INSERT into *model*'s table with ``on_conflict_do_nothing`` (the database's own)."""
    return _INSERTS[db.session.connection().dialect.name](model.__table__)


def _participation_insert(dialect: str) -> Any:
    rounds, participations = Round.__table__, Participation.__table__
    into_open_round = sa.select(rounds.c.id, sa.bindparam("unit_id", type_=sa.Integer)).where(
        rounds.c.id == sa.bindparam("round_id"), rounds.c.status == RoundStatus.OPEN.value
    )
    return (
        _INSERTS[dialect](participations)
        .from_select(["round_id", "unit_id"], into_open_round)
        .on_conflict_do_nothing()
        .returning(participations.c.unit_id)
    )


#: per database, built once (every cast runs it)
_PARTICIPATION_INSERTS = {dialect: _participation_insert(dialect) for dialect in _INSERTS}


def insert_participation(round_: Round, unit: Unit) -> None:
    """Record that *unit* has voted in *round_*: only into an open round, and once; else refuse.

    The cast's first write, so on SQLite it takes the write lock first (the cast read without it);
    the one statement then re-checks the round under that lock, and the primary key is the
    one-ballot-per-unit rule. A refused insert writes nothing and aborts nothing, so the cast needs
    no savepoint.
    """
    take_write_lock()
    insert = _PARTICIPATION_INSERTS[db.session.connection().dialect.name]
    inserted = db.session.execute(insert, {"round_id": round_.id, "unit_id": unit.id}).first()
    if inserted is not None:
        return
    if db.session.scalar(sa.select(Round.status).where(Round.id == round_.id)) is not RoundStatus.OPEN:
        raise RoundNotOpen(N_("Vòng bầu đã kết thúc; phiếu không được ghi nhận."))
    raise AlreadyVoted(N_("%(unit)s đã bỏ phiếu ở vòng này; mỗi đơn vị chỉ có một phiếu."), unit=unit.name)


#: one candidate of a round, with its unit; built once (every cast runs it)
_CANDIDATE = sa.select(RoundCandidate).where(
    RoundCandidate.round_id == sa.bindparam("round_id"), RoundCandidate.unit_id == sa.bindparam("unit_id")
)
_NOMINEE = sa.select(RoundCandidate).where(RoundCandidate.round_id == sa.bindparam("round_id"))


def offered_candidates(round_: Round, value: str, *, is_nominated: bool) -> list[RoundCandidate]:
    """Return the round's candidates a submitted ballot value can name, with their units, and no other.

    A unit's id names that candidate (if it is one); on a nominated ballot every value names the
    one nominee. A cast so loads one candidate, not the whole list.
    """
    if value.isascii() and value.isdigit() and len(value) < 10:
        return list(db.session.scalars(_CANDIDATE, {"round_id": round_.id, "unit_id": int(value)}))
    if is_nominated:
        return list(db.session.scalars(_NOMINEE, {"round_id": round_.id}))
    return []


def cast_ballot(
    round_: Round,
    unit: Unit,
    choice: Unit | None = None,
    *,
    against: bool = False,
    marks: Sequence[Mark] | None = None,
    by: User | None = None,
    now: datetime | None = None,
    admission: Admission | None = None,
) -> str:
    """Cast the unit's plaintext ballot (an open vote): its *marks* as its type reads them, or *choice*.

    A secret ballot is encrypted in the voter's browser and cast with ``encrypted.cast_encrypted``.

    *choice* (None: a blank ballot) with *against* is the one-mark shorthand. *admission* is the
    round as the view read it (``read_admission``), else it is read here. Return the ballot's
    receipt code, the voter's only link to it.
    """
    admission = admission or read_admission(round_.id, unit.id)
    assert admission is not None  # the round is loaded, so it exists
    check_admission(admission, unit)
    round_, rules = admission.round, admission.rules
    if round_.is_encrypted:
        raise InvalidState(N_("Vòng này bỏ phiếu kín bằng phiếu mã hóa trên trình duyệt của đại biểu."))
    ballot = ballot_of(round_.election, rules)
    if marks is None:
        marks = [Mark(choice.id if choice else None, against)]
    for mark in marks:
        if mark.unit_id is not None and db.session.get(RoundCandidate, (round_.id, mark.unit_id)) is None:
            named = db.session.get(Unit, mark.unit_id)
            raise InvalidChoice(
                N_("%(choice)s không có trong danh sách đề cử của vòng này."),
                choice=named.name if named else mark.unit_id,
            )
    ballot.check(marks, seats=round_.seats)
    if not rules.self_vote_allowed and any(m.unit_id == unit.id and not m.is_against for m in marks):
        raise InvalidChoice(N_("Theo quy chế của hội nghị, đơn vị không được bầu cho chính mình."))
    receipt_code = new_receipt_code()
    # an open vote names the voter; an award vote (suy tôn) is a secret ballot whatever the rules' form
    is_named = rules.vote_form is VoteForm.OPEN and not round_.election.is_award
    voter_id = unit.id if is_named else None
    insert_participation(round_, unit)  # refused with nothing written: the ballot follows it
    ballot.store(round_.id, marks, receipt_code, voter_id=voter_id)
    # Who voted is public (turnout); what, never. The time is cut to the minute so that the log
    # adds nothing finer than what the participation list and the turnout counter already show.
    moment = (now or utc_now()).replace(second=0, microsecond=0)
    record(
        "ballot.cast",
        actor=by,
        conference=round_.election.conference,
        now=moment,
        details={"round_id": round_.id, "unit_id": unit.id},
    )
    return receipt_code


def close_round(round_: Round, *, now: datetime, by: User | None = None) -> Round:
    """Close an open round; no ballot is accepted afterwards and the ballots are re-written shuffled.

    An encrypted round's count then waits for the trustees' decryption (``encrypted``).
    """
    round_ = lock_round(round_, exclusive=True)
    if not round_.is_open:
        raise InvalidState(N_("Vòng bầu này đã kết thúc."))
    round_.status = RoundStatus.CLOSED
    round_.closed_at = now
    db.session.flush()
    conference = round_.election.conference
    ballot_of(round_.election, rules_of(conference)).shuffle(round_.id)
    record(
        "round.closed",
        actor=by or conference.chair,
        conference=conference,
        now=now,
        details={"round_id": round_.id, "turnout": turnout(round_)},
    )
    return round_


def void_round(round_: Round, *, reason: str, by: User, now: datetime) -> Round:
    """Void the election's latest closed round before certification; it keeps its record and reason."""
    round_ = lock_round(round_, exclusive=True)
    election = round_.election
    require(situation_of(election.conference, election.office), Action.VOID_ROUND)
    if round_.status is not RoundStatus.CLOSED:
        raise InvalidState(N_("Chỉ hủy được vòng bầu đã kết thúc và chưa bị hủy."))
    if round_.id != election.rounds[-1].id:
        raise InvalidState(N_("Chỉ hủy được vòng bầu gần nhất của cuộc bầu."))
    reason = reason.strip()
    if len(reason) < 5:
        raise InvalidState(N_("Cần ghi rõ lý do hủy vòng bầu."))
    round_.status = RoundStatus.VOIDED
    round_.voided_at, round_.voided_by_id, round_.void_reason = now, by.id, reason
    db.session.flush()
    record(
        "round.voided",
        actor=by,
        conference=election.conference,
        now=now,
        details={"round_id": round_.id, "reason": reason},
    )
    return round_


def certify(election: Election, *, by: User, now: datetime) -> Election:
    """Certify an election whose last round (or the chair's decision) elected a unit; final afterwards."""
    situation = situation_of(election.conference, election.office)
    require(situation, Action.CERTIFY)
    if election.is_decided:
        elected_id = election.decided_unit_id
    else:
        result = situation.last_result
        assert result is not None  # CERTIFY requires a count with winners
        (winner,) = result.winners  # an office has one elected unit
        elected_id = winner.id
    # A conditional update makes a second, concurrent certification a no-op we can detect.
    updated = db.session.execute(
        sa.update(Election)
        .where(Election.id == election.id, Election.certified_at.is_(None))
        .values(elected_unit_id=elected_id, certified_at=now, certified_by_id=by.id)
        .execution_options(synchronize_session=False)
    )
    if cast("sa.CursorResult[Any]", updated).rowcount != 1:  # an UPDATE's result is a CursorResult
        raise InvalidState(N_("Kết quả bầu %(label)s đã được chứng nhận."), label=election.office.label)
    db.session.refresh(election)
    record(
        "election.certified",
        actor=by,
        conference=election.conference,
        now=now,
        details={"office": election.office.value, "unit_id": elected_id},
    )
    return election
