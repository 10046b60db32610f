"""Award votes (suy tôn): choose up to k units, thresholds ≥ and >, runoffs for tied last seats."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.eg import close_round, trustees_of
from tests.elections.helpers import change_rules, check_in_all, run_round
from tests.helpers import later
from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.crypto.prover import encrypt_ballot
from voting.elections import encrypted, services
from voting.elections.award_models import BallotMark, ElectionWinner
from voting.elections.awards import (
    AwardVoteSpec,
    certify_award,
    create_award_vote,
    open_award_round,
    standing_of,
    winners_of,
)
from voting.elections.ballots import BallotType, Mark
from voting.elections.choose_up_to_k import cut_seats
from voting.elections.counting import threshold_votes
from voting.elections.models import (
    Ballot,
    Election,
    EncryptedBallot,
    Office,
    Participation,
    Round,
    RoundMethod,
)
from voting.elections.results import count_round
from voting.elections.rules import VoteForm, are_locked, describe, rules_of
from voting.emulation.awards import award_outcomes
from voting.errors import InvalidChoice, InvalidState
from voting.extensions import db

FLAG = "Cờ thi đua của Bộ Công an"


def spec(
    title: str = FLAG, seats: int = 1, *, inclusive: bool = True, top: int | None = None
) -> AwardVoteSpec:
    """Return an award vote's settings: *seats* units from 50% up (or above 50%)."""
    return AwardVoteSpec(title, seats, 1, 2, inclusive, top)


def award(conference: Conference, **kwargs: object) -> Election:
    """Create an award vote on *conference* as its chair."""
    return create_award_vote(conference, spec(**kwargs), by=conference.chair, now=later(0))  # type: ignore[arg-type]


def run_award_round(
    election: Election, ballots: Sequence[Sequence[Unit]], *, minute: int = 0, **kw: object
) -> Round:
    """Open the award vote's next round, cast one ballot per voter in list order, close it."""
    conference = election.conference
    candidates = kw.get("candidates", conference.cluster.units[:8])
    method = RoundMethod.ELECTRONIC  # the plaintext secret ballot; the encrypted one is tested below
    round_ = open_award_round(election, candidates, by=conference.chair, now=later(minute), method=method)  # type: ignore[arg-type]
    for voter, marked in zip(conference.cluster.units, ballots, strict=False):
        services.cast_ballot(round_, voter, marks=[Mark(unit.id) for unit in marked], now=later(minute + 1))
    return services.close_round(round_, now=later(minute + 5), by=conference.chair)


# The cut, without a database ---------------------------------------------------------------------


def test_cut_proposes_the_first_k_reaching_the_threshold() -> None:
    cut = cut_seats([("A", 7), ("B", 6), ("C", 5), ("D", 3)], seats=2, needed=4)
    assert (cut.proposed, cut.runoff, cut.open_seats) == (["A", "B"], [], 0)


def test_cut_never_proposes_below_the_threshold() -> None:
    cut = cut_seats([("A", 7), ("B", 3), ("C", 2)], seats=2, needed=4)
    assert (cut.proposed, cut.runoff) == (["A"], [])


def test_a_tie_across_the_last_seat_runs_off_for_the_open_seats() -> None:
    cut = cut_seats([("A", 7), ("B", 5), ("C", 5), ("D", 5), ("E", 1)], seats=2, needed=4)
    assert (cut.proposed, cut.runoff, cut.open_seats) == (["A"], ["B", "C", "D"], 1)


def test_a_tie_inside_the_seats_is_no_runoff() -> None:
    cut = cut_seats([("A", 5), ("B", 5), ("C", 4)], seats=2, needed=4)
    assert (cut.proposed, cut.runoff) == (["A", "B"], [])


@pytest.mark.parametrize(
    ("base", "share", "inclusive", "needed"),
    [
        (8, Fraction(1, 2), True, 4),
        (8, Fraction(1, 2), False, 5),
        (7, Fraction(1, 2), True, 4),
        (9, Fraction(2, 3), True, 6),
        (9, Fraction(2, 3), False, 7),
        (1, Fraction(1, 2), True, 1),
    ],
)
def test_threshold_from_x_up_and_above_x(base: int, share: Fraction, inclusive: bool, needed: int) -> None:
    assert threshold_votes(base, share, inclusive=inclusive) == needed


