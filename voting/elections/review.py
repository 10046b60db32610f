"""The choice between the ballot and the review step, kept sealed in the session.

The review step is a page of its own (post/redirect/get: Back never re-posts the ballot), so the
choice waits in Flask's session cookie meanwhile. That cookie is signed, not encrypted: the choice
goes in sealed with libsodium's secret box (XSalsa20-Poly1305, through PyNaCl) under a key derived
from ``SECRET_KEY`` (BLAKE2b with its own personalisation), and bound to the round and the unit.
"""

from __future__ import annotations

import json

from flask import current_app, session
from nacl.encoding import RawEncoder, URLSafeBase64Encoder
from nacl.exceptions import CryptoError
from nacl.hash import blake2b
from nacl.secret import SecretBox

#: BLAKE2b's personalisation: this key serves nothing else derived from SECRET_KEY
PERSON = b"luanluu-review"


def _box(secret_key: str) -> SecretBox:
    key = blake2b(secret_key.encode(), digest_size=SecretBox.KEY_SIZE, person=PERSON, encoder=RawEncoder)
    return SecretBox(key)


def seal_choice(secret_key: str, round_id: int, unit_id: int, choice: str) -> str:
    """Return *choice* sealed for the unit's review of the round (text for the session)."""
    plain = json.dumps([round_id, unit_id, choice]).encode()
    return _box(secret_key).encrypt(plain, encoder=URLSafeBase64Encoder).decode()


def open_choice(secret_key: str, round_id: int, unit_id: int, sealed: object) -> str | None:
    """Return the choice sealed for this round and unit, None if there is none or it does not open."""
    if not isinstance(sealed, str):
        return None
    try:
        plain = _box(secret_key).decrypt(sealed.encode(), encoder=URLSafeBase64Encoder)
        held_round, held_unit, choice = json.loads(plain)
    except (CryptoError, ValueError, TypeError):
        return None
    if held_round != round_id or held_unit != unit_id or not isinstance(choice, str):
        return None
    return choice


def _key(round_id: int) -> str:
    return f"review-{round_id}"


def hold_choice(round_id: int, unit_id: int, choice: str) -> None:
    """Keep the unit's choice in this browser's session, sealed, until it is cast."""
    session[_key(round_id)] = seal_choice(current_app.config["SECRET_KEY"], round_id, unit_id, choice)


def held_choice(round_id: int, unit_id: int) -> str | None:
    """Return the choice this browser holds for the unit's review of the round, if any."""
    return open_choice(current_app.config["SECRET_KEY"], round_id, unit_id, session.get(_key(round_id)))


def drop_choice(round_id: int) -> None:
    """Forget the held choice (it was cast)."""
    session.pop(_key(round_id), None)
