"""Scoring in stages: starting (which locks the table), cross-check assignments, entries, closing stages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from voting.audit.services import record
from voting.auth.models import Role, User
from voting.clusters.models import Unit
from voting.emulation.access import can_manage
from voting.emulation.models import (
    CENT,
    STAGE_ORDER,
    CriteriaTable,
    Criterion,
    CrossCheck,
    Score,
    ScoringStage,
    Stage,
)
from voting.errors import InvalidInput, InvalidState, NotAssigned
from voting.extensions import db
from voting.formatting import nfc
from voting.i18n import N_
from voting.views import LocalPoints

STAGE_LABELS = {
    Stage.SELF: N_("Tự chấm"),
    Stage.CROSS: N_("Chấm chéo"),
    Stage.REVIEW: N_("Cụm thống nhất điểm"),
    Stage.SECOND_REVIEW: N_("Phúc tra"),
}
#: stages whose entries the chair makes for the cluster; an agreed score that differs must say why
REVIEW_STAGES = (Stage.REVIEW, Stage.SECOND_REVIEW)


def _require_manager(table: CriteriaTable, by: User) -> None:
    if not can_manage(by, table.cluster):
        raise NotAssigned(N_("Chỉ chủ trì của cụm hoặc quản trị viên được làm việc này."))


def members(table: CriteriaTable) -> list[Unit]:
    """Return the cluster's active units, in the cluster's order: the units scored."""
    return [unit for unit in table.cluster.units if unit.is_active]


def check_start(table: CriteriaTable, deadlines: dict[Stage, datetime], *, by: User, now: datetime) -> None:
    """Refuse a start that would be refused (asked before the chair confirms it)."""
    _require_manager(table, by)
    if table.is_locked:
        raise InvalidState(N_("Việc chấm điểm đã bắt đầu."))
    if not any(item.section_id is not None for item in table.items):
        raise InvalidState(N_("Bảng chưa có tiêu chí nào."))
    moments = [deadlines.get(stage) for stage in STAGE_ORDER]
    if any(moment is None for moment in moments):
        raise InvalidInput(N_("Nhập hạn của mọi giai đoạn."))
    if moments[0] <= now or any(b <= a for a, b in zip(moments, moments[1:], strict=False)):  # type: ignore[operator]
        raise InvalidInput(N_("Các hạn phải ở sau bây giờ và theo thứ tự các giai đoạn."))


def start_scoring(
    table: CriteriaTable, deadlines: dict[Stage, datetime], *, by: User, now: datetime
) -> list[ScoringStage]:
    """Lock the table and open the self-score; each stage gets its deadline (naive UTC, in order)."""
    check_start(table, deadlines, by=by, now=now)
    # the lock is a row update guarded by its own condition: two chairs starting at once lock it once
    locked = db.session.execute(
        sa.update(CriteriaTable)
        .where(CriteriaTable.id == table.id, CriteriaTable.locked_at.is_(None))
        .values(locked_at=now)
    )
    if locked.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidState(N_("Việc chấm điểm đã bắt đầu."))
    db.session.refresh(table)
    stages = [
        ScoringStage(table_id=table.id, stage=stage, position=position, deadline_at=deadlines[stage])
        for position, stage in enumerate(STAGE_ORDER)
    ]
    db.session.add_all(stages)
    db.session.flush()
    details = {"table_id": table.id, "deadlines": {s.value: d.isoformat() for s, d in deadlines.items()}}
    record("emulation.scoring_started", actor=by, details=details, now=now)
    db.session.expire(table, ["stages"])
    return stages


def stage_of(table: CriteriaTable, stage: Stage) -> ScoringStage:
    """Return a table's stage; refuse when scoring has not started."""
    for row in table.stages:
        if row.stage is stage:
            return row
    raise InvalidState(N_("Việc chấm điểm chưa bắt đầu."))


def open_stage(table: CriteriaTable) -> ScoringStage | None:
    """Return the stage taking entries now (the first not closed); None before the start and at the end."""
    return next((row for row in table.stages if row.closed_at is None), None)


def require_open(table: CriteriaTable, stage: Stage, now: datetime) -> ScoringStage:
    row = stage_of(table, stage)
    if open_stage(table) is not row:
        raise InvalidState(N_("Giai đoạn %(stage)s không mở để nhập điểm."), stage=STAGE_LABELS[stage])
    if now > row.deadline_at:
        raise InvalidState(N_("Đã quá hạn của giai đoạn %(stage)s."), stage=STAGE_LABELS[stage])
    return row


