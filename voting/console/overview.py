"""What the conference pages show: attendance, rules, each election's rounds, handover and minutes."""

from __future__ import annotations

from dataclasses import dataclass

from voting.clusters.models import Unit
from voting.conferences.models import CommitteeMember, Conference
from voting.conferences.services import Attendance
from voting.documents.models import Document, DocumentKind
from voting.documents.services import find_document
from voting.elections.decisions import decision_candidates
from voting.elections.models import Election, Office, Round
from voting.elections.paper import committee_members
from voting.elections.results import RoundView, round_view
from voting.elections.rules import BallotType, ConferenceRules, VoteForm, are_locked, describe, rules_of
from voting.elections.services import (
    get_election,
    initial_candidates,
    open_round_of,
    quorum,
)
from voting.handovers.models import FlagHandover
from voting.handovers.services import find_handover


@dataclass(frozen=True)
class ElectionView:
    """The state of one office's election and what the chair may do next."""

    office: Office
    election: Election | None
    rounds: list[RoundView]
    can_open: bool
    can_certify: bool
    can_void: bool = False
    can_decide: bool = False
    nominees: list[Unit] | None = None  # approve ballots: whom the chair may nominate
    decision_candidates: list[Unit] | None = None

    @property
    def next_is_runoff(self) -> bool:
        """Return whether the next round to open is a runoff (bầu lại)."""
        return bool(self.rounds)


@dataclass(frozen=True)
class Overview:
    """Everything the conference pages show."""

    conference: Conference
    attendance: Attendance
    elections: list[ElectionView]
    open_round: Round | None
    handover: FlagHandover | None
    minutes: Document | None
    rules: ConferenceRules | None = None
    rules_text: list[str] | None = None
    rules_locked: bool = False
    committee: list[CommitteeMember] | None = None

    @property
    def can_record_handover(self) -> bool:
        """Return whether the leader is certified and the handover not yet recorded."""
        leader = self.elections[0].election
        return self.handover is None and leader is not None and leader.is_certified

    @property
    def can_issue_minutes(self) -> bool:
        """Return whether everything the minutes record is final."""
        certified = all(view.election and view.election.is_certified for view in self.elections)
        return certified and self.handover is not None and self.minutes is None


def overview(conference: Conference) -> Overview:
    """Collect the state of a conference for its pages."""
    rules = rules_of(conference)
    present = quorum(conference, rules)
    current = open_round_of(conference)
    views: list[ElectionView] = []
    for office in Office:
        election = get_election(conference, office)
        rounds = [round_view(r) for r in (election.rounds if election else [])]
        last = rounds[-1] if rounds else None
        certified = election is not None and election.is_certified
        decided = election is not None and election.is_decided
        prerequisite = office is Office.LEADER or bool(
            views and views[0].election and views[0].election.is_certified
        )
        ready = not conference.is_ended and current is None and present.is_quorate and prerequisite
        next_ok = (
            last is None
            or last.round.is_voided
            or (last.result is not None and last.result.elected is None and not last.result.needs_decision)
        )
        can_open = (
            ready and not certified and not decided and rules.vote_form is not VoteForm.CONSENSUS and next_ok
        )
        can_certify = not certified and (
            decided or (last is not None and last.result is not None and last.result.elected is not None)
        )
        can_void = (
            not certified
            and not decided
            and last is not None
            and not last.round.is_open
            and not last.round.is_voided
        )
        needs_decision = last is not None and last.result is not None and last.result.needs_decision
        can_decide = (
            ready
            and not certified
            and not decided
            and (needs_decision or (rules.vote_form is VoteForm.CONSENSUS and not rounds))
        )
        nominees = None
        if can_open and rules.ballot_type is BallotType.APPROVE:
            nominees = initial_candidates(conference, office)
        candidates = decision_candidates(conference, election, office) if can_decide else None
        views.append(
            ElectionView(
                office, election, rounds, can_open, can_certify, can_void, can_decide, nominees, candidates
            )
        )
    return Overview(
        conference=conference,
        attendance=present,
        elections=views,
        open_round=current,
        handover=find_handover(conference),
        minutes=find_document(conference, DocumentKind.CONFERENCE_MINUTES),
        rules=rules,
        rules_text=describe(rules),
        rules_locked=are_locked(conference),
        committee=committee_members(conference),
    )
