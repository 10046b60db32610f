"""Concurrency and faults on PostgreSQL with gunicorn -w 4: no lost or double ballot, readable refusals."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.faults.support import (
    Answer,
    Browser,
    Gunicorn,
    PgCluster,
    Scenario,
    audit_verify,
    database_counts,
)
from voting.crypto.prover import encrypt_ballot

UNITS = 8
COPIES = 20


def _cast(browser: Browser, scenario: Scenario, choice: int) -> Answer | OSError:
    """Post a ballot encrypted for *choice*, as the ballot page's script does."""
    manifest = scenario.manifest
    ballot, _randomness = encrypt_ballot(manifest, manifest["options"].index(f"unit:{choice}"))
    try:
        return browser.post_json(f"/eg/rounds/{scenario.round_id}/ballot", {"ballot": ballot})
    except OSError as error:  # a killed worker drops its connections
        return error


def _is_counted(answer: Answer | OSError, scenario: Scenario) -> bool:
    return isinstance(answer, Answer) and answer.status == 200 and '"tracker"' in answer.body


def _assert_audit(scenario: Scenario) -> str:
    """Check the audit chain when the ``audit verify`` command exists; say which happened."""
    result = audit_verify(scenario.url)
    if result is None:
        return "audit verify: command not present yet"
    assert result.returncode == 0, result.stdout + result.stderr
    return "audit verify: passed"


def test_twenty_simultaneous_copies_of_each_ballot(
    scenario: Scenario, server: Gunicorn, representatives: list[Browser]
) -> None:
    browsers = representatives
    barrier = threading.Barrier(UNITS * COPIES, timeout=60)

    def send(index: int) -> tuple[int, Answer | OSError]:
        unit = index % UNITS
        barrier.wait()
        return unit, _cast(
            browsers[unit], scenario, scenario.candidate_ids[unit % len(scenario.candidate_ids)]
        )

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=UNITS * COPIES) as pool:
        answers = list(pool.map(send, range(UNITS * COPIES)))
    elapsed = time.monotonic() - started

    counted = Counter(unit for unit, answer in answers if _is_counted(answer, scenario))
    assert counted == Counter(range(UNITS)), counted  # exactly one counted copy per unit
    for _unit, answer in answers:
        assert isinstance(answer, Answer), answer
        if not _is_counted(answer, scenario):
            assert answer.status == 409, (answer.status, answer.body[-300:])
            assert "đã bỏ phiếu ở vòng này; mỗi đơn vị chỉ có một phiếu" in json.loads(answer.body)["error"]
    assert database_counts(scenario.url, scenario.round_id) == (UNITS, UNITS)
    print(f"{UNITS}×{COPIES} simultaneous casts answered in {elapsed:.2f} s; {_assert_audit(scenario)}")


def test_closing_while_ballots_arrive(
    scenario: Scenario, server: Gunicorn, representatives: list[Browser], chair: Browser
) -> None:
    browsers = representatives
    barrier = threading.Barrier(UNITS + 1, timeout=60)

    def vote(unit: int) -> Answer | OSError:
        barrier.wait()
        time.sleep(0.004 * unit)  # spread the ballots around the moment of closing
        return _cast(browsers[unit], scenario, scenario.candidate_ids[0])

    def close() -> Answer:
        barrier.wait()
        time.sleep(0.012)
        return chair.post(f"/rounds/{scenario.round_id}/close", {"confirmed": "1"})

    with ThreadPoolExecutor(max_workers=UNITS + 1) as pool:
        votes = [pool.submit(vote, unit) for unit in range(UNITS)]
        closing = pool.submit(close)
        answers = [future.result() for future in votes]
        closed = closing.result()

    assert closed.status == 302, closed.body[-300:]
    counted = sum(_is_counted(answer, scenario) for answer in answers)
    for answer in answers:
        assert isinstance(answer, Answer), answer
        if not _is_counted(answer, scenario):
            refusal = json.loads(answer.body)["error"]
            assert answer.status == 409 and "Vòng bầu đã kết thúc; phiếu không được ghi nhận" in refusal
    assert database_counts(scenario.url, scenario.round_id) == (counted, counted)
    # After the close nothing more gets in.
    late = _cast(browsers[0], scenario, scenario.candidate_ids[0])
    assert isinstance(late, Answer) and late.status in (302, 409)
    assert database_counts(scenario.url, scenario.round_id) == (counted, counted)
    print(f"closing during the burst: {counted} of {UNITS} ballots counted, the rest refused with a message")


