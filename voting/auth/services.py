"""Accounts: creation and password checks."""

from __future__ import annotations

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from voting.auth.models import Role, User
from voting.clusters.models import Unit
from voting.errors import InvalidState
from voting.extensions import db
from voting.formatting import nfc

_hasher = PasswordHasher()
#: checked against when the username is unknown, so both cases take the same time
_DUMMY_HASH = _hasher.hash("not-a-password")

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    """Return the argon2 hash of a password."""
    return _hasher.hash(password)


def create_user(
    username: str,
    password: str,
    *,
    full_name: str,
    role: Role,
    title: str = "",
    unit: Unit | None = None,
) -> User:
    """Create an account; representatives must belong to a unit."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidState(f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if role is Role.REPRESENTATIVE and unit is None:
        raise InvalidState("Đại biểu phải thuộc một đơn vị.")
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise InvalidState(f"Tên đăng nhập {username} đã được dùng.")
    user = User(
        username=username,
        password_hash=hash_password(password),
        full_name=nfc(full_name),
        title=nfc(title),
        role=role,
        unit=unit,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    """Return the enabled account matching the credentials, or None."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.is_enabled:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
