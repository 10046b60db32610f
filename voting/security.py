"""Security headers (CSP with a nonce), HTTPS settings and refusal of input no column can hold."""

from __future__ import annotations

import os
import secrets
import unicodedata
from collections.abc import Callable
from typing import Any, TypeGuard, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

F = TypeVar("F", bound=Callable[..., Any])

HSTS = "max-age=31536000; includeSubDomains"
#: the largest id any table holds (PostgreSQL ``integer``); larger ids in a URL are simply not found
MAX_ID = 2**31 - 1


def embeddable(view: F) -> F:
    """Mark a view (the projector display) that may be framed by ``DISPLAY_FRAME_ANCESTORS``."""
    view.is_embeddable = True  # type: ignore[attr-defined]
    return view


def framed_by_self(view: F) -> F:
    """Mark a view (a PDF shown inline) that pages of this origin may frame."""
    view.is_framed_by_self = True  # type: ignore[attr-defined]
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
    if getattr(view, "is_framed_by_self", False):
        return "'self'"
    return "'none'"


def set_security_headers(response: Response) -> Response:
    """Add CSP, anti-framing, no-sniff, referrer and (with HTTPS) HSTS headers to every response."""
    ancestors = _frame_ancestors()
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce(), ancestors)
    if ancestors == "'none'":
        headers["X-Frame-Options"] = "DENY"
    elif ancestors == "'self'":
        headers["X-Frame-Options"] = "SAMEORIGIN"
        if response.mimetype == "application/pdf":
            # The browser's PDF viewer is a plugin: "object-src 'none'" would leave the frame blank.
            policy = headers["Content-Security-Policy"].replace("object-src 'none'", "object-src 'self'")
            headers["Content-Security-Policy"] = policy
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


def has_control_characters(text: str) -> bool:
    """Return whether *text* holds a control character (NUL, tab, newline, escape, DEL, C1)."""
    return any(unicodedata.category(char) == "Cc" for char in text)


def is_local_path(target: str | None) -> TypeGuard[str]:
    """Return whether *target* is a path on this site, safe to redirect to after a login.

    Only "/…" with no scheme and no host, and nothing a browser would drop or bend on the way: no
    backslash (read as "/"), no control, invisible or space character ("/<tab>/evil" becomes "//evil").
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(unicodedata.category(char)[0] in "CZ" for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def refuse_odd_input() -> None:
    """Answer 404 to ids no column can hold and 400 to control characters in the path and NUL elsewhere.

    Both before anything reaches the database: PostgreSQL refuses NUL in a text value with an error.
    """
    if has_control_characters(request.path):
        abort(400, _("Địa chỉ (URL) chứa ký tự điều khiển, không hợp lệ."))
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            abort(404)
    for values in (request.args, request.form):
        if any("\x00" in key + value for key, value in values.items(multi=True)):
            abort(400, _("Dữ liệu gửi lên chứa ký tự NUL, không hợp lệ."))


def init_app(app: Flask) -> None:
    """Configure HTTPS-only cookies, security headers and the refusal of odd input."""
    https = app.config.setdefault("HTTPS", os.environ.get("LUANLUU_HTTPS") == "1")
    if https:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    app.config.setdefault("DISPLAY_FRAME_ANCESTORS", os.environ.get("DISPLAY_FRAME_ANCESTORS", ""))
    app.before_request(refuse_odd_input)
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
