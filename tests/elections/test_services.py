"""Tests of rounds, secret ballots, counting, runoffs and certification, without the HTTP client."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import IntegrityError

from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.conferences.services import check_in
from voting.elections.models import (
    Ballot,
    Election,
    Office,
    Participation,
    Round,
    RoundCandidate,
    RoundStatus,
)
from voting.elections.services import (
    RoundResult,
    cast_ballot,
    certify,
    close_round,
    count_round,
    get_election,
    has_voted,
    open_round,
    threshold_votes,
    turnout,
)
from voting.errors import AlreadyVoted, InvalidChoice, InvalidState, NotEligible, RoundNotOpen
from voting.extensions import db

#: 07:45 in Hanoi on 11-11-2016, stored as naive UTC; rounds open from 09:30
CHECK_IN_AT = datetime(2016, 11, 11, 0, 45)
OPENED_AT = datetime(2016, 11, 11, 2, 30)


def later(minutes: int) -> datetime:
    """Return a moment *minutes* after the first round opened."""
    return OPENED_AT + timedelta(minutes=minutes)


def check_in_all(conference: Conference, n: int = 8) -> list[Unit]:
    """Check in the first *n* units of the conference's cluster."""
    units = list(conference.cluster.units[:n])
    for unit in units:
        check_in(conference, unit, by=conference.chair, now=CHECK_IN_AT)
    return units


def vote(round_: Round, choices: Sequence[Unit | None]) -> None:
    """Cast one ballot per choice, the voters being the cluster's units in list order."""
    voters = round_.election.conference.cluster.units
    assert len(choices) <= len(voters)
    for voter, choice in zip(voters, choices, strict=False):
        cast_ballot(round_, voter, choice)


def run_round(
    conference: Conference, office: Office, choices: Sequence[Unit | None], *, minute: int = 0
) -> RoundResult:
    """Open a round, cast the ballots, close it and return its count."""
    round_ = open_round(conference, office, now=later(minute))
    vote(round_, choices)
    return count_round(close_round(round_, now=later(minute + 10)))


def elect_leader(conference: Conference, winner: Unit) -> Election:
    """Run and certify a leader election that *winner* wins 6 to 2 (all 8 units present)."""
    units = conference.cluster.units
    run_round(conference, Office.LEADER, [winner] * 6 + [units[2], None])
    election = get_election_or_fail(conference, Office.LEADER)
    return certify(election, by=conference.chair, now=later(15))


def get_election_or_fail(conference: Conference, office: Office) -> Election:
    """Return the conference's election of an office, which must exist."""
    election = get_election(conference, office)
    assert election is not None
    return election


