"""The audit log: an append-only, hash-chained list of every state change."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from voting.extensions import db


class AuditEntry(db.Model):  # type: ignore[name-defined,misc]
    """One recorded action; ``hash`` covers the entry and the previous entry's hash."""

    __tablename__ = "audit_entries"

    #: assigned by the service under the chain lock (1, 2, 3, ...), part of the hash
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: the conference the action belongs to; NULL for actions outside one (a failed login)
    conference_id: Mapped[int | None] = mapped_column(sa.ForeignKey("conferences.id"), index=True)
    #: who acted; NULL for the system or an unknown person
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: the actor's login name as it was, kept even if the account changes
    actor_username: Mapped[str] = mapped_column(sa.String(64), server_default="")
    #: what happened, e.g. "round.closed"
    action: Mapped[str] = mapped_column(sa.String(40))
    #: canonical JSON of the details; never ballot content
    details: Mapped[str] = mapped_column(sa.Text, server_default="{}")
    #: naive UTC
    created_at: Mapped[datetime]
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    @property
    def details_dict(self) -> dict[str, Any]:
        """Return the details as a dictionary."""
        loaded = json.loads(self.details)
        return loaded if isinstance(loaded, dict) else {"value": loaded}

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action}>"
