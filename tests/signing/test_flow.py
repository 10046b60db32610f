"""Signing in order with PINs or PKCS#12 files, refusals that store nothing, corrections, the pages."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import Demo, csrf_token, post, text
from voting.conferences.models import Conference
from voting.conferences.services import check_in
from voting.documents.archive import archive, conference_documents, conference_zip
from voting.documents.models import DocumentFile, DocumentKind
from voting.documents.services import correct_document, find_document
from voting.elections.models import Office
from voting.elections.services import cast_ballot, certify, close_round, get_election, open_round
from voting.errors import SigningRefused, WrongPin
from voting.extensions import db
from voting.handovers.services import HandoverDetails, record_handover
from voting.signing import services as signing
from voting.signing.demo import DEMO_PIN

START = datetime(2016, 11, 11, 1, 0)
CA_PASS = "ca-passphrase-123"


def run_conference(conference: Conference) -> None:
    """Play the conference through the services and issue its documents, unsigned."""
    units = list(conference.cluster.units)
    for unit in units:
        check_in(conference, unit, by=conference.chair, now=START)
    for minute, (office, winner) in enumerate([(Office.LEADER, units[1]), (Office.DEPUTY, units[2])]):
        round_ = open_round(conference, office, now=START + timedelta(minutes=10 + 20 * minute))
        for voter in units:
            cast_ballot(round_, voter, winner)
        close_round(round_, now=START + timedelta(minutes=15 + 20 * minute))
        election = get_election(conference, office)
        assert election is not None
        certify(election, by=conference.chair, now=START + timedelta(minutes=15 + 20 * minute))
    record_handover(
        conference,
        HandoverDetails(
            handed_over_at=START + timedelta(hours=1),
            giver_name=conference.chair.full_name,
            giver_title=conference.chair.title,
            receiver_name="Hoàng Quốc Việt",
            receiver_title="Trưởng phòng Công tác chính trị",
            witnesses="Thiếu tướng Đinh Văn Toản",
            flag_condition="Cờ còn nguyên vẹn.",
            files_handed_over="Sổ theo dõi thi đua.",
        ),
        by=conference.chair,
    )
    from voting.documents.services import issue_minutes

    issue_minutes(conference, by=conference.chair, now=START + timedelta(hours=2), approvals=8)


def give_keys(conference: Conference) -> None:
    signing.init_authority(passphrase=CA_PASS, now=START - timedelta(days=30))
    for account in (conference.chair, conference.secretary):
        signing.issue_credential(account, ca_passphrase=CA_PASS, pin=DEMO_PIN, now=START - timedelta(days=1))


def files() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(DocumentFile)) or 0


def test_wrong_pin_signs_nothing_and_order_is_enforced(conference: Conference) -> None:
    run_conference(conference)
    give_keys(conference)
    minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
    assert minutes is not None
    version = minutes.current_version
    before, content = files(), minutes.content
    with pytest.raises(WrongPin, match="Mã PIN không đúng"):
        signing.sign_document(version, by=conference.secretary, now=START, pin="000000")
    assert files() == before and minutes.content == content
    # the chair signs after the secretary, never before
    with pytest.raises(SigningRefused, match="Trần Thị Mai"):
        signing.sign_document(version, by=conference.chair, now=START, pin=DEMO_PIN)
    signing.sign_document(version, by=conference.secretary, now=START + timedelta(hours=3), pin=DEMO_PIN)
    signing.sign_document(
        version, by=conference.chair, now=START + timedelta(hours=3, minutes=5), pin=DEMO_PIN
    )
    assert files() == before + 2 and version.is_signed
    with pytest.raises(SigningRefused, match="ký đủ"):
        signing.sign_document(version, by=conference.chair, now=START, pin=DEMO_PIN)
    assert signing.verify_pdf(minutes.content).is_ok


def test_outsider_signs_with_a_pkcs12_whose_name_matches(conference: Conference) -> None:
    run_conference(conference)
    give_keys(conference)
    handover = find_document(conference, DocumentKind.HANDOVER_MINUTES)
    assert handover is not None
    version = handover.current_version
    signing.sign_document(version, by=conference.chair, now=START + timedelta(hours=3), pin=DEMO_PIN)
    assert version.next_slot is not None and version.next_slot["user_id"] is None
    stranger = signing.issue_pkcs12("Lê Văn Khác", "", ca_passphrase=CA_PASS, password="p12-pass", now=START)
    receiver = signing.issue_pkcs12(
        "Hoàng Quốc Việt", "Trưởng phòng", ca_passphrase=CA_PASS, password="p12-pass", now=START
    )
    before = files()
    with pytest.raises(WrongPin):
        signing.sign_document(
            version, by=conference.chair, now=START, pkcs12=receiver, pkcs12_password="wrong-1"
        )
    with pytest.raises(SigningRefused, match="không phải Hoàng Quốc Việt"):
        signing.sign_document(
            version, by=conference.chair, now=START, pkcs12=stranger, pkcs12_password="p12-pass"
        )
    with pytest.raises(SigningRefused, match="quá lớn"):
        signing.sign_document(
            version, by=conference.chair, now=START, pkcs12=b"0" * 70_000, pkcs12_password="p12-pass"
        )
    assert files() == before
    stored = signing.sign_document(
        version,
        by=conference.chair,
        now=START + timedelta(hours=3, minutes=1),
        pkcs12=receiver,
        pkcs12_password="p12-pass",
    )
    assert stored.signer_name == "Hoàng Quốc Việt" and stored.signed_by_id is None
    signing.sign_document(
        version, by=conference.chair, now=START + timedelta(hours=3, minutes=2), pin=DEMO_PIN
    )
    result = signing.verify_pdf(handover.content)
    assert result.is_ok and [s.signer for s in result.signatures] == [
        "Nguyễn Văn Hùng",
        "Hoàng Quốc Việt",
        "Nguyễn Văn Hùng",
    ]


def test_correction_keeps_the_old_version_and_marks_it_superseded(conference: Conference) -> None:
    run_conference(conference)
    give_keys(conference)
    counting = find_document(conference, DocumentKind.COUNTING_MINUTES)
    assert counting is not None and counting.number == "01/BB-CTĐ4"
    first = counting.current_version
    signing.sign_document(first, by=conference.chair, now=START + timedelta(hours=3), pin=DEMO_PIN)
    old_bytes, old_sha = counting.content, counting.sha256
    second = correct_document(
        counting, reason="Sửa lỗi chính tả tên đơn vị", by=conference.chair, now=START + timedelta(hours=4)
    )
    assert second.version == 2 and first.is_superseded and not second.is_superseded
    assert counting.current_version == second and counting.number == "01/BB-CTĐ4"
    assert counting.content != old_bytes and first.latest_file.content == old_bytes
    assert first.latest_file.sha256 == old_sha and first.status == "Đã bị thay thế"
    with pytest.raises(SigningRefused, match="thay thế"):
        signing.sign_document(first, by=conference.chair, now=START + timedelta(hours=5), pin=DEMO_PIN)
    # the old signed file still verifies as a (superseded) archived version
    old = signing.verify_pdf(old_bytes)
    assert old.is_ok and old.version == first and old.version.is_superseded
    data = zipfile.ZipFile(io.BytesIO(conference_zip(conference)))
    names = set(data.namelist())
    assert {
        "data.json",
        "SHA256SUMS",
        "bien-ban-kiem-phieu-cum-truong-ctd4-2016.pdf",
        "bien-ban-kiem-phieu-cum-truong-ctd4-2016-v2.pdf",
    } <= names
    import hashlib

    for line in data.read("SHA256SUMS").decode().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(data.read(name)).hexdigest() == digest
    assert len(conference_documents(conference)) == 4


def test_archive_search_by_kind_unit_and_text(conference: Conference) -> None:
    run_conference(conference)
    db.session.commit()
    kinds = [e.document.kind for e in archive(kind=DocumentKind.HANDOVER_MINUTES)]
    assert kinds == [DocumentKind.HANDOVER_MINUTES]
    found = {e.document.number for e in archive(text="hoàng quốc việt")}
    assert found == {"03/BB-CTĐ4", "04/BB-CTĐ4"}
    assert {e.document.number for e in archive(unit="PHÒNG HẬU CẦN", kind=DocumentKind.COUNTING_MINUTES)} == {
        "01/BB-CTĐ4",
        "02/BB-CTĐ4",
    }
    assert archive(text="không có chữ này") == []


def test_sign_page_refuses_a_wrong_pin_then_signs(
    app: Flask, demo: Demo, login: Callable[[str], FlaskClient]
) -> None:
    with app.app_context():
        conference = db.session.get(Conference, demo.conference_id)
        assert conference is not None
        run_conference(conference)
        give_keys(conference)
        db.session.commit()
        minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
        assert minutes is not None
        minutes_id = minutes.id
    secretary = login("thuky")
    page = text(secretary.get(f"/conferences/{demo.conference_id}/documents"))
    assert "04/BB-CTĐ4" in page and f"/documents/{minutes_id}/sign" in page
    assert login("chutri").get(f"/documents/{minutes_id}/sign").status_code == 403  # not the chair's turn yet
    wrong = post(secretary, f"/documents/{minutes_id}/sign", {"pin": "999999"})
    assert wrong.status_code == 422 and "Mã PIN không đúng; tài liệu chưa được ký." in text(wrong)
    with app.app_context():
        assert files() == 4
    done = post(secretary, f"/documents/{minutes_id}/sign", {"pin": DEMO_PIN}, follow_redirects=True)
    assert "Đã ký số Biên bản hội nghị số 04/BB-CTĐ4" in text(done)
    with app.app_context():
        assert files() == 5


def test_verify_page_needs_no_login(app: Flask, demo: Demo, client: FlaskClient) -> None:
    with app.app_context():
        conference = db.session.get(Conference, demo.conference_id)
        assert conference is not None
        from voting.demo import play_demo

        play_demo(conference)
        db.session.commit()
        minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
        assert minutes is not None
        content, code = minutes.content, minutes.current_version.verify_code
    page = text(client.get(f"/verify/{code}"))
    assert "Hợp lệ" in page and "Trần Thị Mai" in page and "04/BB-CTĐ4" in page
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