def checker_of(table: CriteriaTable, unit: Unit) -> CrossCheck | None:
    """Return who cross-checks a unit, if assigned."""
    return db.session.scalar(
        sa.select(CrossCheck).where(CrossCheck.table_id == table.id, CrossCheck.checked_unit_id == unit.id)
    )


def assignments(table: CriteriaTable) -> list[CrossCheck]:
    """Return the table's cross-check assignments."""
    return list(db.session.scalars(sa.select(CrossCheck).where(CrossCheck.table_id == table.id)))


def assign_cross_check(
    table: CriteriaTable, checker: Unit, checked: Unit, *, by: User, now: datetime
) -> CrossCheck:
    """Have *checker* cross-check *checked* (replacing an earlier assignment), until the cross-check opens."""
    _require_manager(table, by)
    if checker.id == checked.id:
        raise InvalidInput(N_("Một đơn vị không chấm chéo chính mình."), field="checker")
    cluster_units = {unit.id for unit in members(table)}
    if checker.id not in cluster_units or checked.id not in cluster_units:
        raise InvalidInput(N_("Đơn vị không thuộc cụm."), field="checker")
    if table.stages and open_stage(table) is not stage_of(table, Stage.SELF):
        raise InvalidState(N_("Giai đoạn chấm chéo đã bắt đầu; không đổi phân công được nữa."))
    assignment = checker_of(table, checked)
    previous = assignment.checker_unit_id if assignment else None
    if assignment is None:
        assignment = CrossCheck(table_id=table.id, checked_unit_id=checked.id, checker_unit_id=checker.id)
        db.session.add(assignment)
    assignment.checker_unit_id = checker.id
    assignment.assigned_by_id = by.id
    assignment.assigned_at = now
    db.session.flush()
    details = {
        "table_id": table.id,
        "checker_unit_id": checker.id,
        "checked_unit_id": checked.id,
        "previous": previous,
    }
    record("emulation.cross_check_assigned", actor=by, details=details, now=now)
    return assignment


def may_enter(table: CriteriaTable, stage: Stage, unit: Unit, account: User) -> bool:
    """Return whether an account enters a unit's scores at a stage (the stage's timing aside)."""
    if stage in REVIEW_STAGES:
        return can_manage(account, table.cluster)
    if account.role is not Role.REPRESENTATIVE or account.unit_id is None:
        return False
    if stage is Stage.SELF:
        return account.unit_id == unit.id
    assignment = checker_of(table, unit)
    return assignment is not None and assignment.checker_unit_id == account.unit_id


def scores_of(row: ScoringStage, unit: Unit) -> dict[int, Score]:
    """Return a unit's scores at a stage by item id, in one query."""
    query = sa.select(Score).where(Score.stage_id == row.id, Score.unit_id == unit.id)
    return {score.criterion_id: score for score in db.session.scalars(query)}


def units_entered(row: ScoringStage) -> int:
    """Return how many units have at least one score at a stage."""
    query = sa.select(sa.func.count(sa.distinct(Score.unit_id))).where(Score.stage_id == row.id)
    return db.session.scalar(query) or 0


def _previous_points(table: CriteriaTable, stage: Stage, unit: Unit) -> dict[int, Decimal]:
    """Return each item's latest points before *stage*: what an agreed score is compared with."""
    points: dict[int, Decimal] = {}
    for earlier in STAGE_ORDER[: STAGE_ORDER.index(stage)]:
        points.update(
            {item_id: score.points for item_id, score in scores_of(stage_of(table, earlier), unit).items()}
        )
    return points


@dataclass(frozen=True)
class Entry:
    """One item's points and explanation as typed."""

    item: Criterion
    points: Decimal
    explanation: str = ""


