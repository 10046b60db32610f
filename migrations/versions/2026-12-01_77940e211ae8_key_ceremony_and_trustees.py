"""trustees: the key ceremony, its trustees and their encrypted shares

Only public values of the ceremony (docs/election-protocol.md): commitments with their proofs,
shares encrypted to each trustee, the election key. At most one ceremony that is not failed per
conference (a partial unique index); a failed one is kept for the record.

Revision ID: 77940e211ae8
Revises: 46b8cb4f7a4e
Create Date: 2026-12-01 04:15:47.976530

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "77940e211ae8"
down_revision: str | Sequence[str] | None = "46b8cb4f7a4e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "key_ceremonies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "collecting",
                "sharing",
                "confirming",
                "done",
                "failed",
                name="ceremony_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("cctx", sa.String(length=64), nullable=False),
        sa.Column("election_key", sa.String(length=64), nullable=True),
        sa.Column("key_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("failure", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint(
            "status <> 'done' OR (election_key IS NOT NULL AND key_fingerprint IS NOT NULL)",
            name=op.f("ck_key_ceremonies_done_has_key"),
        ),
        sa.CheckConstraint("threshold >= 1", name=op.f("ck_key_ceremonies_threshold_positive")),
        sa.ForeignKeyConstraint(
            ["conference_id"], ["conferences.id"], name=op.f("fk_key_ceremonies_conference_id_conferences")
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["users.id"], name=op.f("fk_key_ceremonies_started_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_ceremonies")),
    )
    with op.batch_alter_table("key_ceremonies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_key_ceremonies_conference_id"), ["conference_id"], unique=False)
        batch_op.create_index(
            "uq_key_ceremonies_one_live",
            ["conference_id"],
            unique=True,
            postgresql_where=sa.text("status <> 'failed'"),
            sqlite_where=sa.text("status <> 'failed'"),
        )

    op.create_table(
        "ceremony_shares",
        sa.Column("ceremony_id", sa.Integer(), nullable=False),
        sa.Column("from_index", sa.Integer(), nullable=False),
        sa.Column("to_index", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.CheckConstraint("from_index <> to_index", name=op.f("ck_ceremony_shares_not_to_self")),
        sa.ForeignKeyConstraint(
            ["ceremony_id"], ["key_ceremonies.id"], name=op.f("fk_ceremony_shares_ceremony_id_key_ceremonies")
        ),
        sa.PrimaryKeyConstraint("ceremony_id", "from_index", "to_index", name=op.f("pk_ceremony_shares")),
    )
    op.create_table(
        "ceremony_trustees",
        sa.Column("ceremony_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("phase1", sa.Text(), nullable=True),
        sa.Column("has_shared", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("confirmed_ok", sa.Boolean(), nullable=True),
        sa.Column("complaints", sa.String(length=255), server_default="", nullable=False),
        sa.Column("verification_key", sa.String(length=64), nullable=True),
        sa.CheckConstraint('"index" >= 1', name=op.f("ck_ceremony_trustees_index_positive")),
        sa.ForeignKeyConstraint(
            ["ceremony_id"],
            ["key_ceremonies.id"],
            name=op.f("fk_ceremony_trustees_ceremony_id_key_ceremonies"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_ceremony_trustees_user_id_users")),
        sa.PrimaryKeyConstraint("ceremony_id", "user_id", name=op.f("pk_ceremony_trustees")),
        sa.UniqueConstraint("ceremony_id", "index", name=op.f("uq_ceremony_trustees_ceremony_id_index")),
    )


def downgrade() -> None:
    op.drop_table("ceremony_trustees")
    op.drop_table("ceremony_shares")
    with op.batch_alter_table("key_ceremonies", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_key_ceremonies_one_live",
            postgresql_where=sa.text("status <> 'failed'"),
            sqlite_where=sa.text("status <> 'failed'"),
        )
        batch_op.drop_index(batch_op.f("ix_key_ceremonies_conference_id"))

    op.drop_table("key_ceremonies")
