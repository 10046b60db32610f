"""Award votes (suy tôn) from the ranking: who stands (the top N of the ranked list, or every unit).

The vote itself (rounds, counting, certification) is ``voting.elections.awards``'; this module
adds what needs the bình xét: the candidates read from the cluster's ranking of the year.
"""

from __future__ import annotations

from datetime import datetime

from voting.auth.models import User
from voting.clusters.models import Unit
from voting.clusters.services import member_units
from voting.conferences.models import Conference
from voting.elections.awards import AwardVoteSpec, create_award_vote, open_award_round
from voting.elections.models import Election, Round, RoundMethod
from voting.emulation.ranking import Ranked, ranking
from voting.emulation.table import find_table
from voting.errors import InvalidState
from voting.extensions import db
from voting.i18n import N_


def ranked_units(conference: Conference) -> list[Ranked]:
    """Return the ranking of the conference's year; refuse when the cluster has no table for it."""
    table = find_table(conference.cluster, conference.year)
    if table is None or not table.is_locked:
        raise InvalidState(
            N_("Chưa có kết quả chấm điểm năm %(year)s để lấy danh sách xếp hạng."), year=conference.year
        )
    return ranking(table)


def award_candidates(conference: Conference, top: int | None) -> list[Unit]:
    """Return who stands: the units ranked N or better (a tie at the N-th rank stands whole), or all units."""
    if top is None:
        return member_units(conference.cluster_id)
    ranked = [place for place in ranked_units(conference) if place.rank <= top]
    units = {unit.id: unit for unit in member_units(conference.cluster_id)}
    return [units[place.standing.unit_id] for place in ranked if place.standing.unit_id in units]


def create_from_ranking(conference: Conference, spec: AwardVoteSpec, *, by: User, now: datetime) -> Election:
    """Create an award vote whose candidates come from the ranking: check the ranking exists first."""
    if spec.candidates_top is not None:
        ranked_units(conference)
    return create_award_vote(conference, spec, by=by, now=now)


def open_next_round(
    election: Election, *, by: User, now: datetime, method: RoundMethod | None = None
) -> Round:
    """Open an award vote's first round with its candidates, or its runoff among the tied."""
    candidates = None if election.rounds else award_candidates(election.conference, election.candidates_top)
    round_ = open_award_round(election, candidates, by=by, now=now, method=method)
    db.session.flush()
    return round_
