"""Login throttling shared by every worker: attempts counted in the database per account and client.

An attempt is counted *before* its password is checked, by one atomic upsert (``INSERT … ON CONFLICT
DO UPDATE SET attempts = attempts + 1 … WHERE not blocked``), so concurrent requests in any number of
workers can neither lose a count nor slip extra guesses past the limit. A success forgets the series.
The key is the account name *and* the client, never the account alone: guesses from one address make
that address wait, while the owner logging in from another address (or from a browser that has logged
in to the account before) is not held back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from voting.auth.models import LoginThrottle
from voting.extensions import db

#: longest client key kept (an address, or "device:" and a browser's id)
CLIENT_LENGTH = 80
USERNAME_LENGTH = 64


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many attempts go through at once, and how long to wait after them."""

    #: attempts without a success that are checked at once
    free_attempts: int = 5
    #: the wait after the last free attempt; each later attempt without a success doubles it. At least
    #: the 15 minutes of the window, so no 15 minutes ever see more than ``free_attempts`` guesses.
    first_delay: timedelta = timedelta(minutes=15)
    max_delay: timedelta = timedelta(hours=2)
    #: a series with no attempt for this long, and no wait left, is deleted (``purge_throttles``)
    forget_after: timedelta = timedelta(hours=24)

    def delay(self, attempts: int) -> timedelta | None:
        """Return the wait after the *attempts*-th attempt without a success (None: no wait yet)."""
        if attempts < self.free_attempts:
            return None
        doublings = min(attempts - self.free_attempts, 30)  # 2**30 × any delay is past any cap
        delay: timedelta = min(self.first_delay * 2**doublings, self.max_delay)
        return delay


@dataclass(frozen=True)
class Attempt:
    """What the throttle decided about one login attempt."""

    is_allowed: bool
    #: attempts without a success so far, this one included when allowed
    attempts: int
    #: attempts still checked at once after this one fails (0 once a wait has begun)
    tries_left: int
    #: when the next attempt will be checked, if there is a wait
    blocked_until: datetime | None

    def wait(self, now: datetime) -> timedelta:
        """Return how long the client must wait before its next attempt is checked."""
        if self.blocked_until is None or self.blocked_until <= now:
            return timedelta(0)
        return self.blocked_until - now


def throttle_username(username: str) -> str:
    """Return the key of the account an attempt names: trimmed and case-folded (spellings count together)."""
    return username.strip().casefold()[:USERNAME_LENGTH]


def _client(client: str) -> str:
    return client[:CLIENT_LENGTH]


def _upsert(values: dict[str, Any]) -> Any:
    """Return the dialect's INSERT, which has ON CONFLICT (PostgreSQL and SQLite alike)."""
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(LoginThrottle).values(**values)


def _blocked_until_after(attempts: Any, policy: ThrottlePolicy, now: datetime) -> Any:
    """Return SQL for the end of the wait after the *attempts*-th attempt, the delays bound as times."""
    whens: list[tuple[Any, Any]] = [(attempts < policy.free_attempts, sa.null())]
    number = policy.free_attempts
    while (delay := policy.delay(number)) is not None and delay < policy.max_delay:
        whens.append((attempts == number, sa.literal(now + delay, sa.DateTime())))
        number += 1
    return sa.case(*whens, else_=sa.literal(now + policy.max_delay, sa.DateTime()))


def reserve_attempt(username: str, client: str, *, now: datetime, policy: ThrottlePolicy) -> Attempt:
    """Count a login attempt before its password is checked, or refuse it while the client must wait."""
    key, client = throttle_username(username), _client(client)
    table = LoginThrottle.__table__
    first_delay = policy.delay(1)
    statement = (
        _upsert(
            {
                "username": key,
                "client": client,
                "attempts": 1,
                "first_attempt_at": now,
                "last_attempt_at": now,
                "blocked_until": now + first_delay if first_delay is not None else None,
            }
        )
        .on_conflict_do_update(
            index_elements=[table.c.username, table.c.client],
            set_={
                "attempts": table.c.attempts + 1,
                "last_attempt_at": now,
                "blocked_until": _blocked_until_after(table.c.attempts + 1, policy, now),
            },
            where=sa.or_(table.c.blocked_until.is_(None), table.c.blocked_until <= now),
        )
        .returning(table.c.attempts, table.c.blocked_until)
    )
    counted = db.session.execute(statement).one_or_none()
    db.session.flush()
    if counted is not None:
        attempts, blocked_until = counted
        return Attempt(True, attempts, max(policy.free_attempts - attempts, 0), blocked_until)
    waiting = db.session.execute(
        sa.select(LoginThrottle.attempts, LoginThrottle.blocked_until).where(
            LoginThrottle.username == key, LoginThrottle.client == client
        )
    ).one()
    return Attempt(False, waiting.attempts, 0, waiting.blocked_until)


def forget_attempts(username: str, client: str) -> None:
    """Forget the attempts of a client that has just logged in to the account."""
    db.session.execute(
        sa.delete(LoginThrottle).where(
            LoginThrottle.username == throttle_username(username), LoginThrottle.client == _client(client)
        )
    )
    db.session.flush()


def current_throttles(*, now: datetime) -> list[LoginThrottle]:
    """Return every series of failed attempts, those that must wait first, the latest first."""
    waiting = sa.and_(LoginThrottle.blocked_until.is_not(None), LoginThrottle.blocked_until > now)
    query = sa.select(LoginThrottle).order_by(
        sa.case((waiting, 0), else_=1), LoginThrottle.last_attempt_at.desc(), LoginThrottle.id
    )
    return list(db.session.scalars(query))


def clear_throttles(
    *, throttle_id: int | None = None, username: str | None = None, client: str | None = None
) -> int:
    """Delete the series chosen by id, account name and/or client (all with no choice); return how many."""
    statement = sa.delete(LoginThrottle)
    if throttle_id is not None:
        statement = statement.where(LoginThrottle.id == throttle_id)
    if username is not None:
        statement = statement.where(LoginThrottle.username == throttle_username(username))
    if client is not None:
        statement = statement.where(LoginThrottle.client == _client(client))
    deleted: int = db.session.execute(statement).rowcount  # type: ignore[attr-defined]
    db.session.flush()
    return deleted


def purge_throttles(*, now: datetime, policy: ThrottlePolicy) -> int:
    """Delete the series with no attempt for ``forget_after`` and no wait left; return how many."""
    statement = sa.delete(LoginThrottle).where(
        LoginThrottle.last_attempt_at < now - policy.forget_after,
        sa.or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until <= now),
    )
    deleted: int = db.session.execute(statement).rowcount  # type: ignore[attr-defined]
    db.session.flush()
    return deleted
