"""The ranking (bình xét, xếp hạng): totals, ties broken only by the table's own rules, chart and CSV.

The score of record of an item is the latest stage's (phúc tra, else the cluster's review, else the
cross-check, else the self-score); a stage's total is the total of record as that stage left it.
Total = criteria + bonus − penalty. Units with the same total are ordered by the table's tie rules in
their order; units the rules do not separate share a rank (1, 1, 3).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from markupsafe import escape

from voting.emulation.models import (
    STAGE_ORDER,
    CriteriaTable,
    Criterion,
    ItemKind,
    Score,
    ScoringStage,
    Stage,
    TieRuleKind,
)
from voting.emulation.scoring import REVIEW_STAGES, STAGE_LABELS, members
from voting.extensions import db
from voting.formatting import format_points, spreadsheet_cell
from voting.i18n import N_
from voting.views import format_points_local

ZERO = Decimal(0)
TIE_RULE_LABELS = {
    TieRuleKind.SECTION_HIGHER: N_("Điểm phần %(subject)s cao hơn"),
    TieRuleKind.CRITERION_HIGHER: N_("Điểm tiêu chí %(subject)s cao hơn"),
    TieRuleKind.BONUS_HIGHER: N_("Điểm thưởng nhiều hơn"),
    TieRuleKind.PENALTY_FEWER: N_("Điểm trừ ít hơn"),
}

Rule = tuple[TieRuleKind, str]  # (kind, subject code)


@dataclass(frozen=True)
class Standing:
    """One unit's points of record, summed by section, with each stage's total beside them."""

    unit_id: int
    name: str
    #: the cluster's order: how units the rules leave tied are listed (they keep one rank)
    position: int
    criteria: dict[str, Decimal] = field(default_factory=dict)  # item code -> points of record
    sections: dict[str, Decimal] = field(default_factory=dict)  # section code -> sum of its criteria
    bonus: Decimal = ZERO
    penalty: Decimal = ZERO
    stage_totals: dict[Stage, Decimal | None] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        """Return criteria + bonus − penalty."""
        return sum(self.sections.values(), ZERO) + self.bonus - self.penalty


def rule_value(standing: Standing, rule: Rule) -> Decimal:
    """Return a unit's value under a tie rule, oriented so that higher ranks first."""
    kind, subject = rule
    if kind is TieRuleKind.SECTION_HIGHER:
        return standing.sections.get(subject, ZERO)
    if kind is TieRuleKind.CRITERION_HIGHER:
        return standing.criteria.get(subject, ZERO)
    if kind is TieRuleKind.BONUS_HIGHER:
        return standing.bonus
    if kind is TieRuleKind.PENALTY_FEWER:
        return -standing.penalty
    raise ValueError(f"unknown tie rule {kind!r}")  # a kind without its entry here fails loudly


@dataclass(frozen=True)
class Ranked:
    """A unit's place: its rank, whether it shares it, which tie rule (1-based) put it below the one above."""

    rank: int
    standing: Standing
    is_tied: bool
    decided_by: int | None = None


def rank_standings(standings: list[Standing], rules: list[Rule]) -> list[Ranked]:
    """Rank by total, then by the rules in order; units no rule separates share a rank."""

    def key(standing: Standing) -> tuple[Decimal, ...]:
        return (standing.total, *(rule_value(standing, rule) for rule in rules))

    ordered = sorted(standings, key=lambda s: (tuple(-v for v in key(s)), s.position, s.unit_id))
    keys = [key(standing) for standing in ordered]
    ranked: list[Ranked] = []
    for index, standing in enumerate(ordered):
        first = keys.index(keys[index])
        decided_by = None
        if index > 0 and keys[index - 1][0] == keys[index][0] and keys[index - 1] != keys[index]:
            decided_by = next(i for i in range(1, len(keys[index])) if keys[index - 1][i] != keys[index][i])
        ranked.append(Ranked(first + 1, standing, keys.count(keys[index]) > 1, decided_by))
    return ranked


