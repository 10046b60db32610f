"""The administrator creates the root CA and issues or renews signing certificates on the accounts screen."""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site, Stage
from tests.helpers import post, text
from voting.audit.models import AuditEntry
from voting.auth.models import User
from voting.conferences.models import Conference
from voting.documents.models import DocumentKind
from voting.documents.services import find_document
from voting.extensions import db
from voting.signing.models import SignerCredential

CA_PASSPHRASE = "mat-khau-ca-rat-dai"


def _ids(app: Flask, site: Site) -> tuple[int, int]:
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
        assert minutes is not None
        secretary_id = db.session.scalar(sa.select(User.id).where(User.username == site.secretary))
        assert secretary_id is not None
        return secretary_id, minutes.id


def test_ca_then_certificate_then_the_signer_signs_with_the_pin_shown_once(
    app: Flask, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    site = make_site(Stage.MINUTES_ISSUED)
    secretary_id, minutes_id = _ids(app, site)
    admin = login(site.admin)
    assert login(site.chair).get(f"/admin/users/{secretary_id}/certificate").status_code == 403
    assert f"/admin/users/{secretary_id}/certificate" in text(admin.get("/admin/users"))
    assert "Chưa có CA gốc" in text(admin.get(f"/admin/users/{secretary_id}/certificate"))
    mismatch = post(
        admin,
        f"/admin/users/{secretary_id}/authority",
        {"name": "CA Cụm 4", "organization": "", "passphrase": CA_PASSPHRASE, "confirm": "khac-han-nhe-123"},
    )
    assert mismatch.status_code == 422 and "Hai mật khẩu không khớp" in text(mismatch)
    created = post(
        admin,
        f"/admin/users/{secretary_id}/authority",
        {"name": "CA Cụm 4", "organization": "", "passphrase": CA_PASSPHRASE, "confirm": CA_PASSPHRASE},
        follow_redirects=True,
    )
    assert "Đã tạo CA gốc" in text(created) and "chưa có chứng thư số ký" in text(created)

    wrong = post(admin, f"/admin/users/{secretary_id}/certificate", {"ca_passphrase": "sai-mat-khau"})
    assert wrong.status_code == 422 and "Mật khẩu bảo vệ khóa CA không đúng" in text(wrong)
    issued = post(admin, f"/admin/users/{secretary_id}/certificate", {"ca_passphrase": CA_PASSPHRASE})
    found = re.search(r'<p class="code">(\d{8})</p>', text(issued))
    assert issued.status_code == 200 and found is not None
    first_pin = found.group(1)
    assert first_pin not in text(admin.get(f"/admin/users/{secretary_id}/certificate"))  # shown once

    renewed = post(admin, f"/admin/users/{secretary_id}/certificate", {"ca_passphrase": CA_PASSPHRASE})
    found = re.search(r'<p class="code">(\d{8})</p>', text(renewed))
    assert found is not None
    pin = found.group(1)
    with app.app_context():
        credentials = db.session.scalars(
            sa.select(SignerCredential).where(SignerCredential.user_id == secretary_id)
        ).all()
        assert sorted(c.is_active for c in credentials) == [False, True]
        actions = db.session.scalars(sa.select(AuditEntry.action)).all()
        assert "signing.authority_created" in actions and "signing.certificate_renewed" in actions

    secretary = login(site.secretary)
    if first_pin != pin:
        old = post(secretary, f"/documents/{minutes_id}/sign", {"pin": first_pin})
        assert old.status_code == 422  # the renewed key is sealed under the new PIN only
    done = post(secretary, f"/documents/{minutes_id}/sign", {"pin": pin}, follow_redirects=True)
    assert "Đã ký số Biên bản hội nghị" in text(done)
