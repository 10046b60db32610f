"""The trust-list screen: import CA certificates and CRLs, retire, revoke in-app signer certificates."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from cryptography.hazmat.primitives.serialization import Encoding
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.factories import Site, Stage
from tests.helpers import STARTS_AT, csrf_token, post, text
from tests.signing.helpers import CA_PASS, PIN, give_keys
from voting.audit.models import AuditEntry
from voting.conferences.models import Conference
from voting.documents.models import DocumentKind
from voting.documents.services import find_document
from voting.extensions import db
from voting.signing import pki, trust
from voting.signing.models import SignerCredential, TrustedCertificate
from voting.signing.services import sign_document


def upload(data: bytes, name: str) -> dict[str, object]:
    return {"file": (io.BytesIO(data), name)}


def test_only_administrators_see_the_trust_list(login: Callable[[str], FlaskClient], site: Site) -> None:
    assert login(site.chair).get("/admin/trust/").status_code == 403
    assert login(site.chair).post("/admin/trust/crls").status_code in (400, 403)
    page = login(site.admin).get("/admin/trust/")
    assert page.status_code == 200 and "Danh sách tin cậy" in text(page)


def test_import_retire_and_crl_on_the_screen(
    app: Flask, login: Callable[[str], FlaskClient], site: Site
) -> None:
    national = pki.make_root_ca("Root CA quốc gia", "", now=STARTS_AT, years=20, passphrase="national-1")
    root = pki.load_certificate(national.certificate_pem)
    admin = login(site.admin)
    # encoded in memory: Werkzeug's test client spools a body over 500 KB to a file it never closes
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf_token(admin, "/admin/trust/"),
            "file": FileStorage(io.BytesIO(b"0" * (1024 * 1024 + 1)), filename="big.crl"),
        }
    )
    big = admin.post("/admin/trust/crls", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert big.status_code == 422 and "Tệp quá lớn" in text(big)
    nothing = post(admin, "/admin/trust/certificates", {})
    assert nothing.status_code == 422 and "Chưa thêm chứng thư nào" in text(nothing)
    junk = post(admin, "/admin/trust/certificates", upload(b"junk", "x.cer"))
    assert junk.status_code == 422 and "không phải chứng thư số X.509" in text(junk)
    added = post(
        admin,
        "/admin/trust/certificates",
        upload(root.public_bytes(Encoding.DER), "root.cer"),
        follow_redirects=True,
    )
    assert "Đã thêm 1 chứng thư" in text(added) and pki.fingerprint(root) in text(added)
    crl = pki.make_crl(
        root, pki.unseal_key(national.sealed_key, "national-1"), [(7, STARTS_AT)], number=1, now=STARTS_AT
    )
    imported = post(
        admin, "/admin/trust/crls", upload(crl.public_bytes(Encoding.PEM), "root.crl"), follow_redirects=True
    )
    assert "Đã nhập danh sách thu hồi" in text(imported)
    again = post(admin, "/admin/trust/crls", upload(crl.public_bytes(Encoding.DER), "root.crl"))
    assert again.status_code == 422 and "đã được nhập" in text(again)
    with app.app_context():
        entry_id = db.session.scalar(
            sa.select(TrustedCertificate.id).where(TrustedCertificate.fingerprint == pki.fingerprint(root))
        )
    retired = post(admin, f"/admin/trust/certificates/{entry_id}/retire", follow_redirects=True)
    assert "Đã thôi tin cậy" in text(retired)
    assert post(admin, "/admin/trust/certificates/999999/retire").status_code == 404
    with app.app_context():
        entry = db.session.get(TrustedCertificate, entry_id)
        assert entry is not None and entry.retired_at is not None
        actions = db.session.scalars(sa.select(AuditEntry.action)).all()
        assert {"trusted certificate added", "crl imported", "trusted certificate retired"} <= set(actions)


def test_revoking_on_the_screen_needs_the_ca_passphrase_and_stops_signing(
    app: Flask, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    site = make_site(Stage.MINUTES_ISSUED)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        give_keys(conference)
        minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
        assert minutes is not None
        # the secretary signs the conference minutes before the revocation
        sign_document(
            minutes.current_version, by=conference.secretary, now=STARTS_AT + timedelta(hours=4), pin=PIN
        )
        db.session.commit()
        code = minutes.current_version.verify_code
        credential_id = db.session.scalar(
            sa.select(SignerCredential.id).where(SignerCredential.user_id == conference.secretary_id)
        )
    admin = login(site.admin)
    wrong = post(
        admin, f"/admin/trust/credentials/{credential_id}/revoke", {"ca_passphrase": "not-it-at-all"}
    )
    assert wrong.status_code == 422 and "Mật khẩu bảo vệ khóa CA không đúng" in text(wrong)
    empty = post(admin, f"/admin/trust/credentials/{credential_id}/revoke", {"ca_passphrase": ""})
    assert empty.status_code == 422
    done = post(
        admin,
        f"/admin/trust/credentials/{credential_id}/revoke",
        {"ca_passphrase": CA_PASS},
        follow_redirects=True,
    )
    assert "Đã thu hồi chứng thư số" in text(done) and "Đã thu hồi lúc" in text(done)
    with app.app_context():
        (crl,) = trust.revocation_lists()
        assert crl.revoked_count == 1
    shown = text(login(site.secretary).get(f"/verify/{code}"))
    assert "chứng thư đã bị thu hồi" in shown and "Không hợp lệ" in shown
