"""encrypted ballots, partial decryptions and decrypted counts

A secret electronic round is now ENCRYPTED: its ballots are ciphertexts with proofs (no choice is
stored), the trustees' partial decryptions are kept with their proofs, and the decrypted count per
option is written once a quorum of them checked out. Legacy plaintext ballots stay where they are.

Revision ID: fef89f3b8f69
Revises: 77940e211ae8
Create Date: 2026-12-01 04:17:45.809777

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "fef89f3b8f69"
down_revision: str | Sequence[str] | None = "77940e211ae8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_rounds_round_method"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_rounds_round_method"), "method IN ('electronic', 'paper', 'encrypted')"
        )
    op.create_table(
        "decrypted_counts",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("option", sa.String(length=40), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.CheckConstraint("votes >= 0", name=op.f("ck_decrypted_counts_not_negative")),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_decrypted_counts_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("round_id", "option", name=op.f("pk_decrypted_counts")),
    )
    op.create_table(
        "encrypted_ballots",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("tracker", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("zero", sa.String(length=200), server_default="[]", nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_encrypted_ballots_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encrypted_ballots")),
        sa.UniqueConstraint("round_id", "tracker", name=op.f("uq_encrypted_ballots_round_id_tracker")),
    )
    op.create_table(
        "partial_decryptions",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("trustee_index", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("posted_by_id", sa.Integer(), nullable=False),
        sa.Column("posted_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("trustee_index >= 1", name=op.f("ck_partial_decryptions_index_positive")),
        sa.ForeignKeyConstraint(
            ["posted_by_id"], ["users.id"], name=op.f("fk_partial_decryptions_posted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_partial_decryptions_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("round_id", "trustee_index", name=op.f("pk_partial_decryptions")),
    )


def downgrade() -> None:
    op.drop_table("partial_decryptions")
    op.drop_table("encrypted_ballots")
    op.drop_table("decrypted_counts")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_rounds_round_method"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_rounds_round_method"), "method IN ('electronic', 'paper')"
        )
