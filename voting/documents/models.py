"""Issued documents: final bytes with their SHA-256."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.extensions import db
from voting.models import enum_column

if TYPE_CHECKING:
    from voting.conferences.models import Conference


class DocumentKind(enum.StrEnum):
    """The kinds of minutes a conference produces."""

    CONFERENCE_MINUTES = "conference_minutes"

    @property
    def label(self) -> str:
        """Return the Vietnamese name of the document."""
        return {DocumentKind.CONFERENCE_MINUTES: "Biên bản hội nghị"}[self]


class Document(db.Model):  # type: ignore[name-defined,misc]
    """An issued PDF, stored once and never regenerated."""

    __tablename__ = "documents"
    __table_args__ = (
        sa.UniqueConstraint("conference_id", "kind"),
        sa.UniqueConstraint("conference_id", "sequence"),
        sa.CheckConstraint("length(sha256) = 64", name="sha256_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(sa.ForeignKey("conferences.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, "document_kind"))
    #: position in the conference's numbering: 1 gives "01/BB-CTĐ4"
    sequence: Mapped[int]
    #: the number printed on the document: "01/BB-CTĐ4"
    number: Mapped[str] = mapped_column(sa.String(40))
    filename: Mapped[str] = mapped_column(sa.String(160))
    #: hex SHA-256 of ``content``
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int]
    #: the exact bytes handed out, loaded only when downloaded
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    #: naive UTC
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    conference: Mapped[Conference] = relationship()

    def __repr__(self) -> str:
        return f"<Document {self.number}>"
