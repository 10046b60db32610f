"""PAdES signatures checked by outside validators (pdfsig with an NSS trust store, pyHanko) and our own."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask, render_template
from flask.testing import FlaskCliRunner

from tests.factories import Factories, Stage
from tests.helpers import assert_every_document_signed_and_verified, require_tool
from voting.conferences.models import Conference
from voting.documents.archive import export_documents
from voting.documents.models import DocumentKind
from voting.documents.services import find_document
from voting.extensions import db
from voting.formatting import nfc
from voting.signing import pades
from voting.signing.agency import agency_certificate
from voting.signing.forms import VerifyUploadForm
from voting.signing.services import trust_roots, verify_pdf


@dataclass(frozen=True)
class Signed:
    """A conference's signed documents exported to a folder, with the exported CA."""

    conference_id: int
    folder: Path
    ca_pem: Path
    minutes: Path


@pytest.fixture(scope="module")
def signed(
    app: Flask, build_for_module: Callable[..., Signed], tmp_path_factory: pytest.TempPathFactory
) -> Signed:
    """A conference played to its end, its four documents fully signed and exported: once for the module."""
    folder = tmp_path_factory.mktemp("signed")

    def build(factories: Factories) -> Signed:
        conference = factories.conference(Stage.SIGNED)
        export_documents(folder / "out")
        ca = folder / "ca.pem"
        result = app.test_cli_runner().invoke(args=["pki", "export-ca", "--out", str(ca)])
        assert result.exit_code == 0, result.output
        minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
        assert minutes is not None
        return Signed(conference.id, folder / "out", ca, folder / "out" / minutes.filename)

    return build_for_module(build)


@pytest.fixture
def conference(signed: Signed) -> Conference:
    """The signed conference, in this test's session."""
    conference = db.session.get(Conference, signed.conference_id)
    assert conference is not None
    return conference


def nss_store(ca_pem: Path, folder: Path) -> Path:
    """Return an NSS database that trusts the exported CA for signing."""
    certutil = require_tool("certutil")
    store = folder / "nss"
    store.mkdir()
    subprocess.run(
        [certutil, "-N", "-d", f"sql:{store}", "--empty-password"], check=True, capture_output=True
    )
    subprocess.run(
        [certutil, "-A", "-d", f"sql:{store}", "-n", "luanluu-ca", "-t", "CT,C,C", "-i", str(ca_pem)],
        check=True,
        capture_output=True,
    )
    return store


def pdfsig(store: Path, pdf: Path) -> list[dict[str, str]]:
    """Return each signature's fields as pdfsig prints them (pdfsig exits 0 even when one fails)."""
    out = subprocess.run(
        [require_tool("pdfsig"), "-nssdir", f"sql:{store}", str(pdf)], capture_output=True, check=False
    ).stdout.decode()
    signatures = []
    for block in re.split(r"^Signature #\d+:$", out, flags=re.M)[1:]:
        fields = dict(re.findall(r"^ *- ([^:\n]+): (.*)$", block, flags=re.M))
        signatures.append(fields)
    return signatures


def test_pdfsig_reports_every_signature_valid_and_trusted(
    signed: Signed, conference: Conference, tmp_path: Path
) -> None:
    store = nss_store(signed.ca_pem, tmp_path)
    pdfs = sorted(signed.folder.glob("*.pdf"))
    assert len(pdfs) == 4
    fields_per_pdf = {}
    for pdf in pdfs:
        signatures = pdfsig(store, pdf)
        assert signatures, pdf.name
        for sig in signatures:
            assert sig["Signature Validation"] == "Signature is Valid.", (pdf.name, sig)
            assert sig["Certificate Validation"] == "Certificate is Trusted.", (pdf.name, sig)
        fields_per_pdf[pdf.name] = [sig["Signature Field Name"] for sig in signatures]
    # the minutes carry a seal: the clerk's agency signature comes last (from SoftHSM2 where installed)
    assert fields_per_pdf[signed.minutes.name] == ["thu_ky", "chu_toa", "co_quan"]
    assert fields_per_pdf["bien-ban-ban-giao-co-ctd1-2016.pdf"] == ["ben_giao", "ben_nhan", "chung_kien"]
    names = [sig["Signer Certificate Common Name"] for sig in pdfsig(store, signed.minutes)]
    assert names == [
        conference.secretary.full_name,
        conference.chair.full_name,
        conference.cluster.parent_body,
    ]


def test_pyhanko_bottom_line_and_modification_levels(signed: Signed, conference: Conference) -> None:
    reports = pades.validate(signed.minutes.read_bytes(), trust_roots())
    assert [r.field for r in reports] == ["thu_ky", "chu_toa", "co_quan"]
    assert all(r.bottom_line and r.intact and r.valid and r.trusted for r in reports)
    secretary, chair, agency = reports
    # The secretary certified (DocMDP: form filling and signing allowed); the chair's and the agency's
    # signatures are allowed changes after it and keep it valid; only the DSS (B-LT) follows the agency's.
    assert secretary.certifying and not chair.certifying and not agency.certifying
    assert secretary.modification == "FORM_FILLING" and not secretary.covers_whole_file
    assert chair.modification == "FORM_FILLING" and not chair.covers_whole_file
    assert agency.modification == "LTA_UPDATES" and not agency.covers_whole_file
    # The stored state after the secretary alone is whole and valid too.
    minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
    assert minutes is not None
    after_secretary = minutes.current_version.files[1]
    (alone,) = pades.validate(after_secretary.content, trust_roots())
    assert alone.is_ok and alone.modification == "LTA_UPDATES"
    assert alone.signed_at is not None and alone.signed_at.isoformat().endswith("+07:00")


