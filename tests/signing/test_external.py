"""Signing in the signer's own tool with a SoftHSM2 token: the round trip, and each upload refused."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator import ValidationContext

from tests.helpers import STARTS_AT, require_tool
from tests.signing.helpers import CA_PASS, PIN, files, give_keys
from tests.signing.test_flow import SIGNING_AT
from tests.signing.test_signatures import nss_store, pdfsig
from tests.softhsm import Token, issue_for_key, new_label, softhsm
from voting.auth.models import Role, User
from voting.conferences.models import Conference
from voting.documents.models import DocumentKind, DocumentVersion
from voting.documents.services import find_document
from voting.errors import InvalidState, SigningRefused
from voting.signing import external, pades, pki, trust
from voting.signing import services as signing

__all__ = ["softhsm"]  # the session's token fixture, used here


def minutes_of(conference: Conference) -> DocumentVersion:
    """Return the conference minutes' version in force (the secretary signs first, then the chair)."""
    minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
    assert minutes is not None
    return minutes.current_version


def ca() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """Return the app CA (on the trust list) and its key."""
    authority = signing.active_authority()
    assert authority is not None
    key = pki.unseal_key(authority.sealed_key, CA_PASS)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return pki.load_certificate(authority.certificate_pem), key


def look_alike_ca() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """Return a CA with the app CA's exact names and validity but another key."""
    real, _ = ca()
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(real.subject)
        .issuer_name(real.issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(real.not_valid_before_utc)
        .not_valid_after(real.not_valid_after_utc)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def token_certificate(
    token: Token,
    name: str,
    issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None = None,
    crl_url: str | None = None,
) -> tuple[str, x509.Certificate, x509.Certificate]:
    """Make a key on the token and a certificate for it from *issuer* (the app CA); return label, cert, CA."""
    ca_cert, ca_key = issuer or ca()
    label = new_label()
    cert = issue_for_key(
        token.make_key(label),
        ca_cert=ca_cert,
        ca_key=ca_key,
        common_name=name,
        now=STARTS_AT,
        crl_url=crl_url,
    )
    token.put_certificate(label, cert)
    return label, cert, ca_cert


def own_tool(
    token: Token,
    label: str,
    chain: list[x509.Certificate],
    prepared: bytes,
    field: str,
    *,
    tamper: bool = False,
) -> bytes:
    """Sign *field* of *prepared* as the signer's own PAdES tool does, with the token's key.

    With *tamper*, the same incremental update also changes one byte of the first page's content.
    """
    writer = IncrementalPdfFileWriter(io.BytesIO(prepared), strict=False)
    if tamper:
        page_ref, _ = writer.find_page_for_modification(0)
        contents = page_ref.get_object().raw_get("/Contents")
        ref = contents[0] if isinstance(contents, generic.ArrayObject) else contents
        stream = ref.get_object()
        data = stream.data
        digit = re.search(rb"\d", data)
        assert digit is not None
        position = digit.start()
        changed = (
            data[:position] + (b"1" if data[position : position + 1] != b"1" else b"2") + data[position + 1 :]
        )
        stream.strip_filters()
        stream._data = stream._encoded_data = changed  # noqa: SLF001 - one byte, as a hostile tool would
        writer.mark_update(ref)
    signer, session = token.signer(label, chain)
    try:
        meta = signers.PdfSignatureMetadata(
            field_name=field, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
        )
        output = signers.sign_pdf(writer, meta, signer=signer, existing_fields_only=True)
    finally:
        session.close()
    return bytes(output.getvalue())


@pytest.fixture
def secretary_token(softhsm: Token, ended: Conference) -> tuple[str, x509.Certificate]:
    """Keys for the conference (app CA on the trust list) and the secretary's token certificate."""
    give_keys(ended)
    label, cert, _ = token_certificate(softhsm, ended.secretary.full_name)
    return label, cert


@pytest.fixture
def registered(
    secretary_token: tuple[str, x509.Certificate], ended: Conference, make_user: Callable[..., User]
) -> str:
    """The secretary's token certificate, registered by fingerprint; return the key's label."""
    label, cert = secretary_token
    register(ended.secretary, cert, by=make_user(role=Role.ADMIN))
    return label


def register(account: User, cert: x509.Certificate, *, by: User, matches_subject: bool = False) -> None:
    """Register *cert* for *account* as the administrator does on the accounts screen."""
    external.register_certificate(
        account, pki.pem(cert).encode(), matches_subject=matches_subject, by=by, now=SIGNING_AT
    )


def test_round_trip_with_a_softhsm_token_is_accepted_and_valid_everywhere(
    softhsm: Token,
    ended: Conference,
    secretary_token: tuple[str, x509.Certificate],
    make_user: Callable[..., User],
    tmp_path: Path,
) -> None:
    label, cert = secretary_token
    by = make_user(role=Role.ADMIN)
    register(ended.secretary, cert, by=by)
    version = minutes_of(ended)
    slot, prepared = external.prepared_revision(version, ended.secretary)
    assert slot["field"] == "thu_ky" and prepared.revision == 0
    root, _ = ca()
    upload = own_tool(softhsm, label, [root], prepared.content, "thu_ky")
    before = files()
    stored = external.accept_signed_upload(version, upload, by=ended.secretary, now=SIGNING_AT)
    assert files() == before + 1
    assert stored.content == upload and stored.revision == 1 and stored.signature_field == "thu_ky"
    assert stored.signer_name == ended.secretary.full_name and stored.signed_by_id == ended.secretary.id
    assert stored.certificate_sha256 == pki.fingerprint(cert)
    # the chair then signs in the app, after the external signature
    signing.sign_document(version, by=ended.chair, now=SIGNING_AT + timedelta(minutes=5), pin=PIN)
    final = version.latest_file.content
    reports = pades.validate(final, trust.validation_context)
    assert [(r.field, r.is_ok) for r in reports] == [("thu_ky", True), ("chu_toa", True)], reports
    assert signing.verify_pdf(final).is_ok
    # pdfsig, with an NSS store holding only the root, says the same
    require_tool("pdfsig")
    ca_pem = tmp_path / "ca.pem"
    ca_pem.write_text(pki.pem(root))
    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(final)
    # the third field, the agency's, stays empty until the clerk signs
    sigs = pdfsig(nss_store(ca_pem, tmp_path), pdf)[:2]
    assert [s["Signature Field Name"] for s in sigs] == ["thu_ky", "chu_toa"]
    for sig in sigs:
        assert sig["Signature Validation"] == "Signature is Valid.", sig
        assert sig["Certificate Validation"] == "Certificate is Trusted.", sig


def refused(version: DocumentVersion, upload: bytes, account: User, match: str) -> None:
    """Assert that the upload is refused with *match* in the reason and that nothing is stored."""
    before, latest = files(), version.latest_file.id
    with pytest.raises(SigningRefused, match=match):
        external.accept_signed_upload(version, upload, by=account, now=SIGNING_AT)
    assert files() == before and version.latest_file.id == latest


def test_an_upload_that_also_changes_one_byte_of_page_content_is_refused(
    softhsm: Token, ended: Conference, registered: str
) -> None:
    label = registered
    version = minutes_of(ended)
    prepared = version.latest_file.content
    upload = own_tool(softhsm, label, [ca()[0]], prepared, "thu_ky", tamper=True)
    refused(version, upload, ended.secretary, "thay đổi cả nội dung khác")
    # a changed byte inside the prepared bytes themselves is refused before any PDF parsing
    flipped = bytearray(prepared)
    flipped[len(prepared) // 2] ^= 0x01
    upload = own_tool(softhsm, label, [ca()[0]], bytes(flipped), "thu_ky")
    refused(version, upload, ended.secretary, "không bắt đầu bằng đúng bản đã tải về")


def test_a_signature_in_the_wrong_field_is_refused(
    softhsm: Token, ended: Conference, registered: str
) -> None:
    label = registered
    version = minutes_of(ended)
    upload = own_tool(softhsm, label, [ca()[0]], version.latest_file.content, "chu_toa")
    refused(version, upload, ended.secretary, "ô «chu_toa», không phải ô cần ký «thu_ky»")


def test_a_certificate_from_a_look_alike_ca_is_refused(
    softhsm: Token,
    ended: Conference,
    secretary_token: tuple[str, x509.Certificate],
    make_user: Callable[..., User],
) -> None:
    _, cert = secretary_token
    # the administrator confirmed the subject fields: a look-alike certificate carries them all
    register(ended.secretary, cert, by=make_user(role=Role.ADMIN), matches_subject=True)
    label, fake, fake_ca = token_certificate(softhsm, ended.secretary.full_name, look_alike_ca())
    assert fake.subject == cert.subject and fake.issuer == cert.issuer
    assert external.is_registered(ended.secretary, fake)
    version = minutes_of(ended)
    upload = own_tool(softhsm, label, [fake_ca], version.latest_file.content, "thu_ky")
    refused(version, upload, ended.secretary, "danh sách tin cậy")


def test_a_certificate_not_registered_for_the_person_is_refused(
    softhsm: Token,
    ended: Conference,
    secretary_token: tuple[str, x509.Certificate],
    make_user: Callable[..., User],
) -> None:
    label, cert = secretary_token
    version = minutes_of(ended)
    upload = own_tool(softhsm, label, [ca()[0]], version.latest_file.content, "thu_ky")
    refused(version, upload, ended.secretary, "chưa được đăng ký cho tài khoản này")
    # registered for someone else (the chair) is not registered for the secretary
    by = make_user(role=Role.ADMIN)
    register(ended.chair, cert, by=by)
    refused(version, upload, ended.secretary, "chưa được đăng ký cho tài khoản này")
    # a retired registration no longer matches
    register(ended.secretary, cert, by=by)
    (registration,) = external.registered_certificates(ended.secretary)
    external.retire_certificate(registration, by=by, now=SIGNING_AT)
    refused(version, upload, ended.secretary, "chưa được đăng ký cho tài khoản này")


def test_the_chair_signs_in_their_tool_after_the_secretary_certified_in_the_app(
    softhsm: Token, ended: Conference, make_user: Callable[..., User]
) -> None:
    give_keys(ended)
    label, cert, root = token_certificate(softhsm, ended.chair.full_name)
    register(ended.chair, cert, by=make_user(role=Role.ADMIN))
    version = minutes_of(ended)
    signing.sign_document(version, by=ended.secretary, now=SIGNING_AT, pin=PIN)
    slot, prepared = external.prepared_revision(version, ended.chair)
    assert slot["field"] == "chu_toa" and prepared.revision == 1
    upload = own_tool(softhsm, label, [root], prepared.content, "chu_toa")
    external.accept_signed_upload(version, upload, by=ended.chair, now=SIGNING_AT + timedelta(minutes=5))
    assert version.next_slot is not None and version.next_slot["field"] == "co_quan"  # the clerk's turn
    reports = pades.validate(version.latest_file.content, signing.trust_roots())
    assert [(r.field, r.certifying, r.is_ok) for r in reports] == [
        ("thu_ky", True, True),
        ("chu_toa", False, True),
    ]


def test_a_revoked_certificate_is_refused_when_its_crl_is_at_hand(softhsm: Token, ended: Conference) -> None:
    give_keys(ended)
    label, cert, root = token_certificate(
        softhsm, ended.secretary.full_name, crl_url="http://ca.invalid/luanluu.crl"
    )
    _, root_key = ca()
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.subject)
        .last_update(SIGNING_AT - timedelta(days=1))
        .next_update(SIGNING_AT + timedelta(days=30))
        .add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(SIGNING_AT - timedelta(hours=2))
            .build()
        )
        .sign(root_key, hashes.SHA256())
    )
    prepared = minutes_of(ended).latest_file.content
    upload = own_tool(softhsm, label, [root], prepared, "thu_ky")
    context = ValidationContext(
        trust_roots=[pades.to_asn1(root)],
        crls=[crl.public_bytes(serialization.Encoding.DER)],
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=SIGNING_AT.replace(tzinfo=UTC),
    )
    with pytest.raises(SigningRefused, match="đã bị thu hồi"):
        external.examine_upload(prepared, upload, "thu_ky", context)
    # without the CRL, the same upload passes every check of the file
    assert (
        external.examine_upload(
            prepared, upload, "thu_ky", external.validation_context(moment=SIGNING_AT.replace(tzinfo=UTC))
        ).certificate
        == cert
    )


def test_registering_twice_is_refused_and_a_retired_certificate_can_be_registered_again(
    ended: Conference, secretary_token: tuple[str, x509.Certificate], make_user: Callable[..., User]
) -> None:
    _, cert = secretary_token
    by = make_user(role=Role.ADMIN)
    register(ended.secretary, cert, by=by)
    with pytest.raises(InvalidState, match="đã được đăng ký"):
        register(ended.secretary, cert, by=by, matches_subject=True)
    (registration,) = external.registered_certificates(ended.secretary)
    external.retire_certificate(registration, by=by, now=SIGNING_AT)
    assert not external.is_registered(ended.secretary, cert)
    with pytest.raises(InvalidState, match="ngừng sử dụng"):
        external.retire_certificate(registration, by=by, now=SIGNING_AT)
    register(ended.secretary, cert, by=by, matches_subject=True)
    assert external.registered_certificates(ended.secretary) == [registration]
    assert registration.is_active and registration.matches_subject
    assert external.is_registered(ended.secretary, cert)
    with pytest.raises(InvalidState, match="Không đọc được chứng thư số"):
        external.register_certificate(
            ended.secretary, b"\x30\x03junk", matches_subject=False, by=by, now=SIGNING_AT
        )