def count_rows(model: type[Ballot] | type[Participation], round_: Round) -> int:
    """Return how many rows of *model* belong to the round."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(model).where(model.round_id == round_.id)
    ) or 0


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
        db.session.scalars(
            sa.select(RoundCandidate.unit_id).where(RoundCandidate.round_id == runoff.id)
        )
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
    assert count_rows(Ballot, round_) == 1
    assert count_rows(Participation, round_) == 1
    result = count_round(close_round(round_, now=later(10)))
    assert {c.unit: c.votes for c in result.counts}[units[1]] == 1
    assert {c.unit: c.votes for c in result.counts}[units[2]] == 0


def test_choice_outside_the_candidates_writes_nothing(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    with pytest.raises(InvalidChoice):
        cast_ballot(round_, units[3], conference.outgoing_leader)
    assert count_rows(Ballot, round_) == 0
    assert count_rows(Participation, round_) == 0
    assert not has_voted(round_, units[3])


def test_ballot_in_a_closed_round_is_refused(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    close_round(round_, now=later(10))
    with pytest.raises(RoundNotOpen):
        cast_ballot(round_, units[3], units[1])
    assert count_rows(Ballot, round_) == 0


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


# Secret ballot by design ------------------------------------------------------------------------


def test_ballots_table_holds_no_voter_and_no_time() -> None:
    inspector = sa.inspect(db.engine)
    columns = {column["name"] for column in inspector.get_columns("ballots")}
    assert columns == {"id", "round_id", "choice_unit_id", "is_against", "receipt_code"}
    referred = {fk["referred_table"] for fk in inspector.get_foreign_keys("ballots")}
    assert referred <= {"rounds", "round_candidates"}
    assert "participations" not in referred
    assert "users" not in referred


def test_ballot_ids_are_random_hex(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    vote(round_, [units[1]] * 8)
    ids = list(db.session.scalars(sa.select(Ballot.id).where(Ballot.round_id == round_.id)))
    assert len(ids) == 8
    assert len(set(ids)) == 8
    assert all(re.fullmatch(r"[0-9a-f]{32}", ballot_id) for ballot_id in ids)
    values = sorted(int(ballot_id, 16) for ballot_id in ids)
    # sequential ids would sit next to each other; 128 random bits are far apart
    assert values[-1] - values[0] > 10**6


def test_receipt_codes_are_unique_and_readable(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    returned = [cast_ballot(round_, voter, units[1]).receipt_code for voter in units]
    stored = list(
        db.session.scalars(sa.select(Ballot.receipt_code).where(Ballot.round_id == round_.id))
    )
    assert sorted(stored) == sorted(returned)
    assert len(set(stored)) == 8
    assert all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code) for code in stored)


# Concurrency ------------------------------------------------------------------------------------


def test_concurrent_ballots_of_one_unit_keep_exactly_one(
    app: Flask, conference: Conference
) -> None:
    """Ten simultaneous casts for the same unit: one ballot, nine AlreadyVoted, nothing else."""
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    round_id, voter_id, choice_id = round_.id, units[5].id, units[1].id
    # The threads must see the round; the main thread touches nothing until they end
    # (on SQLite an open transaction here would hold the write lock).
    db.session.commit()

    threads_count = 10
    barrier = threading.Barrier(threads_count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                round_here = db.session.get(Round, round_id)
                voter = db.session.get(Unit, voter_id)
                choice = db.session.get(Unit, choice_id)
                assert round_here is not None and voter is not None
                cast_ballot(round_here, voter, choice)
                db.session.commit()
                outcome = "cast"
            except AlreadyVoted:
                db.session.rollback()
                outcome = "already voted"
            except Exception as error:  # any other error fails the assertion below
                db.session.rollback()
                outcome = repr(error)
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert sorted(outcomes) == ["already voted"] * 9 + ["cast"]
    assert count_rows(Ballot, round_) == 1
    assert count_rows(Participation, round_) == 1


# Database constraints without the service ------------------------------------------------------


def test_database_refuses_a_second_participation(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    row = {"round_id": round_.id, "unit_id": units[2].id}
    db.session.execute(sa.insert(Participation).values(**row))
    with pytest.raises(IntegrityError):
        db.session.execute(sa.insert(Participation).values(**row))
    db.session.rollback()


def test_database_refuses_a_ballot_for_a_non_candidate(conference: Conference) -> None:
    """The composite foreign key ties a ballot's choice to its own round's candidates."""
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    db.session.execute(
        sa.insert(Ballot).values(
            id="a" * 32, round_id=round_.id, choice_unit_id=units[1].id, receipt_code="AAAA-AAAA"
        )
    )
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.insert(Ballot).values(
                id="b" * 32,
                round_id=round_.id,
                choice_unit_id=conference.outgoing_leader_id,
                receipt_code="BBBB-BBBB",
            )
        )
    db.session.rollback()


def test_database_refuses_a_second_open_round(conference: Conference) -> None:
    check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    common = {"election_id": round_.election_id, "opened_at": later(1), "base": 8}
    # a closed round alongside the open one is fine: the index is partial
    db.session.execute(
        sa.insert(Round).values(number=3, status=RoundStatus.CLOSED, closed_at=later(2), **common)
    )
    with pytest.raises(IntegrityError):
        db.session.execute(sa.insert(Round).values(number=2, status=RoundStatus.OPEN, **common))
    db.session.rollback()


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
