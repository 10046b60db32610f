"""signed documents: versions, stored files per signature, signing keys; three document kinds

Revision ID: 330b8afc8d38
Revises: e1698f5e2eb7
Create Date: 2026-11-26 13:56:57.833330

Data: each existing document's bytes become version 1, file revision 0 (unsigned), with a new
verification code; the downgrade puts the newest file of the newest version back on the document.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "330b8afc8d38"
down_revision: str | Sequence[str] | None = "e1698f5e2eb7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signing_authorities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("sealed_key", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_authorities")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_signing_authorities_fingerprint")),
    )
    with op.batch_alter_table("signing_authorities", schema=None) as batch_op:
        batch_op.create_index(
            "uq_signing_authorities_one_active",
            ["is_active"],
            unique=True,
            postgresql_where=sa.text("is_active"),
            sqlite_where=sa.text("is_active"),
        )

    op.create_table(
        "signer_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("sealed_key", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["signing_authorities.id"],
            name=op.f("fk_signer_credentials_authority_id_signing_authorities"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_signer_credentials_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signer_credentials")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_signer_credentials_fingerprint")),
    )
    with op.batch_alter_table("signer_credentials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signer_credentials_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "uq_signer_credentials_one_active_per_user",
            ["user_id"],
            unique=True,
            postgresql_where=sa.text("is_active"),
            sqlite_where=sa.text("is_active"),
        )

    # Read the bytes first: SQLite's batch mode recreates `documents`, which must not be referenced yet.
    kept = _read_documents()
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("election_id", sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f("ck_documents_sha256_length"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_documents_document_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_documents_document_kind"),
            "kind IN ('conference_minutes', 'counting_minutes', 'handover_minutes')",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_documents_counting_has_election"),
            "(kind = 'counting_minutes') = (election_id IS NOT NULL)",
        )
        batch_op.drop_index(batch_op.f("ix_documents_sha256"))
        batch_op.drop_constraint(batch_op.f("uq_documents_conference_id_kind"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_documents_conference_id_kind_election_id"),
            ["conference_id", "kind", "election_id"],
        )
        batch_op.create_index(
            "uq_documents_one_per_kind",
            ["conference_id", "kind"],
            unique=True,
            postgresql_where=sa.text("election_id IS NULL"),
            sqlite_where=sa.text("election_id IS NULL"),
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_documents_election_id_elections"), "elections", ["election_id"], ["id"]
        )
        batch_op.drop_column("size")
        batch_op.drop_column("content")
        batch_op.drop_column("sha256")

    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("verify_code", sa.String(length=32), nullable=False),
        sa.Column("data_json", sa.Text(), server_default="{}", nullable=False),
        sa.Column("search_text", sa.Text(), server_default="", nullable=False),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_document_versions_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_document_versions_issued_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_versions")),
        sa.UniqueConstraint("document_id", "version", name=op.f("uq_document_versions_document_id_version")),
        sa.UniqueConstraint("verify_code", name=op.f("uq_document_versions_verify_code")),
    )
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_versions_document_id"), ["document_id"], unique=False)

    op.create_table(
        "document_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("signature_field", sa.String(length=40), nullable=True),
        sa.Column("signer_name", sa.String(length=120), server_default="", nullable=False),
        sa.Column("signer_title", sa.String(length=160), server_default="", nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("certificate_sha256", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "(revision = 0) = (signature_field IS NULL)", name=op.f("ck_document_files_signed_after_first")
        ),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_document_files_sha256_length")),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["users.id"], name=op.f("fk_document_files_signed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_document_files_version_id_document_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_files")),
        sa.UniqueConstraint("version_id", "revision", name=op.f("uq_document_files_version_id_revision")),
    )
    with op.batch_alter_table("document_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_files_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_files_version_id"), ["version_id"], unique=False)

    _write_versions_and_files(kept)


def downgrade() -> None:
    # The old schema knows only the conference minutes: the other kinds cannot go back.
    latest = _read_latest_files()
    with op.batch_alter_table("document_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_files_version_id"))
        batch_op.drop_index(batch_op.f("ix_document_files_sha256"))

    op.drop_table("document_files")
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_versions_document_id"))

    op.drop_table("document_versions")
    op.execute("DELETE FROM documents WHERE kind <> 'conference_minutes'")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sha256", sa.String(length=64), server_default="0" * 64, nullable=False)
        )
        batch_op.add_column(
            sa.Column("content", sa.LargeBinary(), server_default=sa.text("''"), nullable=False)
        )
        batch_op.add_column(sa.Column("size", sa.Integer(), server_default="0", nullable=False))
        batch_op.drop_constraint(batch_op.f("ck_documents_counting_has_election"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_documents_document_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_documents_document_kind"), "kind IN ('conference_minutes')"
        )
        batch_op.create_check_constraint(batch_op.f("ck_documents_sha256_length"), "length(sha256) = 64")
        batch_op.drop_constraint(batch_op.f("fk_documents_election_id_elections"), type_="foreignkey")
        batch_op.drop_index(
            "uq_documents_one_per_kind",
            postgresql_where=sa.text("election_id IS NULL"),
            sqlite_where=sa.text("election_id IS NULL"),
        )
        batch_op.drop_constraint(batch_op.f("uq_documents_conference_id_kind_election_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_documents_conference_id_kind"), ["conference_id", "kind"]
        )
        batch_op.create_index(batch_op.f("ix_documents_sha256"), ["sha256"], unique=False)
        batch_op.drop_column("election_id")

    _put_back_into_documents(latest)
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.alter_column("sha256", server_default=None)
        batch_op.alter_column("content", server_default=None)
        batch_op.alter_column("size", server_default=None)

    with op.batch_alter_table("signer_credentials", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_signer_credentials_one_active_per_user",
            postgresql_where=sa.text("is_active"),
            sqlite_where=sa.text("is_active"),
        )
        batch_op.drop_index(batch_op.f("ix_signer_credentials_user_id"))

    op.drop_table("signer_credentials")
    with op.batch_alter_table("signing_authorities", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_signing_authorities_one_active",
            postgresql_where=sa.text("is_active"),
            sqlite_where=sa.text("is_active"),
        )

    op.drop_table("signing_authorities")


def _read_documents() -> Sequence[sa.Row[Any]]:
    """Return each issued document's bytes and issue data."""
    return (
        op.get_bind()
        .execute(
            sa.text("SELECT id, sha256, size, content, issued_at, issued_by_id FROM documents ORDER BY id")
        )
        .fetchall()
    )


