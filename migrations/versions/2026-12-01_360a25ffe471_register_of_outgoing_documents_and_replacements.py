"""Register of outgoing documents per cluster and calendar year; replacements instead of corrections.

Existing documents join the register of their conference's year (its day in Vietnam). Their printed
numbers stay as issued; where two conferences of one cluster in one calendar year both printed "01"
(what the register fixes), the later one's register position moves past the year's last number, so
every number given from now on differs from every number printed before.

Revision ID: 360a25ffe471
Revises: fef89f3b8f69
Create Date: 2026-12-01 07:23:51.893128

"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "360a25ffe471"
down_revision: str | Sequence[str] | None = "fef89f3b8f69"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


#: Vietnam's offset from UTC (no daylight saving since 1975), as voting.formatting.to_local applies it
VIETNAM = timedelta(hours=7)

documents = sa.table(
    "documents",
    sa.column("id", sa.Integer),
    sa.column("conference_id", sa.Integer),
    sa.column("sequence", sa.Integer),
    sa.column("issued_at", sa.DateTime),
    sa.column("cluster_id", sa.Integer),
    sa.column("register_year", sa.Integer),
)
conferences = sa.table(
    "conferences",
    sa.column("id", sa.Integer),
    sa.column("cluster_id", sa.Integer),
    sa.column("starts_at", sa.DateTime),
)


def register_positions(rows: list[sa.Row[tuple[int, int, int, int]]]) -> dict[int, tuple[int, int, int]]:
    """Return each document's (cluster, year, position): its own sequence unless taken earlier in the year."""
    used: dict[tuple[int, int], set[int]] = {}
    later: list[tuple[int, tuple[int, int]]] = []
    placed: dict[int, tuple[int, int, int]] = {}
    for document_id, cluster_id, year, sequence in rows:
        taken = used.setdefault((cluster_id, year), set())
        if sequence in taken:
            later.append((document_id, (cluster_id, year)))
        else:
            taken.add(sequence)
            placed[document_id] = (cluster_id, year, sequence)
    for document_id, key in later:
        position = max(used[key]) + 1
        used[key].add(position)
        placed[document_id] = (*key, position)
    return placed


def backfill() -> None:
    """Put every existing document into its cluster's register of its conference's year."""
    connection = op.get_bind()
    query = (
        sa.select(documents.c.id, conferences.c.cluster_id, conferences.c.starts_at, documents.c.sequence)
        .join(conferences, documents.c.conference_id == conferences.c.id)
        .order_by(documents.c.issued_at, documents.c.id)
    )
    rows = [
        (id_, cluster, (starts_at + VIETNAM).year, seq)
        for id_, cluster, starts_at, seq in connection.execute(query)
    ]
    for document_id, (cluster_id, year, position) in register_positions(rows).items():  # type: ignore[arg-type]
        connection.execute(
            documents.update()
            .where(documents.c.id == document_id)
            .values(cluster_id=cluster_id, register_year=year, sequence=position)
        )


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cluster_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("register_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("replaced_at", sa.DateTime(), nullable=True))
    backfill()
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.alter_column("cluster_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("register_year", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f("uq_documents_conference_id_kind_election_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_documents_conference_id_sequence"), type_="unique")
        batch_op.drop_index("uq_documents_one_per_kind")
        batch_op.create_index(batch_op.f("ix_documents_cluster_id"), ["cluster_id"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_documents_cluster_id_register_year_sequence"),
            ["cluster_id", "register_year", "sequence"],
        )
        batch_op.create_index(
            "uq_documents_one_per_election",
            ["conference_id", "kind", "election_id"],
            unique=True,
            postgresql_where=sa.text("election_id IS NOT NULL AND replaced_at IS NULL"),
            sqlite_where=sa.text("election_id IS NOT NULL AND replaced_at IS NULL"),
        )
        batch_op.create_index(
            "uq_documents_one_per_kind",
            ["conference_id", "kind"],
            unique=True,
            postgresql_where=sa.text("election_id IS NULL AND replaced_at IS NULL"),
            sqlite_where=sa.text("election_id IS NULL AND replaced_at IS NULL"),
        )
        batch_op.create_unique_constraint(batch_op.f("uq_documents_replaces_id"), ["replaces_id"])
        batch_op.create_check_constraint("replaces_another", "replaces_id <> id")
        batch_op.create_foreign_key(
            batch_op.f("fk_documents_cluster_id_clusters"), "clusters", ["cluster_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_documents_replaces_id_documents"), "documents", ["replaces_id"], ["id"]
        )


def downgrade() -> None:
    """Go back to per-conference numbering; refused while a replacement exists (its number would clash)."""
    connection = op.get_bind()
    if connection.scalar(sa.text("SELECT count(*) FROM documents WHERE replaces_id IS NOT NULL")):
        raise RuntimeError("Documents were replaced: per-conference numbering cannot hold them.")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_documents_replaces_id_documents"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_documents_cluster_id_clusters"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("ck_documents_replaces_another"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_documents_replaces_id"), type_="unique")
        batch_op.drop_index("uq_documents_one_per_kind")
        batch_op.drop_index("uq_documents_one_per_election")
        batch_op.drop_constraint(batch_op.f("uq_documents_cluster_id_register_year_sequence"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_documents_cluster_id"))
        batch_op.create_index(
            "uq_documents_one_per_kind",
            ["conference_id", "kind"],
            unique=True,
            postgresql_where=sa.text("election_id IS NULL"),
            sqlite_where=sa.text("election_id IS NULL"),
        )
        # every document of a conference sits in one register, so its sequences are distinct per conference
        batch_op.create_unique_constraint(
            batch_op.f("uq_documents_conference_id_sequence"), ["conference_id", "sequence"]
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_documents_conference_id_kind_election_id"),
            ["conference_id", "kind", "election_id"],
        )
        batch_op.drop_column("replaced_at")
        batch_op.drop_column("reason")
        batch_op.drop_column("replaces_id")
        batch_op.drop_column("register_year")
        batch_op.drop_column("cluster_id")
