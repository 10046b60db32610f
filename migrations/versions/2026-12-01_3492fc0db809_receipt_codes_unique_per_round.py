"""Receipt codes unique per round

Receipts are only ever published per round, so a code needs to be unique there, not across every
ballot of every conference (40 bits: across a country's ballots over years a collision becomes
likely). A cast that draws a code taken in its round draws again. Downgrading fails if two rounds
have come to share a code.

Revision ID: 3492fc0db809
Revises: 3ef9eddc57ec
Create Date: 2026-12-01 14:45:48.923881

"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "3492fc0db809"
down_revision: str | Sequence[str] | None = "3ef9eddc57ec"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_ballots_receipt_code"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_ballots_round_id_receipt_code"), ["round_id", "receipt_code"]
        )


def downgrade() -> None:
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_ballots_round_id_receipt_code"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_ballots_receipt_code"), ["receipt_code"])
