"""How a request's transaction takes SQLite's write lock: up front, or only around its writes.

SQLite has one writer at a time. A POST takes the write lock at its first statement (``BEGIN
IMMEDIATE``), so that concurrent writers queue on ``busy_timeout`` instead of failing on a lock
upgrade. A view marked ``writes_late`` (the cast) reads without it (``BEGIN``) and its service calls
``take_write_lock`` just before writing: the reads, the rules and the proof checks of many ballots
then run side by side in several workers, and the service re-checks under the lock what it read
before. PostgreSQL locks rows instead: there both are no-ops.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, has_request_context, request
from sqlalchemy.engine import Connection

from voting.extensions import db

F = TypeVar("F", bound=Callable[..., Any])

#: connection.info keys: whether the transaction holds the write lock, and the changes when it began
HOLDS_LOCK = "luanluu_write_lock"
CHANGES_AT_BEGIN = "luanluu_changes_at_begin"


def writes_late(view: F) -> F:
    """Mark a POST view whose service takes SQLite's write lock itself, just before its writes."""
    view.writes_late = True  # type: ignore[attr-defined]
    return view


def _takes_lock_up_front() -> bool:
    """Return whether this request's transaction should begin with the write lock."""
    if not has_request_context():  # the CLI, the seeders and the tests' own sessions write
        return True
    if request.method in ("GET", "HEAD"):  # a page only reads: polling never queues behind ballots
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, "writes_late", False)


def begin_sqlite(connection: Connection) -> None:
    """Begin a SQLite transaction, with the write lock up front or not (the engine's ``begin`` event)."""
    holds_lock = _takes_lock_up_front()
    connection.exec_driver_sql("BEGIN IMMEDIATE" if holds_lock else "BEGIN")
    connection.info[HOLDS_LOCK] = holds_lock
    connection.info[CHANGES_AT_BEGIN] = connection.connection.driver_connection.total_changes  # type: ignore[union-attr]


def take_write_lock() -> bool:
    """Take SQLite's write lock now, if this transaction has only read; return whether it was taken.

    The read snapshot ends and a new transaction begins under the lock: the caller must re-check
    what it read (True). Nothing may have been written before; that is checked, not assumed.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite" or connection.info.get(HOLDS_LOCK, True):
        return False
    raw = connection.connection.driver_connection
    assert raw is not None
    if raw.total_changes != connection.info[CHANGES_AT_BEGIN]:
        raise RuntimeError("take_write_lock() after a write: the write would be committed early")
    raw.execute("COMMIT")  # only reads so far: nothing is committed, the snapshot ends
    raw.execute("BEGIN IMMEDIATE")
    connection.info[HOLDS_LOCK] = True
    return True


def dialect() -> str:
    """Return the name of the session's database: "postgresql" or "sqlite"."""
    return db.session.connection().dialect.name
