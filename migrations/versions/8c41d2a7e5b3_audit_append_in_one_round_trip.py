"""The audit log's append in one round trip (PostgreSQL)

Every audited action took the chain's advisory lock, read the last entry and inserted the new one:
three statements, one of them inside every ballot's cast. ``audit_append`` does the three in one
call. The caller passes the entry's canonical JSON up to its id (``voting.audit.services``: "id" is
the last of the sorted keys), so the function only appends the id, its closing brace and the previous
hash, and takes the SHA-256 of that: the same bytes ``entry_hash`` hashes, which ``verify`` checks.
A PL/pgSQL function's queries each take a fresh snapshot in READ COMMITTED, so the read after the
lock sees the entry of the transaction that held it before. SQLite serializes writers with BEGIN
IMMEDIATE and keeps its statements and its hashing in Python.

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
CREATE FUNCTION audit_append(
    lock_key bigint,
    p_conference_id integer,
    p_actor_id integer,
    p_actor_username varchar,
    p_action varchar,
    p_details varchar,
    p_created_at timestamp,
    p_payload_head text
) RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    last_id integer;
    last_hash varchar;
    new_id integer;
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT entry.id, entry.hash INTO last_id, last_hash
    FROM audit_entries AS entry ORDER BY entry.id DESC LIMIT 1;
    new_id := coalesce(last_id, 0) + 1;
    last_hash := coalesce(last_hash, repeat('0', 64));
    INSERT INTO audit_entries
        (id, conference_id, actor_id, actor_username, action, details, created_at, prev_hash, hash)
    VALUES (
        new_id, p_conference_id, p_actor_id, p_actor_username, p_action, p_details, p_created_at, last_hash,
        encode(sha256(convert_to(p_payload_head || new_id::text || '}' || last_hash, 'UTF8')), 'hex')
    );
    RETURN new_id;
END
$$
"""


DROP = "DROP FUNCTION audit_append(bigint, integer, integer, varchar, varchar, varchar, timestamp, text)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CREATE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DROP)
