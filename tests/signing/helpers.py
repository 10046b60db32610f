"""Keys for the signing tests: a CA, the chair's and the secretary's credentials, a count of stored files."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.helpers import STARTS_AT
from voting.conferences.models import Conference
from voting.documents.models import DocumentFile
from voting.extensions import db
from voting.signing import services as signing

#: the signers' PIN and the CA's passphrase of these tests
PIN = "135792"
CA_PASS = "ca-passphrase-123"


def give_keys(conference: Conference) -> None:
    """Create the CA, then a credential for the conference's chair and secretary (PIN ``PIN``)."""
    signing.init_authority(passphrase=CA_PASS, now=STARTS_AT - timedelta(days=30))
    for account in (conference.chair, conference.secretary):
        signing.issue_credential(account, ca_passphrase=CA_PASS, pin=PIN, now=STARTS_AT - timedelta(days=1))


def files() -> int:
    """Return how many document files (each stored state of each version) there are."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(DocumentFile)) or 0
