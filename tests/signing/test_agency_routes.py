"""The administrator's agency-certificate screen, the clerk's page, and the signature-image uploads."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site, Stage
from tests.helpers import PASSWORD, STARTS_AT, post, require_tool, text
from tests.signing.helpers import CA_PASS, PIN, files, give_keys
from voting.auth.models import Role, User
from voting.auth.services import create_user
from voting.conferences.models import Conference
from voting.documents.models import Document, DocumentKind
from voting.documents.services import find_document
from voting.extensions import db
from voting.signing import agency, pki, softhsm
from voting.signing import services as signing
from voting.signing.demo import demo_seal_png


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (200, 80), (20, 40, 200, 255)).save(out, format="PNG")
    return out.getvalue()


def _upload(content: bytes, name: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO(content), name


def _signed_by_persons(app: Flask, site: Site) -> tuple[int, int, pki.x509.Certificate, pki.PrivateKey]:
    """Sign the minutes as secretary and chair, add the clerk; return the ids and an agency key pair."""
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        give_keys(conference)
        create_user("vanthu", PASSWORD, full_name="Hoàng Thị Thu", title="Văn thư", role=Role.CLERK)
        minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
        assert minutes is not None
        version = minutes.current_version
        signing.sign_document(version, by=conference.secretary, now=STARTS_AT + timedelta(hours=5), pin=PIN)
        signing.sign_document(version, by=conference.chair, now=STARTS_AT + timedelta(hours=5), pin=PIN)
        authority = signing.active_authority()
        assert authority is not None
        cert, key = pki.issue_signer(
            pki.KeyPair(authority.certificate_pem, authority.sealed_key),
            CA_PASS,
            common_name="Công an thành phố Hà Nội",
            title="",
            organization="Công an thành phố Hà Nội",
            now=STARTS_AT,
            years=signing.SIGNER_YEARS,
        )
        db.session.commit()
        return minutes.id, conference.cluster_id, cert, key


def test_admin_configures_the_agency_clerk_seals_and_publishes(
    app: Flask, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    site = make_site(Stage.MINUTES_ISSUED)
    minutes_id, cluster_id, cert, key = _signed_by_persons(app, site)
    admin = login(site.admin)
    url = f"/admin/clusters/{cluster_id}/agency"
    assert "Chưa cấu hình" in text(admin.get(url))
    bad = post(
        admin,
        url,
        {"agency_name": "Công an thành phố Hà Nội", "certificate": _upload(b"not a certificate", "cq.pem")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "không phải là chứng thư số" in text(bad)
    good = post(
        admin,
        url,
        {
            "agency_name": "Công an thành phố Hà Nội",
            "certificate": _upload(pki.pem(cert).encode(), "cq.pem"),
            "seal": _upload(demo_seal_png(), "dau.png"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Đã lưu chứng thư số của cơ quan" in text(good) and pki.fingerprint(cert) in text(good)

    clerk = login("vanthu")
    assert login(site.chair).get(f"/documents/{minutes_id}/seal").status_code == 403  # not a clerk
    page = text(clerk.get(f"/conferences/{site.conference_id}/documents"))
    assert f"/documents/{minutes_id}/seal" in page
    p12 = pki.make_pkcs12(cert, key, [], "p12-pass")
    wrong = post(
        clerk,
        f"/documents/{minutes_id}/seal",
        {"pkcs12": _upload(p12, "cq.p12"), "pkcs12_password": "wrong-pass"},
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 422
    with app.app_context():
        assert files() == 6
    done = post(
        clerk,
        f"/documents/{minutes_id}/seal",
        {"pkcs12": _upload(p12, "cq.p12"), "pkcs12_password": "p12-pass"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Đã ký số cơ quan và phát hành" in text(done) and "Đã phát hành" in text(done)
    with app.app_context():
        document = db.session.get(Document, minutes_id)
        assert document is not None and document.current_version.published_at is not None
        assert agency.agency_certificate(document.conference.cluster) is not None
        assert files() == 7
    assert clerk.get(f"/documents/{minutes_id}/seal").status_code == 403  # nothing left to seal


def test_signers_and_the_admin_upload_signature_images(
    app: Flask, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    site = make_site(Stage.MINUTES_ISSUED)
    chair = login(site.chair)
    refused = post(
        chair,
        "/account/signature-image",
        {"image": _upload(b"GIF89a", "chu-ky.gif")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and "phải là tệp PNG" in text(refused)
    saved = post(
        chair,
        "/account/signature-image",
        {"image": _upload(_png(), "chu-ky.png")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Đã lưu ảnh chữ ký" in text(saved) and "Đã có ảnh chữ ký" in text(saved)
    with app.app_context():
        secretary = db.session.scalar(db.select(User).where(User.username == site.secretary))
        assert secretary is not None and signing.signature_image(secretary) is None
        secretary_id = secretary.id
    admin = login(site.admin)
    url = f"/admin/users/{secretary_id}/signature-image"
    assert login(site.chair).get(url).status_code == 403
    post(admin, url, {"image": _upload(_png(), "chu-ky.png")}, content_type="multipart/form-data")
    with app.app_context():
        secretary = db.session.get(User, secretary_id)
        assert secretary is not None and signing.signature_image(secretary) is not None


def test_wrong_token_pins_are_counted_then_the_clerk_must_wait(
    app: Flask, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    require_tool("softhsm2-util", "softhsm2")
    site = make_site(Stage.MINUTES_ISSUED)
    minutes_id, _, cert, key = _signed_by_persons(app, site)
    with app.app_context():
        document = db.session.get(Document, minutes_id)
        assert document is not None
        configured = agency.set_agency_certificate(
            document.conference.cluster,
            certificate_pem=pki.pem(cert).encode(),
            agency_name="Công an thành phố Hà Nội",
            seal_png=None,
            by=document.conference.chair,
            now=STARTS_AT,
        )
        label = f"CQ-{configured.fingerprint[:16]}"
        db.session.commit()
    softhsm.add_token_with_key(label, pin="864200", key=key, key_label="khoa")
    app.config["SIGNING_PKCS11_MODULE"] = softhsm.MODULE
    try:
        clerk = login("vanthu")
        url = f"/documents/{minutes_id}/seal"
        assert "Nhãn thiết bị ký số" in text(clerk.get(url))
        for _ in range(5):
            wrong = post(clerk, url, {"token_label": label, "key_label": "khoa", "pin": "000000"})
            assert wrong.status_code == 422 and "Mã PIN của thiết bị ký số không đúng" in text(wrong)
        locked = post(clerk, url, {"token_label": label, "key_label": "khoa", "pin": "864200"})
        assert locked.status_code == 429 and "Retry-After" in locked.headers
        with app.app_context():
            assert files() == 6  # as before the tries: nothing was sealed
    finally:
        app.config["SIGNING_PKCS11_MODULE"] = ""
