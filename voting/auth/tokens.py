"""API tokens: creating, listing, revoking and resolving them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from voting.auth.models import ApiToken, User
from voting.errors import InvalidState
from voting.extensions import db
from voting.i18n import N_

#: a token lives this long unless asked otherwise: a year's conference season, with room to spare
DEFAULT_TOKEN_DAYS = 180
#: and never longer than this; a program that reads the API for years gets a new token now and then
MAX_TOKEN_DAYS = 730


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    user: User, name: str, *, now: datetime, days: int = DEFAULT_TOKEN_DAYS
) -> tuple[ApiToken, str]:
    """Create a token for *user* valid for *days*; return the record and the token, shown only once."""
    name = name.strip()
    if not name or len(name) > 120:
        raise InvalidState(N_("Tên mã truy cập cần từ 1 đến 120 ký tự."))
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidState(N_("Thời hạn mã truy cập từ 1 đến %(days)s ngày."), days=MAX_TOKEN_DAYS)
    token = "ll_" + secrets.token_urlsafe(32)
    record = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=_digest(token),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(record)
    db.session.flush()
    return record, token


def tokens_of(user: User | None = None) -> list[ApiToken]:
    """Return the tokens of one account (or of every account), newest first, revoked ones included."""
    query = sa.select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(query))


def revoke_token(record: ApiToken, *, now: datetime) -> None:
    """Stop a token from authenticating."""
    if record.revoked_at is None:
        record.revoked_at = now
        db.session.flush()


def user_for_token(token: str, *, now: datetime) -> User | None:
    """Return the enabled user of a live (neither revoked nor expired) token, or None."""
    record = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if record is None or not record.is_live(now) or not record.user.is_enabled:
        return None
    return record.user
