"""Tests of the flag handover and the chain of holders, without the HTTP client."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.eg import cast_ballot, close_round, open_round
from tests.factories import Stage, advance, handover_details
from tests.helpers import HANDED_OVER_AT, OPENED_AT, in_year
from voting.conferences.models import Conference
from voting.elections.models import Office
from voting.errors import InvalidState
from voting.extensions import db
from voting.handovers.models import FlagHandover
from voting.handovers.services import find_handover, holder_chain, record_handover

MakeConference = Callable[..., Conference]


@pytest.mark.parametrize("stage", [Stage.CHECKED_IN, Stage.ROUND_OPEN])
def test_handover_needs_a_certified_leader(make_conference: MakeConference, stage: Stage) -> None:
    conference = make_conference(stage)
    with pytest.raises(InvalidState, match="chứng nhận"):
        record_handover(conference, handover_details(conference.chair), by=conference.chair)
    assert find_handover(conference) is None


def test_handover_needs_the_leader_certified_not_only_elected(conference: Conference) -> None:
    advance(conference, Stage.CHECKED_IN)
    units = conference.cluster.units
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    for voter in units:
        cast_ballot(round_, voter, units[1], now=OPENED_AT)
    close_round(round_, now=OPENED_AT + timedelta(minutes=10))
    assert round_.election.elected_unit_id is None and not round_.election.is_certified
    with pytest.raises(InvalidState, match="chứng nhận"):
        record_handover(conference, handover_details(conference.chair), by=conference.chair)
    assert find_handover(conference) is None


def test_handover_goes_from_outgoing_to_new_leader(make_conference: MakeConference) -> None:
    conference = make_conference(Stage.LEADER_CERTIFIED)
    units = conference.cluster.units
    handover = record_handover(conference, handover_details(conference.chair), by=conference.chair)
    db.session.commit()
    stored = find_handover(conference)
    assert stored is not None and stored.id == handover.id
    assert stored.from_unit == conference.outgoing_leader == units[0]
    assert stored.to_unit == units[1]
    assert stored.handed_over_at == HANDED_OVER_AT
    assert stored.recorded_by_id == conference.chair.id
    assert stored.flag_condition == "Cờ còn nguyên vẹn."


def test_handover_twice_is_refused(make_conference: MakeConference) -> None:
    conference = make_conference(Stage.HANDED_OVER)
    with pytest.raises(InvalidState, match="đã được ghi nhận"):
        again = handover_details(conference.chair, handed_over_at=HANDED_OVER_AT + timedelta(hours=1))
        record_handover(conference, again, by=conference.chair)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FlagHandover)) == 1


def test_holder_chain_lists_two_years_oldest_first(make_conference: MakeConference) -> None:
    """The 2017 handover is recorded first, yet the chain lists 2016 first."""
    next_year = make_conference(Stage.HANDED_OVER, year=2017, outgoing_leader=1, leader=2, deputy=3)
    cluster = next_year.cluster
    units = list(cluster.units)
    conference = make_conference(Stage.HANDED_OVER, cluster=cluster, year=2016, leader=1)
    assert find_handover(next_year).handed_over_at == in_year(HANDED_OVER_AT, 2017)  # type: ignore[union-attr]

    chain = holder_chain(cluster)
    assert [handover.conference.year for handover in chain] == [2016, 2017]
    assert [(h.from_unit, h.to_unit) for h in chain] == [(units[0], units[1]), (units[1], units[2])]
    assert chain[0].to_unit_id == chain[1].from_unit_id
    assert chain[0].conference == conference
