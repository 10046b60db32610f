"""Ballot types: one class per type, found through the registry, asked by every caller."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from flask import Flask

from tests.elections.helpers import change_rules, check_in_all, run_round
from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.elections.approve import AGAINST, FOR, ApproveBallot
from voting.elections.ballots import (
    BALLOT_KINDS,
    BLANK,
    BallotType,
    CandidateCount,
    ChooseOneBallot,
    Cut,
    Mark,
    Tally,
    ballot_kind,
)
from voting.elections.exports import rows
from voting.elections.models import Office
from voting.elections.rules import VoteForm, rules_of
from voting.errors import InvalidChoice

UNITS = [Unit(id=i, name=f"Phòng {i}", position=i) for i in range(1, 5)]
CUT = Cut(base=8, base_label="đơn vị có mặt", needed=5, share="50%", wording="quá bán", max_rounds=3)


def counts(*votes: int) -> list[CandidateCount]:
    """Return counts of the first units with these votes, most votes first."""
    return [CandidateCount(unit, n, 8) for unit, n in zip(UNITS, votes, strict=False)]


def test_every_ballot_type_has_its_class_and_an_unknown_one_fails_loudly(conference: Conference) -> None:
    assert set(BALLOT_KINDS) == set(BallotType)
    assert all(BALLOT_KINDS[t].type is t for t in BallotType)
    assert isinstance(ballot_kind("approve"), ApproveBallot)
    with pytest.raises(LookupError, match="suy_ton"):
        ballot_kind("suy_ton")
    assert isinstance(rules_of(conference).ballot, ChooseOneBallot)  # the default rules
    change_rules(conference, ballot_type=BallotType.APPROVE)
    assert rules_of(conference).ballot is BALLOT_KINDS[BallotType.APPROVE]
    assert BallotType.APPROVE.label == ApproveBallot.label


def test_choose_one_reads_a_candidate_or_blank_and_refuses_against(app: Flask) -> None:
    kind = ballot_kind(BallotType.CHOOSE_ONE)
    with app.test_request_context():
        options = kind.options(UNITS[:2])
    assert [value for value, _label in options] == ["1", "2", BLANK]
    assert kind.read("2", UNITS[:2]) == Mark(2) and kind.read(BLANK, UNITS[:2]) == Mark(None)
    assert kind.read("3", UNITS[:2]) is None and kind.read(FOR, UNITS[:2]) is None
    with pytest.raises(InvalidChoice, match="Không đồng ý"):
        kind.check([Mark(1, is_against=True)])
    with pytest.raises(InvalidChoice, match="đúng một đơn vị"):
        kind.check([Mark(1), Mark(2)])
    assert kind.mark_label(Mark(1), {1: "Phòng 1"}) == "Phòng 1"
    assert kind.paper_columns == ("votes",)


def test_approve_reads_for_against_or_blank_about_the_one_nominee(app: Flask) -> None:
    kind = ballot_kind(BallotType.APPROVE)
    with app.test_request_context():
        options = kind.options(UNITS[:1])
        assert kind.paper_label("against", UNITS[0]) == "Không đồng ý: Phòng 1"
    assert options[:2] == [(FOR, "Đồng ý: Phòng 1"), (AGAINST, "Không đồng ý: Phòng 1")]
    assert kind.read(AGAINST, UNITS[:1]) == Mark(1, is_against=True) and kind.read("1", UNITS[:1]) is None
    kind.check([Mark(1, is_against=True)])
    with pytest.raises(InvalidChoice):
        kind.check([Mark(None, is_against=True)])
    assert kind.mark_label(Mark(1, is_against=True), {1: "Phòng 1"}) == "Không đồng ý (Phòng 1)"
    assert kind.is_nominated and kind.paper_columns == ("votes", "against")


def test_tally_winners_and_runoff_by_type() -> None:
    choose, approve = ballot_kind(BallotType.CHOOSE_ONE), ballot_kind(BallotType.APPROVE)
    tally = choose.tally([(1, False, 4), (None, False, 1), (1, True, 2), (2, False, 3)])
    assert tally.votes == {1: 4, None: 1, 2: 3} and tally.against == {1: 2}
    assert choose.winners(counts(5, 3), CUT) == [UNITS[0]]
    assert choose.winners(counts(4, 4), CUT) == [] and choose.runoff(counts(4, 4)) == UNITS[:2]
    assert choose.runoff(counts(4, 2, 2)) == UNITS[:3]  # everyone tied for second runs off
    assert approve.runoff(counts(4)) == []  # the chair nominates again
    assert "bầu lại giữa: Phòng 1, Phòng 2" in choose.decision(
        counts(4, 4), [], UNITS[:2], CUT, needs_decision=False
    )
    assert approve.decision(counts(6), [UNITS[0]], [], CUT, needs_decision=False).startswith(
        "Phòng 1 được đồng ý 6/8 đơn vị có mặt = 75,00% > 50%"
    )
    assert choose.entry_errors({1: 3}, {1: 1}, valid=4, blank=0) == [
        "Phiếu chọn một đơn vị không có số phiếu không đồng ý."
    ]
    assert approve.entry_errors({1: 3}, {1: 1}, valid=4, blank=0) == []


class TopTwo(ChooseOneBallot):
    """A stand-in for a multi-winner type: the two units with most votes are elected."""

    def winners(self, counts: Sequence[CandidateCount], cut: Cut) -> list[Unit]:
        return [count.unit for count in counts[:2]]


@pytest.fixture
def top_two() -> Iterator[None]:
    """Count choose-one rounds with the stand-in multi-winner class."""
    kept = BALLOT_KINDS[BallotType.CHOOSE_ONE]
    BALLOT_KINDS[BallotType.CHOOSE_ONE] = TopTwo()
    try:
        yield
    finally:
        BALLOT_KINDS[BallotType.CHOOSE_ONE] = kept


def test_counting_asks_the_ballot_type_and_carries_a_list_of_winners(
    conference: Conference, top_two: None
) -> None:
    units = check_in_all(conference)
    result = run_round(conference, Office.LEADER, [units[1]] * 5 + [units[2]] * 2 + [None])
    assert result.winners == [units[1], units[2]] and result.elected is None and result.runoff == []
    assert result.is_winner(units[2]) and not result.is_winner(units[3])
    assert f"{units[1].name} đạt 5/8" in result.decision and f"{units[2].name} đạt 2/8" in result.decision
    marked = [row[3] for row in rows(conference, "counts") if row[-1] == "yes"]
    assert marked == [units[1].name, units[2].name]


class Recording(ChooseOneBallot):
    """The choose-one class, recording which of its storage steps the services call."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def store(self, round_id: int, marks: Sequence[Mark], receipt_code: str, *, voter_id: int | None) -> bool:
        self.calls.append("store")
        return super().store(round_id, marks, receipt_code, voter_id=voter_id)

    def shuffle(self, round_id: int) -> None:
        self.calls.append("shuffle")
        super().shuffle(round_id)

    def tally_round(self, round_id: int) -> Tally:
        self.calls.append("tally")
        return super().tally_round(round_id)


def test_ballots_are_stored_shuffled_and_tallied_by_their_type(conference: Conference) -> None:
    """A plaintext (open, named) vote's ballots; an encrypted round's are the trustees' (tests/eg.py)."""
    units = check_in_all(conference)
    change_rules(conference, vote_form=VoteForm.OPEN)
    recording = Recording()
    kept, BALLOT_KINDS[BallotType.CHOOSE_ONE] = BALLOT_KINDS[BallotType.CHOOSE_ONE], recording
    try:
        result = run_round(conference, Office.LEADER, [units[1]] * 5 + [None])
    finally:
        BALLOT_KINDS[BallotType.CHOOSE_ONE] = kept
    assert recording.calls == ["store"] * 6 + ["shuffle", "tally"]
    assert result.elected == units[1] and result.blank == 1
