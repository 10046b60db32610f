"""Emulation: criteria tables, scoring stages, cross-checks, scores and evidence

Points are stored as whole hundredths (voting.emulation.models.Points), exact on SQLite too.

Revision ID: a91d99898733
Revises: 5c1f0e2d7a90
Create Date: 2026-12-01 10:14:30.484639

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "a91d99898733"
down_revision: str | Sequence[str] | None = "5c1f0e2d7a90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "criteria_tables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("legal_basis", sa.Text(), server_default="", nullable=False),
        sa.Column("locked_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name=op.f("fk_criteria_tables_cluster_id_clusters")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_criteria_tables_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criteria_tables")),
        sa.UniqueConstraint("cluster_id", "year", name=op.f("uq_criteria_tables_cluster_id_year")),
    )
    with op.batch_alter_table("criteria_tables", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criteria_tables_cluster_id"), ["cluster_id"], unique=False)

    op.create_table(
        "criteria_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["table_id"], ["criteria_tables.id"], name=op.f("fk_criteria_sections_table_id_criteria_tables")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criteria_sections")),
        sa.UniqueConstraint("table_id", "code", name=op.f("uq_criteria_sections_table_id_code")),
    )
    with op.batch_alter_table("criteria_sections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criteria_sections_table_id"), ["table_id"], unique=False)

    op.create_table(
        "criteria_tie_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "section_higher",
                "criterion_higher",
                "bonus_higher",
                "penalty_fewer",
                name="tie_rule_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("subject_code", sa.String(length=20), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["table_id"], ["criteria_tables.id"], name=op.f("fk_criteria_tie_rules_table_id_criteria_tables")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criteria_tie_rules")),
        sa.UniqueConstraint("table_id", "position", name=op.f("uq_criteria_tie_rules_table_id_position")),
    )
    with op.batch_alter_table("criteria_tie_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criteria_tie_rules_table_id"), ["table_id"], unique=False)

    op.create_table(
        "cross_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("checker_unit_id", sa.Integer(), nullable=False),
        sa.Column("checked_unit_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("checker_unit_id <> checked_unit_id", name=op.f("ck_cross_checks_not_self")),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"], ["users.id"], name=op.f("fk_cross_checks_assigned_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["checked_unit_id"], ["units.id"], name=op.f("fk_cross_checks_checked_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["checker_unit_id"], ["units.id"], name=op.f("fk_cross_checks_checker_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["table_id"], ["criteria_tables.id"], name=op.f("fk_cross_checks_table_id_criteria_tables")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cross_checks")),
        sa.UniqueConstraint(
            "table_id", "checked_unit_id", name=op.f("uq_cross_checks_table_id_checked_unit_id")
        ),
    )
    with op.batch_alter_table("cross_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cross_checks_table_id"), ["table_id"], unique=False)

    op.create_table(
        "scoring_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "self",
                "cross",
                "review",
                "second_review",
                name="scoring_stage",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("deadline_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["users.id"], name=op.f("fk_scoring_stages_closed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["table_id"], ["criteria_tables.id"], name=op.f("fk_scoring_stages_table_id_criteria_tables")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_stages")),
        sa.UniqueConstraint("table_id", "stage", name=op.f("uq_scoring_stages_table_id_stage")),
    )
    with op.batch_alter_table("scoring_stages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scoring_stages_table_id"), ["table_id"], unique=False)

    op.create_table(
        "criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "criterion",
                "bonus",
                "penalty",
                name="item_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("max_points", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "(kind = 'criterion' AND section_id IS NOT NULL) OR (kind <> 'criterion' AND section_id IS NULL)",
            name=op.f("ck_criteria_criteria_in_sections"),
        ),
        sa.CheckConstraint("max_points > 0", name=op.f("ck_criteria_max_positive")),
        sa.ForeignKeyConstraint(
            ["section_id"], ["criteria_sections.id"], name=op.f("fk_criteria_section_id_criteria_sections")
        ),
        sa.ForeignKeyConstraint(
            ["table_id"], ["criteria_tables.id"], name=op.f("fk_criteria_table_id_criteria_tables")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criteria")),
        sa.UniqueConstraint("table_id", "code", name=op.f("uq_criteria_table_id_code")),
    )
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criteria_section_id"), ["section_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_criteria_table_id"), ["table_id"], unique=False)

    op.create_table(
        "emulation_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.Text(), server_default="", nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("points >= 0", name=op.f("ck_emulation_scores_points_not_negative")),
        sa.ForeignKeyConstraint(
            ["criterion_id"], ["criteria.id"], name=op.f("fk_emulation_scores_criterion_id_criteria")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["users.id"], name=op.f("fk_emulation_scores_entered_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"], ["scoring_stages.id"], name=op.f("fk_emulation_scores_stage_id_scoring_stages")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_emulation_scores_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emulation_scores")),
        sa.UniqueConstraint(
            "stage_id",
            "unit_id",
            "criterion_id",
            name=op.f("uq_emulation_scores_stage_id_unit_id_criterion_id"),
        ),
    )
    with op.batch_alter_table("emulation_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_emulation_scores_criterion_id"), ["criterion_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_emulation_scores_stage_id"), ["stage_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_emulation_scores_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "score_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("score_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["score_id"], ["emulation_scores.id"], name=op.f("fk_score_evidence_score_id_emulation_scores")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_score_evidence_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_evidence")),
    )
    with op.batch_alter_table("score_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_evidence_score_id"), ["score_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("score_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_evidence_score_id"))

    op.drop_table("score_evidence")
    with op.batch_alter_table("emulation_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emulation_scores_unit_id"))
        batch_op.drop_index(batch_op.f("ix_emulation_scores_stage_id"))
        batch_op.drop_index(batch_op.f("ix_emulation_scores_criterion_id"))

    op.drop_table("emulation_scores")
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criteria_table_id"))
        batch_op.drop_index(batch_op.f("ix_criteria_section_id"))

    op.drop_table("criteria")
    with op.batch_alter_table("scoring_stages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scoring_stages_table_id"))

    op.drop_table("scoring_stages")
    with op.batch_alter_table("cross_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cross_checks_table_id"))

    op.drop_table("cross_checks")
    with op.batch_alter_table("criteria_tie_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criteria_tie_rules_table_id"))

    op.drop_table("criteria_tie_rules")
    with op.batch_alter_table("criteria_sections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criteria_sections_table_id"))

    op.drop_table("criteria_sections")
    with op.batch_alter_table("criteria_tables", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criteria_tables_cluster_id"))

    op.drop_table("criteria_tables")
