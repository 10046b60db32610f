"""The signing page and the public verification page."""

from __future__ import annotations

import io
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site, Stage
from tests.helpers import csrf_token, post, text
from tests.signing.helpers import PIN, files, give_keys, minutes_site
from voting.audit.models import AuditEntry
from voting.auth.models import Role, User
from voting.conferences.models import Conference
from voting.documents.models import Document, DocumentKind
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
    # no TSA configured: valid signatures without a trusted time, so B-B, and the page says what that means
    assert "Mức lưu trữ dài hạn (PAdES) của tài liệu:" in page and "<strong>B-B</strong>" in page
    assert "chữ ký không có dấu thời gian: chỉ kiểm tra được khi chứng thư còn hạn" in page
    token = csrf_token(client, "/verify")
    ok = client.post(
        "/verify",
        data={"csrf_token": token, "pdf": (io.BytesIO(content), "bb.pdf")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 200 and "Có trong kho lưu trữ" in text(ok) and "Đã phát hành" in text(ok)
    changed = bytearray(content)
    changed[content.index(b"stream", 2000) + 20] ^= 1
    bad = client.post(
        "/verify",
        data={"csrf_token": token, "pdf": (io.BytesIO(bytes(changed)), "bb.pdf")},
        content_type="multipart/form-data",
    )
    assert "Không hợp lệ" in text(bad) and "Không có trong kho lưu trữ" in text(bad)
    assert client.get("/verify/khong-co-ma-nay").status_code == 404


def test_the_sixth_wrong_pin_within_fifteen_minutes_waits_even_if_right(
    app: Flask, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    built = minutes_site(app, make_site, with_keys=True)
    site, minutes_id = built.site, built.minutes_id
    with app.app_context():
        audited = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) or 0
    secretary = login(site.secretary)
    for left in (4, 3, 2, 1):
        wrong = post(secretary, f"/documents/{minutes_id}/sign", {"pin": "999999"})
        assert wrong.status_code == 422 and f"Còn {left} lần thử" in text(wrong)
    fifth = post(secretary, f"/documents/{minutes_id}/sign", {"pin": "999999"})
    assert fifth.status_code == 422 and "thử lại sau" in text(fifth)
    sixth = post(secretary, f"/documents/{minutes_id}/sign", {"pin": PIN})
    assert sixth.status_code == 429 and "thử lại sau" in text(sixth)
    assert int(sixth.headers["Retry-After"]) > 14 * 60
    with app.app_context():
        assert files() == 4
        actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.id > audited)).all()
        assert actions.count("signing.pin_attempt") == 6 and actions.count("signing.pin_wrong") == 5


def test_a_signer_without_a_certificate_is_told_whom_to_ask(
    app: Flask, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    built = minutes_site(app, make_site, with_keys=False)
    site, minutes_id = built.site, built.minutes_id
    with app.app_context():
        admins = db.session.scalars(sa.select(User.full_name).where(User.role == Role.ADMIN)).all()
    page = text(login(site.secretary).get(f"/documents/{minutes_id}/sign"))
    assert "Hoặc" not in page and "flask" not in page and "pki issue" not in page
    assert "chưa có chứng thư số" in page and "quản trị viên" in page
    assert all(name in page for name in admins)
    refused = post(login(site.secretary), f"/documents/{minutes_id}/sign", {"pin": PIN})
    assert refused.status_code == 422 and "flask" not in text(refused)


def test_a_signer_changes_the_initial_pin_and_signs_with_the_new_one(
    app: Flask, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    built = minutes_site(app, make_site, with_keys=True)
    site, minutes_id = built.site, built.minutes_id
    secretary = login(site.secretary)
    assert "/signing/pin" in text(secretary.get(f"/documents/{minutes_id}/sign"))
    new = {"new_pin": "24681357", "confirm": "24681357"}
    wrong = post(secretary, "/signing/pin", {"old_pin": "000000", **new})
    assert wrong.status_code == 422 and "Còn 4 lần thử" in text(wrong)
    short = post(secretary, "/signing/pin", {"old_pin": PIN, "new_pin": "123", "confirm": "123"})
    assert "Mã PIN phải có ít nhất 6 ký tự." in text(short)  # the form refuses it: not a PIN try
    changed = post(secretary, "/signing/pin", {"old_pin": PIN, **new}, follow_redirects=True)
    assert "Đã đổi mã PIN ký số" in text(changed)
    old = post(secretary, f"/documents/{minutes_id}/sign", {"pin": PIN})
    assert old.status_code == 422
    done = post(secretary, f"/documents/{minutes_id}/sign", {"pin": "24681357"}, follow_redirects=True)
    assert "Đã ký số Biên bản hội nghị" in text(done)
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEntry.action)).all()
        assert "signing.pin_changed" in actions


def test_sign_page_shows_the_exact_bytes_being_signed(
    app: Flask, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    built = minutes_site(app, make_site, with_keys=True)
    site, minutes_id = built.site, built.minutes_id
    with app.app_context():
        latest = db.session.get(Document, minutes_id).current_file  # type: ignore[union-attr]
        file_id, content = latest.id, latest.content
    secretary = login(site.secretary)
    page = text(secretary.get(f"/documents/{minutes_id}/sign"))
    view = f"/files/{file_id}/view"
    assert f'<iframe class="pdf-frame" src="{view}"' in page and f'href="{view}"' in page
    shown = secretary.get(view)
    assert shown.status_code == 200 and shown.data == content
    assert shown.headers["Content-Disposition"].startswith("inline")
    policy = shown.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "object-src 'self'" in policy
    assert shown.headers["X-Frame-Options"] == "SAMEORIGIN"
    # Only pages of this origin may frame it; other pages keep refusing to be framed.
    assert secretary.get(f"/documents/{minutes_id}/sign").headers["X-Frame-Options"] == "DENY"
    assert login(site.representatives[0]).get(view).status_code == 200  # a member unit may read it
    assert secretary.get(f"/files/{file_id + 1000}/view").status_code == 404
