"""Login throttling and the server-side login session behind Flask-Login's cookie."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import Flask, current_app, render_template, request, session
from flask_babel import gettext as _
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.wrappers import Response

from voting.auth.models import User
from voting.auth.services import user_for_session
from voting.extensions import login_manager

P = ParamSpec("P")
R = TypeVar("R")

#: counts failed logins; the storage is per process unless RATELIMIT_STORAGE_URI names a shared one
limiter = Limiter(key_func=get_remote_address)

#: failed logins allowed for one account, and from one address, before a lock-out
LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
LOGIN_LIMIT_PER_ADDRESS = "20 per 15 minutes"
#: the session key holding the server-side login session token
SESSION_ID_FIELD = "sid"


def _account_key() -> str:
    """Return the rate-limit key of the account a login attempt names."""
    return "account:" + (request.form.get("username") or "").strip().casefold()[:64]


def _login_failed(response: Response) -> bool:
    """Return whether a login POST failed: a failed login shows the form again (200)."""
    return response.status_code == 200


def _lockout_message() -> str:
    # flask_babel is untyped: say what its gettext returns
    message: str = _("Đăng nhập sai quá nhiều lần. Việc đăng nhập tạm bị khóa; vui lòng thử lại sau ít phút.")
    return message


def throttle_login(view: Callable[P, R]) -> Callable[P, R]:
    """Limit failed logins per account and per address (only failures count)."""
    per_account = limiter.limit(
        lambda: str(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]),
        key_func=_account_key,
        methods=["POST"],
        deduct_when=_login_failed,
        error_message=_lockout_message,
    )
    per_address = limiter.limit(
        lambda: str(current_app.config["LOGIN_LIMIT_PER_ADDRESS"]),
        key_func=lambda: "address:" + get_remote_address(),
        methods=["POST"],
        deduct_when=_login_failed,
        error_message=_lockout_message,
    )
    return per_address(per_account(view))


def too_many_requests(error: RateLimitExceeded) -> tuple[str, int, dict[str, str]]:
    """Render the lock-out page with a readable message and a Retry-After header."""
    seconds = error.limit.limit.get_expiry() if error.limit is not None else 900
    minutes = max(1, math.ceil(seconds / 60))
    message = _(
        "Đăng nhập sai quá nhiều lần. Việc đăng nhập tạm bị khóa; vui lòng thử lại sau %(minutes)d phút.",
        minutes=minutes,
    )
    page = render_template("errors/error.html", code=429, title=_("Tạm khóa đăng nhập"), message=message)
    return page, 429, {"Retry-After": str(seconds)}


def load_user(user_id: str) -> User | None:
    """Load the account of the browser's login session, unless that session has ended on the server."""
    return user_for_session(int(user_id), session.get(SESSION_ID_FIELD)) if user_id.isdigit() else None


def check_login_session() -> None:
    """Forget the login of a browser whose server-side session has ended (logout, password change)."""
    if "_user_id" in session and not current_user.is_authenticated:
        session.clear()


def init_app(app: Flask) -> None:
    """Configure the login limiter and the check of each request's login session."""
    app.config.setdefault("LOGIN_LIMIT_PER_ACCOUNT", LOGIN_LIMIT_PER_ACCOUNT)
    app.config.setdefault("LOGIN_LIMIT_PER_ADDRESS", LOGIN_LIMIT_PER_ADDRESS)
    app.config.setdefault("RATELIMIT_STORAGE_URI", os.environ.get("RATELIMIT_STORAGE_URI", "memory://"))
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, too_many_requests)
    login_manager.user_loader(load_user)
    app.before_request(check_login_session)
