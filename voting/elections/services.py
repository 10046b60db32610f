"""Election rules: the state machine of rounds, ballots, voiding, the chair's decision and certification.

What the chair may do next is ``actions.py``'s (these services ``require`` it), the count of a
round or why there is none ``results.py``'s, the arithmetic ``counting.py``'s, what depends on the
ballot type ``ballots.py``'s, paper ballots and the committee ``paper.py``'s, the rules as data
``rules.py``'s; the names other features use are re-exported here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa

from voting.audit.services import record
from voting.auth.models import User
from voting.clusters.models import Unit
from voting.clusters.services import member_units
from voting.conferences.models import Conference
from voting.conferences.services import Attendance, attendance
from voting.elections.actions import Action, Situation, key_refusal, require
from voting.elections.ballots import CandidateCount
from voting.elections.casting import (
    Admission,
    cast_ballot,
    has_voted,
    is_eligible,
    new_receipt_code,
    offered_candidates,
    read_admission,
)
from voting.elections.counting import THRESHOLD, RoundResult, threshold_votes
from voting.elections.live import turnout
from voting.elections.models import (
    Election,
    Office,
    Round,
    RoundCandidate,
    RoundMethod,
    RoundStatus,
)
from voting.elections.results import count_of, count_round
from voting.elections.rules import ConferenceRules, VoteForm, ballot_of, rules_of, store_rules
from voting.errors import (
    InvalidChoice,
    InvalidState,
)
from voting.extensions import db
from voting.i18n import N_
from voting.trustees.keys import election_key_of

__all__ = [
    "THRESHOLD",
    "Admission",
    "CandidateCount",
    "RoundResult",
    "cast_ballot",
    "count_round",
    "has_voted",
    "is_eligible",
    "new_receipt_code",
    "offered_candidates",
    "read_admission",
    "threshold_votes",
    "turnout",
]


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