def test_a_worker_killed_mid_burst_loses_and_doubles_nothing(
    scenario: Scenario, server: Gunicorn, representatives: list[Browser]
) -> None:
    browsers = representatives
    victim = server.workers()[0]
    barrier = threading.Barrier(UNITS * 5 + 1, timeout=60)

    def send(index: int) -> tuple[int, Answer | OSError]:
        unit = index % UNITS
        barrier.wait()
        return unit, _cast(browsers[unit], scenario, scenario.candidate_ids[0])

    def kill() -> None:
        barrier.wait()
        time.sleep(0.02)
        os.kill(victim, signal.SIGKILL)

    with ThreadPoolExecutor(max_workers=UNITS * 5 + 1) as pool:
        killer = pool.submit(kill)
        answers = list(pool.map(send, range(UNITS * 5)))
        killer.result()

    for _unit, answer in answers:  # every answer that arrived is a counted ballot or a readable refusal
        assert isinstance(answer, OSError) or _is_counted(answer, scenario) or answer.status == 409, answer
    # The master replaces the worker by itself.
    server.wait_ready(30)
    assert victim not in server.workers()
    ballots, taking_part = database_counts(scenario.url, scenario.round_id)
    assert ballots == taking_part <= UNITS  # both rows or neither, never one without the other
    # A unit whose copy died with the worker asks again: it is counted once, or told it already voted.
    for unit in range(UNITS):
        again = _cast(browsers[unit], scenario, scenario.candidate_ids[0])
        assert isinstance(again, Answer) and (again.status == 409 or _is_counted(again, scenario)), again
    assert database_counts(scenario.url, scenario.round_id) == (UNITS, UNITS)
    dropped = sum(isinstance(answer, OSError) for _unit, answer in answers)
    summary = f"{dropped} of {len(answers)} requests dropped; 8 ballots after retry"
    print(f"SIGKILL mid-burst: {summary}; {_assert_audit(scenario)}")


def test_postgres_restart_mid_conference(
    scenario: Scenario, server: Gunicorn, pg_cluster: PgCluster, representatives: list[Browser]
) -> None:
    browsers = representatives
    for unit in range(3):
        assert _is_counted(_cast(browsers[unit], scenario, scenario.candidate_ids[0]), scenario)
    started = time.monotonic()
    pg_cluster.restart()
    restarted = time.monotonic() - started

    # The pool's connections died with the server: the app must recover without a restart of its own.
    recovered_after = None
    deadline = time.monotonic() + 30
    unit = 3
    while unit < UNITS and time.monotonic() < deadline:
        answer = _cast(browsers[unit], scenario, scenario.candidate_ids[0])
        if isinstance(answer, Answer) and _is_counted(answer, scenario):
            recovered_after = recovered_after or time.monotonic() - started
            unit += 1
        elif isinstance(answer, Answer) and answer.status == 409:
            unit += 1  # counted by an earlier try whose answer was lost
        else:
            time.sleep(0.2)
    assert unit == UNITS, "the app did not recover after the PostgreSQL restart"
    assert database_counts(scenario.url, scenario.round_id) == (UNITS, UNITS)
    assert browsers[0].get(f"/conferences/{scenario.conference_id}").status == 200
    print(
        f"PostgreSQL restart took {restarted:.1f} s; first ballot counted {recovered_after:.1f} s after; "
        f"{_assert_audit(scenario)}"
    )
