"""The signing page and the public verification page."""

from __future__ import annotations

import io
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site, Stage
from tests.helpers import csrf_token, post, text
from tests.signing.helpers import PIN, files, give_keys
from voting.auth.models import User
from voting.conferences.models import Conference
from voting.documents.models import DocumentKind
from voting.documents.services import find_document
from voting.extensions import db


def test_sign_page_refuses_a_wrong_pin_then_signs(
    app: Flask, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    site = make_site(Stage.MINUTES_ISSUED)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        give_keys(conference)
        db.session.commit()
        minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
        assert minutes is not None
        minutes_id, number = minutes.id, minutes.number
    secretary = login(site.secretary)
    page = text(secretary.get(f"/conferences/{site.conference_id}/documents"))
    assert number in page and f"/documents/{minutes_id}/sign" in page
    assert login(site.chair).get(f"/documents/{minutes_id}/sign").status_code == 403  # not the chair's turn
    wrong = post(secretary, f"/documents/{minutes_id}/sign", {"pin": "999999"})
    assert wrong.status_code == 422 and "Mã PIN không đúng; tài liệu chưa được ký." in text(wrong)
    with app.app_context():
        assert files() == 4
    done = post(secretary, f"/documents/{minutes_id}/sign", {"pin": PIN}, follow_redirects=True)
    assert f"Đã ký số Biên bản hội nghị số {number}" in text(done)
    with app.app_context():
        assert files() == 5


def test_verify_page_needs_no_login(app: Flask, make_site: Callable[..., Site], client: FlaskClient) -> None:
    site = make_site(Stage.SIGNED)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
        assert minutes is not None
        content, code, number = minutes.content, minutes.current_version.verify_code, minutes.number
        secretary = db.session.scalar(sa.select(User.full_name).where(User.username == site.secretary))
    page = text(client.get(f"/verify/{code}"))
    assert "Hợp lệ" in page and f"{secretary}" in page and number in page
    token = csrf_token(client, "/verify")
    ok = client.post(
        "/verify",
        data={"csrf_token": token, "pdf": (io.BytesIO(content), "bb.pdf")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 200 and "Có trong kho lưu trữ" in text(ok) and "Đã ký đủ" in text(ok)
    changed = bytearray(content)
    changed[content.index(b"stream", 2000) + 20] ^= 1
    bad = client.post(
        "/verify",
        data={"csrf_token": token, "pdf": (io.BytesIO(bytes(changed)), "bb.pdf")},
        content_type="multipart/form-data",
    )
    assert "Không hợp lệ" in text(bad) and "Không có trong kho lưu trữ" in text(bad)
    assert client.get("/verify/khong-co-ma-nay").status_code == 404
