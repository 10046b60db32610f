"""Keys for the signing tests: a CA, the chair's and the secretary's credentials, a count of stored files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from tests.factories import Site, Stage
from tests.helpers import STARTS_AT
from voting.conferences.models import Conference
from voting.documents.models import DocumentFile, DocumentKind
from voting.documents.services import find_document
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


@dataclass(frozen=True)
class MinutesSite:
    """A site whose conference minutes are issued and await their first signature."""

    site: Site
    minutes_id: int
    secretary_id: int


def minutes_site(app: Flask, make_site: Callable[..., Site], *, with_keys: bool) -> MinutesSite:
    """Build a site with issued minutes; with keys, the chair and secretary have credentials (PIN ``PIN``)."""
    site = make_site(Stage.MINUTES_ISSUED)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        if with_keys:
            give_keys(conference)
            db.session.commit()
        minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
        assert minutes is not None
        return MinutesSite(site, minutes.id, conference.secretary_id)
