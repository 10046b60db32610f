"""Login throttling through the production stack: nginx in front of gunicorn with 4 workers.

The client's address is the one nginx saw (TRUSTED_PROXIES=1 believes only nginx's own hop of
X-Forwarded-For), so a forged header changes nothing; the count is in the database, one for all
workers. Two clients on this machine: 127.0.0.1 guesses the chair's password, the chair logs in from
127.0.0.2 (a source address on the loopback network; nginx's access log shows the two apart).
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from flask import Flask

from tests.deploy import stack
from voting.auth.models import LoginThrottle
from voting.demo import PASSWORD
from voting.extensions import db

GUESSES = 30
GUESSER = "127.0.0.1"
OWNER = "127.0.0.2"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."


def _guesser(https_stack: stack.Stack) -> stack.HttpsBrowser:
    return stack.HttpsBrowser(https_stack.https_port, https_stack.trust(), source=GUESSER)


def _guess(https_stack: stack.Stack, number: int, together: threading.Barrier) -> tuple[int, bool]:
    """One wrong guess at the chair's password in a new client, each forging another address."""
    browser = _guesser(https_stack)
    browser.headers["X-Forwarded-For"] = f"198.51.100.{number}"
    browser.get("/login")
    together.wait()  # every guess is posted at once
    answer = browser.post("/login", {"username": "chutri", "password": "sai-mat-khau"})
    return answer.status, WRONG in answer.body


def _logins_seen_by_nginx(https_stack: stack.Stack, expected: int) -> Counter[tuple[str, str]]:
    """Return how many POST /login nginx answered, by client address and status (access.log).

    nginx logs a request after its answer has gone, so the last lines may lag the client a moment:
    read again until *expected* lines are there (or 10 s have passed, and the assertion says what is).
    """
    deadline = time.monotonic() + 10
    while True:
        log = https_stack.log("access.log")
        lines = re.findall(r'^(\S+) .*"POST /login HTTP/[\d.]+" (\d{3}) ', log, re.M)
        if len(lines) >= expected or time.monotonic() > deadline:
            return Counter(lines)
        time.sleep(0.1)


def test_five_guesses_through_nginx_and_four_workers_and_the_owner_logs_in(
    https_stack: stack.Stack, app: Flask
) -> None:
    together = threading.Barrier(GUESSES, timeout=60)
    with ThreadPoolExecutor(GUESSES) as pool:
        answers = list(pool.map(lambda n: _guess(https_stack, n, together), range(GUESSES)))
    # Exactly 5 reach the password check (the form again with its error), the rest wait.
    assert sorted(answers) == [(200, True)] * 5 + [(429, False)] * (GUESSES - 5), answers
    with app.app_context():
        series = db.session.execute(sa.select(LoginThrottle.username, LoginThrottle.client)).all()
    assert [tuple(row) for row in series] == [("chutri", GUESSER)]  # never a forged address

    owner = stack.HttpsBrowser(https_stack.https_port, https_stack.trust(), source=OWNER)
    owner.login("chutri", PASSWORD)  # asserts the redirect of a login
    assert owner.get("/password").status == 200
    # The owner's login does not free the guesser.
    late = _guesser(https_stack)
    late.get("/login")
    assert late.post("/login", {"username": "chutri", "password": "sai-mat-khau"}).status == 429

    assert _logins_seen_by_nginx(https_stack, expected=GUESSES + 2) == {
        (GUESSER, "200"): 5,
        (GUESSER, "429"): GUESSES - 5 + 1,
        (OWNER, "302"): 1,
    }
