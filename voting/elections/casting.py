"""The cast of a plaintext ballot: who may vote now, read in one query, and the ballot's two inserts.

An encrypted ballot's cast (``encrypted.py``) shares the admission and the participation insert. The
participation's primary key is the one-ballot-per-unit rule: its insert does nothing on a conflict
or once the round has closed, and the ballot follows it, so a refusal writes nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as sa_orm

from voting.audit.services import record
from voting.auth.models import User
from voting.clusters.models import Unit
from voting.conferences.models import CheckIn, Conference
from voting.elections.ballots import Mark
from voting.elections.models import Election, Participation, Round, RoundCandidate, RoundStatus
from voting.elections.rules import ConferenceRules, VoteForm, ballot_of, rules_of
from voting.errors import AlreadyVoted, InvalidChoice, InvalidState, NotEligible, RoundNotOpen
from voting.extensions import db
from voting.formatting import utc_now
from voting.i18n import N_
from voting.transactions import take_write_lock

#: receipt codes avoid letters and digits that are easy to confuse
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


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
    candidate: RoundCandidate | None = None  # the candidate the ballot names, with its unit, if asked


def candidate_id(value: str) -> int | None:
    """Return the unit id a submitted ballot value names, if it is one (not "blank", not a nominee's yes)."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


#: what the admission leaves out: a conference's minutes notes may run to pages, read on every cast
_CONFERENCE_NOT_READ = (
    Conference.place,
    Conference.directing_leader,
    Conference.report_summary,
    Conference.discussion,
    Conference.conclusions,
    Conference.display_token,
)
_ELECTION_NOT_READ = (Election.decision_statement, Election.witnesses, Election.lots_seed)


def _admission_query(*, with_candidate: bool) -> sa.Select[Any]:
    checked_in_at = (
        sa.select(CheckIn.checked_in_at)
        .where(CheckIn.conference_id == Election.conference_id, CheckIn.unit_id == sa.bindparam("unit_id"))
        .scalar_subquery()
    )
    voted = sa.exists().where(
        Participation.round_id == Round.id, Participation.unit_id == sa.bindparam("unit_id")
    )
    query = (
        sa.select(Round, ConferenceRules, checked_in_at, voted)
        .join(Round.election)
        .join(Election.conference)
        .outerjoin(ConferenceRules, ConferenceRules.conference_id == Election.conference_id)
        .options(
            sa_orm.defer(Round.void_reason),
            sa_orm.contains_eager(Round.election).options(
                *(sa_orm.defer(column) for column in _ELECTION_NOT_READ),
                sa_orm.contains_eager(Election.conference).options(
                    *(sa_orm.defer(column) for column in _CONFERENCE_NOT_READ)
                ),
            ),
        )
        .where(Round.id == sa.bindparam("round_id"))
        .with_for_update(read=True, of=Round)
        .execution_options(populate_existing=True)  # the status as of the lock
    )
    if with_candidate:  # the named candidate by primary key, with its unit (joined): never the whole list
        named = sa.and_(
            RoundCandidate.round_id == Round.id, RoundCandidate.unit_id == sa.bindparam("choice_id")
        )
        query = query.add_columns(RoundCandidate).outerjoin(RoundCandidate, named)
    return query


#: built once, with bound ids: every cast runs one, and building it cost about as much as running it
_ADMISSION = _admission_query(with_candidate=False)
_ADMISSION_WITH_CANDIDATE = _admission_query(with_candidate=True)


def read_admission(round_id: int, unit_id: int, *, choice_id: int | None = None) -> Admission | None:
    """Read a round with its election, conference and rules, and *unit_id*'s check-in and participation.

    One query, which share-locks the round's row (PostgreSQL) for the rest of the transaction, as
    ``lock_round`` does for a ballot: closing the round waits for the casts that read it open. With
    *choice_id*, the same query reads that candidate of the round (``Admission.candidate``).
    """
    ids = {"round_id": round_id, "unit_id": unit_id}
    if choice_id is None:
        row = db.session.execute(_ADMISSION, ids).one_or_none()
        candidate = None
    else:
        row = db.session.execute(_ADMISSION_WITH_CANDIDATE, {**ids, "choice_id": choice_id}).one_or_none()
        candidate = row[-1] if row is not None else None
    if row is None:
        return None
    round_, rules, at, has_voted_ = row[:4]
    return Admission(round_, rules or rules_of(round_.election.conference), at, bool(has_voted_), candidate)


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


#: plain SQL that both databases read, so that SQLAlchemy caches its compiled form (it never caches a
#: dialect's own INSERT … ON CONFLICT, which every cast then compiled again): the participation goes
#: in only while the round is open, and only once
_INSERT_PARTICIPATION = sa.text(
    "INSERT INTO participations (round_id, unit_id) "
    "SELECT id, CAST(:unit_id AS INTEGER) FROM rounds WHERE id = :round_id AND status = :open "
    "ON CONFLICT DO NOTHING RETURNING unit_id"
).bindparams(open=RoundStatus.OPEN.value)


def insert_participation(round_: Round, unit: Unit) -> None:
    """Record that *unit* has voted in *round_*: only into an open round, and once; else refuse.

    The cast's first write, so on SQLite it takes the write lock first (the cast read without it);
    the one statement then re-checks the round under that lock, and the primary key is the
    one-ballot-per-unit rule. A refused insert writes nothing and aborts nothing, so the cast needs
    no savepoint.
    """
    take_write_lock()
    inserted = db.session.execute(_INSERT_PARTICIPATION, {"round_id": round_.id, "unit_id": unit.id}).first()
    if inserted is not None:
        return
    if db.session.scalar(sa.select(Round.status).where(Round.id == round_.id)) is not RoundStatus.OPEN:
        raise RoundNotOpen(N_("Vòng bầu đã kết thúc; phiếu không được ghi nhận."))
    raise AlreadyVoted(N_("%(unit)s đã bỏ phiếu ở vòng này; mỗi đơn vị chỉ có một phiếu."), unit=unit.name)


#: a nominated ballot's one nominee, with its unit; built once
_NOMINEE = sa.select(RoundCandidate).where(RoundCandidate.round_id == sa.bindparam("round_id"))


def offered_candidates(admission: Admission, value: str, *, is_nominated: bool) -> list[RoundCandidate]:
    """Return the round's candidates a submitted ballot value can name, with their units, and no other.

    A unit's id names that candidate (if it is one), read with the admission; on a nominated
    ballot every value names the one nominee. A cast so loads one candidate, not the whole list.
    """
    if candidate_id(value) is not None:
        return [admission.candidate] if admission.candidate is not None else []
    if is_nominated:
        return list(db.session.scalars(_NOMINEE, {"round_id": admission.round.id}))
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
    # an open vote names the voter; an award vote (suy tôn) is a secret ballot whatever the rules' form
    is_named = rules.vote_form is VoteForm.OPEN and not round_.election.is_award
    voter_id = unit.id if is_named else None
    insert_participation(round_, unit)  # refused with nothing written: the ballot follows it
    receipt_code = new_receipt_code()
    # A code already taken in the round (1 in 2^40 per ballot cast there) writes nothing: draw again.
    while not ballot.store(round_.id, marks, receipt_code, voter_id=voter_id):
        receipt_code = new_receipt_code()
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
