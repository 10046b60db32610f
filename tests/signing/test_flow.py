"""Signing in order with PINs or PKCS#12 files, refusals that store nothing, corrections, the pages."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site, Stage
from tests.helpers import ENDED_AT, STARTS_AT, csrf_token, post, text
from voting.auth.models import User
from voting.conferences.models import Conference
from voting.documents.archive import archive, conference_documents, conference_zip
from voting.documents.models import DocumentFile, DocumentKind
from voting.documents.services import correct_document, find_document
from voting.errors import SigningRefused, WrongPin
from voting.extensions import db
from voting.handovers.services import find_handover
from voting.signing import services as signing

#: the signers' PIN and the CA's passphrase of these tests
PIN = "135792"
CA_PASS = "ca-passphrase-123"
#: half an hour after the minutes were issued: the signers sign from here
SIGNING_AT = ENDED_AT + timedelta(minutes=30)
MakeConference = Callable[..., Conference]


@pytest.fixture
def ended(make_conference: MakeConference) -> Conference:
    """A conference played to its end through the services, its documents issued and unsigned."""
    return make_conference(Stage.MINUTES_ISSUED)


def give_keys(conference: Conference) -> None:
    signing.init_authority(passphrase=CA_PASS, now=STARTS_AT - timedelta(days=30))
    for account in (conference.chair, conference.secretary):
        signing.issue_credential(account, ca_passphrase=CA_PASS, pin=PIN, now=STARTS_AT - timedelta(days=1))


def receiver_of(conference: Conference) -> str:
    """Return who received the flag, as recorded."""
    handover = find_handover(conference)
    assert handover is not None
    return handover.receiver_name


def files() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(DocumentFile)) or 0


def test_wrong_pin_signs_nothing_and_order_is_enforced(ended: Conference) -> None:
    give_keys(ended)
    minutes = find_document(ended, DocumentKind.CONFERENCE_MINUTES)
    assert minutes is not None
    version = minutes.current_version
    before, content = files(), minutes.content
    with pytest.raises(WrongPin, match="Mã PIN không đúng"):
        signing.sign_document(version, by=ended.secretary, now=SIGNING_AT, pin="000000")
    assert files() == before and minutes.content == content
    # the chair signs after the secretary, never before
    with pytest.raises(SigningRefused, match=re.escape(ended.secretary.full_name)):
        signing.sign_document(version, by=ended.chair, now=SIGNING_AT, pin=PIN)
    signing.sign_document(version, by=ended.secretary, now=SIGNING_AT, pin=PIN)
    signing.sign_document(version, by=ended.chair, now=SIGNING_AT + timedelta(minutes=5), pin=PIN)
    assert files() == before + 2 and version.is_signed
    with pytest.raises(SigningRefused, match="ký đủ"):
        signing.sign_document(version, by=ended.chair, now=SIGNING_AT, pin=PIN)
    assert signing.verify_pdf(minutes.content).is_ok


def test_outsider_signs_with_a_pkcs12_whose_name_matches(ended: Conference) -> None:
    give_keys(ended)
    handover = find_document(ended, DocumentKind.HANDOVER_MINUTES)
    assert handover is not None
    receiver_name = receiver_of(ended)
    version = handover.current_version
    signing.sign_document(version, by=ended.chair, now=SIGNING_AT, pin=PIN)
    assert version.next_slot is not None and version.next_slot["user_id"] is None
    stranger = signing.issue_pkcs12(
        "Lê Văn Khác", "", ca_passphrase=CA_PASS, password="p12-pass", now=STARTS_AT
    )
    receiver = signing.issue_pkcs12(
        receiver_name, "Trưởng phòng", ca_passphrase=CA_PASS, password="p12-pass", now=STARTS_AT
    )
    before = files()
    with pytest.raises(WrongPin):
        signing.sign_document(
            version, by=ended.chair, now=SIGNING_AT, pkcs12=receiver, pkcs12_password="wrong-1"
        )
    with pytest.raises(SigningRefused, match=f"không phải {receiver_name}"):
        signing.sign_document(
            version, by=ended.chair, now=SIGNING_AT, pkcs12=stranger, pkcs12_password="p12-pass"
        )
    with pytest.raises(SigningRefused, match="quá lớn"):
        signing.sign_document(
            version, by=ended.chair, now=SIGNING_AT, pkcs12=b"0" * 70_000, pkcs12_password="p12-pass"
        )
    assert files() == before
    stored = signing.sign_document(
        version,
        by=ended.chair,
        now=SIGNING_AT + timedelta(minutes=1),
        pkcs12=receiver,
        pkcs12_password="p12-pass",
    )
    assert stored.signer_name == receiver_name and stored.signed_by_id is None
    signing.sign_document(version, by=ended.chair, now=SIGNING_AT + timedelta(minutes=2), pin=PIN)
    result = signing.verify_pdf(handover.content)
    chair = ended.chair.full_name
    assert result.is_ok and [s.signer for s in result.signatures] == [chair, receiver_name, chair]


def test_correction_keeps_the_old_version_and_marks_it_superseded(ended: Conference) -> None:
    give_keys(ended)
    number = f"01/BB-{ended.cluster.code}"
    counting = find_document(ended, DocumentKind.COUNTING_MINUTES)
    assert counting is not None and counting.number == number
    first = counting.current_version
    signing.sign_document(first, by=ended.chair, now=SIGNING_AT, pin=PIN)
    old_bytes, old_sha, old_name = counting.content, counting.sha256, counting.filename
    assert old_name == "bien-ban-kiem-phieu-cum-truong-ctd1-2016.pdf"
    second = correct_document(
        counting, reason="Sửa lỗi chính tả tên đơn vị", by=ended.chair, now=SIGNING_AT + timedelta(hours=1)
    )
    assert second.version == 2 and first.is_superseded and not second.is_superseded
    assert counting.current_version == second and counting.number == number
    assert counting.content != old_bytes and first.latest_file.content == old_bytes
    assert first.latest_file.sha256 == old_sha and first.status == "Đã bị thay thế"
    with pytest.raises(SigningRefused, match="thay thế"):
        signing.sign_document(first, by=ended.chair, now=SIGNING_AT + timedelta(hours=2), pin=PIN)
    # the old signed file still verifies as a (superseded) archived version
    old = signing.verify_pdf(old_bytes)
    assert old.is_ok and old.version == first and old.version.is_superseded
    data = zipfile.ZipFile(io.BytesIO(conference_zip(ended)))
    names = set(data.namelist())
    assert {"data.json", "SHA256SUMS", old_name, old_name.removesuffix(".pdf") + "-v2.pdf"} <= names
    for line in data.read("SHA256SUMS").decode().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(data.read(name)).hexdigest() == digest
    assert len(conference_documents(ended)) == 4


def test_archive_search_by_kind_unit_and_text(ended: Conference) -> None:
    code = ended.cluster.code
    kinds = [e.document.kind for e in archive(kind=DocumentKind.HANDOVER_MINUTES)]
    assert kinds == [DocumentKind.HANDOVER_MINUTES]
    assert receiver_of(ended) == "Hoàng Quốc Việt"
    found = {e.document.number for e in archive(text="hoàng quốc việt")}
    assert found == {f"03/BB-{code}", f"04/BB-{code}"}
    deputy = ended.cluster.units[2].name.upper()  # a candidate in both rounds, elected deputy
    assert {e.document.number for e in archive(unit=deputy, kind=DocumentKind.COUNTING_MINUTES)} == {
        f"01/BB-{code}",
        f"02/BB-{code}",
    }
    assert archive(text="không có chữ này") == []


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
