"""The clerk's agency signature from a SoftHSM2 token or a PKCS#12 file, refusals, the stamps' images."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader

from tests.helpers import ENDED_AT, STARTS_AT, require_tool
from tests.signing.helpers import CA_PASS, PIN, files, give_keys
from tests.signing.test_signatures import nss_store, pdfsig
from voting.auth.models import Role, User
from voting.auth.services import create_user
from voting.conferences.models import Conference
from voting.documents.models import DocumentKind, DocumentVersion
from voting.documents.services import find_document
from voting.errors import InvalidState, SigningRefused, WrongPin
from voting.signing import agency, appearance, pades, pki, softhsm
from voting.signing import services as signing
from voting.signing.demo import demo_seal_png

SIGNING_AT = ENDED_AT + timedelta(minutes=30)
TOKEN_PIN = "975310"


def _png(width: int = 300, height: int = 120, colour: tuple[int, ...] = (20, 40, 200, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def _minutes_signed_by_persons(conference: Conference) -> DocumentVersion:
    give_keys(conference)
    minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
    assert minutes is not None
    version = minutes.current_version
    signing.sign_document(version, by=conference.secretary, now=SIGNING_AT, pin=PIN)
    signing.sign_document(version, by=conference.chair, now=SIGNING_AT + timedelta(minutes=1), pin=PIN)
    return version


def _clerk(name: str = "vanthu-test") -> User:
    return create_user(name, "mat-khau-van-thu", full_name="Văn thư", title="Văn thư", role=Role.CLERK)


def _agency_pair(conference: Conference) -> tuple[pki.x509.Certificate, pki.PrivateKey]:
    authority = signing.active_authority()
    assert authority is not None
    return pki.issue_signer(
        pki.KeyPair(authority.certificate_pem, authority.sealed_key),
        CA_PASS,
        common_name=conference.cluster.parent_body,
        title="",
        organization=conference.cluster.parent_body,
        now=STARTS_AT,
        years=signing.SIGNER_YEARS,
    )


def _configure(conference: Conference, clerk: User) -> tuple[pki.x509.Certificate, pki.PrivateKey]:
    cert, key = _agency_pair(conference)
    agency.set_agency_certificate(
        conference.cluster,
        certificate_pem=pki.pem(cert).encode(),
        agency_name=conference.cluster.parent_body,
        seal_png=demo_seal_png(),
        by=clerk,
        now=STARTS_AT,
    )
    return cert, key


def _token(label: str, key: pki.PrivateKey) -> agency.TokenLogin:
    require_tool("softhsm2-util", "softhsm2")
    softhsm.add_token_with_key(label, pin=TOKEN_PIN, key=key, key_label="khoa")
    return agency.TokenLogin(softhsm.MODULE, label, "khoa", TOKEN_PIN)


def test_clerk_seals_from_a_softhsm_token_and_pdfsig_and_pyhanko_trust_it(
    ended: Conference, tmp_path: Path
) -> None:
    version = _minutes_signed_by_persons(ended)
    clerk = _clerk()
    _, key = _configure(ended, clerk)
    login = _token("CQ-test-good", key)
    assert agency.may_seal(version, clerk) and not agency.may_seal(version, ended.chair)
    stored = agency.seal_document(version, by=clerk, now=SIGNING_AT + timedelta(minutes=5), token=login)
    assert stored.signature_field == "co_quan" and stored.signed_by_id == clerk.id
    assert version.is_signed and version.status == "Đã phát hành"
    assert version.published_by_id == clerk.id and version.published_at == stored.created_at
    reports = pades.validate(stored.content, signing.trust_roots())
    assert [r.field for r in reports] == ["thu_ky", "chu_toa", "co_quan"]
    assert all(r.is_ok for r in reports) and reports[-1].signer == ended.cluster.parent_body
    pdf = tmp_path / "bien-ban.pdf"
    pdf.write_bytes(stored.content)
    ca = tmp_path / "ca.pem"
    ca.write_text(signing.trust_roots()[0].public_bytes(pki.serialization.Encoding.PEM).decode())
    results = pdfsig(nss_store(ca, tmp_path), pdf)
    assert [r["Signature Field Name"] for r in results] == ["thu_ky", "chu_toa", "co_quan"]
    for result in results:
        assert result["Signature Validation"] == "Signature is Valid."
        assert result["Certificate Validation"] == "Certificate is Trusted."
    assert signing.verify_pdf(stored.content).is_ok and signing.verify_pdf(stored.content).is_fully_signed


def test_wrong_pin_other_key_or_other_person_seal_nothing(ended: Conference) -> None:
    version = _minutes_signed_by_persons(ended)
    clerk = _clerk()
    _configure(ended, clerk)
    _, other_key = _agency_pair(ended)  # a key the configured certificate does not certify
    login = _token("CQ-test-other", other_key)
    before = files()
    with pytest.raises(WrongPin):
        agency.seal_document(
            version,
            by=clerk,
            now=SIGNING_AT,
            token=agency.TokenLogin(login.module, login.token_label, "khoa", "000000"),
        )
    with pytest.raises(SigningRefused, match="không hợp lệ hoặc không tin cậy"):
        agency.seal_document(version, by=clerk, now=SIGNING_AT, token=login)
    with pytest.raises(SigningRefused, match="Không mở được thiết bị"):
        agency.seal_document(
            version,
            by=clerk,
            now=SIGNING_AT,
            token=agency.TokenLogin(login.module, "no-such-token", "k", TOKEN_PIN),
        )
    with pytest.raises(SigningRefused, match="Không ký được|Không mở được"):  # no key with that label
        agency.seal_document(
            version,
            by=clerk,
            now=SIGNING_AT,
            token=agency.TokenLogin(login.module, login.token_label, "nope", TOKEN_PIN),
        )
    with pytest.raises(SigningRefused, match="văn thư"):
        agency.seal_document(version, by=ended.chair, now=SIGNING_AT, token=login)
    assert files() == before and version.published_at is None and not version.is_signed


def test_clerk_seals_with_the_agency_pkcs12_only(ended: Conference) -> None:
    minutes = find_document(ended, DocumentKind.CONFERENCE_MINUTES)
    assert minutes is not None
    clerk = _clerk()
    give_keys(ended)
    # before the persons have signed, the clerk has nothing to do
    assert not agency.may_seal(minutes.current_version, clerk)
    with pytest.raises(SigningRefused, match="Chưa đến lượt"):
        agency.seal_document(
            minutes.current_version, by=clerk, now=SIGNING_AT, pkcs12=b"x", pkcs12_password=""
        )
    version = minutes.current_version
    signing.sign_document(version, by=ended.secretary, now=SIGNING_AT, pin=PIN)
    signing.sign_document(version, by=ended.chair, now=SIGNING_AT, pin=PIN)
    with pytest.raises(SigningRefused, match="chưa cấu hình"):
        agency.seal_document(version, by=clerk, now=SIGNING_AT, pkcs12=b"x", pkcs12_password="")
    cert, key = _configure(ended, clerk)
    stranger = signing.issue_pkcs12(
        "Cơ quan khác", "", ca_passphrase=CA_PASS, password="p12-pass", now=STARTS_AT
    )
    before = files()
    with pytest.raises(SigningRefused, match="không chứa chứng thư số của cơ quan"):
        agency.seal_document(version, by=clerk, now=SIGNING_AT, pkcs12=stranger, pkcs12_password="p12-pass")
    assert files() == before
    p12 = pki.make_pkcs12(cert, key, [], "p12-pass")
    agency.seal_document(version, by=clerk, now=SIGNING_AT, pkcs12=p12, pkcs12_password="p12-pass")
    assert files() == before + 1 and version.status == "Đã phát hành"
    assert signing.verify_pdf(version.latest_file.content).is_ok


def _appearance_images(pdf: bytes, field: str) -> list[tuple[int, int]]:
    """Return the sizes of the images drawn in a signature field's appearance (its stamp)."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    sig = next(s for s in reader.embedded_signatures if s.field_name == field)
    stream = sig.sig_field["/Kids"][0] if "/Kids" in sig.sig_field else sig.sig_field
    found: list[tuple[int, int]] = []

    def walk(xobject: object) -> None:
        resources = xobject.get("/Resources", {})  # type: ignore[attr-defined]
        for inner in resources.get("/XObject", {}).values():
            inner = inner.get_object()
            if inner.get("/Subtype") == "/Image":
                found.append((int(inner["/Width"]), int(inner["/Height"])))
            else:
                walk(inner)

    walk(stream["/AP"]["/N"].get_object())
    return found


