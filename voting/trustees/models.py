"""The key ceremony: who the trustees are, what they posted, and the election key it produced.

The protocol is docs/election-protocol.md ("luanluu-eg-1", after ElectionGuard's key ceremony and
Belenios' threshold mode). Only public values are stored here; each trustee's secret share stays in
their browser and never reaches the server.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.auth.models import User
from voting.conferences.models import Conference
from voting.extensions import db
from voting.i18n import N_
from voting.models import enum_column


class CeremonyStatus(enum.StrEnum):
    """Where a key ceremony stands: each phase waits for every trustee's post."""

    COLLECTING = "collecting"  # phase 1: commitments and communication keys
    SHARING = "sharing"  # phase 2: encrypted shares to each other trustee
    CONFIRMING = "confirming"  # phase 3: each trustee checks the shares it received
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        """Return the Vietnamese name of the status."""
        return STATUS_LABELS[self]

    @property
    def is_live(self) -> bool:
        """Return whether the ceremony still counts (not failed)."""
        return self is not CeremonyStatus.FAILED


STATUS_LABELS = {
    CeremonyStatus.COLLECTING: N_("Bước 1/3: những người giữ khóa công bố cam kết khóa"),
    CeremonyStatus.SHARING: N_("Bước 2/3: những người giữ khóa trao phần khóa mã hóa cho nhau"),
    CeremonyStatus.CONFIRMING: N_("Bước 3/3: những người giữ khóa kiểm tra phần khóa nhận được"),
    CeremonyStatus.DONE: N_("Đã tạo xong khóa bầu cử"),
    CeremonyStatus.FAILED: N_("Không thành công"),
}


class KeyCeremony(db.Model):  # type: ignore[name-defined,misc]
    """One attempt at making a conference's election key; a failed one is kept and a new one started."""

    __tablename__ = "key_ceremonies"
    __table_args__ = (
        # At most one ceremony that still counts per conference, held by the database.
        sa.Index(
            "uq_key_ceremonies_one_live",
            "conference_id",
            unique=True,
            postgresql_where=sa.text("status <> 'failed'"),
            sqlite_where=sa.text("status <> 'failed'"),
        ),
        sa.CheckConstraint("threshold >= 1", name="threshold_positive"),
        sa.CheckConstraint(
            "status <> 'done' OR (election_key IS NOT NULL AND key_fingerprint IS NOT NULL)",
            name="done_has_key",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(sa.ForeignKey("conferences.id"), index=True)
    #: k: how many trustees together decrypt a tally (fewer cannot)
    threshold: Mapped[int]
    status: Mapped[CeremonyStatus] = mapped_column(enum_column(CeremonyStatus, "ceremony_status"))
    #: SHA-256 hex of the ceremony's canonical description; every proof of the ceremony hashes it
    cctx: Mapped[str] = mapped_column(sa.String(64))
    #: H, the election public key (point hex); set when the ceremony is done
    election_key: Mapped[str | None] = mapped_column(sa.String(64))
    #: kfp, the key fingerprint every round's manifest names; set when the ceremony is done
    key_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    started_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: naive UTC
    started_at: Mapped[datetime]
    #: when it was done or failed (naive UTC)
    finished_at: Mapped[datetime | None]
    #: why it failed, in Vietnamese (a trustee's complaint)
    failure: Mapped[str] = mapped_column(sa.Text, server_default="")

    conference: Mapped[Conference] = relationship()
    started_by: Mapped[User] = relationship()
    trustees: Mapped[list[CeremonyTrustee]] = relationship(
        back_populates="ceremony", order_by="CeremonyTrustee.index"
    )

    @property
    def is_done(self) -> bool:
        """Return whether the election key is ready."""
        return self.status is CeremonyStatus.DONE

    def __repr__(self) -> str:
        return f"<KeyCeremony {self.id} {self.conference_id} {self.status.value}>"


class CeremonyTrustee(db.Model):  # type: ignore[name-defined,misc]
    """One trustee of a ceremony and the public values they posted."""

    __tablename__ = "ceremony_trustees"
    __table_args__ = (
        sa.UniqueConstraint("ceremony_id", "index"),
        sa.CheckConstraint('"index" >= 1', name="index_positive"),
    )

    ceremony_id: Mapped[int] = mapped_column(sa.ForeignKey("key_ceremonies.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    #: the trustee's number in the protocol, 1..n (the position in the ceremony's list + 1)
    index: Mapped[int]
    #: the phase-1 post (commitments, proofs, communication key) as canonical JSON; NULL until posted
    phase1: Mapped[str | None] = mapped_column(sa.Text)
    #: whether the trustee posted their encrypted shares (phase 2)
    has_shared: Mapped[bool] = mapped_column(server_default=sa.false())
    #: the phase-3 answer: NULL until posted, then whether every share received checked out
    confirmed_ok: Mapped[bool | None]
    #: the indices of the trustees whose shares failed this trustee's check, comma-separated
    complaints: Mapped[str] = mapped_column(sa.String(255), server_default="")
    #: V_j = s_j·G, the public key of the trustee's share (point hex); set when the ceremony is done
    verification_key: Mapped[str | None] = mapped_column(sa.String(64))

    ceremony: Mapped[KeyCeremony] = relationship(back_populates="trustees")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CeremonyTrustee {self.ceremony_id}/{self.index} user {self.user_id}>"


class CeremonyShare(db.Model):  # type: ignore[name-defined,misc]
    """A share of trustee ``from_index``'s secret, encrypted to trustee ``to_index``'s communication key."""

    __tablename__ = "ceremony_shares"
    __table_args__ = (sa.CheckConstraint("from_index <> to_index", name="not_to_self"),)

    ceremony_id: Mapped[int] = mapped_column(sa.ForeignKey("key_ceremonies.id"), primary_key=True)
    from_index: Mapped[int] = mapped_column(primary_key=True)
    to_index: Mapped[int] = mapped_column(primary_key=True)
    #: the phase-2 post {"from","to","Y","ct","mac"} as canonical JSON; readable only by the recipient
    payload: Mapped[str] = mapped_column(sa.Text)

    def __repr__(self) -> str:
        return f"<CeremonyShare {self.ceremony_id} {self.from_index}->{self.to_index}>"
