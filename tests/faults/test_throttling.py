"""Login throttling under gunicorn with 4 workers and PostgreSQL: one count for all workers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.faults.support import Browser, Gunicorn, Stage
from voting.demo import PASSWORD

HALL = "198.51.100.20"
ELSEWHERE = "203.0.113.9"


def _guess(port: int) -> int:
    """One wrong guess at the chair's password from the hall, in a new browser; return the status."""
    browser = Browser(port)
    browser.headers["X-Forwarded-For"] = HALL  # as nginx would add it
    browser.get("/login")
    return browser.post("/login", {"username": "chutri", "password": "sai-mat-khau"}).status


def test_at_most_five_guesses_across_four_workers_and_the_owner_still_logs_in(stage: Stage) -> None:
    server = Gunicorn(stage.url, TRUSTED_PROXIES="1")
    try:
        with ThreadPoolExecutor(12) as pool:
            statuses = list(pool.map(_guess, [server.port] * 30))
        assert sorted(statuses) == [200] * 5 + [429] * 25, statuses
        owner = Browser(server.port)
        owner.headers["X-Forwarded-For"] = ELSEWHERE
        owner.login("chutri", PASSWORD)  # asserts 302
        hall = Browser(server.port)
        hall.headers["X-Forwarded-For"] = HALL
        hall.login("thuky", PASSWORD)  # the rest of the hall is not held back
    finally:
        server.stop()
