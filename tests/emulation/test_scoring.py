"""Scoring in stages: who enters what, when, within the maxima; assignments; audit; lateness (no client)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.emulation.helpers import DEADLINES, SELF_DEADLINE, WRITTEN_AT, item, self_score, started
from tests.factories import representative, staff
from voting.audit.models import AuditEntry
from voting.auth.models import Role
from voting.clusters.models import Cluster
from voting.emulation import evidence, scoring
from voting.emulation.models import CriteriaTable, CrossCheck, Evidence, Score, Stage
from voting.errors import InvalidInput, InvalidState, NotAssigned
from voting.extensions import db

PDF = b"%PDF-1.7\n%minh chung\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture
def cluster(make_cluster: Callable[..., Cluster]) -> Cluster:
    return make_cluster(units=4)


@pytest.fixture
def table(cluster: Cluster) -> CriteriaTable:
    return started(cluster)


def _scores() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Score)) or 0


def test_a_representative_self_scores_its_own_unit_only(cluster: Cluster, table: CriteriaTable) -> None:
    first, second = cluster.units[0], cluster.units[1]
    self_score(table, first, {"1.1": "9.5", "1.2": "7", "T1": "1"})
    assert _scores() == 3
    entries = [scoring.Entry(item(table, "1.1"), Decimal(5))]
    with pytest.raises(NotAssigned):
        scoring.enter_scores(table, Stage.SELF, second, entries, by=representative(first), now=WRITTEN_AT)
    assert _scores() == 3


def test_a_score_above_the_maximum_refuses_the_whole_sheet(cluster: Cluster, table: CriteriaTable) -> None:
    unit = cluster.units[0]
    entries = [
        scoring.Entry(item(table, "1.1"), Decimal(9)),
        scoring.Entry(item(table, "1.2"), Decimal("7.75")),
    ]
    with pytest.raises(InvalidInput, match="1.2 vượt quá điểm tối đa 7,5") as refused:
        scoring.enter_scores(table, Stage.SELF, unit, entries, by=representative(unit), now=WRITTEN_AT)
    assert refused.value.field == f"points_{item(table, '1.2').id}"
    assert _scores() == 0


def test_after_the_deadline_entries_are_refused_and_the_unit_shows_late(
    cluster: Cluster, table: CriteriaTable
) -> None:
    self_score(table, cluster.units[0], {"1.1": "9", "1.2": "7", "2.1": "9", "T1": "0", "TR1": "0"})
    with pytest.raises(InvalidState, match="quá hạn"):
        self_score(table, cluster.units[1], {"1.1": "9"}, now=SELF_DEADLINE + timedelta(minutes=1))
    missing = scoring.missing_entries(table, now=SELF_DEADLINE + timedelta(minutes=1))
    assert [(m.unit.name, m.entered, m.is_late) for m in missing] == [
        (unit.name, 0, True) for unit in cluster.units[1:]
    ]
    assert all(not m.is_late for m in scoring.missing_entries(table, now=WRITTEN_AT))


def test_cross_checks_are_assigned_by_the_chair_never_to_oneself(
    cluster: Cluster, table: CriteriaTable
) -> None:
    chair = staff(cluster, Role.CHAIR)
    a, b, c = cluster.units[:3]
    with pytest.raises(InvalidInput, match="không chấm chéo chính mình"):
        scoring.assign_cross_check(table, a, a, by=chair, now=WRITTEN_AT)
    with pytest.raises(NotAssigned):
        scoring.assign_cross_check(table, a, b, by=representative(a), now=WRITTEN_AT)
    scoring.assign_cross_check(table, a, b, by=chair, now=WRITTEN_AT)
    scoring.assign_cross_check(table, c, b, by=chair, now=WRITTEN_AT)  # reassigned
    assert [(x.checker_unit_id, x.checked_unit_id) for x in scoring.assignments(table)] == [(c.id, b.id)]


def test_the_database_refuses_a_unit_checking_itself(cluster: Cluster, table: CriteriaTable) -> None:
    unit = cluster.units[0]
    chair = staff(cluster, Role.CHAIR)
    row = CrossCheck(
        table_id=table.id, checker_unit_id=unit.id, checked_unit_id=unit.id, assigned_by_id=chair.id
    )
    row.assigned_at = WRITTEN_AT
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(row)
        db.session.flush()


def _play_self_and_open_cross(cluster: Cluster, table: CriteriaTable) -> None:
    chair = staff(cluster, Role.CHAIR)
    a, b = cluster.units[:2]
    scoring.assign_cross_check(table, a, b, by=chair, now=WRITTEN_AT)
    self_score(table, b, {"1.1": "10", "1.2": "7", "2.1": "9"})
    scoring.close_stage(table, Stage.SELF, by=chair, now=WRITTEN_AT)


def test_only_the_assigned_unit_cross_checks(cluster: Cluster, table: CriteriaTable) -> None:
    _play_self_and_open_cross(cluster, table)
    a, b, c = cluster.units[:3]
    entries = [scoring.Entry(item(table, "1.1"), Decimal(8), "Thiếu minh chứng")]
    with pytest.raises(NotAssigned, match="không được phân công"):
        scoring.enter_scores(table, Stage.CROSS, b, entries, by=representative(c), now=WRITTEN_AT)
    with pytest.raises(NotAssigned):
        scoring.enter_scores(table, Stage.CROSS, b, entries, by=representative(b), now=WRITTEN_AT)
    scoring.enter_scores(table, Stage.CROSS, b, entries, by=representative(a), now=WRITTEN_AT)
    with pytest.raises(InvalidState, match="Tự chấm không mở"):  # the self-score closed
        self_score(table, b, {"1.1": "9"})
    with pytest.raises(InvalidState, match="không đổi phân công"):
        scoring.assign_cross_check(table, c, b, by=staff(cluster, Role.CHAIR), now=WRITTEN_AT)


def test_the_review_explains_a_disagreement_and_every_change_is_audited(
    cluster: Cluster, table: CriteriaTable
) -> None:
    _play_self_and_open_cross(cluster, table)
    chair = staff(cluster, Role.CHAIR)
    a, b = cluster.units[:2]
    cross = [scoring.Entry(item(table, "1.1"), Decimal(8), "Thiếu minh chứng")]
    scoring.enter_scores(table, Stage.CROSS, b, cross, by=representative(a), now=WRITTEN_AT)
    scoring.close_stage(table, Stage.CROSS, by=chair, now=WRITTEN_AT)
    with pytest.raises(NotAssigned):
        scoring.enter_scores(
            table,
            Stage.REVIEW,
            b,
            [scoring.Entry(item(table, "1.1"), Decimal(9))],
            by=representative(b),
            now=WRITTEN_AT,
        )
    with pytest.raises(InvalidInput, match="khác điểm trước \\(8\\); ghi rõ lý do"):
        scoring.enter_scores(
            table, Stage.REVIEW, b, [scoring.Entry(item(table, "1.1"), Decimal(9))], by=chair, now=WRITTEN_AT
        )
    agreed = scoring.Entry(item(table, "1.1"), Decimal(9), "Đơn vị bổ sung minh chứng tại hội nghị")
    scoring.enter_scores(
        table,
        Stage.REVIEW,
        b,
        [agreed, scoring.Entry(item(table, "1.2"), Decimal(7))],
        by=chair,
        now=WRITTEN_AT,
    )
    changed = scoring.Entry(item(table, "1.1"), Decimal("9.5"), "Sửa theo biên bản")
    scoring.enter_scores(table, Stage.REVIEW, b, [changed], by=chair, now=WRITTEN_AT + timedelta(minutes=5))
    log = db.session.execute(
        sa.select(AuditEntry.actor_username, AuditEntry.details, AuditEntry.created_at)
        .where(AuditEntry.action == "emulation.score_entered")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert log is not None
    assert log.actor_username == chair.username and log.created_at == WRITTEN_AT + timedelta(minutes=5)
    assert (
        '"points":"9.50"' in log.details
        and '"previous":"9.00"' in log.details
        and '"stage":"review"' in log.details
    )


def test_stages_close_in_order(cluster: Cluster, table: CriteriaTable) -> None:
    chair = staff(cluster, Role.CHAIR)
    with pytest.raises(InvalidState, match="Chấm chéo không đang mở"):
        scoring.close_stage(table, Stage.CROSS, by=chair, now=WRITTEN_AT)
    for stage in Stage:
        assert scoring.open_stage(table) is scoring.stage_of(table, stage)
        scoring.close_stage(table, stage, by=chair, now=WRITTEN_AT)
    assert scoring.open_stage(table) is None
    assert set(DEADLINES) == {row.stage for row in table.stages}


def test_evidence_is_checked_by_its_first_bytes_and_size(cluster: Cluster, table: CriteriaTable) -> None:
    unit = cluster.units[0]
    self_score(table, unit, {"1.1": "9"})
    score = db.session.scalar(sa.select(Score))
    assert score is not None
    rep = representative(unit)
    added = evidence.attach_evidence(score, "C:\\bao cao\\quyết định.pdf", PDF, by=rep, now=WRITTEN_AT)
    assert (added.filename, added.content_type, added.size) == ("quyết định.pdf", "application/pdf", len(PDF))
    evidence.attach_evidence(score, "anh.png", PNG, by=rep, now=WRITTEN_AT)
    with pytest.raises(InvalidInput, match="PDF, JPEG hoặc PNG"):
        evidence.attach_evidence(score, "trick.pdf", b"MZ\x90\0 not a pdf", by=rep, now=WRITTEN_AT)
    with pytest.raises(InvalidInput, match="quá lớn"):
        evidence.attach_evidence(score, "big.pdf", PDF + b"\0" * 100, by=rep, now=WRITTEN_AT, max_bytes=64)
    with pytest.raises(NotAssigned):
        evidence.attach_evidence(score, "x.pdf", PDF, by=representative(cluster.units[1]), now=WRITTEN_AT)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evidence)) == 2
