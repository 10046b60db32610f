"""Accounts and their roles."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.clusters.models import Unit
from voting.extensions import db
from voting.models import enum_column


class Role(enum.StrEnum):
    """What an account may do; one role per account."""

    ADMIN = "admin"
    CHAIR = "chair"
    SECRETARY = "secretary"
    REPRESENTATIVE = "representative"
    ARCHIVIST = "archivist"
    COUNTER = "counter"
    CLERK = "clerk"

    @property
    def label(self) -> str:
        """Return the Vietnamese name of the role."""
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Quản trị",
    Role.CHAIR: "Chủ trì (chủ tọa)",
    Role.SECRETARY: "Thư ký",
    Role.REPRESENTATIVE: "Đại biểu đơn vị",
    Role.ARCHIVIST: "Cán bộ lưu trữ",
    Role.COUNTER: "Thành viên Ban kiểm phiếu",
    Role.CLERK: "Văn thư",
}


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """A person who logs in."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role <> 'representative' OR unit_id IS NOT NULL", name="representative_has_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: login name, unique, compared case-sensitively
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: argon2 hash of the password
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    #: full name as printed in documents ("Đại tá Nguyễn Văn A" is name + title)
    full_name: Mapped[str] = mapped_column(sa.String(120))
    #: position, printed after the name ("Trưởng phòng")
    title: Mapped[str] = mapped_column(sa.String(120), server_default="")
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    #: the unit a representative speaks for (also the home unit of a chair or secretary)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    #: deactivated accounts cannot log in but stay referenced by history
    is_enabled: Mapped[bool] = mapped_column(server_default=sa.true())

    #: joined: the access checks of every representative's request read it
    unit: Mapped[Unit | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        """Return whether the account may log in."""
        return self.is_enabled

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"


class LoginSession(db.Model):  # type: ignore[name-defined,misc]
    """A browser's login, held on the server so that logout and password changes really end it."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 (hex) of the random token kept in the browser's signed session cookie
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: when the login happened (naive UTC)
    started_at: Mapped[datetime]
    #: when logout or a password change ended it (naive UTC); NULL while live
    ended_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<LoginSession {self.id} user={self.user_id} ended_at={self.ended_at}>"


class ApiToken(db.Model):  # type: ignore[name-defined,misc]
    """A bearer token for the JSON API, acting as its user with that user's role; only its hash is stored.

    Held with the account's other credentials, so that one function can end all of them
    (voting.auth.services.end_access).
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: what the token is for, e.g. "bảng tin phòng thi đua"
    name: Mapped[str] = mapped_column(sa.String(120))
    #: hex SHA-256 of the token; the token itself is shown once
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime]
    #: after this moment (naive UTC) the token no longer authenticates
    expires_at: Mapped[datetime]
    #: revoked tokens (by hand, or when the account's access ended) stay for the record but no longer
    #: authenticate
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def is_live(self, now: datetime) -> bool:
        """Return whether the token still authenticates at *now* (its account aside)."""
        return self.revoked_at is None and now < self.expires_at

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.name}>"


class LoginThrottle(db.Model):  # type: ignore[name-defined,misc]
    """Login attempts without a success for one account name from one client, shared by every worker."""

    __tablename__ = "login_throttles"
    __table_args__ = (
        sa.UniqueConstraint("username", "client"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the name typed, trimmed and case-folded; it need not be an account (guesses at names count too)
    username: Mapped[str] = mapped_column(sa.String(64))
    #: who tried: the client's address ("203.0.113.7"), or "device:<id>" for a browser that has logged in to
    #: this account before (its signed cookie), so that guesses from elsewhere never hold it back
    client: Mapped[str] = mapped_column(sa.String(80))
    #: attempts since the last success, the one being checked included (counted before the password is)
    attempts: Mapped[int] = mapped_column(server_default="0")
    #: the first and the latest attempt of the series (naive UTC)
    first_attempt_at: Mapped[datetime]
    last_attempt_at: Mapped[datetime] = mapped_column(index=True)
    #: no attempt is checked before this time (naive UTC); NULL while free attempts remain
    blocked_until: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<LoginThrottle {self.username} {self.client} {self.attempts} until={self.blocked_until}>"
