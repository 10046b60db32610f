"""Losing the database server mid-conference: the primary is SIGKILLed during a burst of writes.

A primary and a synchronous streaming standby run on 127.0.0.1 (``tests/faults/replication.py``);
gunicorn (``-w 4``) reaches them through one ``DATABASE_URL`` naming both hosts with
``target_session_attrs=read-write``. Eight representatives check their units in at 20 conferences
(each check-in is a row and an entry of the hash-chained audit log) while the primary is killed with
SIGKILL, the standby promoted, and the failed server brought back as the new standby with pg_rewind.
Check-ins stand for every write because they do not depend on how ballots are cast.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from flask_migrate import upgrade

from tests.factories import Factories, representative
from tests.faults.replication import ReplicatedPair
from tests.faults.support import SECRET, Browser, Gunicorn, audit_verify, postgres_bin
from tests.helpers import PASSWORD
from voting import create_app
from voting.config import sqlalchemy_url
from voting.extensions import db

UNITS = 8
CONFERENCES = 20
#: acknowledged check-ins before the primary is killed (of 8 × 20)
KILL_AFTER = 50
#: what the operator (or a watchdog) takes to notice before promoting; part of the measured outage
NOTICED_AFTER = 1.0
#: a generous bound: writes that have not resumed by then have not resumed at all
GIVE_UP_AFTER = 60.0


@dataclass
class Burst:
    """What the representatives' browsers saw, with monotonic times."""

    #: (conference id, unit id, request sent, answer received) of each check-in answered "done" (302)
    acknowledged: list[tuple[int, int, float, float]] = field(default_factory=list)
    #: check-ins whose retry was told "already checked in": an earlier, unanswered attempt was kept
    found_done: list[tuple[int, int]] = field(default_factory=list)
    #: when an attempt failed (5xx or a dropped connection) and was retried
    failed_at: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check_in_everywhere(
        self, browser: Browser, unit_id: int, conferences: list[int], until: float
    ) -> None:
        """Check one unit in at every conference in turn, retrying each until it is answered."""
        for conference_id in conferences:
            while time.monotonic() < until:
                sent_at = time.monotonic()
                try:
                    answer = browser.post(f"/conferences/{conference_id}/check-in")
                except OSError:
                    answer = None
                with self.lock:
                    if (
                        answer
                        and answer.status == 302
                        and answer.location.endswith(f"/conferences/{conference_id}")
                    ):
                        self.acknowledged.append((conference_id, unit_id, sent_at, time.monotonic()))
                        break
                    if answer and answer.status == 409 and "đã điểm danh" in answer.body:
                        self.found_done.append((conference_id, unit_id))
                        break
                    assert answer is None or answer.status >= 500, (answer.status, answer.body[-300:])
                    self.failed_at.append(sent_at)
                time.sleep(0.05)


@pytest.fixture
def pair() -> Iterator[ReplicatedPair]:
    replicated = ReplicatedPair(postgres_bin(), "failover")
    try:
        replicated.start()
        yield replicated
    finally:
        replicated.remove()


def _prepare(url: str) -> tuple[list[int], list[tuple[str, int]]]:
    """Upgrade the schema, create a cluster with 21 conferences; return their ids and (login, unit id)."""
    app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url)})
    with app.app_context():
        upgrade()
        factories = Factories()
        cluster = factories.cluster(UNITS)
        conferences = [
            factories.conference(cluster=cluster, year=2017 + n).id for n in range(CONFERENCES + 1)
        ]
        logins = [(representative(unit).username, unit.id) for unit in cluster.units]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return conferences, logins


def _wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds} s"
        time.sleep(0.01)


