"""What the conference pages show: attendance, rules, each election's rounds, handover and minutes."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext

from voting.clusters.models import Unit
from voting.conferences.models import CommitteeMember, Conference
from voting.conferences.services import Attendance
from voting.documents.models import Document, DocumentKind
from voting.documents.services import find_document
from voting.elections.actions import Action, allowed_actions
from voting.elections.decisions import decision_candidates
from voting.elections.models import OFFICES, Election, Office, Round
from voting.elections.paper import committee_members
from voting.elections.results import RoundView, round_view
from voting.elections.rules import ConferenceRules, are_locked, describe, rules_of
from voting.elections.services import initial_candidates, open_round_of, quorum, situation_of
from voting.handovers.models import FlagHandover
from voting.handovers.services import find_handover
from voting.trustees.keys import latest_ceremony
from voting.trustees.models import KeyCeremony
from voting.trustees.services import start_refusal


@dataclass(frozen=True)
class ElectionView:
    """The state of one office's election and what the chair may do next."""

    office: Office
    election: Election | None
    rounds: list[RoundView]
    allowed: frozenset[Action]  # what the chair may do next (elections.actions): the buttons shown
    nominees: list[Unit] | None = None  # whom the chair may nominate, where the ballot type has a nominee
    decision_candidates: list[Unit] | None = None

    @property
    def can_open(self) -> bool:
        """Return whether the chair may open the next round."""
        return Action.OPEN_ROUND in self.allowed

    @property
    def can_void(self) -> bool:
        """Return whether the chair may void the latest round."""
        return Action.VOID_ROUND in self.allowed

    @property
    def can_decide(self) -> bool:
        """Return whether the chair may record a decision."""
        return Action.DECIDE in self.allowed

    @property
    def can_certify(self) -> bool:
        """Return whether the chair may certify the result."""
        return Action.CERTIFY in self.allowed

    @property
    def next_is_runoff(self) -> bool:
        """Return whether the next round to open is a runoff (bầu lại)."""
        return bool(self.rounds)

    @property
    def coming_runoff(self) -> list[Unit]:
        """Return the units of the runoff the chair may open now (no one elected), else an empty list."""
        if not self.can_open or not self.rounds:
            return []
        last = self.rounds[-1]
        return list(last.result.runoff) if last.result is not None and not last.round.is_voided else []


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
    ceremony: KeyCeremony | None = None  # the latest key ceremony, failed ones included
    can_start_ceremony: bool = False  # the chair's start (or restart) button of the key ceremony

    @property
    def coming_runoff(self) -> ElectionView | None:
        """Return the election whose runoff the representatives wait for, if one is due."""
        return next((view for view in self.elections if view.coming_runoff), None)

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
    for office in OFFICES:
        situation = situation_of(conference, office, rules=rules, present=present)
        election, last = situation.election, situation.last
        # The latest round's count is the one the guards read: counted once.
        rounds = [
            round_view(r, last if last and r is last.round else None)
            for r in (election.rounds if election else [])
        ]
        allowed = allowed_actions(situation)
        nominees = None
        if Action.OPEN_ROUND in allowed and rules.ballot.is_nominated:
            nominees = initial_candidates(conference, office)
        candidates = decision_candidates(situation) if Action.DECIDE in allowed else None
        views.append(ElectionView(office, election, rounds, allowed, nominees, candidates))
    return Overview(
        conference=conference,
        attendance=present,
        elections=views,
        open_round=current,
        handover=find_handover(conference),
        minutes=find_document(conference, DocumentKind.CONFERENCE_MINUTES),
        rules=rules,
        rules_text=describe(rules, gettext),
        rules_locked=are_locked(conference),
        committee=committee_members(conference),
        ceremony=latest_ceremony(conference),
        can_start_ceremony=start_refusal(conference) is None,
    )
