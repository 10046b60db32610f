"""Two clusters for the authorization matrix and the fuzzing: what fills the URLs, who logs in.

Cluster A's conference has ended (minutes issued) and has a counting committee; cluster B's has a
round open. Both are built with the factories and committed; ``fingerprint`` tells whether a request
changed the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.emulation import helpers as emulation
from tests.factories import Factories, Stage, representative
from tests.helpers import PASSWORD, PREPARED_AT, csrf_token
from voting.auth.models import Role, User
from voting.auth.tokens import create_token
from voting.clusters.models import Cluster, Unit
from voting.conferences import notes
from voting.conferences.models import CommitteeMember, Conference, Delegate
from voting.display.services import rotate_display_token
from voting.documents.models import Document, DocumentFile, DocumentVersion
from voting.elections.models import Election, Office, Round
from voting.emulation.evidence import attach_evidence
from voting.emulation.models import Score
from voting.extensions import db
from voting.signing import external, pki, trust
from voting.signing import services as signing
from voting.signing.models import TrustedCertificate
from voting.trustees.models import KeyCeremony

#: the in-app CA's passphrase and the signers' PIN in these worlds
CA_PASSPHRASE = "ca-passphrase-123"
PIN = "135792"


@dataclass(frozen=True)
class World:
    """The ids that fill a URL's arguments for one cluster, and its accounts' usernames by role."""

    values: dict[str, Any]
    usernames: dict[Role, str]


@dataclass(frozen=True)
class Pki:
    """The in-app CA (on the trust list) and a national root CA the administrator put on the trust list."""

    national: pki.KeyPair
    national_entry: TrustedCertificate


def _pki(admin: User) -> Pki:
    """Create the in-app CA, and put another root CA on the trust list as the administrator would."""
    signing.init_authority(passphrase=CA_PASSPHRASE, now=PREPARED_AT - timedelta(days=30))
    national = pki.make_root_ca(
        "Root CA quốc gia", "", now=PREPARED_AT - timedelta(days=30), years=20, passphrase=CA_PASSPHRASE
    )
    entry = trust.add_certificate(
        pki.load_certificate(national.certificate_pem), by=admin, now=PREPARED_AT - timedelta(days=20)
    )
    return Pki(national, entry)


def _world(
    conference: Conference, usernames: dict[Role, str], keys: Pki, admin: User, delegate: Delegate
) -> World:
    election = db.session.scalar(sa.select(Election).where(Election.conference_id == conference.id))
    round_ = db.session.scalar(sa.select(Round).where(Round.election_id == election.id)) if election else None
    document = db.session.scalar(sa.select(Document).where(Document.conference_id == conference.id))
    file_id = document and db.session.scalar(
        sa.select(DocumentFile.id).join(DocumentVersion).where(DocumentVersion.document_id == document.id)
    )
    unit = conference.cluster.units[-1]
    ceremony = db.session.scalar(sa.select(KeyCeremony.id).where(KeyCeremony.conference_id == conference.id))
    assert round_ is not None
    secretary = conference.secretary
    # the secretary signs with an in-app credential, and has a certificate of their own registered too
    credential = signing.issue_credential(
        secretary, ca_passphrase=CA_PASSPHRASE, pin=PIN, now=PREPARED_AT - timedelta(days=1)
    )
    own, _key = pki.issue_signer(
        keys.national,
        CA_PASSPHRASE,
        common_name=secretary.full_name,
        title=secretary.title,
        organization=conference.cluster.name,
        now=PREPARED_AT - timedelta(days=10),
        years=2,
    )
    registered = external.register_certificate(
        secretary, pki.pem(own).encode(), matches_subject=False, by=admin, now=PREPARED_AT
    )
    # bình xét: the cluster's criteria table, scoring started, one self-score with its evidence file
    table = emulation.started(conference.cluster)
    emulation.self_score(table, unit, {"1.1": "9"})
    score = db.session.scalar(sa.select(Score).where(Score.unit_id == unit.id))
    assert score is not None
    evidence_file = attach_evidence(
        score, "minh-chung.pdf", b"%PDF-1.7\n", by=representative(unit), now=emulation.WRITTEN_AT
    )
    return World(
        {
            "conference_id": conference.id,
            "cluster_id": conference.cluster_id,
            "election_id": round_.election_id,
            "round_id": round_.id,
            "document_id": document.id if document else 999_999,
            "unit_id": unit.id,
            "user_id": representative(unit).id,
            "office": Office.LEADER.value,
            "slug": "counting",  # a kind of document issued on its own
            "token": rotate_display_token(conference),
            "filename": "style.css",
            "code": "KHONG-CO-MA",
            "file_id": file_id or 999_999,
            "ceremony_id": ceremony or 999_999,
            "token_id": create_token(representative(unit), "bảng tin", now=PREPARED_AT)[0].id,
            "delegate_id": delegate.id,
            "credential_id": credential.id,
            "certificate_id": registered.id,
            "entry_id": keys.national_entry.id,
            "table_id": table.id,
            "evidence_id": evidence_file.id,
        },
        usernames,
    )


def build_worlds(factories: Factories) -> tuple[World, World]:
    """Cluster A: a conference ended with its minutes issued. Cluster B: a conference with a round open.

    Both clusters have a clerk (văn thư) of their issuing body, a delegate on the minutes' list, and a
    secretary with an in-app signing credential and a registered certificate of their own (issued by a
    national root CA that the administrator put on the trust list, next to the in-app CA).
    """
    admin = factories.user(Role.ADMIN)
    keys = _pki(admin)
    conference = factories.conference(Stage.MINUTES_ISSUED)
    units = conference.cluster.units
    counter = factories.user(Role.COUNTER, unit=units[2])
    # appointed to the counting committee during the (now ended) conference
    db.session.add(
        CommitteeMember(
            conference_id=conference.id, user_id=counter.id, is_head=True, approvals=8, added_at=PREPARED_AT
        )
    )
    # added by the secretary before the conference ended (the service refuses once it has)
    delegate = Delegate(
        conference_id=conference.id,
        unit_id=units[1].id,
        full_name="Nguyễn Văn An",
        title="Phó trưởng phòng",
        added_at=PREPARED_AT,
        added_by_id=conference.secretary_id,
    )
    db.session.add(delegate)
    db.session.flush()
    a = _world(
        conference,
        {
            Role.REPRESENTATIVE: representative(units[1]).username,
            Role.CHAIR: conference.chair.username,
            Role.SECRETARY: conference.secretary.username,
            Role.COUNTER: counter.username,
            Role.CLERK: factories.user(Role.CLERK, unit=units[0]).username,
            Role.ARCHIVIST: factories.user(Role.ARCHIVIST).username,
            Role.ADMIN: admin.username,
        },
        keys,
        admin,
        delegate,
    )
    other = factories.conference(Stage.ROUND_OPEN, units=3, year=2017)
    b_units = other.cluster.units
    b = _world(
        other,
        {
            Role.REPRESENTATIVE: representative(b_units[0]).username,
            Role.CHAIR: other.chair.username,
            Role.SECRETARY: other.secretary.username,
            Role.COUNTER: factories.user(Role.COUNTER, unit=b_units[1]).username,
            Role.CLERK: factories.user(Role.CLERK, unit=b_units[0]).username,
        },
        keys,
        admin,
        notes.add_delegate(
            other, b_units[1], full_name="Trần Thị Bình", title="", by=other.secretary, now=PREPARED_AT
        ),
    )
    db.session.commit()
    return a, b


def logged_in(app: Flask, username: str | None) -> tuple[FlaskClient, str]:
    """Return a client logged in as *username* (anonymous for None) and its CSRF token."""
    client = app.test_client()
    token = csrf_token(client, "/login")
    if username is not None:
        response = client.post(
            "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302, username
        token = csrf_token(client, "/password")
    return client, token


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }


def fingerprint(app: Flask) -> tuple[dict[str, int], list[Any]]:
    """Return row counts and the mutable state of users, units, conferences and rounds."""
    with app.app_context():
        state = [
            *db.session.execute(sa.select(User.id, User.role, User.is_enabled, User.password_hash)).all(),
            *db.session.execute(sa.select(Unit.id, Unit.name)).all(),
            *db.session.execute(sa.select(Round.id, Round.status)).all(),
            *db.session.execute(sa.select(Cluster.id, Cluster.name)).all(),
        ]
        counts = _row_counts()
        db.session.rollback()
        return counts, sorted(map(repr, state))
