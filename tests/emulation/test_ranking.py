"""The ranking: totals, ties broken only by the table's rules, the chart and the CSV."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.emulation.helpers import WRITTEN_AT, item, self_score, started
from tests.factories import staff
from voting.auth.models import Role
from voting.clusters.models import Cluster
from voting.conferences.models import Conference
from voting.emulation import ranking as rankings
from voting.emulation import scoring
from voting.emulation.demo import play_scoring
from voting.emulation.models import Stage, TieRuleKind
from voting.emulation.ranking import Rule, Standing, rank_standings, rule_value


@pytest.fixture
def cluster(make_cluster: Callable[..., Cluster]) -> Cluster:
    return make_cluster(units=4)


def test_totals_add_criteria_and_bonus_and_take_away_penalties(cluster: Cluster) -> None:
    table = started(cluster)
    a, b, c, d = cluster.units
    self_score(table, a, {"1.1": "10", "1.2": "7.5", "2.1": "9", "T1": "2", "TR1": "1"})  # 27.5
    self_score(table, b, {"1.1": "9", "1.2": "7", "2.1": "10", "T1": "1.5"})  # 27.5: section 1 lower
    self_score(table, c, {"1.1": "8", "1.2": "7", "2.1": "10"})  # 25
    self_score(table, d, {"1.1": "8", "1.2": "7", "2.1": "10"})  # 25: tied by every rule
    ranked = rankings.ranking(table)
    assert [(p.rank, p.standing.name, p.standing.total, p.is_tied) for p in ranked] == [
        (1, a.name, Decimal("27.5"), False),
        (2, b.name, Decimal("27.5"), False),
        (3, c.name, Decimal(25), True),
        (3, d.name, Decimal(25), True),
    ]
    assert ranked[1].decided_by == 1  # the first rule: the higher section 1 score
    assert ranked[0].standing.sections == {"1": Decimal("17.5"), "2": Decimal(9)}
    assert ranked[0].standing.stage_totals == {
        Stage.SELF: Decimal("27.5"),
        Stage.CROSS: None,
        Stage.REVIEW: None,
        Stage.SECOND_REVIEW: None,
    }


def test_the_latest_stage_gives_the_points_of_record(cluster: Cluster) -> None:
    table = started(cluster)
    chair = staff(cluster, Role.CHAIR)
    a = cluster.units[0]
    self_score(table, a, {"1.1": "10", "1.2": "7"})
    scoring.close_stage(table, Stage.SELF, by=chair, now=WRITTEN_AT)
    scoring.close_stage(table, Stage.CROSS, by=chair, now=WRITTEN_AT)
    agreed = scoring.Entry(item(table, "1.1"), Decimal(8), "Thiếu minh chứng")
    scoring.enter_scores(table, Stage.REVIEW, a, [agreed], by=chair, now=WRITTEN_AT)
    first = rankings.ranking(table)[0].standing
    assert (first.name, first.total) == (a.name, Decimal(15))
    assert first.stage_totals == {  # each stage's total as it left the points of record
        Stage.SELF: Decimal(17),
        Stage.CROSS: None,  # no cross-check entered
        Stage.REVIEW: Decimal(15),
        Stage.SECOND_REVIEW: None,  # not reached
    }
    scoring.close_stage(table, Stage.REVIEW, by=chair, now=WRITTEN_AT)
    scoring.close_stage(table, Stage.SECOND_REVIEW, by=chair, now=WRITTEN_AT)
    assert rankings.ranking(table)[0].standing.stage_totals[Stage.SECOND_REVIEW] == Decimal(15)


def test_the_csv_has_a_bom_and_no_formula(cluster: Cluster) -> None:
    table = started(cluster)
    cluster.units[0].name = "=HYPERLINK(1)"
    self_score(table, cluster.units[0], {"1.1": "10"})
    text = rankings.ranking_csv(
        table, rankings.ranking(table), stage_names=rankings.stage_names(), rule_names=["a", "b"]
    )
    assert text.startswith("\ufeffHạng,Đơn vị,Tự chấm,Chấm chéo")
    assert "1,'=HYPERLINK(1),10,,,,0,0,10,,10,,,," in text


def test_the_chart_is_svg_with_names_escaped(cluster: Cluster) -> None:
    table = started(cluster)
    cluster.units[0].name = "<script>x</script>"
    chart = rankings.chart_svg(
        rankings.ranking(table), top=rankings.highest_possible(table), title="Xếp hạng"
    )
    assert chart.startswith("<svg") and "<script>" not in chart and "&lt;script&gt;" in chart
    assert rankings.highest_possible(table) == Decimal("29.5")


# Properties of rank_standings, on standings made up from arbitrary points ------------------------------

points = st.decimals(min_value=0, max_value=20, places=1)
SECTIONS = ("1", "2")
RULES: list[Rule] = [
    (TieRuleKind.SECTION_HIGHER, "1"),
    (TieRuleKind.CRITERION_HIGHER, "2.1"),
    (TieRuleKind.BONUS_HIGHER, ""),
    (TieRuleKind.PENALTY_FEWER, ""),
]


@st.composite
def standings(draw: st.DrawFn) -> list[Standing]:
    made = []
    for index in range(draw(st.integers(min_value=1, max_value=8))):
        criteria = {"1.1": draw(points), "1.2": draw(points), "2.1": draw(points)}
        sections = {"1": criteria["1.1"] + criteria["1.2"], "2": criteria["2.1"]}
        made.append(
            Standing(index + 1, f"Đơn vị {index}", index, criteria, sections, draw(points), draw(points))
        )
    return made


@settings(max_examples=200, deadline=None)
@given(standings(), st.lists(st.sampled_from(RULES), unique=True))
def test_ranks_follow_the_totals_then_the_rules_in_order(found: list[Standing], rules: list[Rule]) -> None:
    ranked = rank_standings(found, rules)
    assert sorted(p.standing.unit_id for p in ranked) == sorted(s.unit_id for s in found)
    for place in ranked:  # totals add up
        s = place.standing
        assert s.total == sum(s.criteria.values()) + s.bonus - s.penalty
    keys = [(p.standing.total, *(rule_value(p.standing, r) for r in rules)) for p in ranked]
    pairs = list(zip(ranked, keys, strict=True))
    for (upper, upper_key), (lower, lower_key) in zip(pairs, pairs[1:], strict=False):
        assert upper_key >= lower_key  # the order respects the total, then each rule in turn
        assert (upper.rank == lower.rank) == (upper_key == lower_key)  # same rank only when nothing separates
        if lower.decided_by is not None:
            n = lower.decided_by
            assert (
                upper_key[0] == lower_key[0]
                and upper_key[1:n] == lower_key[1:n]
                and upper_key[n] > lower_key[n]
            )
    assert ranked[0].rank == 1
    for index, place in enumerate(ranked):  # competition ranking: 1, 1, 3
        assert place.rank == 1 + sum(1 for key in keys if key > keys[index])


@settings(max_examples=100, deadline=None)
@given(standings())
def test_without_rules_equal_totals_stay_tied(found: list[Standing]) -> None:
    ranked = rank_standings(found, [])
    for place in ranked:
        same = [other for other in ranked if other.standing.total == place.standing.total]
        assert {other.rank for other in same} == {place.rank}
        assert place.is_tied == (len(same) > 1) and place.decided_by is None


def test_the_demo_ranks_cluster_4_by_its_2016_scores(demo_conference: Conference) -> None:
    table = play_scoring(demo_conference.cluster)
    assert len([i for i in table.items if i.section_id is not None]) == 20 and len(table.sections) == 4
    assert rankings.highest_possible(table) == Decimal(105)
    ranked = rankings.ranking(table)
    assert [(p.rank, p.standing.name, p.standing.total) for p in ranked[:3]] == [
        (1, "Phòng Công tác chính trị", Decimal(103)),
        (2, "Phòng Hậu cần", Decimal("100.5")),
        (3, "Phòng Công tác đảng và công tác quần chúng", Decimal("97.5")),
    ]
    assert (ranked[3].standing.name, ranked[3].rank, ranked[3].decided_by) == (
        "Bệnh viện Công an thành phố Hà Nội",
        4,
        1,
    )
    assert ranked[5].standing.stage_totals[Stage.CROSS] == Decimal(
        "96"
    )  # Báo An ninh Thủ đô, half a point off
    assert scoring.open_stage(table) is None
    assert play_scoring(demo_conference.cluster) is table  # once