def _assert_each_once(
    pair: ReplicatedPair, expected: set[tuple[int, int]], burst: Burst, *, after: tuple[int, int]
) -> None:
    """Every check-in is there once, as a row and as an audit entry; every acknowledged one among them.

    *after* is the one check-in made after the burst, once the failed server had rejoined.
    """
    acknowledged = [(c, u) for c, u, _sent, _answered in burst.acknowledged]
    assert len(acknowledged) == len(set(acknowledged))
    assert set(acknowledged) | set(burst.found_done) == expected
    rows = pair.primary.sql("SELECT conference_id, unit_id FROM check_ins", pair.database)
    logged = pair.primary.sql(
        "SELECT conference_id, (details::json->>'unit_id')::int FROM audit_entries"
        " WHERE action = 'unit.checked_in'",
        pair.database,
    )
    assert Counter(rows) == Counter(logged) == Counter([*expected, after])


def test_losing_the_primary_loses_no_acknowledged_write(pair: ReplicatedPair) -> None:
    url = pair.url()
    conferences, logins = _prepare(url)
    burst_conferences, last_conference = conferences[:-1], conferences[-1]
    server = Gunicorn(url, preload=True)
    try:
        browsers = []
        for username, _unit_id in logins:
            browser = Browser(server.port)
            browser.login(username, PASSWORD)
            browsers.append(browser)
        burst = Burst()
        started_at = time.monotonic()
        with ThreadPoolExecutor(UNITS) as pool:
            writers = [
                pool.submit(
                    burst.check_in_everywhere, browser, unit_id, burst_conferences, started_at + GIVE_UP_AFTER
                )
                for browser, (_username, unit_id) in zip(browsers, logins, strict=True)
            ]
            _wait_for(lambda: len(burst.acknowledged) >= KILL_AFTER, 30, f"{KILL_AFTER} check-ins")
            killed_at = time.monotonic()
            pair.primary.kill()
            time.sleep(NOTICED_AFTER)
            promoting_at = time.monotonic()
            pair.promote()
            promoted_at = time.monotonic()
            for writer in writers:
                writer.result()
        ended_at = time.monotonic()

        pair.rejoin()
        rejoined_at = time.monotonic()
        after = browsers[0].post(f"/conferences/{last_conference}/check-in")
        assert after.status == 302, after.body[-300:]
    finally:
        server.stop()

    expected = {(c, u) for c in burst_conferences for _login, u in logins}
    _assert_each_once(pair, expected, burst, after=(last_conference, logins[0][1]))
    verified = audit_verify(sqlalchemy_url(url))
    assert verified is not None and verified.returncode == 0, verified and verified.stdout + verified.stderr

    # The rejoined server follows the new primary: it holds the check-in made after it came back.
    newest = f"SELECT count(*) FROM check_ins WHERE conference_id = {last_conference}"
    _wait_for(lambda: pair.standby.sql(newest, pair.database) == [(1,)], 10, "replay on the rejoined standby")
    assert pair.standby.sql("SELECT pg_is_in_recovery()") == [(True,)]

    # The outage a representative sees: from the kill to the first "done" for a request sent after it.
    resumed_at = min(answered for _c, _u, sent, answered in burst.acknowledged if sent > killed_at)
    assert resumed_at - killed_at < GIVE_UP_AFTER
    print(
        f"\nfailover: {len(expected)} check-ins by {UNITS} units, the primary SIGKILLed after {KILL_AFTER}"
        f" were acknowledged; {len(burst.failed_at)} attempts failed and were retried,"
        f" {len(burst.found_done)} retries found the check-in already kept; promotion started"
        f" {NOTICED_AFTER:.1f} s after the kill and took {promoted_at - promoting_at:.2f} s; writes resumed"
        f" {resumed_at - killed_at:.2f} s after the kill ({resumed_at - promoted_at:.2f} s after"
        f" the promotion, no restart of the app); burst {ended_at - started_at:.1f} s; the old primary"
        f" rejoined as standby (pg_rewind) in {rejoined_at - ended_at:.1f} s; every acknowledged"
        " check-in present once, audit verify passed"
    )