def _write_versions_and_files(rows: Sequence[sa.Row[Any]]) -> None:
    """Make each issued document's bytes its version 1, revision 0."""
    bind = op.get_bind()
    for doc_id, sha256, size, content, issued_at, issued_by_id in rows:
        bind.execute(
            sa.text(
                "INSERT INTO document_versions (document_id, version, reason, verify_code, data_json, "
                "search_text, slots, issued_at, issued_by_id) VALUES (:doc, 1, '', :code, '{}', '', '[]', "
                ":at, :by)"
            ),
            {"doc": doc_id, "code": secrets.token_urlsafe(12), "at": issued_at, "by": issued_by_id},
        )
        version_id = bind.execute(
            sa.text("SELECT id FROM document_versions WHERE document_id = :doc"), {"doc": doc_id}
        ).scalar_one()
        bind.execute(
            sa.text(
                "INSERT INTO document_files (version_id, revision, sha256, size, content, created_at, "
                "signer_name, signer_title) VALUES (:v, 0, :sha, :size, :content, :at, '', '')"
            ),
            {"v": version_id, "sha": sha256, "size": size, "content": content, "at": issued_at},
        )


def _read_latest_files() -> list[sa.Row[Any]]:
    """Return the newest file of the newest version of each conference minutes."""
    rows = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT v.document_id, f.sha256, f.size, f.content FROM document_files f "
                "JOIN document_versions v ON v.id = f.version_id JOIN documents d ON d.id = v.document_id "
                "WHERE d.kind = 'conference_minutes' ORDER BY v.document_id, v.version, f.revision"
            )
        )
        .fetchall()
    )
    return list({row[0]: row for row in rows}.values())


def _put_back_into_documents(latest: list[sa.Row[Any]]) -> None:
    """Put each conference minutes' newest file back on the document row."""
    bind = op.get_bind()
    for doc_id, sha256, size, content in latest:
        bind.execute(
            sa.text("UPDATE documents SET sha256 = :sha, size = :size, content = :content WHERE id = :id"),
            {"sha": sha256, "size": size, "content": content, "id": doc_id},
        )