def test_stamps_show_the_signature_image_and_the_seal(ended: Conference) -> None:
    signing.set_signature_image(ended.chair, _png(320, 110), now=STARTS_AT)
    version = _minutes_signed_by_persons(ended)
    content = version.latest_file.content
    assert _appearance_images(content, "chu_toa") == [(320, 110)]  # the chair uploaded one
    assert _appearance_images(content, "thu_ky") == []  # the secretary did not: text only
    clerk = _clerk()
    cert, key = _configure(ended, clerk)
    agency.seal_document(
        version,
        by=clerk,
        now=SIGNING_AT,
        pkcs12=pki.make_pkcs12(cert, key, [], "p12-pass"),
        pkcs12_password="p12-pass",
    )
    assert _appearance_images(version.latest_file.content, "co_quan") == [(400, 400)]  # the seal
    assert signing.verify_pdf(version.latest_file.content).is_ok


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a not a png", "phải là tệp PNG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "không phải là ảnh PNG đọc được"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (appearance.MAX_PNG_BYTES + 1), "lớn quá"),
    ],
)
def test_bad_images_are_refused(ended: Conference, data: bytes, message: str) -> None:
    with pytest.raises(InvalidState, match=message):
        signing.set_signature_image(ended.chair, data, now=STARTS_AT)
    assert signing.signature_image(ended.chair) is None


def test_an_image_too_many_pixels_wide_is_refused() -> None:
    # a tiny file that decodes to a huge image: refused from its header, before decoding
    out = io.BytesIO()
    Image.new("1", (appearance.MAX_SIDE + 1, 10)).save(out, format="PNG")
    with pytest.raises(InvalidState, match="lớn quá"):
        appearance.check_png(out.getvalue())
    assert Image.open(io.BytesIO(appearance.check_png(_png()))).mode == "RGBA"
