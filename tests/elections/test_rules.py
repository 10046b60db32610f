"""Rules as data: each setting changes what the services do; the rules lock when the first round opens."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.eg import cast_ballot, close_round, open_round
from tests.elections.helpers import change_rules, check_in_all, run_round, vote
from tests.helpers import OPENED_AT, later
from voting.conferences.models import Conference
from voting.elections.decisions import record_decision
from voting.elections.models import DecisionMethod, EncryptedBallot, NamedVote, Office
from voting.elections.rules import BallotType, ThresholdBase, VoteForm, describe, rules_of
from voting.elections.services import certify, count_round, get_election
from voting.errors import InvalidChoice, InvalidState, QuorumNotMet
from voting.extensions import db


def test_defaults_are_the_clusters_usual_practice(conference: Conference) -> None:
    rules = rules_of(conference)
    text = " ".join(describe(rules))
    assert rules.vote_form is VoteForm.SECRET and rules.max_rounds == 3
    assert "2/3" in text and "quá bán (trên 50%) số đơn vị có mặt" in text
    assert "trừ đơn vị Cụm trưởng đương nhiệm" in text


def test_rules_lock_when_the_first_round_opens(conference: Conference) -> None:
    check_in_all(conference)
    change_rules(conference, max_rounds=2)
    assert rules_of(conference).max_rounds == 2
    open_round(conference, Office.LEADER, now=OPENED_AT)
    with pytest.raises(InvalidState, match="không thể thay đổi"):
        change_rules(conference, max_rounds=5)
    assert rules_of(conference).max_rounds == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"threshold_numerator": 1, "threshold_denominator": 3}, "không được thấp hơn 50%"),
        ({"threshold_numerator": 2, "threshold_denominator": 2}, "nhỏ hơn 100%"),
        ({"quorum_numerator": 4, "quorum_denominator": 3}, "không quá 100%"),
        ({"max_rounds": 0}, "từ 1 đến 10"),
    ],
)
def test_impossible_rules_are_refused(conference: Conference, changes: dict[str, int], message: str) -> None:
    with pytest.raises(InvalidState, match=message):
        change_rules(conference, **changes)


def test_quorum_fraction_is_a_setting(conference: Conference) -> None:
    check_in_all(conference, 6)
    change_rules(conference, quorum_numerator=4, quorum_denominator=5)  # ceil(6.4) = 7 of 8
    with pytest.raises(QuorumNotMet, match="cần ít nhất 7"):
        open_round(conference, Office.LEADER, now=OPENED_AT)


def test_threshold_on_all_member_units(conference: Conference) -> None:
    units = check_in_all(conference, 6)
    change_rules(conference, threshold_base=ThresholdBase.MEMBERS)
    # 4 of 6 present would pass on the default base, but 4 of 8 members is not more than half.
    result = run_round(conference, Office.LEADER, [units[1]] * 4 + [units[2], None])
    assert result.elected is None and result.base == 8
    assert "4/8 = 50,00%" in result.decision


def test_threshold_on_valid_ballots_and_a_higher_share(conference: Conference) -> None:
    units = check_in_all(conference)
    change_rules(
        conference, threshold_base=ThresholdBase.VALID, threshold_numerator=2, threshold_denominator=3
    )
    result = run_round(conference, Office.LEADER, [units[1]] * 5 + [units[2]] * 2)  # 7 valid, 1 absent
    assert result.base == 7 and result.threshold_votes == 5
    assert result.elected == units[1]
    assert result.decision == f"{units[1].name} đạt 5/7 phiếu hợp lệ = 71,43% > 2/3: trúng cử."


def test_outgoing_leader_may_stand_when_the_rules_say_so(conference: Conference) -> None:
    check_in_all(conference)
    change_rules(conference, leader_excludes_outgoing=False)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    assert conference.outgoing_leader in {c.unit for c in round_.candidates}


def test_outgoing_leader_may_be_kept_off_the_deputy_ballot(conference: Conference) -> None:
    units = check_in_all(conference)
    change_rules(conference, deputy_excludes_outgoing_leader=True)
    run_round(conference, Office.LEADER, [units[1]] * 6)
    certify(get_election(conference, Office.LEADER), by=conference.chair, now=later(12))  # type: ignore[arg-type]
    round_ = open_round(conference, Office.DEPUTY, now=later(20))
    candidates = {c.unit for c in round_.candidates}
    assert units[0] not in candidates and units[1] not in candidates and len(candidates) == 6


def test_voting_for_oneself_can_be_forbidden(conference: Conference) -> None:
    units = check_in_all(conference)
    change_rules(conference, self_vote_allowed=False)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    with pytest.raises(InvalidChoice, match="chính mình"):
        cast_ballot(round_, units[2], units[2], now=later(1))
    cast_ballot(round_, units[2], units[3], now=later(1))  # another unit is fine


def test_open_vote_records_each_units_choice(conference: Conference) -> None:
    units = check_in_all(conference)
    change_rules(conference, vote_form=VoteForm.OPEN)
    result = run_round(conference, Office.LEADER, [units[1]] * 5 + [units[2], None, units[3]])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NamedVote)) == 8
    named = {vote.unit: vote.choice for vote in result.named_votes}
    assert named[units[0].name] == units[1].name and named[units[6].name] == "Phiếu trống"
    assert result.receipts == []  # nothing secret to publish: the named list is the record
    assert result.elected == units[1]
    with pytest.raises(InvalidState, match="phiếu giấy"):
        open_round(conference, Office.DEPUTY, now=later(30), on_paper=True)


def test_consensus_records_the_chairs_statement_without_ballots(conference: Conference) -> None:
    units = check_in_all(conference)
    change_rules(conference, vote_form=VoteForm.CONSENSUS)
    with pytest.raises(InvalidState, match="hiệp thương"):
        open_round(conference, Office.LEADER, now=OPENED_AT)
    with pytest.raises(InvalidState, match="chưa đủ"):
        record_decision(
            conference,
            Office.LEADER,
            method=DecisionMethod.CONSENSUS,
            unit=units[1],
            agreeing=4,
            statement="Hội nghị hiệp thương thống nhất.",
            by=conference.chair,
            now=OPENED_AT,
        )
    election = record_decision(
        conference,
        Office.LEADER,
        method=DecisionMethod.CONSENSUS,
        unit=units[1],
        agreeing=8,
        statement="Hội nghị hiệp thương thống nhất.",
        by=conference.chair,
        now=OPENED_AT,
    )
    assert (
        election.rounds == []
        and db.session.scalar(sa.select(sa.func.count()).select_from(EncryptedBallot)) == 0
    )
    certify(election, by=conference.chair, now=later(1))
    assert election.elected_unit == units[1]


def test_approve_ballot_for_a_single_nominee(conference: Conference) -> None:
    units = check_in_all(conference)
    change_rules(conference, ballot_type=BallotType.APPROVE)
    with pytest.raises(InvalidChoice, match="đề cử"):
        open_round(conference, Office.LEADER, now=OPENED_AT)
    with pytest.raises(InvalidChoice):  # the outgoing leader may not stand
        open_round(conference, Office.LEADER, now=OPENED_AT, nominee=units[0])
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT, nominee=units[1])
    vote(round_, [units[1]] * 6 + [None], against=[False] * 4 + [True] * 2)
    result = count_round(close_round(round_, now=later(10)))
    assert (result.counts[0].votes, result.against, result.blank, result.returned) == (4, 2, 1, 7)
    assert result.elected is None and result.runoff == []
    assert "chỉ được đồng ý 4/8" in result.decision and "đề cử lại" in result.decision
    second = open_round(conference, Office.LEADER, now=later(20), nominee=units[2])
    vote(second, [units[2]] * 5)
    assert count_round(close_round(second, now=later(30))).elected == units[2]


def test_against_is_only_for_approve_ballots(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    with pytest.raises(InvalidChoice, match="Không đồng ý"):
        cast_ballot(round_, units[2], units[1], against=True, now=later(1))