@settings(max_examples=300, deadline=None)
@given(
    votes=st.lists(st.integers(0, 12), min_size=1, max_size=12),
    seats=st.integers(1, 5),
    needed=st.integers(1, 12),
)
def test_k_of_n_counting_properties(votes: list[int], seats: int, needed: int) -> None:
    ranked = sorted(enumerate(votes), key=lambda pair: -pair[1])
    cut = cut_seats(ranked, seats=seats, needed=needed)
    by = dict(ranked)
    assert len(cut.proposed) <= seats
    assert all(by[unit] >= needed for unit in cut.proposed + cut.runoff)
    reaching = [unit for unit, n in ranked if n >= needed]
    for winner in cut.proposed:  # a winner never has fewer votes than a non-winner who reached it
        assert all(by[winner] >= by[other] for other in reaching if other not in cut.proposed)
    if cut.runoff:  # tied at the cut: the tied ones outnumber the seats left, and all have equal votes
        assert len({by[unit] for unit in cut.runoff}) == 1
        assert len(cut.runoff) > cut.open_seats == seats - len(cut.proposed) > 0
    else:  # no tie at the cut: everyone reaching it is proposed, or exactly the seats are filled
        assert cut.proposed == reaching[:seats]
        assert len(reaching) <= seats or by[reaching[seats - 1]] > by[reaching[seats]]


# Creating and running award votes ----------------------------------------------------------------


def test_award_vote_proposes_up_to_k_units_from_x_percent_up(conference: Conference) -> None:
    units = check_in_all(conference)
    election = award(conference, title="Bằng khen của Bộ trưởng", seats=2)
    a, b, c = units[1], units[2], units[3]
    ballots = [[a, b]] * 4 + [[a, c]] * 3 + [[]]  # a 7, b 4 (= 50%), c 3
    round_ = run_award_round(election, ballots)
    result = count_round(round_)
    assert [(count.unit, count.votes) for count in result.counts[:3]] == [(a, 7), (b, 4), (c, 3)]
    assert result.winners == [a, b]
    assert result.returned == 8 and result.blank == 1
    assert "4/8 đơn vị có mặt = 50,00% ≥ 50%: được đề nghị" in result.decision
    certify_award(election, by=conference.chair, now=later(10))
    stored = db.session.scalars(sa.select(ElectionWinner).order_by(ElectionWinner.position)).all()
    assert [(w.unit_id, w.position) for w in stored] == [(a.id, 1), (b.id, 2)]
    (outcome,) = award_outcomes(conference)
    assert outcome.proposed == [a.name, b.name]
    assert outcome.certified and outcome.base == 8 and outcome.rounds == 1 and outcome.seats == 2
    assert outcome.rule == "Đạt từ 50% trở lên số đơn vị có mặt (8 đơn vị)"
    assert [(line.unit_name, line.votes, line.percent, line.proposed) for line in outcome.lines[:3]] == [
        (a.name, 7, "87,50", True),
        (b.name, 4, "50,00", True),
        (c.name, 3, "37,50", False),
    ]


def test_above_x_percent_leaves_half_out(conference: Conference) -> None:
    units = check_in_all(conference)
    election = award(conference, seats=2, inclusive=False)
    round_ = run_award_round(election, [[units[1], units[2]]] * 4 + [[units[1]]] * 4)
    assert count_round(round_).winners == [units[1]]  # 8/8; units[2] has 4/8 = 50%, not above


def test_more_than_k_marks_are_refused_and_nothing_is_written(conference: Conference) -> None:
    units = check_in_all(conference)
    election = award(conference, seats=2)
    round_ = open_award_round(
        election, units, by=conference.chair, now=later(0), method=RoundMethod.ELECTRONIC
    )
    with pytest.raises(InvalidChoice, match="tối đa 2 đơn vị"):
        services.cast_ballot(round_, units[0], marks=[Mark(u.id) for u in units[1:4]], now=later(1))
    for model in (Ballot, BallotMark, Participation):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0


