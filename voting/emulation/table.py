"""The criteria table as data: creating and editing it, its tie rules, copying it forward to the next year."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from voting.audit.services import record
from voting.auth.models import User
from voting.clusters.models import Cluster
from voting.emulation.access import can_manage
from voting.emulation.models import (
    CENT,
    CriteriaSection,
    CriteriaTable,
    Criterion,
    ItemKind,
    TieRule,
    TieRuleKind,
)
from voting.errors import InvalidInput, InvalidState, NotAssigned
from voting.extensions import db
from voting.formatting import nfc
from voting.i18n import N_

#: the most points one item may carry
MAX_ITEM_POINTS = Decimal("1000")
#: tie rules that name a section or a criterion by its code
NEEDS_SUBJECT = {TieRuleKind.SECTION_HIGHER, TieRuleKind.CRITERION_HIGHER}


@dataclass(frozen=True)
class ItemSpec:
    """One item of a table before it is stored."""

    kind: ItemKind
    code: str
    text: str
    max_points: Decimal
    section_code: str | None = None  # the section of a criterion


@dataclass
class TableContent:
    """Everything a table holds besides its cluster and year: what an import builds and a copy carries."""

    sections: list[tuple[str, str]] = field(default_factory=list)  # (code, title)
    items: list[ItemSpec] = field(default_factory=list)
    tie_rules: list[tuple[TieRuleKind, str]] = field(default_factory=list)  # (kind, subject code)
    legal_basis: str = ""


def parse_points(text: str, *, field_name: str = "points") -> Decimal:
    """Return points typed as "7", "7.5" or "7,5"; refuse anything else (negative, more than two decimals)."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(N_("Điểm phải là một số, ví dụ 7 hoặc 7,5."), field=field_name) from None
    if not value.is_finite() or value < 0:
        raise InvalidInput(N_("Điểm phải là một số không âm."), field=field_name)
    if value != value.quantize(CENT):
        raise InvalidInput(N_("Điểm có nhiều nhất hai chữ số thập phân."), field=field_name)
    return value


def item_problem(spec: ItemSpec, *, sections: set[str], codes: set[str]) -> tuple[str, str] | None:
    """Return (field, message) of what is wrong with an item among the table's sections and codes."""
    if not spec.code or len(spec.code) > 20:
        return "code", N_("Mã mục phải có từ 1 đến 20 ký tự.")
    if spec.code in codes:
        return "code", N_("Mã mục đã có trong bảng.")
    if not spec.text:
        return "text", N_("Nhập nội dung của mục.")
    if not 0 < spec.max_points <= MAX_ITEM_POINTS:
        return "max_points", N_("Điểm tối đa phải lớn hơn 0 và không quá 1000.")
    if spec.kind is ItemKind.CRITERION and spec.section_code not in sections:
        return "section_code", N_("Tiêu chí phải thuộc một phần đã có trong bảng.")
    return None


def tie_rule_problem(
    kind: TieRuleKind, subject: str, *, sections: set[str], criteria: set[str]
) -> str | None:
    """Return what is wrong with a tie rule, or None."""
    if kind is TieRuleKind.SECTION_HIGHER and subject not in sections:
        return N_("Quy tắc xếp hạng phải nêu mã một phần đã có trong bảng.")
    if kind is TieRuleKind.CRITERION_HIGHER and subject not in criteria:
        return N_("Quy tắc xếp hạng phải nêu mã một tiêu chí đã có trong bảng.")
    return None


def find_table(cluster: Cluster, year: int) -> CriteriaTable | None:
    """Return the cluster's table of a year, if there is one."""
    return db.session.scalar(
        sa.select(CriteriaTable).where(CriteriaTable.cluster_id == cluster.id, CriteriaTable.year == year)
    )


def tables_of(cluster: Cluster) -> list[CriteriaTable]:
    """Return the cluster's tables, newest year first."""
    query = sa.select(CriteriaTable).where(CriteriaTable.cluster_id == cluster.id)
    return list(db.session.scalars(query.order_by(CriteriaTable.year.desc())))


def _require_manager(cluster: Cluster, by: User) -> None:
    if not can_manage(by, cluster):
        raise NotAssigned(N_("Chỉ chủ trì của cụm hoặc quản trị viên được làm việc này."))


def _require_editable(table: CriteriaTable) -> None:
    if table.is_locked:
        raise InvalidState(N_("Bảng tiêu chí đã khóa vì việc chấm điểm đã bắt đầu."))


def create_table(
    cluster: Cluster, year: int, title: str, *, content: TableContent | None = None, by: User, now: datetime
) -> CriteriaTable:
    """Create the cluster's table for a year, with its content when given (already checked)."""
    _require_manager(cluster, by)
    if not 2000 <= year <= 2100:
        raise InvalidInput(N_("Năm không hợp lệ."), field="year")
    if find_table(cluster, year) is not None:
        raise InvalidState(N_("Cụm đã có bảng tiêu chí năm %(year)s."), field="year", year=year)
    content = content or TableContent()
    table = CriteriaTable(
        cluster_id=cluster.id,
        year=year,
        title=nfc(title.strip()),
        legal_basis=nfc(content.legal_basis.strip()),
        created_at=now,
        created_by_id=by.id,
    )
    db.session.add(table)
    sections: dict[str, CriteriaSection] = {}
    for position, (code, section_title) in enumerate(content.sections):
        sections[code] = CriteriaSection(table=table, code=code, title=section_title, position=position)
    for position, spec in enumerate(content.items):
        section = sections[spec.section_code] if spec.section_code is not None else None
        db.session.add(
            Criterion(
                table=table,
                section=section,
                kind=spec.kind,
                code=spec.code,
                text=spec.text,
                max_points=spec.max_points,
                position=position,
            )
        )
    for position, (kind, subject) in enumerate(content.tie_rules, start=1):
        table.tie_rules.append(TieRule(position=position, kind=kind, subject_code=subject))
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        raise InvalidState(N_("Cụm đã có bảng tiêu chí năm %(year)s."), field="year", year=year) from None
    details = {"table_id": table.id, "year": year, "items": len(content.items)}
    record("emulation.table_created", actor=by, details=details, now=now)
    return table


