"""Logged-in sessions for the load: a few real logins, the rest signed by the app's own session machinery.

A real login verifies an argon2 hash at production cost (about half a second of CPU here), so
logging 500 representatives in would measure argon2, not casting. The timed burst starts from
sessions made beforehand; ``real_logins`` measures the login itself on a sample.
"""

from __future__ import annotations

import re
import time

from flask import Flask, g, session
from flask_login import login_user
from flask_wtf.csrf import generate_csrf

from bench.client import USER_AGENT, Run, request
from voting.auth.models import User
from voting.demo import PASSWORD
from voting.extensions import db
from voting.formatting import utc_now

try:
    from voting.auth.security import SESSION_ID_FIELD  # type: ignore[import-not-found]
    from voting.auth.services import start_session  # type: ignore[attr-defined]
except ImportError:  # before login sessions were held on the server
    SESSION_ID_FIELD = None

CSRF_INPUT = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')


def signed_session(app: Flask, user_id: int) -> tuple[str, str]:
    """Return (Cookie header value, CSRF form token) of a session logged in as *user_id*."""
    environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": USER_AGENT}
    with app.test_request_context("/", environ_base=environ):
        account = db.session.get(User, user_id)
        assert account is not None
        login_user(account)
        if SESSION_ID_FIELD is not None:  # login sessions held on the server, as the login view makes them
            session[SESSION_ID_FIELD] = start_session(account, now=utc_now())
            db.session.commit()
        g.pop("csrf_token", None)  # Flask-WTF caches the token per app context; each session needs its own
        token = generate_csrf()
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        cookie = serializer.dumps(dict(session))
        db.session.remove()
    return f"{app.config['SESSION_COOKIE_NAME']}={cookie}", token


def _cookie(reply_headers: dict[str, str]) -> str:
    return reply_headers.get("set-cookie", "").split(";", 1)[0]


async def real_login(port: int, username: str) -> tuple[float, bool]:
    """Log in through the login form; return (seconds for the POST, whether it succeeded)."""
    page = await request(port, "GET", "/login")
    match = CSRF_INPUT.search(page.body)
    assert match, "no CSRF token on the login page"
    start = time.perf_counter()
    reply = await request(
        port,
        "POST",
        "/login",
        cookie=_cookie(page.headers),
        form={"csrf_token": match.group(1).decode(), "username": username, "password": PASSWORD},
    )
    return time.perf_counter() - start, reply.status == 302 and reply.headers.get("location", "") != "/login"


async def real_logins(port: int, usernames: list[str], concurrency: int) -> tuple[Run, int]:
    """Log a sample in concurrently; return the timings and how many succeeded."""
    import asyncio

    run, ok = Run(), 0
    queue = list(usernames)

    async def worker() -> None:
        nonlocal ok
        while queue:
            seconds, success = await real_login(port, queue.pop())
            run.latencies.append(seconds)
            ok += success

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    run.wall = time.perf_counter() - start
    return run, ok