def test_a_unit_marked_twice_is_refused(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_award_round(
        award(conference, seats=2), units, by=conference.chair, now=later(0), method=RoundMethod.ELECTRONIC
    )
    with pytest.raises(InvalidChoice, match="một lần"):
        services.cast_ballot(round_, units[0], marks=[Mark(units[1].id)] * 2, now=later(1))


def test_a_tie_for_the_last_seat_runs_off_for_that_seat(conference: Conference) -> None:
    units = check_in_all(conference)
    election = award(conference, seats=2)
    a, b, c = units[1], units[2], units[3]
    first = run_award_round(election, [[a, b]] * 4 + [[a, c]] * 4)  # a 8, b 4, c 4
    result = count_round(first)
    assert (result.winners, result.runoff) == ([a], [b, c])
    assert "bầu lại giữa các đơn vị này cho 1 vị trí" in result.decision
    with pytest.raises(InvalidState, match="bầu lại"):
        certify_award(election, by=conference.chair, now=later(6))
    runoff = run_award_round(election, [[c]] * 5 + [[b]] * 3, minute=10)
    assert runoff.seats == 1
    assert {candidate.unit for candidate in runoff.candidates} == {b, c}
    assert count_round(runoff).winners == [c]
    assert [unit.id for unit in standing_of(election).proposed] == [a.id, c.id]
    certify_award(election, by=conference.chair, now=later(20))
    assert winners_of(election) == [a, c]
    assert award_outcomes(conference)[0].rounds == 2


def test_an_award_may_propose_nobody(conference: Conference) -> None:
    units = check_in_all(conference)
    election = award(conference, seats=1)
    run_award_round(election, [[units[1]]] * 3 + [[units[2]]] * 3 + [[]] * 2)
    certify_award(election, by=conference.chair, now=later(10))
    assert election.is_certified and winners_of(election) == []
    assert award_outcomes(conference)[0].proposed == []


def test_award_titles_are_unique_per_conference(conference: Conference) -> None:
    award(conference)
    with pytest.raises(InvalidState, match="Đã có"):
        award(conference, title=f"  {FLAG} ")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"title": " "}, "tên danh hiệu"), ({"seats": 0}, "từ 1"), ({"seats": 3, "top": 2}, "ít nhất 3")],
)
def test_bad_award_settings_are_refused(
    conference: Conference, kwargs: dict[str, object], match: str
) -> None:
    with pytest.raises(InvalidState, match=match):
        award(conference, **kwargs)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Election)) == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"office": Office.AWARD, "seats": 2},  # an award without its title and threshold
        {"office": Office.LEADER, "seats": 2},  # an office has one seat
        {"office": Office.LEADER, "award_title": FLAG},  # an office has no award title
    ],
)
def test_the_database_holds_the_award_columns(conference: Conference, fields: dict[str, object]) -> None:
    election = Election(conference_id=conference.id, **fields)
    db.session.add(election)
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.flush()


def test_an_award_vote_does_not_take_the_offices_place(conference: Conference) -> None:
    units = check_in_all(conference)
    run_award_round(award(conference), [[units[1]]] * 8)
    assert services.get_election(conference, Office.LEADER) is None
    result = run_round(conference, Office.LEADER, [units[1]] * 6, minute=30)
    assert result.elected == units[1]


def test_award_ballots_are_secret_even_when_offices_vote_openly(conference: Conference) -> None:
    units = check_in_all(conference)
    change_rules(conference, vote_form=VoteForm.OPEN)
    round_ = run_award_round(award(conference, seats=2), [[units[1], units[2]]] * 8)
    assert count_round(round_).winners == [units[1], units[2]]
    assert count_round(round_).named_votes == []


# The rules may say "from x% up" for the offices too ----------------------------------------------


