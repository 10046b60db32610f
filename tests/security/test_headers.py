"""Security headers on every kind of response, HTTPS settings and upload size limits."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site
from tests.helpers import csrf_token
from voting import create_app
from voting.security import embeddable

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _directives(response: object) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]  # type: ignore[attr-defined]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def _closed(response: Any) -> Any:
    response.close()  # a static file is streamed; close it before the test ends
    return response


def _assert_hardened(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    csp = _directives(response)
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in csp[name] and "'unsafe-eval'" not in csp[name]
        assert re.search(r"'nonce-[A-Za-z0-9_-]{20,}'", csp[name])
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'"
    assert csp["default-src"] == "default-src 'self'"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # only with HTTPS configured


def test_every_kind_of_response_is_hardened(
    login: Callable[[str], FlaskClient], client: FlaskClient, site: Site
) -> None:
    chair = login(site.chair)
    for response in (
        client.get("/login"),
        _closed(client.get("/static/style.css")),
        client.get("/no-such-page"),
        client.post("/login", data={}),  # CSRF refusal
        chair.get(f"/conferences/{site.conference_id}/console"),
        chair.get(f"/conferences/{site.conference_id}/turnout"),
    ):
        _assert_hardened(response)
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_the_nonce_changes_on_every_response(client: FlaskClient) -> None:
    first, second = (_directives(client.get("/login"))["script-src"] for _ in range(2))
    assert first != second


def test_templates_have_no_inline_script_or_style() -> None:
    """With a strict CSP an inline script, style or handler would silently stop working."""
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        source = template.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)",
            r"<style(?![^>]*\bnonce=)",
            r"<[a-zA-Z][^>]*\sstyle=",
            r"<[a-zA-Z][^>]*\son[a-z]+=",
        ):
            if re.search(pattern, source):
                offenders.append(f"{template.relative_to(TEMPLATES)}: {pattern}")
    assert not offenders


def test_https_turns_on_hsts_and_secure_cookies(database_url: str, site: Site) -> None:
    secure = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-0123456789",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "HTTPS": True,
        }
    )
    browser = secure.test_client()
    response = browser.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in response.headers["Set-Cookie"]
    assert secure.config["SESSION_COOKIE_SECURE"] is True


def test_a_display_view_may_be_framed_only_when_configured(database_url: str) -> None:
    def build(ancestors: str) -> Flask:
        configured = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret-key-0123456789",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "DISPLAY_FRAME_ANCESTORS": ancestors,
            }
        )
        configured.add_url_rule("/_test_display", "test_display", embeddable(lambda: "display"))
        configured.add_url_rule("/_test_other", "test_other", lambda: "other")
        return configured

    closed = build("").test_client()
    assert "frame-ancestors 'none'" in closed.get("/_test_display").headers["Content-Security-Policy"]
    opened = build("https://hoitruong.example").test_client()
    display = opened.get("/_test_display")
    assert "frame-ancestors https://hoitruong.example" in display.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in display.headers
    assert "frame-ancestors 'none'" in opened.get("/_test_other").headers["Content-Security-Policy"]


BOUNDARY = "luanluu-test-boundary"


def _multipart(token: str, content: bytes) -> bytes:
    """Return a multipart body with a CSRF token and a file (built by hand: no temporary file to leak)."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="x.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{BOUNDARY}--\r\n".encode()


@pytest.mark.parametrize("size", [3 * 1024 * 1024, 12 * 1024 * 1024])
def test_every_request_body_has_a_size_limit(
    app: Flask, login: Callable[[str], FlaskClient], site: Site, size: int
) -> None:
    """MAX_CONTENT_LENGTH applies to every route, uploads included: too big is a readable 413."""
    assert 0 < app.config["MAX_CONTENT_LENGTH"] <= 25 * 1024 * 1024
    chair = login(site.chair)
    token = csrf_token(chair)
    for url in ("/login", f"/conferences/{site.conference_id}/minutes", "/password"):
        response = chair.post(
            url, data=_multipart(token, bytes(size)), content_type=f"multipart/form-data; boundary={BOUNDARY}"
        )
        assert response.status_code == 413, url
        assert "Tệp quá lớn" in response.get_data(as_text=True)


def test_nul_bytes_and_out_of_range_ids_are_refused_before_the_database(
    login: Callable[[str], FlaskClient], client: FlaskClient, site: Site
) -> None:
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": "chu\x00tri", "password": "x", "csrf_token": token})
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    assert client.get("/login?next=%00").status_code == 400
    chair = login(site.chair)
    for url in (
        f"/conferences/{2**31}/console",
        f"/conferences/{2**64}/console",
        "/documents/99999999999999999999/download",
    ):
        assert chair.get(url).status_code == 404, url
