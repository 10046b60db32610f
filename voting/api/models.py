"""API tokens for programs that read the JSON API."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.auth.models import User
from voting.extensions import db


class ApiToken(db.Model):  # type: ignore[name-defined,misc]
    """A bearer token acting as its user with that user's role; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: what the token is for, e.g. "bảng tin phòng thi đua"
    name: Mapped[str] = mapped_column(sa.String(120))
    #: hex SHA-256 of the token; the token itself is shown once
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime]
    #: revoked tokens stay for the record but no longer authenticate
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.name}>"
