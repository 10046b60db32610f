"""Property-based tests over random electorates, ballots, rules and paper entries."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.eg import cast_ballot, close_round, open_round
from tests.helpers import OPENED_AT, later
from voting.conferences.models import CheckIn, Conference
from voting.elections.ballots import BallotType, ballot_kind
from voting.elections.decisions import record_decision
from voting.elections.models import DecisionMethod, EncryptedBallot, Office, Participation
from voting.elections.paper import PaperEntry, entry_errors
from voting.elections.rules import ConferenceRules, ThresholdBase
from voting.elections.services import count_round
from voting.errors import InvalidChoice, InvalidState, NotEligible
from voting.extensions import db

CHOOSE_ONE = ballot_kind(BallotType.CHOOSE_ONE)

DB_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

electorate = st.fixed_dictionaries(
    {
        "present": st.integers(min_value=6, max_value=8),  # a quorum of the conference's 8 units
        # for each unit: index of the chosen candidate, None for blank, -1 for an ineligible choice
        "choices": st.lists(
            st.one_of(st.none(), st.integers(min_value=-1, max_value=6)), min_size=8, max_size=8
        ),
        "base": st.sampled_from(list(ThresholdBase)),
        "threshold": st.sampled_from([(1, 2), (2, 3), (3, 4)]),
        "late": st.integers(min_value=0, max_value=2),  # units checked in after the round opened
        "max_rounds": st.integers(min_value=1, max_value=2),
    }
)


@DB_SETTINGS
@given(case=electorate)
def test_counting_properties(conference: Conference, case: dict) -> None:  # type: ignore[type-arg]
    """Counts are conserved, winners clear the threshold, ties lead on, nothing counts for the ineligible."""
    savepoint = db.session.begin_nested()
    try:
        units = list(conference.cluster.units)
        present = units[: case["present"]]
        for i, unit in enumerate(present):
            late = i >= len(present) - case["late"]
            moment = OPENED_AT + timedelta(minutes=5) if late else OPENED_AT - timedelta(minutes=30)
            db.session.add(
                CheckIn(
                    conference_id=conference.id,
                    unit_id=unit.id,
                    checked_in_at=moment,
                    checked_in_by_id=conference.chair_id,
                )
            )
        rules = ConferenceRules(
            conference_id=conference.id,
            threshold_base=case["base"],
            threshold_numerator=case["threshold"][0],
            threshold_denominator=case["threshold"][1],
            max_rounds=case["max_rounds"],
        )
        db.session.add(rules)
        db.session.flush()
        round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
        candidates = [c.unit for c in round_.candidates]
        cast = 0
        for voter, pick in zip(units, case["choices"], strict=True):
            choice = (
                None if pick is None else (conference.outgoing_leader if pick == -1 else candidates[pick])
            )
            try:
                cast_ballot(round_, voter, choice, now=later(1))
                cast += 1
            except (NotEligible, InvalidChoice):
                pass
        close_round(round_, now=later(10))
        result = count_round(round_)

        eligible_voters = len(present) - case["late"]
        assert cast <= eligible_voters
        stored = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(EncryptedBallot)
            .where(EncryptedBallot.round_id == round_.id)
        )
        voted = db.session.scalar(
            sa.select(sa.func.count()).select_from(Participation).where(Participation.round_id == round_.id)
        )
        # conserved: every accepted ballot is counted exactly once, for a candidate or as blank
        assert (
            stored == voted == cast == result.returned == sum(c.votes for c in result.counts) + result.blank
        )
        # no ballot counts for a unit that was not a candidate (the outgoing leader)
        assert conference.outgoing_leader_id not in {c.unit.id for c in result.counts}
        threshold = rules.threshold
        if result.elected is not None:
            top = next(c for c in result.counts if c.unit.id == result.elected.id)
            assert top.votes * threshold.denominator > threshold.numerator * result.base
            assert all(c.votes < top.votes for c in result.counts if c.unit.id != top.unit.id)
        else:
            # nobody cleared the threshold, and the top units (all tied ones) go on to the next step
            assert all(
                c.votes * threshold.denominator <= threshold.numerator * result.base for c in result.counts
            )
            if result.counts:
                best = result.counts[0].votes
                tied = {c.unit.id for c in result.counts if c.votes == best}
                assert tied <= {u.id for u in result.runoff}
                assert len(result.runoff) >= min(2, len(result.counts))
            # ... and what follows is another round among them, or (after the last round) a recorded decision
            if result.needs_decision:
                with pytest.raises(InvalidState):
                    open_round(conference, Office.LEADER, now=later(20))
                election = record_decision(
                    conference,
                    Office.LEADER,
                    method=DecisionMethod.LOTS,
                    unit=None,
                    statement="Bốc thăm",
                    witnesses="Chủ tọa",
                    by=conference.chair,
                    now=later(20),
                )
                assert election.decided_unit_id in {u.id for u in result.runoff}
            else:
                runoff = open_round(conference, Office.LEADER, now=later(20))
                assert {c.unit_id for c in runoff.candidates} == {u.id for u in result.runoff}
    finally:
        savepoint.rollback()
        db.session.expire_all()


paper_numbers = st.integers(min_value=0, max_value=10)


@settings(max_examples=400, deadline=None)
@given(
    issued=paper_numbers,
    returned=paper_numbers,
    valid=paper_numbers,
    invalid=paper_numbers,
    blank=paper_numbers,
    votes=st.lists(paper_numbers, min_size=3, max_size=3),
    most=st.integers(min_value=0, max_value=10),
)
def test_paper_checks_reject_every_inconsistent_entry(
    issued: int, returned: int, valid: int, invalid: int, blank: int, votes: list[int], most: int
) -> None:
    entry = PaperEntry(issued, returned, valid, invalid, blank, dict(enumerate(votes)))
    consistent = (
        issued <= most
        and returned <= issued
        and valid + invalid == returned
        and blank <= valid
        and sum(votes) == valid - blank
        and all(v <= valid for v in votes)
    )
    assert (entry_errors(entry, {0, 1, 2}, most_issued=most, ballot=CHOOSE_ONE) == []) == consistent


@settings(max_examples=200, deadline=None)
@given(
    votes=st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=4),
    blank=st.integers(min_value=0, max_value=3),
    invalid=st.integers(min_value=0, max_value=3),
    unreturned=st.integers(min_value=0, max_value=3),
)
def test_consistent_paper_entries_are_accepted(
    votes: list[int], blank: int, invalid: int, unreturned: int
) -> None:
    """Entries built to satisfy every check are never refused."""
    valid = sum(votes) + blank
    returned = valid + invalid
    entry = PaperEntry(returned + unreturned, returned, valid, invalid, blank, dict(enumerate(votes)))
    most = returned + unreturned
    assert entry_errors(entry, set(range(len(votes))), most_issued=most, ballot=CHOOSE_ONE) == []
