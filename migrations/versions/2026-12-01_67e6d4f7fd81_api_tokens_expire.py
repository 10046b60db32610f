"""api tokens expire

Every API token gets an expiry (``expires_at``, NOT NULL): new ones 180 days by default, at most 730.
Tokens that exist at the upgrade get one year from their creation, but never less than 90 days from
the upgrade: no program reading the API loses its token without warning, and none keeps one forever.

Revision ID: 67e6d4f7fd81
Revises: 4ae7d799d30a
Create Date: 2026-12-01 04:21:30.012933

"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "67e6d4f7fd81"
down_revision: str | Sequence[str] | None = "4ae7d799d30a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: existing tokens: this long from their creation ...
LIFETIME = timedelta(days=365)
#: ... but at least this long from the upgrade
NOTICE = timedelta(days=90)

tokens = sa.table(
    "api_tokens",
    sa.column("id", sa.Integer),
    sa.column("created_at", sa.DateTime),
    sa.column("expires_at", sa.DateTime),
)


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
    connection = op.get_bind()
    earliest = datetime.now(UTC).replace(tzinfo=None) + NOTICE
    for token_id, created_at in connection.execute(sa.select(tokens.c.id, tokens.c.created_at)).all():
        expires_at = max(created_at + LIFETIME, earliest)
        connection.execute(tokens.update().where(tokens.c.id == token_id).values(expires_at=expires_at))
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column("expires_at", existing_type=sa.DateTime(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
