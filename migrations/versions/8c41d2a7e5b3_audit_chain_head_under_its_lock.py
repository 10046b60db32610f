"""The audit chain's head read under its lock in one round trip (PostgreSQL)

Every audited action took the chain's advisory lock in one statement and read the last entry in a
second. ``audit_chain_head(lock_key)`` does both: a PL/pgSQL function's second query takes a fresh
snapshot in READ COMMITTED, so it sees the entry of the transaction that held the lock before.
SQLite serializes writers with ``BEGIN IMMEDIATE`` and keeps its plain read.

Revision ID: 8c41d2a7e5b3
Revises: 3492fc0db809
Create Date: 2026-12-01 17:00:00.000000

"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "8c41d2a7e5b3"
down_revision: str | Sequence[str] | None = "3492fc0db809"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CREATE = """
CREATE FUNCTION audit_chain_head(lock_key bigint)
RETURNS TABLE (last_id integer, last_hash varchar) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    -- a new snapshot, taken once the lock is held: the previous holder's entry is visible
    RETURN QUERY SELECT entry.id, entry.hash FROM audit_entries AS entry ORDER BY entry.id DESC LIMIT 1;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CREATE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_chain_head(bigint)")
