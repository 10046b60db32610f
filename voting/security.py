"""Security headers (CSP with a nonce), HTTPS settings, login throttling and server-side session checks."""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, render_template, request, session
from flask_babel import gettext as _
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.wrappers import Response

from voting.auth.models import User
from voting.auth.services import user_for_session
from voting.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])

#: counts failed logins; the storage is per process unless RATELIMIT_STORAGE_URI names a shared one
limiter = Limiter(key_func=get_remote_address)

#: failed logins allowed for one account, and from one address, before a lock-out
LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
LOGIN_LIMIT_PER_ADDRESS = "20 per 15 minutes"
#: the session key holding the server-side login session token
SESSION_ID_FIELD = "sid"

HSTS = "max-age=31536000; includeSubDomains"
#: the largest id any table holds (PostgreSQL ``integer``); larger ids in a URL are simply not found
MAX_ID = 2**31 - 1


def embeddable(view: F) -> F:
    """Mark a view (the projector display) that may be framed by ``DISPLAY_FRAME_ANCESTORS``."""
    view.is_embeddable = True  # type: ignore[attr-defined]
    return view


def csp_nonce() -> str:
    """Return this request's CSP nonce, for a ``<script nonce=…>`` or ``<style nonce=…>``."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return str(g.csp_nonce)


def content_security_policy(nonce: str, frame_ancestors: str) -> str:
    """Return the CSP: only this origin's files, and inline code only with the request's nonce."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def _frame_ancestors() -> str:
    """Return who may frame this response: nobody, except a display view when configured."""
    allowed = (current_app.config.get("DISPLAY_FRAME_ANCESTORS") or "").strip()
    view = current_app.view_functions.get(request.endpoint or "")
    if allowed and getattr(view, "is_embeddable", False):
        return allowed
    return "'none'"


def set_security_headers(response: Response) -> Response:
    """Add CSP, anti-framing, no-sniff, referrer and (with HTTPS) HSTS headers to every response."""
    ancestors = _frame_ancestors()
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce(), ancestors)
    if ancestors == "'none'":
        headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if response.mimetype == "text/html":
        # Pages show ballots and consoles: keep them out of shared and back-button caches.
        headers.setdefault("Cache-Control", "no-store")
    if current_app.config.get("HTTPS"):
        headers["Strict-Transport-Security"] = HSTS
    return response


def _account_key() -> str:
    """Return the rate-limit key of the account a login attempt names."""
    return "account:" + (request.form.get("username") or "").strip().casefold()[:64]


def _login_failed(response: Response) -> bool:
    """Return whether a login POST failed: a failed login shows the form again (200)."""
    return response.status_code == 200


def _lockout_message() -> str:
    return _("Đăng nhập sai quá nhiều lần. Việc đăng nhập tạm bị khóa; vui lòng thử lại sau ít phút.")


def throttle_login(view: F) -> F:
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
    return per_address(per_account(view))  # type: ignore[no-any-return]


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


def refuse_odd_input() -> None:
    """Answer 404 to ids no column can hold and 400 to NUL bytes, before they reach the database."""
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            abort(404)
    for values in (request.args, request.form):
        if any("\x00" in key + value for key, value in values.items(multi=True)):
            abort(400, _("Dữ liệu gửi lên chứa ký tự NUL, không hợp lệ."))


def load_user(user_id: str) -> User | None:
    """Load the account of the browser's login session, unless that session has ended on the server."""
    return user_for_session(int(user_id), session.get(SESSION_ID_FIELD)) if user_id.isdigit() else None


def check_login_session() -> None:
    """Forget the login of a browser whose server-side session has ended (logout, password change)."""
    if "_user_id" in session and not current_user.is_authenticated:
        session.clear()


def init_app(app: Flask) -> None:
    """Configure HTTPS-only cookies, the limiter, security headers and session checks."""
    https = app.config.setdefault("HTTPS", os.environ.get("LUANLUU_HTTPS") == "1")
    if https:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    app.config.setdefault("DISPLAY_FRAME_ANCESTORS", os.environ.get("DISPLAY_FRAME_ANCESTORS", ""))
    app.config.setdefault("LOGIN_LIMIT_PER_ACCOUNT", LOGIN_LIMIT_PER_ACCOUNT)
    app.config.setdefault("LOGIN_LIMIT_PER_ADDRESS", LOGIN_LIMIT_PER_ADDRESS)
    app.config.setdefault("RATELIMIT_STORAGE_URI", os.environ.get("RATELIMIT_STORAGE_URI", "memory://"))
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, too_many_requests)
    app.before_request(refuse_odd_input)
    login_manager.user_loader(load_user)
    app.before_request(check_login_session)
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
