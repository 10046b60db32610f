"""The administrator creates the root CA and issues or renews signing certificates on the accounts screen."""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site
from tests.helpers import post, text
from tests.signing.helpers import minutes_site
from voting.audit.models import AuditEntry
from voting.extensions import db
from voting.signing.models import SignerCredential

CA_PASSPHRASE = "mat-khau-ca-rat-dai"


def test_ca_then_certificate_then_the_signer_signs_with_the_pin_shown_once(
    app: Flask, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    built = minutes_site(app, make_site, with_keys=False)
    site, secretary_id, minutes_id = built.site, built.secretary_id, built.minutes_id
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
