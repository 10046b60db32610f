"""What the chair may do next: one guard for the services and the console (elections.actions)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.eg import close_round, open_round
from tests.elections.helpers import change_rules, check_in_all, run_round, vote
from tests.helpers import later
from voting.conferences.models import Conference
from voting.console.overview import overview
from voting.elections.actions import Action, allowed_actions, refusal
from voting.elections.decisions import record_decision
from voting.elections.models import DecisionMethod, Office
from voting.elections.rules import VoteForm
from voting.elections.services import certify, get_election, situation_of, void_round
from voting.errors import QuorumNotMet

OPEN, VOID, DECIDE, CERTIFY = Action.OPEN_ROUND, Action.VOID_ROUND, Action.DECIDE, Action.CERTIFY


def allowed(conference: Conference, office: Office = Office.LEADER) -> frozenset[Action]:
    return allowed_actions(situation_of(conference, office))


def service_call(conference: Conference, office: Office, action: Action) -> Callable[[], object] | None:
    """Return the service call that performs *action* now (None where it needs a round or election)."""
    election = get_election(conference, office)
    if action is OPEN:
        return lambda: open_round(conference, office, now=later(50))
    if action is DECIDE:
        return lambda: record_decision(
            conference,
            office,
            method=DecisionMethod.CONSENSUS,
            unit=conference.cluster.units[1],
            agreeing=8,
            statement="Hiệp thương",
            by=conference.chair,
            now=later(50),
        )
    if election is None or (action is VOID and not election.rounds):
        return None
    if action is VOID:
        return lambda: void_round(election.rounds[-1], reason="Lý do hủy", by=conference.chair, now=later(50))
    return lambda: certify(election, by=conference.chair, now=later(50))


def assert_services_agree(conference: Conference) -> None:
    """Every action the guard refuses, its service refuses with the same error; the console agrees."""
    for view in overview(conference).elections:
        situation = situation_of(conference, view.office)
        assert view.allowed == allowed_actions(situation)
        for action in set(Action) - view.allowed:
            expected = refusal(situation, action)
            call = service_call(conference, view.office, action)
            assert expected is not None
            if call is None:
                continue
            with pytest.raises(type(expected)) as raised:
                call()
            assert str(raised.value) == str(expected), action


def test_actions_follow_the_election(conference: Conference) -> None:
    assert allowed(conference) == frozenset()
    assert isinstance(refusal(situation_of(conference, Office.LEADER), OPEN), QuorumNotMet)
    assert_services_agree(conference)

    units = check_in_all(conference)
    assert allowed(conference) == {OPEN}
    deputy_refusal = refusal(situation_of(conference, Office.DEPUTY), OPEN)
    assert allowed(conference, Office.DEPUTY) == frozenset() and "Cụm trưởng" in str(deputy_refusal)
    assert_services_agree(conference)

    round_ = open_round(conference, Office.LEADER, now=later(0))
    vote(round_, [units[1]] * 6 + [units[2], None])
    assert allowed(conference) == frozenset()
    assert "kết thúc vòng bầu" in str(refusal(situation_of(conference, Office.LEADER), CERTIFY))
    assert_services_agree(conference)

    close_round(round_, now=later(10))
    assert allowed(conference) == {VOID, CERTIFY}
    assert "đã trúng cử" in str(refusal(situation_of(conference, Office.LEADER), OPEN))
    assert_services_agree(conference)

    void_round(round_, reason="Sai sót khi phát phiếu", by=conference.chair, now=later(11))
    assert allowed(conference) == {OPEN}
    assert_services_agree(conference)

    run_round(conference, Office.LEADER, [units[1]] * 6 + [units[2], None], minute=20)
    leader = get_election(conference, Office.LEADER)
    assert leader is not None
    certify(leader, by=conference.chair, now=later(31))
    assert allowed(conference) == frozenset() and allowed(conference, Office.DEPUTY) == {OPEN}
    assert_services_agree(conference)


def test_a_paper_round_awaiting_its_count_may_only_be_voided(conference: Conference) -> None:
    check_in_all(conference)
    close_round(open_round(conference, Office.LEADER, now=later(0), on_paper=True), now=later(10))
    situation = situation_of(conference, Office.LEADER)
    assert allowed_actions(situation) == {VOID}
    for action in (OPEN, CERTIFY):
        assert "Ban kiểm phiếu" in str(refusal(situation, action))
    assert_services_agree(conference)


def test_after_the_last_round_only_the_chairs_decision(conference: Conference) -> None:
    units = check_in_all(conference)
    change_rules(conference, max_rounds=1)
    run_round(conference, Office.LEADER, [units[1]] * 4 + [units[2]] * 4)
    assert allowed(conference) == {VOID, DECIDE}
    assert_services_agree(conference)


def test_consensus_is_decided_never_voted(conference: Conference) -> None:
    check_in_all(conference)
    change_rules(conference, vote_form=VoteForm.CONSENSUS)
    assert allowed(conference) == {DECIDE}
    assert_services_agree(conference)
