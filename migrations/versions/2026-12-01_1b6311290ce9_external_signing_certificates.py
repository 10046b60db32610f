"""External signing certificates: a person's own certificate, registered by the administrator.

Revision ID: 1b6311290ce9
Revises: 360a25ffe471
Create Date: 2026-12-01 07:21:29.521357

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "1b6311290ce9"
down_revision: str | Sequence[str] | None = "360a25ffe471"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "external_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("matches_subject", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("registered_by_id", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["registered_by_id"], ["users.id"], name=op.f("fk_external_certificates_registered_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_external_certificates_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_certificates")),
        sa.UniqueConstraint(
            "user_id", "fingerprint", name=op.f("uq_external_certificates_user_id_fingerprint")
        ),
    )
    with op.batch_alter_table("external_certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_external_certificates_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("external_certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_certificates_user_id"))

    op.drop_table("external_certificates")
