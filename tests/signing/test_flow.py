"""Signing in order with PINs or PKCS#12 files, refusals that store nothing, corrections, the archive."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from datetime import timedelta

import pytest

from tests.helpers import ENDED_AT, STARTS_AT
from tests.signing.helpers import CA_PASS, PIN, files, give_keys
from voting.conferences.models import Conference
from voting.documents.archive import archive, conference_documents, conference_zip
from voting.documents.models import DocumentKind
from voting.documents.services import correct_document, find_document
from voting.errors import SigningRefused, WrongPin
from voting.handovers.services import find_handover
from voting.signing import services as signing

#: half an hour after the minutes were issued: the signers sign from here
SIGNING_AT = ENDED_AT + timedelta(minutes=30)
MakeConference = Callable[..., Conference]


def receiver_of(conference: Conference) -> str:
    """Return who received the flag, as recorded."""
    handover = find_handover(conference)
    assert handover is not None
    return handover.receiver_name


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
