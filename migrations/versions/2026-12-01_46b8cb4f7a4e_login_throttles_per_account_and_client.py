"""login throttles per account and client, shared by every worker

Replaces the per-process counts of Flask-Limiter: one row per (account name, client) with the attempts
since the last success and the end of the current wait. Rows quiet for a day are purged by the app.

Revision ID: 46b8cb4f7a4e
Revises: 67e6d4f7fd81
Create Date: 2026-12-01 04:16:58.157936

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "46b8cb4f7a4e"
down_revision: str | Sequence[str] | None = "67e6d4f7fd81"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=80), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("first_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_login_throttles_attempts_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttles")),
        sa.UniqueConstraint("username", "client", name=op.f("uq_login_throttles_username_client")),
    )
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_throttles_last_attempt_at"), ["last_attempt_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttles_last_attempt_at"))

    op.drop_table("login_throttles")
