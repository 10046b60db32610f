"""Registering a person's own certificate on the accounts screen; the sign page hands out and takes back."""

from __future__ import annotations

import io
from collections.abc import Callable

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site
from tests.helpers import post, text
from tests.signing.helpers import files, minutes_site
from tests.signing.test_external import ca, own_tool, token_certificate
from tests.softhsm import Token, softhsm
from voting.auth.models import User
from voting.conferences.models import Conference
from voting.documents.models import Document, DocumentKind
from voting.documents.services import find_document
from voting.extensions import db
from voting.signing import pki
from voting.signing.models import ExternalCertificate

__all__ = ["softhsm"]  # the session's token fixture, used here


def upload(browser: FlaskClient, url: str, field: str, content: bytes, name: str) -> object:
    """POST one file as a multipart form, with a valid CSRF token."""
    return post(browser, url, {field: (io.BytesIO(content), name)}, content_type="multipart/form-data")


def test_register_a_certificate_then_sign_in_your_own_tool(
    app: Flask, softhsm: Token, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    built = minutes_site(app, make_site, with_keys=True)
    site, minutes_id, secretary_id = built.site, built.minutes_id, built.secretary_id
    with app.app_context():
        secretary_account = db.session.get(User, secretary_id)
        assert secretary_account is not None
        label, cert, root = token_certificate(softhsm, secretary_account.full_name)
        prepared = db.session.get(Document, minutes_id).content  # type: ignore[union-attr]
    secretary = login(site.secretary)
    hint = "chưa có chứng thư số riêng được đăng ký"
    assert hint in text(secretary.get(f"/documents/{minutes_id}/sign"))
    admin = login(site.admin)
    screen = f"/admin/users/{secretary_id}/external-certificates"
    assert f'href="{screen}"' in text(admin.get("/admin/users"))
    assert "Chưa đăng ký chứng thư số nào." in text(admin.get(screen))
    bad = upload(admin, screen, "certificate", b"not a certificate", "x.cer")
    assert bad.status_code == 422 and "Không đọc được chứng thư số" in text(bad)  # type: ignore[attr-defined]
    der = cert.public_bytes(serialization.Encoding.DER)
    done = upload(admin, screen, "certificate", der, "thu-ky.cer")
    assert done.status_code == 302  # type: ignore[attr-defined]
    assert pki.fingerprint(cert) in text(admin.get(screen))

    sign_page = text(secretary.get(f"/documents/{minutes_id}/sign"))
    assert hint not in sign_page
    assert "Tải về để ký" in sign_page and "thu_ky" in sign_page
    assert (
        login(site.chair).get(f"/documents/{minutes_id}/prepared").status_code == 403
    )  # not the chair's turn
    download = secretary.get(f"/documents/{minutes_id}/prepared")
    assert download.status_code == 200 and download.data == prepared
    assert "-de-ky-thu_ky.pdf" in download.headers["Content-Disposition"]
    with app.app_context():
        wrong = own_tool(softhsm, label, [root], download.data, "chu_toa")
        right = own_tool(softhsm, label, [ca()[0]], download.data, "thu_ky")
        before = files()
    refused = upload(secretary, f"/documents/{minutes_id}/upload-signed", "signed", wrong, "signed.pdf")
    assert refused.status_code == 422 and "không phải ô cần ký «thu_ky»" in text(refused)  # type: ignore[attr-defined]
    with app.app_context():
        assert files() == before
    accepted = upload(secretary, f"/documents/{minutes_id}/upload-signed", "signed", right, "signed.pdf")
    assert accepted.status_code == 302  # type: ignore[attr-defined]
    with app.app_context():
        assert files() == before + 1
        minutes = find_document(
            db.session.get(Conference, site.conference_id), DocumentKind.CONFERENCE_MINUTES
        )  # type: ignore[arg-type]
        assert minutes is not None and minutes.content == right
        registration_id = db.session.scalar(
            sa.select(ExternalCertificate.id).where(ExternalCertificate.user_id == secretary_id)
        )
    retired = post(admin, f"/admin/external-certificates/{registration_id}/retire", follow_redirects=True)
    assert "Đã ngừng sử dụng chứng thư số" in text(retired) and "Ngừng từ" in text(retired)
