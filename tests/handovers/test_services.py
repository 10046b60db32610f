"""Tests of the flag handover and the chain of holders, without the HTTP client."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.conferences.services import check_in, create_conference
from voting.elections.models import Office
from voting.elections.services import (
    cast_ballot,
    certify,
    close_round,
    get_election,
    open_round,
)
from voting.errors import InvalidState
from voting.extensions import db
from voting.handovers.models import FlagHandover
from voting.handovers.services import HandoverDetails, find_handover, holder_chain, record_handover

#: 07:45 in Hanoi on 11-11-2016, stored as naive UTC; rounds open from 09:30
CHECK_IN_AT = datetime(2016, 11, 11, 0, 45)
OPENED_AT = datetime(2016, 11, 11, 2, 30)
HANDED_OVER_AT = datetime(2016, 11, 11, 3, 30)


def details(handed_over_at: datetime = HANDED_OVER_AT) -> HandoverDetails:
    """Return what the chair records about a handover."""
    return HandoverDetails(
        handed_over_at=handed_over_at,
        giver_name="Nguyễn Văn Hùng",
        giver_title="Trưởng phòng Công tác đảng và công tác quần chúng",
        receiver_name="Hoàng Quốc Việt",
        receiver_title="Trưởng phòng Công tác chính trị",
        witnesses="Thiếu tướng Đinh Văn Toản",
        flag_condition="Cờ còn nguyên vẹn.",
        files_handed_over="Sổ theo dõi thi đua của Cụm.",
    )


def check_in_all(conference: Conference, *, now: datetime = CHECK_IN_AT) -> list[Unit]:
    """Check in every unit of the conference's cluster."""
    units = list(conference.cluster.units)
    for unit in units:
        check_in(conference, unit, by=conference.chair, now=now)
    return units


def vote(
    conference: Conference, office: Office, choices: Sequence[Unit | None], *, now: datetime
) -> None:
    """Open a round, cast the ballots in list order and close it."""
    round_ = open_round(conference, office, now=now)
    for voter, choice in zip(conference.cluster.units, choices, strict=False):
        cast_ballot(round_, voter, choice)
    close_round(round_, now=now + timedelta(minutes=10))


def elect_leader(conference: Conference, winner: Unit, *, now: datetime = OPENED_AT) -> None:
    """Elect and certify *winner* as the new leader unit with 6 of 8 votes."""
    vote(conference, Office.LEADER, [winner] * 6, now=now)
    election = get_election(conference, Office.LEADER)
    assert election is not None
    certify(election, by=conference.chair, now=now + timedelta(minutes=15))


def test_handover_needs_a_certified_leader(conference: Conference) -> None:
    units = check_in_all(conference)
    with pytest.raises(InvalidState, match="chứng nhận"):
        record_handover(conference, details(), by=conference.chair)
    vote(conference, Office.LEADER, [units[1]] * 6, now=OPENED_AT)
    with pytest.raises(InvalidState, match="chứng nhận"):
        record_handover(conference, details(), by=conference.chair)
    assert find_handover(conference) is None


def test_handover_goes_from_outgoing_to_new_leader(conference: Conference) -> None:
    units = check_in_all(conference)
    elect_leader(conference, units[1])
    handover = record_handover(conference, details(), by=conference.chair)
    db.session.commit()
    stored = find_handover(conference)
    assert stored is not None and stored.id == handover.id
    assert stored.from_unit == conference.outgoing_leader == units[0]
    assert stored.to_unit == units[1]
    assert stored.handed_over_at == HANDED_OVER_AT
    assert stored.recorded_by_id == conference.chair.id
    assert stored.flag_condition == "Cờ còn nguyên vẹn."


def test_handover_twice_is_refused(conference: Conference) -> None:
    units = check_in_all(conference)
    elect_leader(conference, units[1])
    record_handover(conference, details(), by=conference.chair)
    with pytest.raises(InvalidState, match="đã được ghi nhận"):
        later = details(HANDED_OVER_AT + timedelta(hours=1))
        record_handover(conference, later, by=conference.chair)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FlagHandover)) == 1


def test_holder_chain_lists_two_years_oldest_first(conference: Conference) -> None:
    """The 2017 handover is recorded first, yet the chain lists 2016 first."""
    units = list(conference.cluster.units)
    next_year = create_conference(
        conference.cluster,
        year=2017,
        starts_at=datetime(2017, 11, 10, 1, 0),
        place="Hội trường Công an thành phố Hà Nội",
        chair=conference.chair,
        secretary=conference.secretary,
        outgoing_leader=units[1],  # the 2016 conference elects Phòng Công tác chính trị
    )
    check_in_all(next_year, now=datetime(2017, 11, 10, 0, 45))
    elect_leader(next_year, units[2], now=datetime(2017, 11, 10, 2, 30))
    record_handover(next_year, details(datetime(2017, 11, 10, 3, 30)), by=conference.chair)
    check_in_all(conference)
    elect_leader(conference, units[1])
    record_handover(conference, details(), by=conference.chair)
    db.session.commit()

    chain = holder_chain(conference.cluster)
    assert [handover.conference.year for handover in chain] == [2016, 2017]
    assert [(h.from_unit, h.to_unit) for h in chain] == [(units[0], units[1]), (units[1], units[2])]
    assert chain[0].to_unit_id == chain[1].from_unit_id
