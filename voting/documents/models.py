"""Issued documents: numbered documents, their versions and every stored state of their bytes."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.conferences.models import Conference
from voting.documents.kinds import DocumentKind as DocumentKind  # the column's type, where callers find it
from voting.documents.kinds import kind_entry
from voting.elections.models import Election
from voting.extensions import db
from voting.i18n import N_, Translate, vietnamese
from voting.models import enum_column


def new_verify_code() -> str:
    """Return the random code of a version's verification link."""
    return secrets.token_urlsafe(12)


#: rows still in force: a replaced document keeps its row (and number) next to its replacement
IN_FORCE = "replaced_at IS NULL"


class Document(db.Model):  # type: ignore[name-defined,misc]
    """A numbered document of a conference ("01/BB-CTĐ4"); its bytes live in its versions' files."""

    __tablename__ = "documents"
    __table_args__ = (
        # the register of outgoing documents (Decree 30 Art 15.1): one number per issuing body and year
        sa.UniqueConstraint("cluster_id", "register_year", "sequence"),
        # the archive's order, read backwards (newest year, cluster and number first): its first page
        # reads a page of index entries instead of sorting every document
        sa.Index("ix_documents_archive_order", "register_year", "cluster_id", "sequence"),
        # one counting minutes per election, one conference and one handover minutes per conference
        # (election_id is NULL there), among the documents in force: a replacement may join its original
        sa.Index(
            "uq_documents_one_per_election",
            "conference_id",
            "kind",
            "election_id",
            unique=True,
            postgresql_where=sa.text(f"election_id IS NOT NULL AND {IN_FORCE}"),
            sqlite_where=sa.text(f"election_id IS NOT NULL AND {IN_FORCE}"),
        ),
        sa.Index(
            "uq_documents_one_per_kind",
            "conference_id",
            "kind",
            unique=True,
            postgresql_where=sa.text(f"election_id IS NULL AND {IN_FORCE}"),
            sqlite_where=sa.text(f"election_id IS NULL AND {IN_FORCE}"),
        ),
        sa.CheckConstraint("replaces_id <> id", name="replaces_another"),
        sa.CheckConstraint(
            "(kind = 'counting_minutes') = (election_id IS NOT NULL)", name="counting_has_election"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(sa.ForeignKey("conferences.id"), index=True)
    #: no CHECK lists the kinds: they are the entries of documents/kinds.py, and a new kind needs no
    #: migration; a stored kind the code does not know raises LookupError when the row is read
    kind: Mapped[DocumentKind] = mapped_column(
        enum_column(DocumentKind, "document_kind", length=40, checked=False)
    )
    #: the election a Biên bản kiểm phiếu records; NULL for the other kinds
    election_id: Mapped[int | None] = mapped_column(sa.ForeignKey("elections.id"))
    #: the issuing body whose register numbers the document (the conference's cluster)
    cluster_id: Mapped[int] = mapped_column(sa.ForeignKey("clusters.id"), index=True)
    #: the calendar year of the register: the year of the conference's day in Vietnam
    register_year: Mapped[int]
    #: position in the cluster's register of the year: 1 gives "01/BB-CTĐ4"
    sequence: Mapped[int]
    #: the number printed on the document: "01/BB-CTĐ4"
    number: Mapped[str] = mapped_column(sa.String(40))
    filename: Mapped[str] = mapped_column(sa.String(160))
    #: naive UTC, when the first version was issued
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: the document this one replaces (Decree 30 Art 18); at most one replacement per document
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"), unique=True)
    #: why this document replaces the one it names (empty for a first issue)
    reason: Mapped[str] = mapped_column(sa.Text, server_default="")
    #: naive UTC, when a replacement took this document's place; it stays downloadable and verifiable
    replaced_at: Mapped[datetime | None]

    conference: Mapped[Conference] = relationship()
    election: Mapped[Election | None] = relationship()
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.version"
    )
    replaces: Mapped[Document | None] = relationship(
        remote_side=[id], back_populates="replaced_by", foreign_keys=[replaces_id]
    )
    replaced_by: Mapped[Document | None] = relationship(back_populates="replaces", uselist=False)

    @property
    def is_replaced(self) -> bool:
        """Return whether a replacement took this document's place."""
        return self.replaced_at is not None

    @property
    def title(self) -> str:
        """Return the document's name as listed: "Biên bản kiểm phiếu bầu Cụm trưởng"."""
        return kind_entry(self.kind).title(self.election)

    @property
    def current_version(self) -> DocumentVersion:
        """Return the version in force (the newest one)."""
        return self.versions[-1]

    @property
    def current_file(self) -> DocumentFile:
        """Return the latest stored state of the version in force."""
        return self.current_version.latest_file

    @property
    def content(self) -> bytes:
        """Return the bytes handed out now: the current version with every signature so far."""
        return self.current_file.content

    @property
    def sha256(self) -> str:
        """Return the hex SHA-256 of ``content``."""
        return self.current_file.sha256

    @property
    def size(self) -> int:
        """Return the length of ``content``."""
        return self.current_file.size

    def __repr__(self) -> str:
        return f"<Document {self.number}>"


class DocumentVersion(db.Model):  # type: ignore[name-defined,misc]
    """One edition of a document: the first issue, or a correction that supersedes the one before."""

    __tablename__ = "document_versions"
    __table_args__ = (
        sa.UniqueConstraint("document_id", "version"),
        sa.CheckConstraint("(published_at IS NULL) = (published_by_id IS NULL)", name="published_by_someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    #: 1 for the first issue, 2 for the first correction, ...
    version: Mapped[int]
    #: why this version replaces the one before (empty for the first)
    reason: Mapped[str] = mapped_column(sa.Text, server_default="")
    #: the code in the verification link and QR code printed on every page
    verify_code: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_verify_code)
    #: the data the PDF was built from, as JSON (exported with the archive)
    data_json: Mapped[str] = mapped_column(sa.Text, server_default="{}")
    #: the texts of the data folded (casefolded, no diacritics, đ as d) for the archive's full-text search:
    #: PostgreSQL indexes it as the stored column search_vector (GIN), SQLite as an FTS5 table kept
    #: by triggers (documents/search.py); a batch migration rebuilding this table must recreate them
    search_text: Mapped[str] = mapped_column(sa.Text, server_default="")
    #: the signature blocks in signing order: field, label, name, title, user_id (or null), certify
    slots: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    #: naive UTC
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: set when a correction replaced this version (before replacements were documents); kept for old data
    superseded_at: Mapped[datetime | None]
    #: when and by whom the clerk applied the agency's signature and issued it ("Đã phát hành"), naive UTC
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    document: Mapped[Document] = relationship(back_populates="versions")
    files: Mapped[list[DocumentFile]] = relationship(
        back_populates="version", order_by="DocumentFile.revision"
    )

    @property
    def latest_file(self) -> DocumentFile:
        """Return the newest stored state (the one with the most signatures)."""
        return self.files[-1]

    @property
    def signatures(self) -> list[DocumentFile]:
        """Return the signed states, in signing order."""
        return [f for f in self.files if f.signature_field is not None]

    @property
    def next_slot(self) -> dict[str, Any] | None:
        """Return the signature block to sign next, or None when all are signed."""
        done = len(self.signatures)
        return self.slots[done] if done < len(self.slots) else None

    @property
    def is_superseded(self) -> bool:
        """Return whether this version is no longer in force: corrected, or its document replaced."""
        return self.superseded_at is not None or self.document.is_replaced

    @property
    def is_signed(self) -> bool:
        """Return whether every signature block is signed."""
        return self.next_slot is None

    @property
    def status(self) -> str:
        """Return the status in Vietnamese."""
        return self.status_in(vietnamese)

    def status_in(self, tr: Translate) -> str:
        """Return the status in *tr*'s language (pages pass ``gettext``)."""
        if self.is_superseded:
            return tr(N_("Đã bị thay thế"))
        if self.published_at is not None:
            return tr(N_("Đã phát hành"))
        if self.is_signed:
            return tr(N_("Đã ký đủ"))
        return tr(N_("Chờ ký (%(signed)s/%(slots)s)"), signed=len(self.signatures), slots=len(self.slots))

    def __repr__(self) -> str:
        return f"<DocumentVersion {self.document_id} v{self.version}>"


class DocumentFile(db.Model):  # type: ignore[name-defined,misc]
    """A stored state of a version: the unsigned PDF (revision 0), then one more per signature.

    Rows are only ever added: a signature appends an incremental update and stores the result.
    """

    __tablename__ = "document_files"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "revision"),
        sa.CheckConstraint("length(sha256) = 64", name="sha256_length"),
        sa.CheckConstraint("(revision = 0) = (signature_field IS NULL)", name="signed_after_first"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("document_versions.id"), index=True)
    #: 0 for the unsigned PDF, n after the n-th signature
    revision: Mapped[int]
    #: hex SHA-256 of ``content``
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int]
    #: the exact bytes, loaded only when needed
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    #: naive UTC
    created_at: Mapped[datetime]
    #: the signature field filled by this revision (NULL for revision 0)
    signature_field: Mapped[str | None] = mapped_column(sa.String(40))
    #: the signer as stamped; the account when one signed with its stored key
    signer_name: Mapped[str] = mapped_column(sa.String(120), server_default="")
    signer_title: Mapped[str] = mapped_column(sa.String(160), server_default="")
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: SHA-256 fingerprint of the signing certificate
    certificate_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    version: Mapped[DocumentVersion] = relationship(back_populates="files")

    def __repr__(self) -> str:
        return f"<DocumentFile {self.version_id}#{self.revision}>"
