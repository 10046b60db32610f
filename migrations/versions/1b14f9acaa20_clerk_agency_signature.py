"""clerk role, agency certificates, signature images, published versions

The CHECK constraint behind the role enum gains 'clerk' (batch mode recreates it on SQLite);
a version is published by someone exactly when it has a publication time.

Revision ID: 1b14f9acaa20
Revises: 55a3333f1654
Create Date: 2026-12-01 07:21:10.641608

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "1b14f9acaa20"
down_revision: str | Sequence[str] | None = "55a3333f1654"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agency_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("agency_name", sa.String(length=160), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("seal_png", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name=op.f("fk_agency_certificates_cluster_id_clusters")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_agency_certificates_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_certificates")),
    )
    with op.batch_alter_table("agency_certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_certificates_cluster_id"), ["cluster_id"], unique=False)
        batch_op.create_index(
            "uq_agency_certificates_one_active_per_cluster",
            ["cluster_id"],
            unique=True,
            postgresql_where=sa.text("is_active"),
            sqlite_where=sa.text("is_active"),
        )

    op.create_table(
        "signature_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_signature_images_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signature_images")),
        sa.UniqueConstraint("user_id", name=op.f("uq_signature_images_user_id")),
    )
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("published_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_document_versions_published_by_id_users"), "users", ["published_by_id"], ["id"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_document_versions_published_by_someone"),
            "(published_at IS NULL) = (published_by_id IS NULL)",
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_users_role"),
            "role IN ('admin', 'chair', 'secretary', 'representative', 'archivist', 'counter', 'clerk')",
        )


def downgrade() -> None:
    # Clerks cannot exist under the old constraint: the downgrade fails on them rather than deleting them.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_users_role"),
            "role IN ('admin', 'chair', 'secretary', 'representative', 'archivist', 'counter')",
        )

    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_document_versions_published_by_someone"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_document_versions_published_by_id_users"), type_="foreignkey")
        batch_op.drop_column("published_by_id")
        batch_op.drop_column("published_at")

    op.drop_table("signature_images")
    with op.batch_alter_table("agency_certificates", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_agency_certificates_one_active_per_cluster",
            postgresql_where=sa.text("is_active"),
            sqlite_where=sa.text("is_active"),
        )
        batch_op.drop_index(batch_op.f("ix_agency_certificates_cluster_id"))

    op.drop_table("agency_certificates")
