"""trust list, CRLs and revoked signer certificates; every in-app CA goes on the trust list

Revision ID: 047001e3d161
Revises: 1b14f9acaa20
Create Date: 2026-12-01 07:22:00.478246

"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

# revision identifiers, used by Alembic.
revision: str = "047001e3d161"
down_revision: str | Sequence[str] | None = "1b14f9acaa20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trusted_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("not_before", sa.DateTime(), nullable=False),
        sa.Column("not_after", sa.DateTime(), nullable=False),
        sa.Column("is_root", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.Column("retired_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_trusted_certificates_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["retired_by_id"], ["users.id"], name=op.f("fk_trusted_certificates_retired_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_certificates")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_trusted_certificates_fingerprint")),
    )
    op.create_table(
        "revocation_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("issuer_certificate_id", sa.Integer(), nullable=False),
        sa.Column("this_update", sa.DateTime(), nullable=False),
        sa.Column("next_update", sa.DateTime(), nullable=True),
        sa.Column("revoked_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["users.id"], name=op.f("fk_revocation_lists_imported_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["issuer_certificate_id"],
            ["trusted_certificates.id"],
            name=op.f("fk_revocation_lists_issuer_certificate_id_trusted_certificates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revocation_lists")),
        sa.UniqueConstraint("sha256", name=op.f("uq_revocation_lists_sha256")),
    )
    with op.batch_alter_table("revocation_lists", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_revocation_lists_issuer_certificate_id"), ["issuer_certificate_id"], unique=False
        )

    with op.batch_alter_table("signer_credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))

    _trust_in_app_authorities()


def _trust_in_app_authorities() -> None:
    """Put every in-app CA on the trust list: until now each one was trusted implicitly."""
    connection = op.get_bind()
    trusted = sa.table(
        "trusted_certificates",
        sa.column("certificate_pem", sa.Text),
        sa.column("fingerprint", sa.String),
        sa.column("subject", sa.Text),
        sa.column("issuer", sa.Text),
        sa.column("not_before", sa.DateTime),
        sa.column("not_after", sa.DateTime),
        sa.column("is_root", sa.Boolean),
        sa.column("added_at", sa.DateTime),
    )
    authorities_table = sa.table(
        "signing_authorities",
        sa.column("id", sa.Integer),
        sa.column("certificate_pem", sa.Text),
        sa.column("created_at", sa.DateTime),
    )
    authorities = connection.execute(
        sa.select(authorities_table.c.certificate_pem, authorities_table.c.created_at).order_by(
            authorities_table.c.id
        )
    ).all()
    for certificate_pem, created_at in authorities:
        cert = x509.load_pem_x509_certificate(certificate_pem.encode())
        connection.execute(
            trusted.insert().values(
                certificate_pem=certificate_pem,
                fingerprint=hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest(),
                subject=cert.subject.rfc4514_string(),
                issuer=cert.issuer.rfc4514_string(),
                not_before=cert.not_valid_before_utc.replace(tzinfo=None),
                not_after=cert.not_valid_after_utc.replace(tzinfo=None),
                is_root=cert.subject == cert.issuer,
                added_at=created_at,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("signer_credentials", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")

    with op.batch_alter_table("revocation_lists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revocation_lists_issuer_certificate_id"))

    op.drop_table("revocation_lists")
    op.drop_table("trusted_certificates")
