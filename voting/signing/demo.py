"""The demo's signing keys (printed PINs), and signing the demo conference's documents with them.

The clerk applies the agency's signature last: from a SoftHSM2 token (PKCS#11) where SoftHSM2 is
installed, else from a PKCS#12 file.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from PIL import Image, ImageDraw

from voting.auth.models import Role, User
from voting.auth.services import create_user
from voting.conferences.access import can_see
from voting.conferences.models import Conference
from voting.documents.archive import conference_documents
from voting.documents.kinds import is_agency_slot
from voting.documents.models import DocumentVersion
from voting.errors import InvalidState
from voting.extensions import db
from voting.i18n import N_
from voting.signing import agency, pki, services, softhsm

#: the demo's CA passphrase and every demo signer's PIN (printed by `flask demo`)
DEMO_CA_PASSPHRASE = "luanluu-demo-ca"  # noqa: S105 - printed by `flask demo`, demo only
DEMO_PIN = "201611"
#: the receiving unit's head has no account: the demo gives him a PKCS#12 file with this password
DEMO_PKCS12_PASSWORD = "bennhan2016"  # noqa: S105 - printed by `flask demo`, demo only
#: the clerk's token: the agency's key is on it under this label
DEMO_KEY_LABEL = "khoa-co-quan"


def demo_seal_png() -> bytes:
    """Return a plain red seal image (rings and a star) on a transparent background."""
    size = 400
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 16, 46, 255)
    draw.ellipse((8, 8, size - 8, size - 8), outline=red, width=14)
    draw.ellipse((60, 60, size - 60, size - 60), outline=red, width=6)
    centre, outer, inner = size / 2, 80, 32
    points = []
    for index in range(10):
        radius = outer if index % 2 == 0 else inner
        angle = math.pi / 2 + index * math.pi / 5
        points.append((centre + radius * math.cos(angle), centre - radius * math.sin(angle)))
    draw.polygon(points, fill=red)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


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
            if is_agency_slot(slot):
                _seal(version, passphrase=_passphrase(), issued_at=now - timedelta(days=1), now=moment)
                continue
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


def _demo_clerk(conference: Conference) -> User:
    """Return a clerk who may see the conference, made (password: the demo's PIN) if there is none."""
    for clerk in db.session.scalars(sa.select(User).where(User.role == Role.CLERK, User.is_enabled)):
        if can_see(clerk, conference):
            return clerk
    return create_user(
        f"vanthu-{conference.cluster.code}".lower()[:64],
        DEMO_PKCS12_PASSWORD,
        full_name="Văn thư",
        title="Văn thư",
        role=Role.CLERK,
        unit=None,
    )


def _seal(version: DocumentVersion, *, passphrase: str, issued_at: datetime, now: datetime) -> None:
    """Let the demo's clerk apply the agency's signature, from SoftHSM2 if installed, else PKCS#12."""
    conference = version.document.conference
    cluster = conference.cluster
    clerk = _demo_clerk(conference)
    authority = services.active_authority()
    assert authority is not None
    cert, key = pki.issue_signer(
        pki.KeyPair(authority.certificate_pem, authority.sealed_key),
        passphrase,
        common_name=cluster.parent_body,
        title="",
        organization=cluster.parent_body,
        now=issued_at,
        years=services.SIGNER_YEARS,
    )
    configured = agency.set_agency_certificate(
        cluster,
        certificate_pem=pki.pem(cert).encode(),
        agency_name=cluster.parent_body,
        seal_png=demo_seal_png(),
        by=clerk,
        now=issued_at,
    )
    if softhsm.is_available():
        home = Path(current_app.instance_path) if current_app else Path(tempfile.gettempdir())
        softhsm.configure(home / "softhsm")
        label = f"CQ-{configured.fingerprint[:16]}"
        softhsm.add_token_with_key(label, pin=DEMO_PIN, key=key, key_label=DEMO_KEY_LABEL)
        login = agency.TokenLogin(softhsm.MODULE, label, DEMO_KEY_LABEL, DEMO_PIN)
        agency.seal_document(version, by=clerk, now=now, token=login)
        return
    p12 = pki.make_pkcs12(cert, key, [], DEMO_PKCS12_PASSWORD)
    agency.seal_document(version, by=clerk, now=now, pkcs12=p12, pkcs12_password=DEMO_PKCS12_PASSWORD)
