"""API tokens: creating, revoking and resolving them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa

from voting.api.models import ApiToken
from voting.auth.models import User
from voting.extensions import db


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str, *, now: datetime) -> tuple[ApiToken, str]:
    """Create a token for *user*; return the record and the token, which is shown only once."""
    token = "ll_" + secrets.token_urlsafe(32)
    record = ApiToken(user_id=user.id, name=name.strip(), token_hash=_digest(token), created_at=now)
    db.session.add(record)
    db.session.flush()
    return record, token


def revoke_token(record: ApiToken, *, now: datetime) -> None:
    """Stop a token from authenticating."""
    if record.revoked_at is None:
        record.revoked_at = now
        db.session.flush()


def user_for_token(token: str) -> User | None:
    """Return the enabled user of a live token, or None."""
    record = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None))
    )
    if record is None or not record.user.is_enabled:
        return None
    return record.user
