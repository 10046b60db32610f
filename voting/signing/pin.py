"""Counting a signer's PIN tries, so that guessing the PIN of a stored key is slow; every try is audited.

The tries live in the login throttle's table (``voting/auth/throttle.py``), under the signer's account
name and the client ``PIN_CLIENT``, which no browser address or device id can equal: every worker sees
the same count, a try is counted by one atomic upsert *before* the PIN is tried, and the administrator
sees and lifts the wait on the same screen as a login's. Five tries, then fifteen minutes, doubling
after each later wrong PIN. A PKCS#12 file's password is not counted: whoever holds the file can try
passwords offline anyway.
"""

from __future__ import annotations

from datetime import datetime

from voting.audit.services import record
from voting.auth.models import User
from voting.auth.throttle import Attempt, ThrottlePolicy, forget_attempts, reserve_attempt
from voting.errors import SigningRefused
from voting.extensions import db
from voting.formatting import to_local
from voting.i18n import N_
from voting.signing import pki
from voting.signing.services import credential_of

#: the throttle's client key for PIN tries (a login's is an address or "device:…")
PIN_CLIENT = "signing-pin"
#: at most five tries in any fifteen minutes
PIN_POLICY = ThrottlePolicy()


class PinLocked(SigningRefused):
    """Too many wrong PINs: the signer must wait."""

    status_code = 429


def reserve_pin_attempt(account: User, *, now: datetime) -> Attempt:
    """Count (and audit) a PIN try before the PIN is tried, or refuse it while the signer must wait."""
    attempt = reserve_attempt(account.username, PIN_CLIENT, now=now, policy=PIN_POLICY)
    record(
        "signing.pin_attempt",
        actor=account,
        now=now,
        details={"attempt": attempt.attempts, "allowed": attempt.is_allowed},
    )
    return attempt


def record_wrong_pin(account: User, attempt: Attempt, *, now: datetime) -> None:
    """Audit a PIN that did not open the signer's key."""
    record("signing.pin_wrong", actor=account, now=now, details={"attempt": attempt.attempts})


def forget_pin_attempts(account: User) -> None:
    """Forget the tries of a signer whose PIN has just opened the key."""
    forget_attempts(account.username, PIN_CLIENT)


def wait_refusal(attempt: Attempt, now: datetime) -> PinLocked:
    """Return the refusal of a try made while the signer must wait: how long, and until what time."""
    wait = attempt.wait(now)
    minutes = max(1, -(-int(wait.total_seconds()) // 60))
    return PinLocked(
        N_(
            "Đã nhập sai mã PIN %(count)s lần; để bảo vệ khóa ký, hãy thử lại sau %(until)s "
            "(khoảng %(minutes)s phút nữa), hoặc nhờ quản trị viên gỡ chặn."
        ),
        count=attempt.attempts,
        until=to_local(attempt.blocked_until or now).strftime("%H:%M"),
        minutes=minutes,
    )


def change_pin(account: User, old_pin: str, new_pin: str, *, now: datetime) -> None:
    """Seal the signer's key under a new PIN; the old one must open it (a wrong one raises WrongPin)."""
    credential = credential_of(account)
    if credential is None:
        raise SigningRefused(N_("Tài khoản này chưa có chứng thư số ký trong ứng dụng."))
    pki.check_pin(new_pin)
    key = pki.unseal_key(credential.sealed_key, old_pin)
    credential.sealed_key = pki.seal_key(key, new_pin)
    db.session.flush()
    record("signing.pin_changed", actor=account, now=now, details={"fingerprint": credential.fingerprint})
