"""Accounts: creation, password checks, login sessions, and ending an account's access."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from datetime import datetime

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from voting.auth.models import ApiToken, LoginSession, Role, User
from voting.clusters.models import Unit
from voting.errors import InvalidState
from voting.extensions import db
from voting.formatting import nfc
from voting.i18n import N_

#: argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 30 ms of one core, where
#: the library's default (64 MiB, 3 passes, 4 lanes) took 0.3-0.5 s, and a whole hall logs in at the
#: opening. Hashes made with other parameters still verify and are re-made at the next login.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
#: checked against when the username is unknown, so both cases take the same time
_DUMMY_HASH = _hasher.hash("not-a-password")

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
#: passwords refused whatever their length: the most guessed ones and this app's own words
COMMON_PASSWORDS = frozenset(
    """12345678 123456789 1234567890 password password1 matkhau matkhau1 qwertyuiop 11111111
    00000000 abc12345 iloveyou admin123 luanluu cumthidua congan123 hanoi123 vietnam123""".split()
)


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
    check_password_rules(password, username=username)
    if role is Role.REPRESENTATIVE and unit is None:
        raise InvalidState(N_("Đại biểu phải thuộc một đơn vị."))
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise InvalidState(N_("Tên đăng nhập %(username)s đã được dùng."), username=username)
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


def check_password_rules(password: str, *, username: str) -> None:
    """Refuse a password that is too short or long, has control characters or is easy to guess."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidState(N_("Mật khẩu cần ít nhất %(length)s ký tự."), length=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidState(N_("Mật khẩu dài quá %(length)s ký tự."), length=MAX_PASSWORD_LENGTH)
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in password):
        raise InvalidState(N_("Mật khẩu không được chứa ký tự điều khiển hoặc ký tự ẩn."))
    folded = password.casefold()
    if folded == username.casefold() or folded in COMMON_PASSWORDS or len(set(folded)) < 3:
        raise InvalidState(N_("Mật khẩu quá dễ đoán; hãy chọn mật khẩu khác."))


def change_password(account: User, current: str, new: str, *, keep_token: str | None, now: datetime) -> None:
    """Replace a password after checking the current one; end the account's other login sessions."""
    try:
        _hasher.verify(account.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise InvalidState(N_("Mật khẩu hiện tại không đúng.")) from None
    if new == current:
        raise InvalidState(N_("Mật khẩu mới phải khác mật khẩu hiện tại."))
    check_password_rules(new, username=account.username)
    account.password_hash = hash_password(new)
    end_access(account, now=now, keep_session=keep_token)


def end_access(account: User, *, now: datetime, keep_session: str | None = None) -> None:
    """End every login session (but *keep_session*, the browser asking) and revoke every API token.

    The one place that ends an account's access: a password change or reset, disabling the account
    and a change of role all call it, so none of them can forget a kind of credential.
    """
    ended = sa.update(LoginSession).where(LoginSession.user_id == account.id, LoginSession.ended_at.is_(None))
    if keep_session:
        ended = ended.where(LoginSession.token_hash != _token_hash(keep_session))
    db.session.execute(ended.values(ended_at=now))
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == account.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    db.session.flush()


def live_sessions(account: User) -> int:
    """Return how many browsers are logged in to the account."""
    query = sa.select(sa.func.count()).where(
        LoginSession.user_id == account.id, LoginSession.ended_at.is_(None)
    )
    return db.session.scalar(query) or 0


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(account: User, *, now: datetime) -> str:
    """Record a new login session and return its token (for the signed session cookie)."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(token_hash=_token_hash(token), user_id=account.id, started_at=now))
    db.session.flush()
    return token


def end_session(token: str | None, *, now: datetime) -> None:
    """End the login session with this token, if any."""
    if not token:
        return
    db.session.execute(
        sa.update(LoginSession)
        .where(LoginSession.token_hash == _token_hash(token), LoginSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    db.session.flush()


def live_session() -> sa.ColumnElement[bool]:
    """Return ``user_for_session``'s check as a condition on users (values: ``live_session_values``).

    For a statement that checks the login session and does its own work at once (the live pages' poll).
    """
    live = sa.exists().where(
        LoginSession.user_id == User.id,
        LoginSession.token_hash == sa.bindparam("session_token_hash"),
        LoginSession.ended_at.is_(None),
    )
    return sa.and_(User.id == sa.bindparam("session_user_id"), User.is_enabled, live)


def live_session_values(user_id: int, token: str) -> dict[str, object]:
    """Return the values ``live_session`` binds."""
    return {"session_user_id": user_id, "session_token_hash": _token_hash(token)}


#: built once, with bound values: every logged-in request runs it
_USER_OF_SESSION = sa.select(User).where(live_session())


def user_for_session(user_id: int, token: object) -> User | None:
    """Return the account of a live login session: one query checks the session and loads the account."""
    if not isinstance(token, str) or not token:
        return None
    return db.session.scalar(_USER_OF_SESSION, live_session_values(user_id, token))
