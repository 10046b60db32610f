"""The public bulletin board of encrypted rounds and the conference's election record (protocol.md).

Everything here is public: ciphertexts, proofs, trackers, the aggregate, the trustees' partial
decryptions and the counts. The record is what ``voting/crypto/verifier.py`` checks on its own;
its SHA-256 fingerprint is printed in the minutes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from voting.conferences.models import Conference
from voting.crypto import verifier
from voting.elections.counting import is_decrypted
from voting.elections.encrypted import (
    VERSION,
    aggregate_of,
    cast_ballots,
    key_of,
    manifest_of,
    options_of,
    partials_of,
)
from voting.elections.models import DecryptedCount, Election, Round, RoundMethod, RoundStatus
from voting.extensions import db
from voting.trustees.keys import election_key_of
from voting.trustees.record import ceremony_record


def round_record(round_: Round) -> dict[str, Any]:
    """Return a closed encrypted round as the record publishes it (counts None until decrypted)."""
    key = key_of(round_.election.conference)
    manifest = manifest_of(round_, key)
    ballots = cast_ballots(round_)
    partials = [json.loads(row.payload) for row in partials_of(round_)]
    counts: dict[str, int] | None = None
    if is_decrypted(round_):
        rows = db.session.execute(
            sa.select(DecryptedCount.option, DecryptedCount.votes).where(DecryptedCount.round_id == round_.id)
        )
        decrypted = {option: votes for option, votes in rows.tuples()}
        counts = {option: decrypted.get(option, 0) for option, _mark in options_of(round_)}
        partials = partials[: key.threshold] if ballots else []
    record: dict[str, Any] = {
        "manifest": manifest,
        "ctx": verifier.manifest_ctx(manifest),
        "ballots": [json.loads(row.content) for row in ballots],
        "trackers": [row.tracker for row in ballots],
        "aggregate": aggregate_of(round_, ballots),
        "partial_decryptions": partials,
        "counts": counts,
    }
    zero = {row.tracker: json.loads(row.zero) for row in ballots if row.zero != "[]"}
    if zero:
        record["zero"] = zero
    return record


def encrypted_rounds(conference: Conference) -> list[Round]:
    """Return the conference's closed (or voided) encrypted rounds, in the order they were opened."""
    return list(
        db.session.scalars(
            sa.select(Round)
            .join(Election)
            .where(
                Election.conference_id == conference.id,
                Round.method == RoundMethod.ENCRYPTED,
                Round.status != RoundStatus.OPEN,
            )
            .order_by(Round.opened_at, Round.id)
        )
    )


def election_record(conference: Conference) -> dict[str, Any] | None:
    """Return the conference's election record, None before its election key exists."""
    ceremony = ceremony_record(conference)
    if ceremony is None:
        return None
    return {
        "version": VERSION,
        "ceremony": ceremony,
        "rounds": [round_record(round_) for round_ in encrypted_rounds(conference)],
    }


def record_fingerprint(conference: Conference) -> str | None:
    """Return the SHA-256 fingerprint of the conference's election record (None: no key, or no round)."""
    if election_key_of(conference) is None or not encrypted_rounds(conference):
        return None
    record = election_record(conference)
    return verifier.sha256_hex(record) if record is not None else None


@dataclass(frozen=True)
class Board:
    """An encrypted round's public page: its trackers, the aggregate, the partial decryptions."""

    record: dict[str, Any]
    fingerprint: str  # SHA-256 of this round's part of the record

    @property
    def trackers(self) -> list[str]:
        """Return every cast ballot's tracker, sorted."""
        return list(self.record["trackers"])

    @property
    def posted(self) -> list[int]:
        """Return the trustees whose partial decryptions the record holds."""
        return [post["index"] for post in self.record["partial_decryptions"]]


def board_of(round_: Round) -> Board | None:
    """Return the bulletin board of a closed encrypted round (None for any other round)."""
    if not round_.is_encrypted or round_.is_open:
        return None
    record = round_record(round_)
    return Board(record, verifier.sha256_hex(record))


def short_tracker(tracker: str) -> str:
    """Return a tracker as shown to people: its first 16 hex characters in groups of 4."""
    head = tracker[:16]
    return "-".join(head[i : i + 4] for i in range(0, 16, 4))
