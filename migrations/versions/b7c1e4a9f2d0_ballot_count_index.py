"""ballots: one covering index for counting a round

Counting a round groups its ballots by choice; an index on (round_id, choice_unit_id, is_against)
answers that from the index alone (no table reads, no temporary B-tree) and still serves every
lookup by round, so it replaces ix_ballots_round_id.

Revision ID: b7c1e4a9f2d0
Revises: d336b9a9cb73
Create Date: 2026-11-26 14:30:00.000000

"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "b7c1e4a9f2d0"
down_revision: str | Sequence[str] | None = "d336b9a9cb73"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ballots_round_id_choice_unit_id_is_against",
            ["round_id", "choice_unit_id", "is_against"],
            unique=False,
        )
        batch_op.drop_index("ix_ballots_round_id")


def downgrade() -> None:
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.create_index("ix_ballots_round_id", ["round_id"], unique=False)
        batch_op.drop_index("ix_ballots_round_id_choice_unit_id_is_against")
