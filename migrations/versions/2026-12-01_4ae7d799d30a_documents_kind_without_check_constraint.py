"""documents: the kind without a CHECK listing the kinds, and room for longer names

The kinds of document are the entries of voting/documents/kinds.py; a CHECK repeating their list
made every new kind a migration. The column keeps its values and stays NOT NULL; reading a kind
the code does not know raises LookupError. VARCHAR(20) becomes VARCHAR(40) for names such as
"emulation_review_minutes".

Revision ID: 4ae7d799d30a
Revises: b7c1e4a9f2d0
Create Date: 2026-12-01 01:41:48.020168

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "4ae7d799d30a"
down_revision: str | Sequence[str] | None = "b7c1e4a9f2d0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: the kinds the dropped CHECK allowed, restored by the downgrade
KINDS_BEFORE = "kind IN ('conference_minutes', 'counting_minutes', 'handover_minutes')"


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_documents_document_kind"), type_="check")
        batch_op.alter_column(
            "kind", existing_type=sa.String(length=20), type_=sa.String(length=40), existing_nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.alter_column(
            "kind", existing_type=sa.String(length=40), type_=sa.String(length=20), existing_nullable=False
        )
        batch_op.create_check_constraint(batch_op.f("ck_documents_document_kind"), KINDS_BEFORE)
