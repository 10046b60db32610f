"""What the conference pages show: attendance, each election's rounds, handover and minutes."""

from __future__ import annotations

from dataclasses import dataclass

from voting.conferences.models import Conference
from voting.conferences.services import Attendance, attendance
from voting.documents.models import Document, DocumentKind
from voting.documents.services import find_document
from voting.elections.models import Election, Office, Round
from voting.elections.services import (
    RoundResult,
    count_round,
    get_election,
    open_round_of,
    threshold_votes,
    turnout,
)
from voting.handovers.models import FlagHandover
from voting.handovers.services import find_handover


@dataclass(frozen=True)
class RoundView:
    """A round with its turnout while open, or its count once closed."""

    round: Round
    voted: int
    result: RoundResult | None  # None while the round is open: never partial counts

    @property
    def threshold(self) -> int:
        """Return the fewest votes that elect."""
        return threshold_votes(self.round.base)


@dataclass(frozen=True)
class ElectionView:
    """The state of one office's election and what the chair may do next."""

    office: Office
    election: Election | None
    rounds: list[RoundView]
    can_open: bool
    can_certify: bool

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
    present = attendance(conference)
    current = open_round_of(conference)
    views = []
    for office in Office:
        election = get_election(conference, office)
        rounds = [
            RoundView(r, turnout(r), None if r.is_open else count_round(r))
            for r in (election.rounds if election else [])
        ]
        last = rounds[-1].result if rounds else None
        certified = election is not None and election.is_certified
        prerequisite = office is Office.LEADER or bool(views and views[0].election and views[0].election.is_certified)
        can_open = (
            not conference.is_ended
            and current is None
            and present.is_quorate
            and prerequisite
            and not certified
            and (not rounds or (last is not None and last.elected is None))
        )
        can_certify = not certified and last is not None and last.elected is not None
        views.append(ElectionView(office, election, rounds, can_open, can_certify))
    return Overview(
        conference=conference,
        attendance=present,
        elections=views,
        open_round=current,
        handover=find_handover(conference),
        minutes=find_document(conference, DocumentKind.CONFERENCE_MINUTES),
    )
