"""The demo's signing keys (printed PINs), and signing the demo conference's documents with them."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from voting.auth.models import User
from voting.conferences.models import Conference
from voting.documents.archive import conference_documents
from voting.errors import InvalidState
from voting.extensions import db
from voting.i18n import N_
from voting.signing import services

#: the demo's CA passphrase and every demo signer's PIN (printed by `flask demo`)
DEMO_CA_PASSPHRASE = "luanluu-demo-ca"  # noqa: S105 - printed by `flask demo`, demo only
DEMO_PIN = "201611"
#: the receiving unit's head has no account: the demo gives him a PKCS#12 file with this password
DEMO_PKCS12_PASSWORD = "bennhan2016"  # noqa: S105 - printed by `flask demo`, demo only


def _passphrase() -> str:
    return os.environ.get("LUANLUU_CA_PASSPHRASE", DEMO_CA_PASSPHRASE)


def give_demo_keys(conference: Conference, *, now: datetime) -> None:
    """Create the demo CA and the chair's and secretary's keys (PIN ``DEMO_PIN``) unless they exist."""
    if services.active_authority() is None:
        services.init_authority(
            passphrase=_passphrase(),
            now=now - timedelta(days=30),
            organization=conference.cluster.parent_body,
        )
    for signer in (conference.chair, conference.secretary):
        _give_key(signer, now=now)


def _give_key(signer: User, *, now: datetime) -> None:
    if services.credential_of(signer) is None:
        services.issue_credential(
            signer, ca_passphrase=_passphrase(), pin=DEMO_PIN, now=now - timedelta(days=1)
        )


def demo_pkcs12(name: str, title: str, *, now: datetime) -> bytes:
    """Return a PKCS#12 file (password ``DEMO_PKCS12_PASSWORD``) for a demo signer without an account."""
    return services.issue_pkcs12(
        name, title, ca_passphrase=_passphrase(), password=DEMO_PKCS12_PASSWORD, now=now - timedelta(days=1)
    )


def sign_demo_documents(conference: Conference, *, now: datetime) -> None:
    """Create the demo CA and keys if needed, then sign every document in its blocks' order."""
    give_demo_keys(conference, now=now)
    outsiders: dict[str, bytes] = {}
    moment = now
    for document in conference_documents(conference):
        version = document.current_version
        while (slot := version.next_slot) is not None:
            moment += timedelta(minutes=1)
            if slot["user_id"] is None:
                name = slot["name"]
                if name not in outsiders:
                    outsiders[name] = demo_pkcs12(name, slot["title"], now=now)
                services.sign_document(
                    version,
                    by=conference.chair,
                    now=moment,
                    pkcs12=outsiders[name],
                    pkcs12_password=DEMO_PKCS12_PASSWORD,
                )
                continue
            signer = db.session.get(User, slot["user_id"])
            if signer is None:
                raise InvalidState(N_("Không tìm thấy người ký của tài liệu demo."))
            _give_key(signer, now=now)
            services.sign_document(version, by=signer, now=moment, pin=DEMO_PIN)
