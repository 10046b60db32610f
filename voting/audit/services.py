"""Appending to the audit log and verifying its hash chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa

from voting.audit.models import AuditEntry
from voting.extensions import db


class Actor(Protocol):
    """Who acted: an account (the log keeps its login name as it was)."""

    @property
    def id(self) -> int: ...

    @property
    def username(self) -> str: ...


class Subject(Protocol):
    """What an entry belongs to: a conference (the log names it by id only)."""

    @property
    def id(self) -> int: ...


#: the previous hash of the first entry
GENESIS = "0" * 64

#: an arbitrary constant naming the chain's lock for pg_advisory_xact_lock
_CHAIN_LOCK_KEY = 0x4C75616E4C7575  # "LuanLuu"


def canonical(value: Any) -> str:
    """Return the canonical JSON of a value: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_payload(
    *,
    id: int,
    conference_id: int | None,
    actor_id: int | None,
    actor_username: str,
    action: str,
    details: dict[str, Any],
    created_at: datetime,
) -> str:
    """Return the canonical JSON an entry's hash covers (before the previous hash); "id" sorts last."""
    return canonical(
        {
            "id": id,
            "conference_id": conference_id,
            "actor_id": actor_id,
            "actor_username": actor_username,
            "action": action,
            "details": details,
            "created_at": created_at.replace(microsecond=0).isoformat(),
        }
    )


def entry_hash(*, prev_hash: str, **fields: Any) -> str:
    """Return sha256 over the entry's canonical JSON (``entry_payload``) followed by the previous hash."""
    return hashlib.sha256((entry_payload(**fields) + prev_hash).encode("utf-8")).hexdigest()


#: the append's statements, built once (every cast appends: building them per call cost more CPU
#: than running them)
_LAST_ENTRY = sa.select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
_APPEND = sa.insert(AuditEntry.__table__)
#: PostgreSQL: lock, read the head and append in one round trip (the function of migration 8c41d2a7e5b3)
_APPEND_UNDER_LOCK = sa.text(
    "SELECT audit_append(:key, :conference_id, :actor_id, :actor_username, :action, :details, "
    ":created_at, :payload_head)"
).bindparams(key=_CHAIN_LOCK_KEY)


def record(
    action: str,
    *,
    actor: Actor | None,
    conference: Subject | None = None,
    details: dict[str, Any] | None = None,
    now: datetime,
) -> None:
    """Append an entry to the audit log under the chain lock; never commits."""
    fields: dict[str, Any] = {
        "conference_id": conference.id if conference is not None else None,
        "actor_id": actor.id if actor is not None else None,
        "actor_username": actor.username if actor is not None else "",
        "action": action,
        "details": json.loads(canonical(details or {})),
        "created_at": now.replace(microsecond=0),
    }
    if db.session.get_bind().dialect.name == "postgresql":
        # The database numbers the entry and hashes it under the lock: it is handed the canonical
        # JSON up to the id, which sorts last ("id" after "details"), as entry_hash writes it.
        head = entry_payload(id=0, **fields).removesuffix("0}")
        assert head.endswith(',"id":'), "the entry's id no longer sorts last in its JSON"
        db.session.execute(
            _APPEND_UNDER_LOCK, {**fields, "details": canonical(fields["details"]), "payload_head": head}
        )
        return
    # SQLite: BEGIN IMMEDIATE already holds the only write lock
    last = db.session.execute(_LAST_ENTRY).first()
    next_id, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    entry_hash_ = entry_hash(id=next_id, **fields, prev_hash=prev_hash)
    db.session.execute(
        _APPEND,
        {
            **fields,
            "id": next_id,
            "details": canonical(fields["details"]),
            "prev_hash": prev_hash,
            "hash": entry_hash_,
        },
    )


@dataclass(frozen=True)
class Head:
    """The last entry of the chain: how many entries there are and its hash (the "anchor")."""

    count: int
    hash: str


def head() -> Head:
    """Return the chain's head now; entries are numbered 1, 2, ... so the last id is the count."""
    last = db.session.execute(_LAST_ENTRY).first()
    return Head(last[0], last[1]) if last else Head(0, GENESIS)


def still_extends(anchor: Head) -> bool:
    """Return whether the stored entry #count still carries the anchored hash.

    Deleting entries up to the anchor, or re-chaining from an entry edited before it, changes
    that hash; an edit that was not re-chained is caught by ``verify``, which reads the whole chain.
    """
    if anchor.count == 0:
        return True
    stored = db.session.scalar(sa.select(AuditEntry.hash).where(AuditEntry.id == anchor.count))
    return stored == anchor.hash


@dataclass(frozen=True)
class Verification:
    """The outcome of checking the chain (and, when one was given, that it extends an anchor)."""

    checked: int
    first_bad_id: int | None
    problem: str
    head: str

    @property
    def is_intact(self) -> bool:
        """Return whether every entry checked out."""
        return self.first_bad_id is None and not self.problem


def verify(expect: str | None = None) -> Verification:
    """Walk the chain in id order and name the first entry that was changed, removed or moved.

    With ``expect`` (a head hash printed in a document), the chain must also still contain an entry
    with that hash: a log cut short, or rewritten from an entry before the anchor, no longer does.
    """
    expected_prev, expected_id, checked, anchored = GENESIS, 1, 0, expect is None
    for entry in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)):
        checked += 1
        if entry.id != expected_id:
            return Verification(
                checked, entry.id, f"thiếu mục #{expected_id} đến #{entry.id - 1} (đã bị xóa)", expected_prev
            )
        if entry.prev_hash != expected_prev:
            return Verification(
                checked,
                entry.id,
                "mã băm của mục trước không khớp (mục trước bị sửa, xóa hoặc đổi chỗ)",
                expected_prev,
            )
        try:
            details = json.loads(entry.details)
        except ValueError:
            return Verification(checked, entry.id, "chi tiết không phải JSON hợp lệ", expected_prev)
        recomputed = entry_hash(
            id=entry.id,
            conference_id=entry.conference_id,
            actor_id=entry.actor_id,
            actor_username=entry.actor_username,
            action=entry.action,
            details=details,
            created_at=entry.created_at,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            return Verification(
                checked, entry.id, "nội dung mục đã bị sửa (mã băm không khớp)", expected_prev
            )
        anchored = anchored or entry.hash == expect
        expected_prev, expected_id = entry.hash, entry.id + 1
    if not anchored:
        return Verification(
            checked,
            None,
            f"không còn mục nào mang mã băm đã in {expect}: nhật ký đã bị cắt bớt hoặc viết lại "
            "từ trước thời điểm in",
            expected_prev,
        )
    return Verification(checked, None, "", expected_prev)


def conference_log(conference: Subject) -> list[AuditEntry]:
    """Return a conference's entries, oldest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.conference_id == conference.id).order_by(AuditEntry.id)
        )
    )