def standings(table: CriteriaTable) -> list[Standing]:
    """Return every active unit's points of record and stage totals, from one query of the table's scores."""
    items = {item.id: item for item in table.items}
    query = (
        sa.select(ScoringStage.stage, Score.unit_id, Score.criterion_id, Score.points)
        .join(ScoringStage, Score.stage_id == ScoringStage.id)
        .where(ScoringStage.table_id == table.id)
    )
    by_stage: dict[tuple[int, Stage], dict[int, Decimal]] = defaultdict(dict)
    for stage, unit_id, item_id, points in db.session.execute(query).tuples():
        by_stage[(unit_id, stage)][item_id] = points
    # a review keeps what it does not change: once closed, its total stands even without an entry
    closed_reviews = {
        row.stage for row in table.stages if row.closed_at is not None and row.stage in REVIEW_STAGES
    }
    sections = {section.id: section.code for section in table.sections}  # one query, not one per section
    found = []
    for position, unit in enumerate(members(table)):
        record: dict[int, Decimal] = {}
        stage_totals: dict[Stage, Decimal | None] = {}
        for stage in STAGE_ORDER:
            entered = by_stage.get((unit.id, stage))
            record.update(entered or {})
            reached = entered or (stage in closed_reviews and record)
            stage_totals[stage] = _signed_sum(record, items) if reached else None
        found.append(_standing(unit.id, unit.name, position, record, items, sections, stage_totals))
    return found


def _signed_sum(points: dict[int, Decimal], items: dict[int, Criterion]) -> Decimal:
    return sum((-p if items[i].kind is ItemKind.PENALTY else p for i, p in points.items()), ZERO)


def _standing(
    unit_id: int,
    name: str,
    position: int,
    record: dict[int, Decimal],
    items: dict[int, Criterion],
    section_codes: dict[int, str],
    stage_totals: dict[Stage, Decimal | None],
) -> Standing:
    sections: dict[str, Decimal] = defaultdict(lambda: ZERO)
    bonus = penalty = ZERO
    for item_id, points in record.items():
        item = items[item_id]
        if item.kind is ItemKind.CRITERION and item.section_id is not None:
            sections[section_codes[item.section_id]] += points
        elif item.kind is ItemKind.BONUS:
            bonus += points
        else:
            penalty += points
    criteria = {items[item_id].code: points for item_id, points in record.items()}
    return Standing(unit_id, name, position, criteria, dict(sections), bonus, penalty, stage_totals)


def ranking(table: CriteriaTable) -> list[Ranked]:
    """Return the table's ranked list, ties broken only by its rules."""
    return rank_standings(standings(table), [(rule.kind, rule.subject_code) for rule in table.tie_rules])


def highest_possible(table: CriteriaTable) -> Decimal:
    """Return the most a unit can total: every criterion and bonus item at its maximum."""
    return sum((item.max_points for item in table.items if item.kind is not ItemKind.PENALTY), ZERO)


def chart_svg(ranked: list[Ranked], *, top: Decimal, title: str) -> str:
    """Return the ranking as a horizontal bar chart in SVG, drawn on the server (no script)."""
    # the labels' column fits the longest "rank. name" (about 7 px a character at 13 px)
    longest = max((len(f"{place.rank}. {place.standing.name}") for place in ranked), default=0)
    bar, gap, label_width = 22, 8, max(260, 7 * longest + 16)
    width = label_width + 380
    height = 30 + len(ranked) * (bar + gap)
    scale = (width - label_width - 70) / float(top or 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="ranking-chart"><title>{escape(title)}</title>'
    ]
    for index, place in enumerate(ranked):
        y = 20 + index * (bar + gap)
        total = max(place.standing.total, ZERO)
        length = round(float(total) * scale, 1)
        name = escape(f"{place.rank}. {place.standing.name}")
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" font-size="13">{name}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar}" fill="#1d5fa8"/>'
            f'<text x="{label_width + length + 6}" y="{y + 16}" font-size="13">'
            f"{format_points_local(place.standing.total)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def ranking_csv(
    table: CriteriaTable, ranked: list[Ranked], *, stage_names: list[str], rule_names: list[str]
) -> str:
    """Return the ranking and every item's points of record as CSV with a BOM, safe from formulas."""
    codes = [item.code for item in table.items]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Hạng", "Đơn vị", *stage_names, "Điểm thưởng", "Điểm trừ", "Tổng điểm", "Ghi chú", *codes]
    )
    for place in ranked:
        s = place.standing
        totals = [s.stage_totals.get(stage) for stage in STAGE_ORDER]
        stages = [format_points(total) if total is not None else "" for total in totals]
        note = (
            rule_names[place.decided_by - 1] if place.decided_by else ("Đồng hạng" if place.is_tied else "")
        )
        row = [
            str(place.rank),
            s.name,
            *stages,
            format_points(s.bonus),
            format_points(s.penalty),
            format_points(s.total),
            note,
        ]
        row += [format_points(s.criteria[code]) if code in s.criteria else "" for code in codes]
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return "\ufeff" + out.getvalue()


def stage_names() -> list[str]:
    """Return the stages' Vietnamese names in order (the CSV's columns)."""
    return [STAGE_LABELS[stage] for stage in STAGE_ORDER]
