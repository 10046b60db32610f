"""The login throttle's rules, with the time passed in: no client, no sleeping."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from voting.auth.models import LoginThrottle
from voting.auth.throttle import (
    ThrottlePolicy,
    clear_throttles,
    current_throttles,
    forget_attempts,
    purge_throttles,
    reserve_attempt,
)
from voting.extensions import db

POLICY = ThrottlePolicy()
START = datetime(2026, 12, 1, 8, 0)
HALL = "198.51.100.20"


def _allowed_within(minutes: int, username: str = "chutri", client: str = HALL) -> list[datetime]:
    """Keep guessing (every attempt fails) for *minutes*: 10 s apart, or at the end of each wait.

    Return when attempts were checked; in between, every attempt is refused.
    """
    checked, now, end = [], START, START + timedelta(minutes=minutes)
    while now < end:
        attempt = reserve_attempt(username, client, now=now, policy=POLICY)
        if attempt.is_allowed:
            checked.append(now)
            now += timedelta(seconds=10)
        else:
            assert attempt.blocked_until is not None and attempt.blocked_until > now
            now = max(now + timedelta(seconds=10), attempt.blocked_until)
    return checked


def test_at_most_five_attempts_per_account_and_address_in_fifteen_minutes() -> None:
    checked = []
    for second in range(0, 40 * 60, 10):  # a guess every 10 seconds for 40 minutes
        now = START + timedelta(seconds=second)
        if reserve_attempt("chutri", HALL, now=now, policy=POLICY).is_allowed:
            checked.append(now)
    assert len(checked) == 6  # five at once, one after 15 minutes, the next only after 30 more
    assert len(checked[:5]) == 5 and checked[4] - checked[0] < timedelta(minutes=1)
    for first, later in zip(checked, checked[5:], strict=False):
        assert later - first >= timedelta(minutes=15)  # no 15 minutes ever see a sixth


def test_the_waits_grow_up_to_the_cap() -> None:
    checked = _allowed_within(24 * 60)
    waits = [later - earlier for earlier, later in zip(checked[4:], checked[5:], strict=False)]
    minutes = [round(wait.total_seconds() / 60) for wait in waits]
    assert minutes[:5] == [15, 30, 60, 120, 120]
    assert set(minutes[4:]) == {120}


def test_the_decision_says_how_many_tries_are_left_and_until_when_to_wait() -> None:
    lefts = [reserve_attempt("chutri", HALL, now=START, policy=POLICY).tries_left for _ in range(5)]
    assert lefts == [4, 3, 2, 1, 0]
    refused = reserve_attempt(" ChuTri ", HALL, now=START + timedelta(minutes=5), policy=POLICY)
    assert not refused.is_allowed and refused.attempts == 5
    assert refused.blocked_until == START + timedelta(minutes=15)
    assert refused.wait(START + timedelta(minutes=5)) == timedelta(minutes=10)


def test_the_owner_from_another_address_is_not_held_back() -> None:
    _allowed_within(30)
    assert not reserve_attempt("chutri", HALL, now=START + timedelta(minutes=30), policy=POLICY).is_allowed
    elsewhere = reserve_attempt("chutri", "203.0.113.9", now=START + timedelta(minutes=30), policy=POLICY)
    assert elsewhere.is_allowed and elsewhere.tries_left == 4
    # nor is another account from the hall's address
    assert reserve_attempt("thuky", HALL, now=START + timedelta(minutes=30), policy=POLICY).is_allowed


def test_a_success_forgets_the_series() -> None:
    for _ in range(4):
        reserve_attempt("chutri", HALL, now=START, policy=POLICY)
    forget_attempts("CHUTRI", HALL)
    assert reserve_attempt("chutri", HALL, now=START, policy=POLICY).tries_left == 4


def test_an_administrator_sees_and_clears_throttles() -> None:
    _allowed_within(5)
    _allowed_within(1, username="thuky")
    _allowed_within(1, username="chutri", client="device:abc")
    now = START + timedelta(minutes=5)
    shown = current_throttles(now=now)
    assert [(row.username, row.client) for row in shown][0] == ("chutri", HALL)  # waiting comes first
    assert len(shown) == 3
    assert clear_throttles(throttle_id=shown[0].id) == 1
    assert reserve_attempt("chutri", HALL, now=now, policy=POLICY).is_allowed
    assert clear_throttles(username="Thuky") == 1
    assert clear_throttles() == 2
    assert current_throttles(now=now) == []


def test_old_series_are_purged_but_not_while_they_wait() -> None:
    reserve_attempt("motlan", HALL, now=START, policy=POLICY)
    _allowed_within(24 * 60)  # still waiting at the end of the day
    day_later = START + timedelta(hours=24, minutes=1)
    assert purge_throttles(now=day_later, policy=POLICY) == 1
    names = db.session.scalars(sa.select(LoginThrottle.username)).all()
    assert names == ["chutri"]


def test_unknown_names_and_long_input_are_cut_to_the_columns() -> None:
    attempt = reserve_attempt("x" * 500, "y" * 500, now=START, policy=POLICY)
    assert attempt.is_allowed
    row = db.session.scalars(sa.select(LoginThrottle)).one()
    assert len(row.username) == 64 and len(row.client) == 80
