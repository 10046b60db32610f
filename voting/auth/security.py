"""Login throttling (the Flask side: who the client is, what it is told) and the server-side login session.

The counting itself is ``voting.auth.throttle``, in the database that every worker shares. The client is
the request's address (``TRUSTED_PROXIES`` decides how many proxies' ``X-Forwarded-For`` entries are
believed, see ``voting.security``), or, for a browser that has logged in to the account before, that
browser: a signed cookie set at each login (OWASP's "device cookies"), so that guesses from the same
address (a hall behind one NAT) never make the account's owner wait on the device they always use.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, after_this_request, current_app, render_template, request, session
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from voting.auth.models import User
from voting.auth.services import user_for_session
from voting.auth.throttle import Attempt, ThrottlePolicy, throttle_username
from voting.extensions import login_manager
from voting.formatting import to_local

#: the session key holding the server-side login session token
SESSION_ID_FIELD = "sid"
#: the cookie naming this browser and the accounts it has logged in to (signed, sent to /login only)
DEVICE_COOKIE = "luanluu_device"
DEVICE_COOKIE_DAYS = 400  # the longest browsers keep a cookie
#: accounts a browser is remembered for (a shared desk computer)
DEVICE_ACCOUNTS = 8


def login_policy() -> ThrottlePolicy:
    """Return the app's login throttling policy."""
    policy: ThrottlePolicy = current_app.config["LOGIN_THROTTLE"]
    return policy


def _device_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt="luanluu-login-device")


def _device() -> dict[str, Any]:
    """Return this browser's signed device cookie ({"d": id, "u": [account keys]}), or an empty one."""
    try:
        value = _device_serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return {}
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("d"), str)
        or not isinstance(value.get("u"), list)
    ):
        return {}
    return value


def login_client(username: str) -> str:
    """Return who tries to log in to *username*: this browser if it logged in before, else its address."""
    device = _device()
    if throttle_username(username) in device.get("u", []):
        return f"device:{device['d']}"
    return request.remote_addr or "unknown"


def remember_device(username: str) -> None:
    """Remember, in this response's cookie, that this browser has logged in to *username*."""
    device = _device()
    key = throttle_username(username)
    accounts = [key, *(name for name in device.get("u", []) if name != key)][:DEVICE_ACCOUNTS]
    value = _device_serializer().dumps({"d": device.get("d") or secrets.token_urlsafe(12), "u": accounts})

    @after_this_request
    def set_cookie(response: Response) -> Response:
        response.set_cookie(
            DEVICE_COOKIE,
            value,
            max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
            path=request.script_root + request.path,  # /login only
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
        return response


def format_wait(wait: timedelta) -> str:
    """Return a wait in words, rounded up to the minute: "1 phút", "1 giờ 30 phút"."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = [ngettext("%(num)d giờ", "%(num)d giờ", hours)] if hours else []
    if minutes:
        parts.append(ngettext("%(num)d phút", "%(num)d phút", minutes))
    return " ".join(parts)


def wait_message(attempt: Attempt, now: datetime) -> str:
    """Return what a client that must wait is told: how long, and until what time."""
    until = to_local(attempt.blocked_until or now).strftime("%H:%M")
    message: str = _(
        "Đã nhập sai mật khẩu quá nhiều lần cho tài khoản này từ thiết bị này. "
        "Vui lòng thử lại sau %(wait)s (lúc %(until)s), đăng nhập từ thiết bị khác, "
        "hoặc nhờ quản trị viên gỡ chặn.",
        wait=format_wait(attempt.wait(now)),
        until=until,
    )
    return message


def tries_left_message(attempt: Attempt, now: datetime) -> str:
    """Return what the login form says after a failed attempt: the tries left, or the wait."""
    if attempt.tries_left == 0:
        return wait_message(attempt, now)
    message: str = ngettext(
        "Còn %(num)d lần thử; sau đó phải chờ %(wait)s mới được thử tiếp.",
        "Còn %(num)d lần thử; sau đó phải chờ %(wait)s mới được thử tiếp.",
        attempt.tries_left,
        wait=format_wait(login_policy().first_delay),
    )
    return message


def locked_out(attempt: Attempt, now: datetime) -> tuple[str, int, dict[str, str]]:
    """Render the page of a refused attempt: how long to wait (429 with ``Retry-After``)."""
    seconds = max(1, math.ceil(attempt.wait(now).total_seconds()))
    page = render_template(
        "errors/error.html", code=429, title=_("Tạm dừng đăng nhập"), message=wait_message(attempt, now)
    )
    return page, 429, {"Retry-After": str(seconds)}


def load_user(user_id: str) -> User | None:
    """Load the account of the browser's login session, unless that session has ended on the server."""
    return user_for_session(int(user_id), session.get(SESSION_ID_FIELD)) if user_id.isdigit() else None


def check_login_session() -> None:
    """Forget the login of a browser whose server-side session has ended (logout, password change)."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "checks_login_session", False):  # it does so in its own query (access.polled)
        return
    if "_user_id" in session and not current_user.is_authenticated:
        session.clear()


def session_claims() -> tuple[int, str] | None:
    """Return the (account id, login-session token) the signed session cookie claims, not yet checked."""
    user_id, token = session.get("_user_id"), session.get(SESSION_ID_FIELD)
    if not isinstance(user_id, str) or not user_id.isdigit() or not isinstance(token, str) or not token:
        return None
    return int(user_id), token


def init_app(app: Flask) -> None:
    """Configure the login throttle and the check of each request's login session."""
    app.config.setdefault("LOGIN_THROTTLE", ThrottlePolicy())
    login_manager.user_loader(load_user)
    app.before_request(check_login_session)
