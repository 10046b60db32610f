"""Absolute links as phones and printed documents reach the app: the configured public base URL."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request, url_for
from markupsafe import Markup

from voting.qr import qr_svg


def public_url(endpoint: str, **values: Any) -> str:
    """Return the absolute URL of *endpoint* under ``PUBLIC_BASE_URL``, whatever host the request used."""
    path = url_for(endpoint, **values)
    # PUBLIC_BASE_URL names the app's root as seen from outside, a path prefix included.
    root = request.script_root if has_request_context() else ""
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/") + path[len(root) :]


def join_url(conference_id: int) -> str:
    """Return the short link delegates type or scan to join a conference: ``<base>/j/<id>``."""
    return public_url("conferences.join", conference_id=conference_id)


def join_qr(conference_id: int, label: str) -> Markup:
    """Return the join link's QR code as inline SVG."""
    return qr_svg(join_url(conference_id), label=label)


def init_app(app: Flask) -> None:
    """Offer the public links to the templates."""
    app.add_template_global(public_url)
    app.add_template_global(join_url)
    app.add_template_global(join_qr)