def table_content(table: CriteriaTable) -> TableContent:
    """Return what a table holds, as a copy or an import would build it."""
    return TableContent(
        sections=[(section.code, section.title) for section in table.sections],
        items=[
            ItemSpec(
                item.kind, item.code, item.text, item.max_points, item.section.code if item.section else None
            )
            for item in table.items
        ],
        tie_rules=[(rule.kind, rule.subject_code) for rule in table.tie_rules],
        legal_basis=table.legal_basis,
    )


def copy_forward(table: CriteriaTable, *, by: User, now: datetime) -> CriteriaTable:
    """Create next year's table with the same sections, items, tie rules and basis, unlocked."""
    title = table.title.replace(str(table.year), str(table.year + 1))
    return create_table(table.cluster, table.year + 1, title, content=table_content(table), by=by, now=now)


def _changed(table: CriteriaTable, what: str, code: str, *, by: User, now: datetime) -> None:
    db.session.flush()
    details = {"table_id": table.id, "change": what, "code": code}
    record("emulation.table_changed", actor=by, details=details, now=now)


def add_section(table: CriteriaTable, code: str, title: str, *, by: User, now: datetime) -> CriteriaSection:
    """Add a section at the end of an unlocked table."""
    _require_manager(table.cluster, by)
    _require_editable(table)
    code, title = nfc(code.strip()), nfc(title.strip())
    if not code or len(code) > 20 or code in {section.code for section in table.sections}:
        raise InvalidInput(N_("Mã phần phải có từ 1 đến 20 ký tự và chưa có trong bảng."), field="code")
    if not title:
        raise InvalidInput(N_("Nhập tên của phần."), field="title")
    section = CriteriaSection(code=code, title=title, position=len(table.sections))
    table.sections.append(section)
    _changed(table, "section_added", code, by=by, now=now)
    return section


def add_item(table: CriteriaTable, spec: ItemSpec, *, by: User, now: datetime) -> Criterion:
    """Add a criterion, bonus or penalty item at the end of an unlocked table."""
    _require_manager(table.cluster, by)
    _require_editable(table)
    spec = ItemSpec(
        spec.kind, nfc(spec.code.strip()), nfc(spec.text.strip()), spec.max_points, spec.section_code
    )
    sections = {section.code: section for section in table.sections}
    problem = item_problem(spec, sections=set(sections), codes={item.code for item in table.items})
    if problem is not None:
        raise InvalidInput(problem[1], field=problem[0])
    section = sections[spec.section_code] if spec.kind is ItemKind.CRITERION and spec.section_code else None
    item = Criterion(
        section=section,
        kind=spec.kind,
        code=spec.code,
        text=spec.text,
        max_points=spec.max_points,
        position=len(table.items),
    )
    table.items.append(item)
    _changed(table, "item_added", spec.code, by=by, now=now)
    return item


def remove_item(table: CriteriaTable, item: Criterion, *, by: User, now: datetime) -> None:
    """Remove an item from an unlocked table, and any tie rule naming it."""
    _require_manager(table.cluster, by)
    _require_editable(table)
    if item.table_id != table.id:
        raise InvalidInput(N_("Mục không thuộc bảng này."))
    table.items.remove(item)
    _renumber_rules(table, [rule for rule in table.tie_rules if rule.subject_code != item.code])
    _changed(table, "item_removed", item.code, by=by, now=now)


def add_tie_rule(
    table: CriteriaTable, kind: TieRuleKind, subject: str, *, by: User, now: datetime
) -> TieRule:
    """Append a tie-break rule to an unlocked table: applied after the ones before it."""
    _require_manager(table.cluster, by)
    _require_editable(table)
    subject = nfc(subject.strip()) if kind in NEEDS_SUBJECT else ""
    criteria = {item.code for item in table.items if item.kind is ItemKind.CRITERION}
    problem = tie_rule_problem(kind, subject, sections={s.code for s in table.sections}, criteria=criteria)
    if problem is not None:
        raise InvalidInput(problem, field="subject_code")
    if (kind, subject) in {(rule.kind, rule.subject_code) for rule in table.tie_rules}:
        raise InvalidInput(N_("Quy tắc này đã có trong bảng."), field="kind")
    rule = TieRule(kind=kind, subject_code=subject, position=len(table.tie_rules) + 1)
    table.tie_rules.append(rule)
    _changed(table, "tie_rule_added", subject or kind.value, by=by, now=now)
    return rule


def clear_tie_rules(table: CriteriaTable, *, by: User, now: datetime) -> None:
    """Remove every tie rule of an unlocked table (to write them again in another order)."""
    _require_manager(table.cluster, by)
    _require_editable(table)
    _renumber_rules(table, [])
    _changed(table, "tie_rules_cleared", "", by=by, now=now)


def _renumber_rules(table: CriteriaTable, kept: list[TieRule]) -> None:
    """Keep *kept* in order as rules 1, 2, ... (flushing the removals first: positions are unique)."""
    table.tie_rules[:] = []
    db.session.flush()
    for position, rule in enumerate(kept, start=1):
        table.tie_rules.append(TieRule(kind=rule.kind, subject_code=rule.subject_code, position=position))