def enter_scores(
    table: CriteriaTable, stage: Stage, unit: Unit, entries: list[Entry], *, by: User, now: datetime
) -> list[Score]:
    """Enter (or change) a unit's scores at the open stage; refuse them all if one is refused."""
    row = require_open(table, stage, now)
    if unit.cluster_id != table.cluster_id or not unit.is_active:
        raise InvalidInput(N_("Đơn vị không thuộc cụm."))
    if not may_enter(table, stage, unit, by):
        if stage is Stage.CROSS:
            raise NotAssigned(N_("Đơn vị của bạn không được phân công chấm chéo đơn vị này."))
        raise NotAssigned(N_("Bạn không được nhập điểm này."))
    previous_points = _previous_points(table, stage, unit) if stage in REVIEW_STAGES else {}
    for entry in entries:
        if entry.item.table_id != table.id:
            raise InvalidInput(N_("Mục không thuộc bảng này."))
        if not 0 <= entry.points <= entry.item.max_points:
            raise InvalidInput(
                N_("Điểm của mục %(code)s vượt quá điểm tối đa %(max)s."),
                field=f"points_{entry.item.id}",
                code=entry.item.code,
                max=LocalPoints(entry.item.max_points),
            )
        if stage in REVIEW_STAGES and not entry.explanation.strip():
            before = previous_points.get(entry.item.id)
            if before is not None and before != entry.points:
                raise InvalidInput(
                    N_("Mục %(code)s: điểm thống nhất khác điểm trước (%(before)s); ghi rõ lý do."),
                    field=f"explanation_{entry.item.id}",
                    code=entry.item.code,
                    before=LocalPoints(before),
                )
    scores = []
    changes: list[dict[str, object]] = []
    entered = scores_of(row, unit)
    for entry in entries:
        score = entered.get(entry.item.id)
        previous = score.points if score is not None else None
        explanation = nfc(entry.explanation.strip())
        if score is not None and previous == entry.points and score.explanation == explanation:
            scores.append(score)
            continue
        if score is None:
            score = Score(stage_id=row.id, unit_id=unit.id, criterion_id=entry.item.id)
            db.session.add(score)
        score.points = entry.points
        score.explanation = explanation
        score.entered_by_id = by.id
        score.entered_at = now
        scores.append(score)
        changes.append(
            {
                "table_id": table.id,
                "stage": stage.value,
                "unit_id": unit.id,
                "item": entry.item.code,
                "points": str(entry.points.quantize(CENT)),
                "previous": None if previous is None else str(previous),
            }
        )
    # the scores first, in one batch: recording each change would otherwise flush them one by one
    db.session.flush()
    for details in changes:
        record("emulation.score_entered", actor=by, details=details, now=now)
    return scores


def close_stage(table: CriteriaTable, stage: Stage, *, by: User, now: datetime) -> ScoringStage:
    """Close the open stage, which opens the next; what was not entered stays visible as late."""
    _require_manager(table, by)
    row = stage_of(table, stage)
    if open_stage(table) is not row:
        raise InvalidState(N_("Giai đoạn %(stage)s không đang mở."), stage=STAGE_LABELS[stage])
    row.closed_at = now
    row.closed_by_id = by.id
    db.session.flush()
    record("emulation.stage_closed", actor=by, details={"table_id": table.id, "stage": stage.value}, now=now)
    return row


@dataclass(frozen=True)
class Missing:
    """A unit whose entries of a stage were incomplete at its deadline (or are still, once it has passed)."""

    stage: ScoringStage
    unit: Unit  # the unit scored
    entered: int
    expected: int
    is_late: bool  # the deadline (or the stage's closing) has passed


def missing_entries(table: CriteriaTable, *, now: datetime) -> list[Missing]:
    """Return, for the self-score and the cross-check up to the open stage, the units not fully scored."""
    expected = len(table.items)
    counts = _counts(table)
    found: list[Missing] = []
    current = open_stage(table)
    for row in table.stages:
        if current is not None and row.position > current.position:
            break
        if row.stage in REVIEW_STAGES:  # the review re-enters only what it changes
            continue
        is_late = row.closed_at is not None or now > row.deadline_at
        for unit in members(table):
            entered = counts.get((row.id, unit.id), 0)
            if entered < expected:
                found.append(Missing(row, unit, entered, expected, is_late))
    return found


def _counts(table: CriteriaTable) -> dict[tuple[int, int], int]:
    query = (
        sa.select(Score.stage_id, Score.unit_id, sa.func.count())
        .join(ScoringStage, Score.stage_id == ScoringStage.id)
        .where(ScoringStage.table_id == table.id)
        .group_by(Score.stage_id, Score.unit_id)
    )
    return {(stage_id, unit_id): count for stage_id, unit_id, count in db.session.execute(query).tuples()}
