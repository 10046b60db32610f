"""delegates and minutes notes: the secretary's delegates under each unit, the discussion and conclusions

Issue 13: the minutes name the delegates present by name and title and record the report, the discussion
and the directing leader's conclusions as the secretary typed them during the meeting.

Revision ID: 55a3333f1654
Revises: 169d44391b43
Create Date: 2026-12-01 07:27:23.115623

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "55a3333f1654"
down_revision: str | Sequence[str] | None = "169d44391b43"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delegates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=255), server_default="", nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"], name=op.f("fk_delegates_added_by_id_users")),
        sa.ForeignKeyConstraint(
            ["conference_id"], ["conferences.id"], name=op.f("fk_delegates_conference_id_conferences")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_delegates_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegates")),
        sa.CheckConstraint("length(full_name) > 0", name=op.f("ck_delegates_full_name_not_empty")),
        sa.UniqueConstraint(
            "conference_id", "unit_id", "full_name", name=op.f("uq_delegates_conference_id_unit_id_full_name")
        ),
    )
    with op.batch_alter_table("delegates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delegates_conference_id"), ["conference_id"], unique=False)

    with op.batch_alter_table("conferences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discussion", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("conclusions", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("notes_saved_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conferences", schema=None) as batch_op:
        batch_op.drop_column("notes_saved_at")
        batch_op.drop_column("conclusions")
        batch_op.drop_column("discussion")

    with op.batch_alter_table("delegates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegates_conference_id"))

    op.drop_table("delegates")
