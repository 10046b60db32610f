"""archive full-text search (folded search_text, PostgreSQL GIN tsvector, SQLite FTS5) and order index

Revision ID: 5c1f0e2d7a90
Revises: 047001e3d161
Create Date: 2026-12-01 10:30:00.000000

The search column becomes folded text (no diacritics, đ as d) so that "hau can" finds "Hậu cần" on
both databases without PostgreSQL's unaccent extension. Downgrading drops the indexes but leaves the
text folded (the diacritics cannot be put back; the old LIKE search then needs folded queries).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "5c1f0e2d7a90"
down_revision: str | Sequence[str] | None = "047001e3d161"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    # external content: the text stays in document_versions, FTS5 keeps only the index
    "CREATE VIRTUAL TABLE document_search USING fts5(search_text, content='document_versions', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER document_search_ai AFTER INSERT ON document_versions BEGIN "
    "INSERT INTO document_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER document_search_ad AFTER DELETE ON document_versions BEGIN "
    "INSERT INTO document_search(document_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER document_search_au AFTER UPDATE OF search_text ON document_versions BEGIN "
    "INSERT INTO document_search(document_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO document_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO document_search(document_search) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS document_search_au",
    "DROP TRIGGER IF EXISTS document_search_ad",
    "DROP TRIGGER IF EXISTS document_search_ai",
    "DROP TABLE IF EXISTS document_search",
]
POSTGRESQL_UP = [
    # stored, so that checking a row (walking the archive's order for a common word) reads the
    # vector instead of computing it again from the whole text
    "ALTER TABLE document_versions ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX ix_document_versions_search ON document_versions USING gin (search_vector)",
]
POSTGRESQL_DOWN = [
    "DROP INDEX IF EXISTS ix_document_versions_search",
    "ALTER TABLE document_versions DROP COLUMN IF EXISTS search_vector",
]


def fold(text: str) -> str:
    """Return *text* casefolded without diacritics, đ as d (voting.formatting.fold, frozen here)."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def upgrade() -> None:
    connection = op.get_bind()
    versions = sa.table("document_versions", sa.column("id", sa.Integer), sa.column("search_text", sa.Text))
    rows = connection.execute(sa.select(versions.c.id, versions.c.search_text)).all()
    changed = [{"row_id": id_, "text": fold(text)} for id_, text in rows if fold(text) != text]
    if changed:
        connection.execute(
            versions.update()
            .where(versions.c.id == sa.bindparam("row_id"))
            .values(search_text=sa.bindparam("text")),
            changed,
        )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_documents_archive_order", ["register_year", "cluster_id", "sequence"], unique=False
        )
    statements = SQLITE_UP if connection.dialect.name == "sqlite" else POSTGRESQL_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    statements = SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_DOWN
    for statement in statements:
        op.execute(statement)
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_archive_order")
