"""The one owner of "which election key does this conference use": read by the ballots and the tally."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from voting.conferences.models import Conference
from voting.extensions import db
from voting.trustees.models import CeremonyStatus, KeyCeremony


@dataclass(frozen=True)
class ElectionKey:
    """A finished ceremony's public values: everything a ballot, a tally and a verifier need."""

    ceremony_id: int
    #: H, the election public key (point hex)
    election_key: str
    #: kfp, the key fingerprint named in every round's manifest
    key_fingerprint: str
    #: k: how many trustees together decrypt
    threshold: int
    #: the trustee's protocol index -> their account id
    trustees: dict[int, int]
    #: the trustee's protocol index -> V_j, the public verification key of their share (point hex)
    verification_keys: dict[int, str]

    def index_of(self, user_id: int) -> int | None:
        """Return the protocol index of an account among the trustees, None if it is not one."""
        return next((index for index, user in self.trustees.items() if user == user_id), None)


def current_ceremony(conference: Conference) -> KeyCeremony | None:
    """Return the conference's ceremony that still counts (running or done), None if none."""
    return db.session.scalars(
        sa.select(KeyCeremony).where(
            KeyCeremony.conference_id == conference.id, KeyCeremony.status != CeremonyStatus.FAILED
        )
    ).first()


def latest_ceremony(conference: Conference) -> KeyCeremony | None:
    """Return the conference's latest ceremony, failed ones included, None if none was started."""
    return db.session.scalars(
        sa.select(KeyCeremony)
        .where(KeyCeremony.conference_id == conference.id)
        .order_by(KeyCeremony.id.desc())
    ).first()


def election_key_of(conference: Conference) -> ElectionKey | None:
    """Return the conference's election key once its ceremony is done, None before."""
    ceremony = current_ceremony(conference)
    if ceremony is None or not ceremony.is_done:
        return None
    assert ceremony.election_key is not None and ceremony.key_fingerprint is not None
    trustees = {trustee.index: trustee.user_id for trustee in ceremony.trustees}
    verification_keys = {
        trustee.index: trustee.verification_key
        for trustee in ceremony.trustees
        if trustee.verification_key is not None
    }
    return ElectionKey(
        ceremony_id=ceremony.id,
        election_key=ceremony.election_key,
        key_fingerprint=ceremony.key_fingerprint,
        threshold=ceremony.threshold,
        trustees=trustees,
        verification_keys=verification_keys,
    )
