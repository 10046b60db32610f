"""Shared steps of the trustees' tests, and ``run_ceremony`` for every test that needs an election key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import sqlalchemy as sa

from tests.helpers import PASSWORD, STARTS_AT, in_year
from voting.auth.models import Role, User
from voting.auth.services import create_user
from voting.conferences.models import Conference
from voting.crypto import verifier
from voting.crypto.prover import Trustee, encrypt_ballot
from voting.extensions import db
from voting.trustees.keys import ElectionKey, election_key_of
from voting.trustees.offline import play_ceremony
from voting.trustees.services import committee_trustees

#: the Python trustees of every key made in this test process, by key fingerprint
TRUSTEES: dict[str, dict[int, Trustee]] = {}


def key_holders(conference: Conference, n: int = 3) -> list[User]:
    """Return the counting committee if it has *n* members or more, else *n* counter accounts (made once)."""
    committee = committee_trustees(conference)
    if len(committee) >= n:
        return committee
    people = []
    for i in range(1, n + 1):
        username = f"giukhoa{conference.id}.{i}"
        person = db.session.scalar(sa.select(User).where(User.username == username))
        if person is None:
            person = create_user(
                username, PASSWORD, full_name=f"Người giữ khóa {i}", title="Cán bộ", role=Role.COUNTER
            )
        people.append(person)
    return people


def run_ceremony(
    conference: Conference,
    trustees: Sequence[User] | None = None,
    threshold: int | None = None,
    *,
    now: datetime | None = None,
) -> dict[int, Trustee]:
    """Run a whole key ceremony with Python trustees; return them, each holding its share, by index.

    They are also kept in ``TRUSTEES`` under the key's fingerprint, for the tests that decrypt a tally.
    """
    players = play_ceremony(
        conference,
        trustees if trustees is not None else key_holders(conference),
        threshold,
        by=conference.chair,
        now=now or in_year(STARTS_AT, conference.year),
    )
    key = election_key_of(conference)
    if key is not None:
        TRUSTEES[key.key_fingerprint] = players
    return players


def tally(
    key: ElectionKey, conference_id: int, trustees: Mapping[int, Trustee], choices: Sequence[int]
) -> list[int]:
    """Encrypt one ballot per choice (options 0, 1, 2) under *key*; decrypt their sum with *trustees*.

    Every ballot and every partial decryption is checked by the verifier on the way.
    """
    manifest = {
        "version": "luanluu-eg-1",
        "conference": conference_id,
        "round": 1,
        "key": key.key_fingerprint,
        "election_key": key.election_key,
        "options": ["unit:1", "unit:2", "blank"],
    }
    ballots = [encrypt_ballot(manifest, choice)[0] for choice in choices]
    for ballot in ballots:
        verifier.verify_ballot(manifest, ballot)
    sums = verifier.aggregate(ballots, 3)
    ctx = verifier.manifest_ctx(manifest)
    partials = [trustee.partial_decrypt(ctx, sums) for trustee in trustees.values()]
    for post in partials:
        verifier.verify_partial(ctx, sums, key.verification_keys[post["index"]], post)
    return verifier.combine(sums, partials, len(ballots))
