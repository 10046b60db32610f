"""The organisation's root CA and the signers' certificates with their PIN-sealed keys."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.auth.models import User
from voting.extensions import db


class SigningAuthority(db.Model):  # type: ignore[name-defined,misc]
    """A root CA that issues signer certificates; exactly one is active."""

    __tablename__ = "signing_authorities"
    __table_args__ = (
        sa.Index(
            "uq_signing_authorities_one_active",
            "is_active",
            unique=True,
            postgresql_where=sa.text("is_active"),
            sqlite_where=sa.text("is_active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the CA certificate, PEM
    certificate_pem: Mapped[str] = mapped_column(sa.Text)
    #: the CA's private key sealed under the CA passphrase (never stored in clear)
    sealed_key: Mapped[str] = mapped_column(sa.Text)
    #: SHA-256 of the certificate (DER), hex
    fingerprint: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: naive UTC
    created_at: Mapped[datetime]
    is_active: Mapped[bool] = mapped_column(server_default=sa.true())

    def __repr__(self) -> str:
        return f"<SigningAuthority {self.fingerprint[:12]}>"


class SignerCredential(db.Model):  # type: ignore[name-defined,misc]
    """A user's signing certificate and private key sealed under the user's PIN."""

    __tablename__ = "signer_credentials"
    __table_args__ = (
        sa.Index(
            "uq_signer_credentials_one_active_per_user",
            "user_id",
            unique=True,
            postgresql_where=sa.text("is_active"),
            sqlite_where=sa.text("is_active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("signing_authorities.id"))
    #: the signer's certificate, PEM
    certificate_pem: Mapped[str] = mapped_column(sa.Text)
    #: the private key sealed under the signer's PIN (scrypt + AES-GCM)
    sealed_key: Mapped[str] = mapped_column(sa.Text)
    fingerprint: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: naive UTC
    issued_at: Mapped[datetime]
    #: a re-issued credential deactivates the one before; old ones stay for history
    is_active: Mapped[bool] = mapped_column(server_default=sa.true())
    #: naive UTC; set when the administrator revoked the certificate (its CA then issued a new CRL)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<SignerCredential {self.user_id} {self.fingerprint[:12]}>"


class ExternalCertificate(db.Model):  # type: ignore[name-defined,misc]
    """A certificate the administrator registered for a person who signs with their own token or tool."""

    __tablename__ = "external_certificates"
    __table_args__ = (sa.UniqueConstraint("user_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: the certificate as uploaded (.cer/.pem), stored as PEM
    certificate_pem: Mapped[str] = mapped_column(sa.Text)
    #: SHA-256 of the certificate (DER), hex: an upload signed with exactly this certificate matches
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    #: the subject and issuer as RFC 4514 strings, shown to the administrator and compared when
    #: ``matches_subject`` is set
    subject: Mapped[str] = mapped_column(sa.Text)
    issuer: Mapped[str] = mapped_column(sa.Text)
    #: the administrator confirmed these subject fields: a renewed certificate with the same subject
    #: from the same issuer matches too (it must still chain to the trust list)
    matches_subject: Mapped[bool] = mapped_column(server_default=sa.false())
    #: naive UTC
    registered_at: Mapped[datetime]
    registered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: naive UTC; a retired registration no longer matches, the row stays for history
    retired_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_active(self) -> bool:
        """Return whether uploads signed with this certificate may still match it."""
        return self.retired_at is None

    def __repr__(self) -> str:
        return f"<ExternalCertificate {self.user_id} {self.fingerprint[:12]}>"


class AgencyCertificate(db.Model):  # type: ignore[name-defined,misc]
    """The issuing body's certificate for a cluster's documents, and its seal image; the key stays in a token.

    The clerk (văn thư) signs with the key on a PKCS#11 token or HSM, or from a PKCS#12 file; the
    signature is accepted only from the key of this certificate. One is active per cluster.
    """

    __tablename__ = "agency_certificates"
    __table_args__ = (
        sa.Index(
            "uq_agency_certificates_one_active_per_cluster",
            "cluster_id",
            unique=True,
            postgresql_where=sa.text("is_active"),
            sqlite_where=sa.text("is_active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(sa.ForeignKey("clusters.id"), index=True)
    #: the agency's name as the stamp prints it ("Công an thành phố Hà Nội")
    agency_name: Mapped[str] = mapped_column(sa.String(160))
    #: the agency's certificate, PEM
    certificate_pem: Mapped[str] = mapped_column(sa.Text)
    #: SHA-256 of the certificate (DER), hex
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    #: the seal's image (red, transparent PNG, checked with Pillow); NULL: the stamp shows text only
    seal_png: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    #: naive UTC
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: a new certificate deactivates the one before; old ones stay for history
    is_active: Mapped[bool] = mapped_column(server_default=sa.true())

    def __repr__(self) -> str:
        return f"<AgencyCertificate {self.cluster_id} {self.fingerprint[:12]}>"


class SignatureImage(db.Model):  # type: ignore[name-defined,misc]
    """A signer's handwritten signature (a checked PNG) that their stamp shows, per Decree 30 Appendix I."""

    __tablename__ = "signature_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    #: the PNG as re-encoded after checking
    png: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    #: naive UTC
    uploaded_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"<SignatureImage {self.user_id}>"


class TrustedCertificate(db.Model):  # type: ignore[name-defined,misc]
    """A root or intermediate CA certificate on the trust list; retired ones stay for history."""

    __tablename__ = "trusted_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the certificate, PEM
    certificate_pem: Mapped[str] = mapped_column(sa.Text)
    #: SHA-256 of the certificate (DER), hex
    fingerprint: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: RFC 4514 subject and issuer, for people to read
    subject: Mapped[str] = mapped_column(sa.Text)
    issuer: Mapped[str] = mapped_column(sa.Text)
    #: naive UTC validity
    not_before: Mapped[datetime]
    not_after: Mapped[datetime]
    #: self-signed trust anchor (root) rather than an intermediate CA
    is_root: Mapped[bool] = mapped_column(server_default=sa.false())
    #: naive UTC; who added it (None: the migration or the in-app CA's creation from the CLI)
    added_at: Mapped[datetime]
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: naive UTC; a retired certificate is no longer trusted but kept
    retired_at: Mapped[datetime | None]
    retired_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])
    retired_by: Mapped[User | None] = relationship(foreign_keys=[retired_by_id])

    @property
    def is_active(self) -> bool:
        """Return whether the certificate is trusted now."""
        return self.retired_at is None

    def __repr__(self) -> str:
        return f"<TrustedCertificate {self.fingerprint[:12]}>"


class RevocationList(db.Model):  # type: ignore[name-defined,misc]
    """A CRL, imported by hand or issued by the in-app CA, checked against a trusted CA when stored."""

    __tablename__ = "revocation_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the CRL, DER
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    #: SHA-256 of the DER, hex; the same CRL is stored once
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: RFC 4514 issuer name
    issuer: Mapped[str] = mapped_column(sa.Text)
    #: the trust-list entry whose key signed it
    issuer_certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("trusted_certificates.id"), index=True)
    #: naive UTC, from the CRL
    this_update: Mapped[datetime]
    next_update: Mapped[datetime | None]
    #: how many certificates it lists
    revoked_count: Mapped[int] = mapped_column(server_default=sa.text("0"))
    #: naive UTC; who imported it (None: issued by the in-app CA from the CLI)
    imported_at: Mapped[datetime]
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    issuer_certificate: Mapped[TrustedCertificate] = relationship()
    imported_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<RevocationList {self.issuer} {self.this_update:%Y-%m-%d}>"