def test_one_changed_byte_fails_pdfsig_and_flask_verify(
    signed: Signed, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    good = runner.invoke(args=["verify", str(signed.minutes)])
    assert good.exit_code == 0, good.output
    assert "KẾT LUẬN: HỢP LỆ" in good.output and "04/BB-CTĐ1" in good.output
    data = bytearray(signed.minutes.read_bytes())
    # Change one byte inside the first page's content, which both signatures cover.
    position = data.index(b"stream", 2000) + 20
    data[position] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    store = nss_store(signed.ca_pem, tmp_path)
    results = [sig["Signature Validation"] for sig in pdfsig(store, tampered)]
    assert results and all(result != "Signature is Valid." for result in results)
    bad = runner.invoke(args=["verify", str(tampered)])
    assert bad.exit_code == 1
    assert "KHÔNG (không có tệp nào trùng mã băm)" in bad.output and "nguyên vẹn: KHÔNG" in bad.output
    assert not verify_pdf(bytes(data)).is_ok


def test_one_changed_byte_is_not_called_an_allowed_change(signed: Signed, app: Flask) -> None:
    data = bytearray(signed.minutes.read_bytes())
    data[data.index(b"stream", 2000) + 20] ^= 0x01  # inside the first page's content, signed by both
    signatures = verify_pdf(bytes(data)).signatures
    assert signatures and not any(sig.intact for sig in signatures)
    # the verdict was right, but the "changed after signing" column said "only signatures added"
    assert {sig.change_after_signing for sig in signatures} == {"Nội dung đã ký bị sửa (không được phép)"}
    with app.test_request_context("/verify"):
        page = render_template(
            "signing/verify.html",
            result=verify_pdf(bytes(data)),
            form=VerifyUploadForm(),
            version=None,
            anchor=None,
        )
    assert "Chỉ thêm chữ ký (được phép)" not in page
    assert page.count("Nội dung đã ký bị sửa (không được phép)") == len(signatures)
    good = verify_pdf(signed.minutes.read_bytes()).signatures
    allowed = {"Chỉ thêm chữ ký (được phép)", "Chỉ thêm dữ liệu kiểm tra dài hạn (được phép)", "Không có"}
    assert good and {sig.change_after_signing for sig in good} <= allowed


def test_pdftotext_finds_vietnamese_text_and_signers(signed: Signed, conference: Conference) -> None:
    raw = subprocess.run(
        [require_tool("pdftotext"), "-raw", "-enc", "UTF-8", str(signed.minutes), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    text = " ".join(nfc(raw).split())
    for phrase in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 04/BB-CTĐ1",
        "Biên bản đã được đọc lại",
        "THƯ KÝ",
        "CHỦ TỌA",
        conference.secretary.full_name,
        conference.chair.full_name,
    ]:
        assert phrase in text, phrase
    minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
    assert minutes is not None
    # every page's footer carries the number and the verification link of the QR code
    link = f"http://127.0.0.1:5000/verify/{minutes.current_version.verify_code}"
    assert text.count(link) == text.count("Số: 04/BB-CTĐ1 – trang") >= 2
    handover = signed.folder / "bien-ban-ban-giao-co-ctd1-2016.pdf"
    raw = subprocess.run(
        [require_tool("pdftotext"), "-raw", "-enc", "UTF-8", str(handover), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    text = " ".join(nfc(raw).split())
    assert "ĐẠI DIỆN BÊN GIAO" in text and "ĐẠI DIỆN BÊN NHẬN" in text and "Hoàng Quốc Việt" in text


def test_stamps_name_the_signer_and_time_in_vietnam_time(signed: Signed) -> None:
    """The stamp text is in the signature fields' appearance streams (pdftotext skips widgets)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    with signed.minutes.open("rb") as handle:
        reader = PdfFileReader(handle, strict=False)
        times = [sig.sig_object["/M"] for sig in reader.embedded_signatures]
    assert len(times) == 3
    reports = pades.validate(signed.minutes.read_bytes(), trust_roots())
    # Signing starts at 11:35, a minute per block: five blocks of the other documents, then these three.
    assert [pades.format_signing_time(r.signed_at) for r in reports if r.signed_at] == [
        "2016-11-11T11:41:00+07:00",
        "2016-11-11T11:42:00+07:00",
        "2016-11-11T11:43:00+07:00",
    ]


def test_every_document_is_fully_signed_and_verifies(signed: Signed, conference: Conference) -> None:
    assert_every_document_signed_and_verified(conference)


def test_the_clerk_sealed_the_minutes_from_a_softhsm_token(signed: Signed, conference: Conference) -> None:
    """Where SoftHSM2 is installed the demo's agency key lives on a token, not in a file."""
    tool = require_tool("softhsm2-util", "softhsm2")
    configured = agency_certificate(conference.cluster)
    assert configured is not None and configured.seal_png is not None
    slots = subprocess.run([tool, "--show-slots"], capture_output=True, check=True).stdout.decode()
    assert f"CQ-{configured.fingerprint[:16]}" in slots
    minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
    assert minutes is not None and minutes.current_version.status == "Đã phát hành"
    assert minutes.current_file.certificate_sha256 == configured.fingerprint
