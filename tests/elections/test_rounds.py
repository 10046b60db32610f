"""An election's state machine: voiding, the last allowed round, the chair's decision, shuffling on close."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.eg import close_round, open_round
from tests.elections.helpers import change_rules, check_in_all, run_round, vote
from tests.helpers import OPENED_AT, later
from voting.conferences.models import Conference
from voting.elections.ballots import BallotType, Mark, ballot_kind
from voting.elections.decisions import draw_lots, record_decision
from voting.elections.models import (
    Ballot,
    DecisionMethod,
    ElectionState,
    EncryptedBallot,
    Office,
    Participation,
    RoundMethod,
    RoundStatus,
)
from voting.elections.services import certify, count_round, get_election, new_receipt_code, void_round
from voting.errors import InvalidChoice, InvalidState
from voting.extensions import db


def test_election_states_follow_the_rounds(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    election = round_.election
    assert election.state is ElectionState.OPEN
    vote(round_, [units[1]] * 6)
    close_round(round_, now=later(10))
    assert election.state is ElectionState.CLOSED
    certify(election, by=conference.chair, now=later(11))
    assert election.state is ElectionState.CERTIFIED


def test_invalid_transitions_are_clear_errors(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    with pytest.raises(InvalidState, match="kết thúc vòng bầu"):
        certify(round_.election, by=conference.chair, now=later(1))
    with pytest.raises(InvalidState, match="đang có vòng bầu mở"):
        void_round(round_, reason="Sai sót kỹ thuật", by=conference.chair, now=later(1))
    vote(round_, [units[1]] * 6)
    close_round(round_, now=later(10))
    with pytest.raises(InvalidState, match="đã kết thúc"):
        close_round(round_, now=later(11))
    certify(round_.election, by=conference.chair, now=later(12))
    with pytest.raises(InvalidState, match="đã được chứng nhận"):
        void_round(round_, reason="Quá muộn để hủy", by=conference.chair, now=later(13))


def test_void_keeps_the_record_and_reruns_the_same_ballot(conference: Conference) -> None:
    units = check_in_all(conference)
    first = run_round(conference, Office.LEADER, [units[1]] * 6 + [units[2], None])
    assert first.elected == units[1]
    with pytest.raises(InvalidState, match="lý do"):
        void_round(first.round, reason="  ", by=conference.chair, now=later(11))
    void_round(first.round, reason="Phát hiện phiếu ghi nhầm vòng", by=conference.chair, now=later(11))
    assert first.round.status is RoundStatus.VOIDED and first.round.void_reason.startswith("Phát hiện")
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(EncryptedBallot)
            .where(EncryptedBallot.round_id == first.round.id)
        )
        == 8
    )
    recount = count_round(first.round)
    assert recount.elected is None and "Vòng bầu đã bị hủy" in recount.decision
    with pytest.raises(InvalidState, match="hủy"):
        certify(first.round.election, by=conference.chair, now=later(12))
    rerun = open_round(conference, Office.LEADER, now=later(20))
    assert rerun.number == 2
    assert {c.unit_id for c in rerun.candidates} == {c.unit_id for c in first.round.candidates}
    vote(rerun, [units[2]] * 5)
    assert count_round(close_round(rerun, now=later(30))).elected == units[2]
    certify(rerun.election, by=conference.chair, now=later(31))
    assert rerun.election.elected_unit == units[2]


def test_only_the_latest_round_can_be_voided(conference: Conference) -> None:
    units = check_in_all(conference)
    first = run_round(conference, Office.LEADER, [units[1]] * 4 + [units[2]] * 4)
    second = run_round(conference, Office.LEADER, [units[1]] * 4 + [units[2]] * 4, minute=20)
    with pytest.raises(InvalidState, match="gần nhất"):
        void_round(first.round, reason="Không được hủy vòng cũ", by=conference.chair, now=later(40))
    void_round(second.round, reason="Mất điện giữa vòng", by=conference.chair, now=later(40))


def test_voided_rounds_do_not_count_towards_the_maximum(conference: Conference) -> None:
    units = check_in_all(conference)
    change_rules(conference, max_rounds=1)
    tie = run_round(conference, Office.LEADER, [units[1]] * 4 + [units[2]] * 4)
    assert tie.needs_decision
    void_round(tie.round, reason="Hai đơn vị đề nghị bầu lại", by=conference.chair, now=later(11))
    again = open_round(conference, Office.LEADER, now=later(20))
    assert again.number == 2


def test_tie_after_the_last_round_needs_the_chairs_decision(conference: Conference) -> None:
    units = check_in_all(conference)
    change_rules(conference, max_rounds=2)
    run_round(conference, Office.LEADER, [units[1]] * 3 + [units[2]] * 3 + [units[3]] * 2)
    last = run_round(conference, Office.LEADER, [units[1]] * 4 + [units[2]] * 4, minute=20)
    assert last.needs_decision and last.elected is None
    assert "đã hết 2 vòng bầu" in last.decision and "không tự phân định" in last.decision
    with pytest.raises(InvalidState, match="hiệp thương hoặc bốc thăm"):
        open_round(conference, Office.LEADER, now=later(40))
    election = get_election(conference, Office.LEADER)
    assert election is not None
    with pytest.raises(InvalidState, match="Chưa có đơn vị trúng cử"):
        certify(election, by=conference.chair, now=later(40))
    with pytest.raises(InvalidState, match="chứng kiến"):
        record_decision(
            conference,
            Office.LEADER,
            method=DecisionMethod.LOTS,
            unit=None,
            statement="Bốc thăm",
            by=conference.chair,
            now=later(41),
        )
    record_decision(
        conference,
        Office.LEADER,
        method=DecisionMethod.LOTS,
        unit=None,
        seed="a1b2c3",
        statement="Hội nghị thống nhất bốc thăm.",
        witnesses="Thiếu tướng Đinh Văn Toản",
        by=conference.chair,
        now=later(41),
    )
    expected = draw_lots("a1b2c3", [units[1], units[2]])
    assert election.decided_unit == expected and election.lots_seed == "a1b2c3"
    certify(election, by=conference.chair, now=later(42))
    assert election.elected_unit == expected


def test_consensus_decision_must_name_a_tied_unit(conference: Conference) -> None:
    units = check_in_all(conference)
    change_rules(conference, max_rounds=1)
    run_round(conference, Office.LEADER, [units[1]] * 4 + [units[2]] * 4)
    with pytest.raises(InvalidChoice, match="thuộc danh sách"):
        record_decision(
            conference,
            Office.LEADER,
            method=DecisionMethod.CONSENSUS,
            unit=units[3],
            agreeing=8,
            statement="Hiệp thương",
            by=conference.chair,
            now=later(20),
        )
    election = record_decision(
        conference,
        Office.LEADER,
        method=DecisionMethod.CONSENSUS,
        unit=units[2],
        agreeing=7,
        statement="Phòng Công tác chính trị nhường.",
        by=conference.chair,
        now=later(20),
    )
    assert election.decided_unit == units[2]
    with pytest.raises(InvalidState, match="đã ghi nhận quyết định"):
        record_decision(
            conference,
            Office.LEADER,
            method=DecisionMethod.CONSENSUS,
            unit=units[1],
            agreeing=7,
            statement="Đổi ý",
            by=conference.chair,
            now=later(21),
        )


def test_decision_is_refused_while_rounds_remain(conference: Conference) -> None:
    units = check_in_all(conference)
    run_round(conference, Office.LEADER, [units[1]] * 4 + [units[2]] * 4)
    with pytest.raises(InvalidState, match="vòng bầu cuối cùng"):
        record_decision(
            conference,
            Office.LEADER,
            method=DecisionMethod.CONSENSUS,
            unit=units[1],
            agreeing=8,
            statement="Sớm quá",
            by=conference.chair,
            now=later(20),
        )


def test_draw_lots_is_reproducible_and_uses_every_candidate(conference: Conference) -> None:
    units = list(conference.cluster.units[:3])
    drawn = {draw_lots(f"seed-{i}", units).id for i in range(60)}
    assert drawn == {unit.id for unit in units}
    assert draw_lots("x", units) == draw_lots("x", list(reversed(units)))


def test_closing_a_legacy_round_rewrites_its_ballots_in_random_order_with_new_ids(
    conference: Conference,
) -> None:
    """A plaintext secret round (before encrypted ballots) still shuffles, counts and publishes receipts."""
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT)
    round_.method = RoundMethod.ELECTRONIC  # as rounds were stored before the encrypted ballots
    for voter, choice in zip(units, [units[1]] * 3 + [units[2]] * 3 + [None] * 2, strict=True):
        db.session.execute(sa.insert(Participation).values(round_id=round_.id, unit_id=voter.id))
        ballot_kind(BallotType.CHOOSE_ONE).store(
            round_.id, [Mark(choice.id if choice else None)], new_receipt_code(), voter_id=None
        )
    query = sa.select(Ballot.id, Ballot.receipt_code, Ballot.choice_unit_id).where(
        Ballot.round_id == round_.id
    )
    before = db.session.execute(query).all()
    close_round(round_, now=later(10))
    after = db.session.execute(query).all()
    assert {row.id for row in before}.isdisjoint({row.id for row in after})
    assert sorted((r.receipt_code, r.choice_unit_id) for r in before) == sorted(
        (r.receipt_code, r.choice_unit_id) for r in after
    )
    result = count_round(round_)
    assert sorted((r.code, r.choice) for r in result.receipts) == sorted(
        (
            r.receipt_code,
            {units[1].id: units[1].name, units[2].id: units[2].name}.get(r.choice_unit_id, "Phiếu trống"),
        )
        for r in before
    )


def test_result_carries_what_the_counting_minutes_print(conference: Conference) -> None:
    units = check_in_all(conference)
    result = run_round(conference, Office.LEADER, [units[1]] * 5 + [units[2]] * 2 + [None])
    assert (result.issued, result.returned, result.valid, result.invalid, result.blank) == (8, 8, 8, 0, 1)
    assert result.decision == f"{units[1].name} đạt 5/8 đơn vị có mặt = 62,50% > 50%: trúng cử."
    assert result.ballot_form == "Bỏ phiếu kín điện tử"
    assert "Hình thức: Bỏ phiếu kín." in result.rules_text
    assert result.adopted_at == later(10) and result.committee is None
    assert [(c.unit, c.votes, c.percent) for c in result.counts[:2]] == [
        (units[1], 5, "62,50"),
        (units[2], 2, "25,00"),
    ]