def test_offices_elected_from_half_up_when_the_rules_say_so(conference: Conference) -> None:
    units = check_in_all(conference)
    change_rules(conference, threshold_inclusive=True)
    result = run_round(conference, Office.LEADER, [units[1]] * 4 + [units[2]] * 3 + [None])
    assert result.elected == units[1]
    assert "4/8 đơn vị có mặt = 50,00% ≥ 50%: trúng cử" in result.decision


def test_a_tie_at_half_elects_nobody_from_half_up(conference: Conference) -> None:
    units = check_in_all(conference)
    change_rules(conference, threshold_inclusive=True)
    result = run_round(conference, Office.LEADER, [units[1]] * 4 + [units[2]] * 4)
    assert result.winners == []
    assert set(result.runoff) == {units[1], units[2]}


# The encrypted path: ballots made by voting.crypto.prover, as the browser will ------------------


def encrypt(round_: Round, voter: Unit, marked: Sequence[Unit]) -> dict[str, object]:
    """Return a choose-up-to-k ballot marking *marked*, encrypted as a browser does."""
    keys = [key for key, _mark in encrypted.options_of(round_)]
    manifest = encrypted.manifest_of(round_)
    choice = [keys.index(f"unit:{unit.id}") for unit in marked]
    ballot, _randomness = encrypt_ballot(manifest, choice, encrypted.zero_of(round_, voter))
    return ballot


def test_encrypted_award_round_counts_up_to_k_marks(conference: Conference) -> None:
    units = check_in_all(conference)
    trustees_of(conference)
    election = award(conference, seats=2)
    round_ = open_award_round(election, units[:5], by=conference.chair, now=later(0))
    assert round_.is_encrypted
    manifest = encrypted.manifest_of(round_)
    assert manifest["max_choices"] == 2 and "blank" not in manifest["options"]
    a, b, c = units[0], units[1], units[2]
    for voter, marked in zip(units, [[a, b]] * 4 + [[a, c]] * 3 + [[]], strict=True):
        encrypted.cast_encrypted(round_, voter, encrypt(round_, voter, marked), by=None, now=later(1))
    result = count_round(close_round(round_, now=later(5)))
    assert [(count.unit, count.votes) for count in result.counts[:3]] == [(a, 7), (b, 4), (c, 3)]
    assert result.winners == [a, b]
    assert (result.returned, result.blank) == (8, 0)  # a blank encrypted ballot marks no option


def test_an_encrypted_ballot_with_more_than_k_marks_is_refused(conference: Conference) -> None:
    units = check_in_all(conference)
    trustees_of(conference)
    round_ = open_award_round(award(conference, seats=1), units[:4], by=conference.chair, now=later(0))
    manifest = encrypted.manifest_of(round_)
    two = dict(manifest, max_choices=2)  # a browser that ignored k: its proofs say "up to 2"
    forged, _randomness = encrypt_ballot(two, [0, 1])
    forged["ctx"] = encrypted.ctx_of(round_)
    with pytest.raises(InvalidChoice):
        encrypted.cast_encrypted(round_, units[0], forged, by=None, now=later(1))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EncryptedBallot)) == 0


def test_the_rules_cannot_take_the_award_ballot_for_the_offices(conference: Conference) -> None:
    with pytest.raises(InvalidState, match="chỉ dùng cho bỏ phiếu suy tôn"):
        change_rules(conference, ballot_type=BallotType.CHOOSE_UP_TO_K)


def test_an_award_vote_locks_the_rules_once_its_first_round_opens(conference: Conference) -> None:
    units = check_in_all(conference)
    election = award(conference)
    assert not are_locked(conference)  # created, not opened: the rules may still change
    open_award_round(election, units, by=conference.chair, now=later(0), method=RoundMethod.ELECTRONIC)
    assert are_locked(conference)


def test_rules_say_from_x_percent_up(conference: Conference) -> None:
    change_rules(conference, threshold_inclusive=True, threshold_numerator=2, threshold_denominator=3)
    assert "Trúng cử khi đạt từ 2/3 trở lên số đơn vị có mặt." in describe(rules_of(conference))
