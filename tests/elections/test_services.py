"""Tests of rounds, ballots, counting, runoffs and certification, without the HTTP client."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.eg import cast_ballot, close_round, open_round
from tests.elections.helpers import (
    check_in_all,
    count_rows,
    elect_leader,
    get_election_or_fail,
    run_round,
    vote,
)
from tests.helpers import OPENED_AT, later
from voting.conferences.models import Conference
from voting.conferences.services import check_in
from voting.elections.models import (
    EncryptedBallot,
    Office,
    Participation,
    Round,
    RoundCandidate,
)
from voting.elections.services import certify, count_round, get_election, has_voted, threshold_votes, turnout
from voting.errors import AlreadyVoted, InvalidChoice, InvalidState, NotEligible, RoundNotOpen
from voting.extensions import db

# Exclusions -------------------------------------------------------------------------------------


def test_leader_candidates_exclude_outgoing_leader(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    candidates = {candidate.unit for candidate in round_.candidates}
    assert conference.outgoing_leader not in candidates
    assert candidates == set(units[1:])


def test_deputy_round_needs_a_certified_leader(conference: Conference) -> None:
    units = check_in_all(conference)
    with pytest.raises(InvalidState, match="Cụm trưởng"):
        open_round(conference, Office.DEPUTY, now=OPENED_AT)
    run_round(conference, Office.LEADER, [units[1]] * 6)
    with pytest.raises(InvalidState, match="chứng nhận"):
        open_round(conference, Office.DEPUTY, now=later(20))
    assert get_election(conference, Office.DEPUTY) is None


def test_deputy_candidates_exclude_new_leader_and_include_outgoing(conference: Conference) -> None:
    units = check_in_all(conference)
    elect_leader(conference, units[1])
    round_ = open_round(conference, Office.DEPUTY, now=later(20))
    candidates = {candidate.unit for candidate in round_.candidates}
    assert units[1] not in candidates
    assert conference.outgoing_leader in candidates
    assert candidates == set(units) - {units[1]}


# Threshold --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("base", "needed"), [(8, 5), (7, 4), (6, 4), (3, 2), (1, 1)])
def test_threshold_votes_is_more_than_half(base: int, needed: int) -> None:
    assert threshold_votes(base) == needed


def test_half_of_the_present_units_is_not_elected(conference: Conference) -> None:
    """4 of 8 is exactly 50%, not more than half."""
    units = check_in_all(conference)
    result = run_round(conference, Office.LEADER, [units[1]] * 4 + [units[2]] * 3 + [None])
    assert result.counts[0].unit == units[1]
    assert result.counts[0].votes == 4
    assert result.counts[0].percent == "50,00"
    assert result.elected is None
    assert "Không đơn vị nào đạt quá bán" in result.decision


def test_more_than_half_is_elected(conference: Conference) -> None:
    units = check_in_all(conference)
    result = run_round(conference, Office.LEADER, [units[1]] * 5 + [units[2]] * 3)
    assert result.elected == units[1]
    assert result.runoff == []
    assert "5/8" in result.decision
    assert "62,50" in result.decision


def test_base_is_the_units_present_when_the_round_opened(conference: Conference) -> None:
    """With 6 of 8 present the base is 6, so 4 votes elect, even if a unit arrives later."""
    units = check_in_all(conference, 6)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    check_in(conference, units[0].cluster.units[6], by=conference.chair, now=later(1))
    vote(round_, [units[1]] * 4 + [units[2]] * 2)
    result = count_round(close_round(round_, now=later(10)))
    assert result.base == 6
    assert result.elected == units[1]
    assert result.counts[0].percent == "66,67"


# Runoff -----------------------------------------------------------------------------------------


def test_no_majority_runs_off_between_the_top_two(conference: Conference) -> None:
    units = check_in_all(conference)
    result = run_round(
        conference, Office.LEADER, [units[1]] * 3 + [units[2]] * 2 + [units[3], units[4], None]
    )
    assert result.elected is None
    assert result.runoff == [units[1], units[2]]


def test_three_tied_at_the_top_all_run_off(conference: Conference) -> None:
    units = check_in_all(conference)
    result = run_round(
        conference,
        Office.LEADER,
        [units[1]] * 2 + [units[2]] * 2 + [units[3]] * 2 + [units[4], None],
    )
    assert result.elected is None
    assert set(result.runoff) == {units[1], units[2], units[3]}
    assert len(result.runoff) == 3


def test_tie_for_second_place_keeps_everyone_tied(conference: Conference) -> None:
    units = check_in_all(conference)
    result = run_round(
        conference, Office.LEADER, [units[1]] * 3 + [units[2]] * 2 + [units[3]] * 2 + [units[4]]
    )
    assert result.elected is None
    assert result.runoff[0] == units[1]
    assert set(result.runoff) == {units[1], units[2], units[3]}
    assert len(result.runoff) == 3


def test_runoff_round_is_number_two_with_stored_candidates(conference: Conference) -> None:
    units = check_in_all(conference)
    run_round(conference, Office.LEADER, [units[1]] * 4 + [units[2]] * 3 + [None])
    runoff = open_round(conference, Office.LEADER, now=later(20))
    assert runoff.number == 2
    stored = set(
        db.session.scalars(sa.select(RoundCandidate.unit_id).where(RoundCandidate.round_id == runoff.id))
    )
    assert stored == {units[1].id, units[2].id}
    vote(runoff, [units[1]] * 5 + [units[2]] * 3)
    result = count_round(close_round(runoff, now=later(30)))
    assert result.elected == units[1]
    election = get_election_or_fail(conference, Office.LEADER)
    assert [round_.number for round_ in election.rounds] == [1, 2]


def test_no_further_round_once_elected_or_certified(conference: Conference) -> None:
    units = check_in_all(conference)
    run_round(conference, Office.LEADER, [units[1]] * 6)
    with pytest.raises(InvalidState, match="đã trúng cử"):
        open_round(conference, Office.LEADER, now=later(20))
    certify(get_election_or_fail(conference, Office.LEADER), by=conference.chair, now=later(20))
    with pytest.raises(InvalidState, match="đã được chứng nhận"):
        open_round(conference, Office.LEADER, now=later(25))
    assert len(get_election_or_fail(conference, Office.LEADER).rounds) == 1


def test_only_one_open_round_per_conference(conference: Conference) -> None:
    check_in_all(conference)
    open_round(conference, Office.LEADER, now=OPENED_AT)
    for office in Office:
        with pytest.raises(InvalidState, match="Đang có một vòng bầu mở"):
            open_round(conference, office, now=later(1))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Round)) == 1


# Ballots ----------------------------------------------------------------------------------------


def test_double_vote_keeps_one_ballot(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    cast_ballot(round_, units[4], units[1])
    with pytest.raises(AlreadyVoted):
        cast_ballot(round_, units[4], units[2])
    assert has_voted(round_, units[4])
    assert count_rows(EncryptedBallot, round_) == 1
    assert count_rows(Participation, round_) == 1
    result = count_round(close_round(round_, now=later(10)))
    assert {c.unit: c.votes for c in result.counts}[units[1]] == 1
    assert {c.unit: c.votes for c in result.counts}[units[2]] == 0


def test_choice_outside_the_candidates_writes_nothing(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    with pytest.raises(InvalidChoice):
        cast_ballot(round_, units[3], conference.outgoing_leader)
    assert count_rows(EncryptedBallot, round_) == 0
    assert count_rows(Participation, round_) == 0
    assert not has_voted(round_, units[3])


def test_ballot_in_a_closed_round_is_refused(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    close_round(round_, now=later(10))
    with pytest.raises(RoundNotOpen):
        cast_ballot(round_, units[3], units[1])
    assert count_rows(EncryptedBallot, round_) == 0


def test_unit_checked_in_after_opening_cannot_vote(conference: Conference) -> None:
    units = check_in_all(conference, 6)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    latecomer = units[0].cluster.units[7]
    check_in(conference, latecomer, by=conference.chair, now=later(1))
    with pytest.raises(NotEligible):
        cast_ballot(round_, latecomer, units[1])
    assert count_rows(Participation, round_) == 0


def test_blank_ballot_is_returned_but_counts_for_no_one(conference: Conference) -> None:
    units = check_in_all(conference)
    result = run_round(conference, Office.LEADER, [units[1]] * 5 + [None])
    assert result.blank == 1
    assert result.returned == 6
    assert sum(c.votes for c in result.counts) == 5


def test_open_round_cannot_be_counted(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    vote(round_, [units[1]] * 3)
    with pytest.raises(InvalidState):
        count_round(round_)


def test_turnout_counts_participations(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    assert turnout(round_) == 0
    vote(round_, [units[1], None, units[2]])
    assert turnout(round_) == 3


# Certification ----------------------------------------------------------------------------------


def test_certify_sets_the_elected_unit(conference: Conference) -> None:
    units = check_in_all(conference)
    election = elect_leader(conference, units[1])
    assert election.elected_unit_id == units[1].id
    assert election.certified_at == later(15)
    assert election.certified_by_id == conference.chair.id
    assert election.is_certified


def test_certify_needs_a_closed_round_with_a_winner(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    vote(round_, [units[1]] * 4 + [units[2]] * 4)
    with pytest.raises(InvalidState, match="kết thúc vòng bầu"):
        certify(round_.election, by=conference.chair, now=later(5))
    close_round(round_, now=later(10))
    with pytest.raises(InvalidState, match="Chưa có đơn vị trúng cử"):
        certify(round_.election, by=conference.chair, now=later(11))
    assert round_.election.elected_unit_id is None
    assert not round_.election.is_certified


def test_certify_twice_is_refused(conference: Conference) -> None:
    units = check_in_all(conference)
    election = elect_leader(conference, units[1])
    with pytest.raises(InvalidState, match="đã được chứng nhận"):
        certify(election, by=conference.chair, now=later(30))
    assert election.certified_at == later(15)
