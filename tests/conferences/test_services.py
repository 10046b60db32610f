"""Tests of check-in and quorum, without the HTTP client."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.eg import open_round
from tests.factories import Stage
from tests.helpers import CHECK_IN_AT, OPENED_AT
from voting.clusters.models import Cluster
from voting.conferences.models import CheckIn, Conference
from voting.conferences.services import attendance, check_in, quorum_needed
from voting.elections.models import Office
from voting.errors import InvalidState, NotEligible, QuorumNotMet
from voting.extensions import db

MakeConference = Callable[..., Conference]


@pytest.mark.parametrize(("members", "needed"), [(8, 6), (9, 6), (10, 7), (3, 2), (6, 4), (1, 1)])
def test_quorum_needed_is_two_thirds_rounded_up(members: int, needed: int) -> None:
    assert quorum_needed(members) == needed


def test_attendance_lists_present_units_in_cluster_order(conference: Conference) -> None:
    units = conference.cluster.units
    check_in(conference, units[3], by=conference.chair, now=CHECK_IN_AT)
    check_in(conference, units[1], by=conference.chair, now=CHECK_IN_AT)
    present = attendance(conference)
    assert present.present == [units[1], units[3]]
    assert len(present.members) == 8
    assert present.needed == 6
    assert not present.is_quorate


def test_open_round_refused_without_quorum(make_conference: MakeConference) -> None:
    """Five of eight is below the 2/3 quorum; the message says so with the numbers."""
    conference = make_conference(Stage.CHECKED_IN, present=5)
    with pytest.raises(QuorumNotMet) as excinfo:
        open_round(conference, Office.LEADER, now=OPENED_AT)
    message = str(excinfo.value)
    assert "5/8" in message
    assert "6" in message
    assert "Chưa đủ số đơn vị tham dự" in message


def test_open_round_succeeds_with_exact_quorum(make_conference: MakeConference) -> None:
    conference = make_conference(Stage.CHECKED_IN, present=6)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    assert round_.is_open
    assert round_.base == 6


def test_check_in_records_time_and_person(conference: Conference) -> None:
    unit = conference.cluster.units[2]
    record = check_in(conference, unit, by=conference.chair, now=CHECK_IN_AT)
    db.session.commit()
    stored = db.session.get(CheckIn, (conference.id, unit.id))
    assert stored is not None
    assert stored.checked_in_at == CHECK_IN_AT
    assert stored.checked_in_by_id == conference.chair.id
    assert record.unit_id == unit.id


def test_check_in_twice_is_refused(conference: Conference) -> None:
    unit = conference.cluster.units[0]
    check_in(conference, unit, by=conference.chair, now=CHECK_IN_AT)
    with pytest.raises(InvalidState, match="đã điểm danh"):
        check_in(conference, unit, by=conference.chair, now=OPENED_AT)
    assert len(attendance(conference).present) == 1


def test_unit_of_another_cluster_cannot_check_in(
    conference: Conference, make_cluster: Callable[..., Cluster]
) -> None:
    stranger = make_cluster(units=3).units[0]
    with pytest.raises(NotEligible):
        check_in(conference, stranger, by=conference.chair, now=CHECK_IN_AT)
    assert attendance(conference).present == []


def test_inactive_unit_cannot_check_in(conference: Conference) -> None:
    unit = conference.cluster.units[7]
    unit.is_active = False
    db.session.flush()
    with pytest.raises(NotEligible):
        check_in(conference, unit, by=conference.chair, now=CHECK_IN_AT)
    assert len(attendance(conference).members) == 7
