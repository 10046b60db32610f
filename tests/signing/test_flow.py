"""Signing in order with PINs or PKCS#12 files, refusals that store nothing, replacements, the archive."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from tests.helpers import ENDED_AT, STARTS_AT, require_tool
from tests.signing.helpers import CA_PASS, PIN, files, give_keys
from voting.conferences.models import Conference
from voting.documents.archive import archive, conference_documents, conference_zip
from voting.documents.models import DocumentKind
from voting.documents.services import find_document, replace_document
from voting.errors import InvalidState, SigningRefused, WrongPin
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
    # the minutes carry a seal: the last block is the agency's, which no person signs (the clerk's step)
    assert files() == before + 2 and not version.is_signed
    with pytest.raises(SigningRefused, match="Chữ ký số cơ quan"):
        signing.sign_document(version, by=ended.chair, now=SIGNING_AT, pin=PIN)
    assert files() == before + 2 and signing.verify_pdf(minutes.content).is_ok


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


def test_replacement_keeps_the_old_document_verifiable_and_both_link(
    ended: Conference, tmp_path: Path
) -> None:
    """Decree 30 Art 18: a new document under the next number replaces the old, which stays in the archive."""
    give_keys(ended)
    code = ended.cluster.code
    counting = find_document(ended, DocumentKind.COUNTING_MINUTES)
    assert counting is not None and counting.number == f"01/BB-{code}"
    first = counting.current_version
    signing.sign_document(first, by=ended.chair, now=SIGNING_AT, pin=PIN)
    old_bytes, old_sha, old_name = counting.content, counting.sha256, counting.filename
    assert old_name == "bien-ban-kiem-phieu-cum-truong-ctd1-2016.pdf"
    new = replace_document(
        counting, reason="Sửa lỗi chính tả tên đơn vị", by=ended.chair, now=SIGNING_AT + timedelta(hours=1)
    )
    # the next number of the register, never the old one; both link to each other
    assert new.number == f"05/BB-{code}" and counting.number == f"01/BB-{code}"
    assert (
        new.replaces == counting
        and counting.replaced_by == new
        and new.reason == "Sửa lỗi chính tả tên đơn vị"
    )
    assert counting.is_replaced and not new.is_replaced and first.status == "Đã bị thay thế"
    assert find_document(ended, DocumentKind.COUNTING_MINUTES, counting.election) == new
    assert new.filename != old_name and new.current_version.next_slot is not None  # signed anew
    with pytest.raises(SigningRefused, match="thay thế"):
        signing.sign_document(first, by=ended.chair, now=SIGNING_AT + timedelta(hours=2), pin=PIN)
    with pytest.raises(InvalidState, match="đã được thay thế"):
        replace_document(counting, reason="Lần thứ hai", by=ended.chair, now=SIGNING_AT + timedelta(hours=2))
    # the old signed file still verifies as an archived, replaced document
    old = signing.verify_pdf(old_bytes)
    assert old.is_ok and old.version == first and old.version.is_superseded
    assert counting.content == old_bytes and counting.sha256 == old_sha
    path = tmp_path / "new.pdf"
    path.write_bytes(new.content)
    printed = " ".join(
        subprocess.run(
            [require_tool("pdftotext"), "-raw", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split()
    )
    assert f"Số: 05/BB-{code}" in printed
    assert f"Thay thế Biên bản kiểm phiếu số 01/BB-{code} ngày 11/11/2016" in printed
    data = zipfile.ZipFile(io.BytesIO(conference_zip(ended)))
    assert {"data.json", "SHA256SUMS", old_name, new.filename} <= set(data.namelist())
    for line in data.read("SHA256SUMS").decode().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(data.read(name)).hexdigest() == digest
    listed = {d["number"]: d for d in json.loads(data.read("data.json"))["documents"]}
    assert listed[counting.number]["replaced_by"] == new.number
    assert listed[new.number]["replaces"] == counting.number and listed[new.number]["reason"] == new.reason
    assert len(conference_documents(ended)) == 5


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
