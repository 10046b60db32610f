"""The criteria table as data: editing, locking, copying forward (services, no client)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.emulation.helpers import DEADLINES, WRITTEN_AT, build_table, item
from tests.factories import representative, staff
from voting.audit.models import AuditEntry
from voting.auth.models import Role
from voting.clusters.models import Cluster
from voting.emulation import scoring
from voting.emulation import table as tables
from voting.emulation.models import CriteriaTable, Criterion, ItemKind, TieRuleKind
from voting.errors import InvalidInput, InvalidState, NotAssigned
from voting.extensions import db


@pytest.fixture
def cluster(make_cluster: Callable[..., Cluster]) -> Cluster:
    return make_cluster(units=4)


def test_a_table_holds_its_sections_items_rules_and_basis(cluster: Cluster) -> None:
    table = build_table(cluster)
    assert [section.code for section in table.sections] == ["1", "2"]
    assert [(i.code, i.kind, i.max_points) for i in table.items][:2] == [
        ("1.1", ItemKind.CRITERION, Decimal(10)),
        ("1.2", ItemKind.CRITERION, Decimal("7.5")),
    ]
    assert item(table, "TR1").section is None
    assert [(rule.position, rule.kind) for rule in table.tie_rules] == [
        (1, TieRuleKind.SECTION_HIGHER),
        (2, TieRuleKind.PENALTY_FEWER),
    ]
    assert table.legal_basis.startswith("Quy chế")
    assert (
        db.session.scalar(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc()))
        == "emulation.table_created"
    )


def test_one_table_per_cluster_and_year(cluster: Cluster) -> None:
    build_table(cluster)
    with pytest.raises(InvalidState, match="đã có bảng tiêu chí năm 2016"):
        build_table(cluster)


def test_the_chair_edits_on_screen_and_bad_items_are_refused(cluster: Cluster) -> None:
    chair = staff(cluster, Role.CHAIR)
    table = tables.create_table(cluster, 2017, "Bảng 2017", by=chair, now=WRITTEN_AT)
    tables.add_section(table, "I", "Phần một", by=chair, now=WRITTEN_AT)
    spec = tables.ItemSpec(ItemKind.CRITERION, "I.1", "Tiêu chí", Decimal(5), "I")
    tables.add_item(table, spec, by=chair, now=WRITTEN_AT)
    with pytest.raises(InvalidInput, match="Mã mục đã có") as duplicate:
        tables.add_item(table, spec, by=chair, now=WRITTEN_AT)
    assert duplicate.value.field == "code"
    with pytest.raises(InvalidInput, match="thuộc một phần"):
        tables.add_item(
            table, tables.ItemSpec(ItemKind.CRITERION, "X", "T", Decimal(1), "II"), by=chair, now=WRITTEN_AT
        )
    with pytest.raises(InvalidInput, match="lớn hơn 0"):
        tables.add_item(
            table, tables.ItemSpec(ItemKind.BONUS, "T", "T", Decimal(0)), by=chair, now=WRITTEN_AT
        )
    with pytest.raises(InvalidInput, match="mã một tiêu chí"):
        tables.add_tie_rule(table, TieRuleKind.CRITERION_HIGHER, "I.9", by=chair, now=WRITTEN_AT)
    tables.add_tie_rule(table, TieRuleKind.CRITERION_HIGHER, "I.1", by=chair, now=WRITTEN_AT)
    assert [i.code for i in table.items] == ["I.1"]
    tables.remove_item(table, table.items[0], by=chair, now=WRITTEN_AT)
    assert table.items == [] and table.tie_rules == []  # the rule naming the item went with it


def test_only_the_clusters_chair_or_an_admin_writes_the_table(
    cluster: Cluster, make_cluster: Callable[..., Cluster]
) -> None:
    other_chair = staff(make_cluster(units=2), Role.CHAIR)
    with pytest.raises(NotAssigned):
        tables.create_table(cluster, 2016, "Bảng", by=other_chair, now=WRITTEN_AT)
    with pytest.raises(NotAssigned):
        tables.create_table(cluster, 2016, "Bảng", by=representative(cluster.units[0]), now=WRITTEN_AT)


def test_scoring_locks_the_table_for_good(cluster: Cluster) -> None:
    table = build_table(cluster)
    chair = staff(cluster, Role.CHAIR)
    scoring.start_scoring(table, DEADLINES, by=chair, now=WRITTEN_AT)
    assert table.is_locked
    assert (
        db.session.scalar(sa.select(CriteriaTable.locked_at).where(CriteriaTable.id == table.id))
        == WRITTEN_AT
    )
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Criterion))
    spec = tables.ItemSpec(ItemKind.BONUS, "T9", "Thêm", Decimal(1))
    for change in (
        lambda: tables.add_item(table, spec, by=chair, now=WRITTEN_AT),
        lambda: tables.add_section(table, "3", "Phần ba", by=chair, now=WRITTEN_AT),
        lambda: tables.remove_item(table, table.items[0], by=chair, now=WRITTEN_AT),
        lambda: tables.add_tie_rule(table, TieRuleKind.BONUS_HIGHER, "", by=chair, now=WRITTEN_AT),
        lambda: tables.clear_tie_rules(table, by=chair, now=WRITTEN_AT),
    ):
        with pytest.raises(InvalidState, match="đã khóa"):
            change()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Criterion)) == before
    with pytest.raises(InvalidState, match="đã bắt đầu"):
        scoring.start_scoring(table, DEADLINES, by=chair, now=WRITTEN_AT)


def test_start_needs_deadlines_in_the_stages_order(cluster: Cluster) -> None:
    table = build_table(cluster)
    swapped = {**DEADLINES}
    stages = list(swapped)
    swapped[stages[0]], swapped[stages[1]] = swapped[stages[1]], swapped[stages[0]]
    with pytest.raises(InvalidInput, match="theo thứ tự"):
        scoring.start_scoring(table, swapped, by=staff(cluster, Role.CHAIR), now=WRITTEN_AT)
    assert not table.is_locked and table.stages == []


def test_copy_forward_carries_everything_unlocked(cluster: Cluster) -> None:
    table = build_table(cluster)
    scoring.start_scoring(table, DEADLINES, by=staff(cluster, Role.CHAIR), now=WRITTEN_AT)
    copied = tables.copy_forward(table, by=staff(cluster, Role.CHAIR), now=WRITTEN_AT)
    assert (copied.year, copied.title, copied.is_locked) == (2017, "Bảng tiêu chí năm 2017", False)
    assert tables.table_content(copied) == tables.table_content(table)
    assert copied.items[0].id != table.items[0].id
