"""minutes approval by show of hands

Revision ID: 169d44391b43
Revises: 1b6311290ce9
Create Date: 2026-12-01 07:24:01.886901

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "169d44391b43"
down_revision: str | Sequence[str] | None = "1b6311290ce9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "minutes_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.Column("agreed", sa.Integer(), nullable=False),
        sa.Column("disagreed", sa.Integer(), nullable=False),
        sa.Column("abstained", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("overrun_reason", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint(
            "agreed + disagreed + abstained <= present",
            name=op.f("ck_minutes_approvals_counts_within_present"),
        ),
        sa.CheckConstraint(
            "agreed >= 0 AND disagreed >= 0 AND abstained >= 0",
            name=op.f("ck_minutes_approvals_counts_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["conference_id"], ["conferences.id"], name=op.f("fk_minutes_approvals_conference_id_conferences")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_minutes_approvals_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_approvals")),
        sa.UniqueConstraint("conference_id", name=op.f("uq_minutes_approvals_conference_id")),
    )


def downgrade() -> None:
    op.drop_table("minutes_approvals")
