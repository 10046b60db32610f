"""The criteria table (bảng tiêu chí), its scoring stages, cross-check assignments, scores and evidence."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.auth.models import User
from voting.clusters.models import Cluster, Unit
from voting.extensions import db
from voting.models import enum_column

#: points are kept to two decimals (half and quarter points are common in the tables)
CENT = Decimal("0.01")


class Points(sa.types.TypeDecorator[Decimal]):
    """Points as a Decimal in Python, as whole hundredths in the database (exact on SQLite too)."""

    impl = sa.Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> int | None:
        return None if value is None else int((Decimal(value) * 100).to_integral_value())

    def process_result_value(self, value: int | None, dialect: Any) -> Decimal | None:
        return None if value is None else (Decimal(value) / 100).quantize(CENT)


class ItemKind(enum.StrEnum):
    """What an item of the table adds to the total."""

    CRITERION = "criterion"  # part of a section, scored up to its maximum
    BONUS = "bonus"  # điểm thưởng, added
    PENALTY = "penalty"  # điểm trừ, subtracted


class TieRuleKind(enum.StrEnum):
    """How a rule written in the table orders two units with the same total."""

    SECTION_HIGHER = "section_higher"  # the higher score in the named section ranks first
    CRITERION_HIGHER = "criterion_higher"  # the higher score on the named criterion ranks first
    BONUS_HIGHER = "bonus_higher"  # more bonus points rank first
    PENALTY_FEWER = "penalty_fewer"  # fewer penalty points rank first


class Stage(enum.StrEnum):
    """The scoring stages, in the order they happen."""

    SELF = "self"  # tự chấm: each unit scores itself
    CROSS = "cross"  # chấm chéo: the assigned unit checks another
    REVIEW = "review"  # the cluster's review agrees the score
    SECOND_REVIEW = "second_review"  # phúc tra: the second review of what was disputed


STAGE_ORDER = list(Stage)


class CriteriaTable(db.Model):  # type: ignore[name-defined,misc]
    """A cluster's criteria table for one year."""

    __tablename__ = "criteria_tables"
    __table_args__ = (sa.UniqueConstraint("cluster_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(sa.ForeignKey("clusters.id"), index=True)
    #: the emulation year scored
    year: Mapped[int]
    #: "Bảng tiêu chí chấm điểm thi đua năm 2016"
    title: Mapped[str] = mapped_column(sa.String(200))
    #: căn cứ: the rules and decisions the table rests on
    legal_basis: Mapped[str] = mapped_column(sa.Text, server_default="")
    #: set when scoring starts (naive UTC); from then on no item, section or rule changes
    locked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    cluster: Mapped[Cluster] = relationship()
    sections: Mapped[list[CriteriaSection]] = relationship(
        back_populates="table", order_by="CriteriaSection.position", cascade="all, delete-orphan"
    )
    items: Mapped[list[Criterion]] = relationship(
        back_populates="table", order_by="Criterion.position", cascade="all, delete-orphan"
    )
    tie_rules: Mapped[list[TieRule]] = relationship(order_by="TieRule.position", cascade="all, delete-orphan")
    stages: Mapped[list[ScoringStage]] = relationship(order_by="ScoringStage.position")

    @property
    def is_locked(self) -> bool:
        """Return whether scoring has started."""
        return self.locked_at is not None

    def __repr__(self) -> str:
        return f"<CriteriaTable {self.cluster_id} {self.year}>"


class CriteriaSection(db.Model):  # type: ignore[name-defined,misc]
    """A section (phần) of the table: "1. Công tác xây dựng Đảng"."""

    __tablename__ = "criteria_sections"
    __table_args__ = (sa.UniqueConstraint("table_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria_tables.id"), index=True)
    #: "1", "II": what the criteria codes start with and the tie rules name
    code: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(300))
    position: Mapped[int] = mapped_column(server_default="0")

    table: Mapped[CriteriaTable] = relationship(back_populates="sections")

    def __repr__(self) -> str:
        return f"<CriteriaSection {self.code}>"


class Criterion(db.Model):  # type: ignore[name-defined,misc]
    """An item of the table: a criterion of a section, or a bonus or penalty item with its own maximum."""

    __tablename__ = "criteria"
    __table_args__ = (
        sa.UniqueConstraint("table_id", "code"),
        sa.CheckConstraint("max_points > 0", name="max_positive"),
        sa.CheckConstraint(
            "(kind = 'criterion' AND section_id IS NOT NULL) OR (kind <> 'criterion' AND section_id IS NULL)",
            name="criteria_in_sections",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria_tables.id"), index=True)
    #: the section of a criterion; NULL for bonus and penalty items
    section_id: Mapped[int | None] = mapped_column(sa.ForeignKey("criteria_sections.id"), index=True)
    kind: Mapped[ItemKind] = mapped_column(enum_column(ItemKind, "item_kind"))
    #: "1.2", "T1" (thưởng), "TR1" (trừ); unique in the table
    code: Mapped[str] = mapped_column(sa.String(20))
    text: Mapped[str] = mapped_column(sa.Text)
    #: the most points the item gives (or, for a penalty, takes away)
    max_points: Mapped[Decimal] = mapped_column(Points())
    position: Mapped[int] = mapped_column(server_default="0")

    table: Mapped[CriteriaTable] = relationship(back_populates="items")
    section: Mapped[CriteriaSection | None] = relationship()

    def __repr__(self) -> str:
        return f"<Criterion {self.code} {self.kind.value}>"


class TieRule(db.Model):  # type: ignore[name-defined,misc]
    """One tie-break rule written in the table; applied in order, only these break a tie."""

    __tablename__ = "criteria_tie_rules"
    __table_args__ = (sa.UniqueConstraint("table_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria_tables.id"), index=True)
    #: 1, 2, ...: the first rule that separates two units decides
    position: Mapped[int]
    kind: Mapped[TieRuleKind] = mapped_column(enum_column(TieRuleKind, "tie_rule_kind"))
    #: the section or criterion code the rule names ("" for bonus and penalty rules)
    subject_code: Mapped[str] = mapped_column(sa.String(20), server_default="")

    def __repr__(self) -> str:
        return f"<TieRule {self.position} {self.kind.value} {self.subject_code}>"


class ScoringStage(db.Model):  # type: ignore[name-defined,misc]
    """One stage of a table's scoring with its deadline; it opens when the one before closes."""

    __tablename__ = "scoring_stages"
    __table_args__ = (sa.UniqueConstraint("table_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria_tables.id"), index=True)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, "scoring_stage"))
    #: 0 for the self-score, 1 for the cross-check, ...
    position: Mapped[int]
    #: entries after this moment (naive UTC) are refused and what is missing shows as late
    deadline_at: Mapped[datetime]
    #: when the chair closed the stage (naive UTC); NULL while open or not yet reached
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    table: Mapped[CriteriaTable] = relationship(back_populates="stages")

    def __repr__(self) -> str:
        return f"<ScoringStage {self.table_id} {self.stage.value}>"


class CrossCheck(db.Model):  # type: ignore[name-defined,misc]
    """An assignment by the chair: one unit checks (chấm chéo) another's self-score."""

    __tablename__ = "cross_checks"
    __table_args__ = (
        sa.UniqueConstraint("table_id", "checked_unit_id"),
        sa.CheckConstraint("checker_unit_id <> checked_unit_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria_tables.id"), index=True)
    checker_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    #: each unit is checked by one other unit
    checked_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    assigned_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    assigned_at: Mapped[datetime]

    checker: Mapped[Unit] = relationship(foreign_keys=[checker_unit_id])
    checked: Mapped[Unit] = relationship(foreign_keys=[checked_unit_id])

    def __repr__(self) -> str:
        return f"<CrossCheck {self.checker_unit_id}->{self.checked_unit_id}>"


class Score(db.Model):  # type: ignore[name-defined,misc]
    """One unit's points on one item at one stage, with the explanation; changes are audited."""

    __tablename__ = "emulation_scores"
    __table_args__ = (
        sa.UniqueConstraint("stage_id", "unit_id", "criterion_id"),
        sa.CheckConstraint("points >= 0", name="points_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("scoring_stages.id"), index=True)
    #: the unit scored
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id"), index=True)
    #: at most the item's maximum (the service holds it); a penalty's points are subtracted
    points: Mapped[Decimal] = mapped_column(Points())
    #: why: the self-score's evidence, the checker's remark, the review's reason for a different score
    explanation: Mapped[str] = mapped_column(sa.Text, server_default="")
    #: who entered it last, and when (naive UTC)
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    entered_at: Mapped[datetime]

    stage: Mapped[ScoringStage] = relationship()
    criterion: Mapped[Criterion] = relationship()
    entered_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Score {self.stage_id} unit={self.unit_id} {self.criterion_id}={self.points}>"


class Evidence(db.Model):  # type: ignore[name-defined,misc]
    """A file (PDF, JPEG or PNG) a unit attaches to its self-score on one item."""

    __tablename__ = "score_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(sa.ForeignKey("emulation_scores.id"), index=True)
    #: the name it was uploaded under (shown, never used as a path)
    filename: Mapped[str] = mapped_column(sa.String(200))
    #: decided from the file's first bytes, not from its name or the browser's word
    content_type: Mapped[str] = mapped_column(sa.String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime]

    score: Mapped[Score] = relationship()

    def __repr__(self) -> str:
        return f"<Evidence {self.filename}>"
