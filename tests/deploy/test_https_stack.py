"""The production stack of ``deploy/`` played through HTTPS in Chromium: nginx, gunicorn, the in-app CA.

Debian's nginx (HTTP/2, TLS with a certificate from ``pki tls``) in front of gunicorn with several
workers on a socket, on the test database (PostgreSQL with ``TEST_DATABASE_URL``, SQLite otherwise).
Chromium trusts the CA through its NSS database, as a hall's computers would after installing the
root. Login, check-in, a round opened and closed by the chair; HSTS, Secure cookies, the app's headers
through the proxy, pages never compressed, static files from nginx. ``-s`` prints the times.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from playwright.async_api import expect

from tests.browser.pages import chromium, confirm, log_in
from tests.deploy import stack
from tests.helpers import CHECK_IN_AT, Demo, require_tool
from tests.trustees.helpers import run_ceremony
from voting.auth.models import User
from voting.conferences.models import Conference
from voting.conferences.services import check_in
from voting.extensions import db

#: the hall's representative who checks in through the browser; the other units are checked in before
REPRESENTATIVE = "daibieu1"


def _trusting_home(home: Path, certutil: str, root: Path) -> dict[str, str]:
    """Return an environment whose HOME has an NSS database trusting the CA (as `certutil` installs it)."""
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    subprocess.run([certutil, "-N", "-d", f"sql:{nssdb}", "--empty-password"], check=True)
    subprocess.run(
        [certutil, "-A", "-d", f"sql:{nssdb}", "-n", "Luan Luu CA", "-t", "C,,", "-i", str(root)], check=True
    )
    return {"HOME": str(home), "PATH": "/usr/bin:/bin"}


def _check_in_all_but_the_representative(app: Flask, demo: Demo) -> None:
    with app.app_context():
        conference = db.session.get(Conference, demo.conference_id)
        representative = db.session.scalar(sa.select(User).where(User.username == REPRESENTATIVE))
        assert conference is not None and representative is not None
        for unit in conference.cluster.units:
            if unit.id != representative.unit_id:
                check_in(conference, unit, by=conference.chair, now=CHECK_IN_AT)
        run_ceremony(conference)  # the trustees' election key: a secret round opens only with it
        db.session.commit()


async def _play(base: str, conference_id: int, env: dict[str, str]) -> list[dict[str, object]]:
    """Log in, check in, open and close a round; return the cookies and check the page's headers."""
    async with chromium("https_stack", env=env) as (browser, pages):
        chair_context = await browser.new_context()
        chair = await log_in(chair_context, base, "chutri")
        pages.append(chair)
        representative = await log_in(await browser.new_context(), base, REPRESENTATIVE)
        pages.append(representative)
        assert representative.url.startswith("https://")
        protocol = await representative.evaluate(
            "performance.getEntriesByType('navigation')[0].nextHopProtocol"
        )
        assert protocol == "h2"
        await representative.get_by_role("button", name="Điểm danh cho đơn vị").click()
        await expect(representative.locator(".flash")).to_contain_text("đã điểm danh")

        console = await chair.goto(f"{base}/conferences/{conference_id}/console")
        assert console is not None
        headers = await console.all_headers()
        assert headers["strict-transport-security"].startswith("max-age=31536000")
        assert "nonce-" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"
        assert headers["cache-control"] == "no-store" and "content-encoding" not in headers
        await expect(chair.locator("main")).to_contain_text("8/8")
        await chair.get_by_role("button", name="Mở vòng bầu Cụm trưởng").click()
        # The representative's waiting page notices the open round by polling through nginx.
        await expect(representative.get_by_role("link", name="Bỏ phiếu", exact=True)).to_be_visible()
        await confirm(chair, "Kết thúc vòng bầu và kiểm phiếu", "Còn 8/8 đơn vị chưa bỏ phiếu")
        await expect(chair.locator("main")).to_contain_text("Mở vòng bầu lại")
        return list(await chair_context.cookies())


def test_a_conference_through_nginx_and_https(
    https_stack: stack.Stack, app: Flask, demo: Demo, tmp_path: Path
) -> None:
    _check_in_all_but_the_representative(app, demo)
    certutil = require_tool("certutil", package="libnss3-tools")
    env = _trusting_home(tmp_path / "home", certutil, tmp_path / "ca.pem")
    started_at = time.monotonic()
    cookies = asyncio.run(_play(https_stack.base, demo.conference_id, env))
    played = time.monotonic() - started_at
    print(f"HTTPS conference in Chromium (2 logins, check-in, a round opened and closed): {played:.1f} s")

    session = next(cookie for cookie in cookies if cookie["name"] == "session")
    assert session["secure"] is True and session["httpOnly"] is True

    # Static files: from nginx (never in gunicorn's log), compressed, with their own HSTS.
    context = https_stack.trust()
    style = stack.https_get(https_stack.https_port, context, "/static/style.css", {"Accept-Encoding": "gzip"})
    assert style.status == 200 and style.headers["Content-Encoding"] == "gzip"
    assert style.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert style.headers["X-Content-Type-Options"] == "nosniff"
    assert "GET /static/style.css" in https_stack.log("access.log")
    served_by_app = https_stack.log("gunicorn-access.log")
    assert "GET /login" in served_by_app and "/static/" not in served_by_app
    # Pages are never compressed (BREACH), whatever the browser accepts.
    page = stack.https_get(https_stack.https_port, context, "/login", {"Accept-Encoding": "gzip"})
    assert page.status == 200 and "Content-Encoding" not in page.headers

    # Plain HTTP: only the root certificate for phones, and a redirect to HTTPS.
    redirect = stack.http_get(https_stack.http_port, "/login")
    assert redirect.status == 301 and redirect.headers["Location"].startswith("https://127.0.0.1")
    root = stack.http_get(https_stack.http_port, "/luanluu-ca.crt")
    assert root.status == 200 and root.body == (tmp_path / "tls" / "luanluu-ca.crt").read_bytes()
