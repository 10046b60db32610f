"""A small criteria table and its scoring, built through the services (shared by the emulation tests)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from tests.factories import representative, staff
from voting.auth.models import Role
from voting.clusters.models import Cluster, Unit
from voting.emulation import scoring
from voting.emulation.models import CriteriaTable, Criterion, ItemKind, Stage, TieRuleKind
from voting.emulation.table import ItemSpec, TableContent, create_table

#: when the table is written (naive UTC); the self-score is due a day later, each next stage a day after that
WRITTEN_AT = datetime(2016, 11, 1, 2, 0)
SELF_DEADLINE = WRITTEN_AT + timedelta(days=1)
DEADLINES = {stage: SELF_DEADLINE + timedelta(days=index) for index, stage in enumerate(Stage)}

CONTENT = TableContent(
    sections=[("1", "Công tác xây dựng lực lượng"), ("2", "Công tác hậu cần, kỹ thuật")],
    items=[
        ItemSpec(ItemKind.CRITERION, "1.1", "Xây dựng Đảng trong sạch, vững mạnh", Decimal(10), "1"),
        ItemSpec(ItemKind.CRITERION, "1.2", "Công tác cán bộ", Decimal("7.5"), "1"),
        ItemSpec(ItemKind.CRITERION, "2.1", "Bảo đảm hậu cần", Decimal(10), "2"),
        ItemSpec(ItemKind.BONUS, "T1", "Sáng kiến được công nhận", Decimal(2)),
        ItemSpec(ItemKind.PENALTY, "TR1", "Cán bộ vi phạm kỷ luật", Decimal(5)),
    ],
    tie_rules=[(TieRuleKind.SECTION_HIGHER, "1"), (TieRuleKind.PENALTY_FEWER, "")],
    legal_basis="Quy chế hoạt động của Cụm thi đua số 4",
)


def build_table(cluster: Cluster, *, year: int = 2016, content: TableContent = CONTENT) -> CriteriaTable:
    """Create the cluster's small table: 3 criteria in 2 sections, a bonus, a penalty, 2 tie rules."""
    chair = staff(cluster, Role.CHAIR)
    return create_table(cluster, year, f"Bảng tiêu chí năm {year}", content=content, by=chair, now=WRITTEN_AT)


def started(cluster: Cluster) -> CriteriaTable:
    """Return the cluster's small table with scoring started (the self-score open)."""
    table = build_table(cluster)
    scoring.start_scoring(table, DEADLINES, by=staff(cluster, Role.CHAIR), now=WRITTEN_AT)
    return table


def started_at(cluster: Cluster, now: datetime) -> CriteriaTable:
    """Return the cluster's small table with scoring started at *now*, each stage due a day after the last."""
    table = build_table(cluster)
    deadlines = {stage: now + timedelta(days=1 + index) for index, stage in enumerate(Stage)}
    scoring.start_scoring(table, deadlines, by=staff(cluster, Role.CHAIR), now=now)
    return table


def item(table: CriteriaTable, code: str) -> Criterion:
    """Return a table's item by code."""
    return next(found for found in table.items if found.code == code)


def self_score(
    table: CriteriaTable, unit: Unit, points: dict[str, str], *, now: datetime = WRITTEN_AT
) -> None:
    """Enter a unit's self-score through its representative: {item code: points}."""
    entries = [
        scoring.Entry(item(table, code), Decimal(value), "Theo báo cáo") for code, value in points.items()
    ]
    scoring.enter_scores(table, Stage.SELF, unit, entries, by=representative(unit), now=now)
