"""Signing only with certificates that chain to the trust list, are in date and are not revoked."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from tests.helpers import ENDED_AT, STARTS_AT
from tests.signing.helpers import CA_PASS, PIN, files, give_keys
from voting.audit.models import AuditEntry
from voting.conferences.models import Conference
from voting.documents.models import DocumentKind, DocumentVersion
from voting.documents.services import find_document
from voting.errors import InvalidState, SigningRefused, WrongPin
from voting.extensions import db
from voting.handovers.services import find_handover
from voting.signing import pades, pki, trust
from voting.signing import services as signing

SIGNING_AT = ENDED_AT + timedelta(minutes=30)


def handover_for_receiver(conference: Conference) -> tuple[DocumentVersion, str]:
    """Give keys, sign the handover's first block; return the version (receiver's block next) and name."""
    give_keys(conference)
    document = find_document(conference, DocumentKind.HANDOVER_MINUTES)
    assert document is not None
    version = document.current_version
    signing.sign_document(version, by=conference.chair, now=SIGNING_AT, pin=PIN)
    handover = find_handover(conference)
    assert handover is not None
    return version, handover.receiver_name


def look_alike_ca(genuine: x509.Certificate) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """Make a self-signed CA with the genuine CA's exact names, extensions and validity but its own key."""
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(genuine.subject)
        .issuer_name(genuine.issuer)
        .public_key(key.public_key())
        .serial_number(genuine.serial_number)
        .not_valid_before(genuine.not_valid_before_utc)
        .not_valid_after(genuine.not_valid_after_utc)
    )
    for extension in genuine.extensions:
        if isinstance(extension.value, x509.SubjectKeyIdentifier):
            builder = builder.add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
        else:
            builder = builder.add_extension(extension.value, critical=extension.critical)
    return builder.sign(key, hashes.SHA256()), key


def test_a_pkcs12_from_a_look_alike_ca_is_refused_and_nothing_stored(ended: Conference) -> None:
    version, receiver_name = handover_for_receiver(ended)
    authority = signing.active_authority()
    assert authority is not None
    genuine = pki.load_certificate(authority.certificate_pem)
    fake_ca, fake_key = look_alike_ca(genuine)
    assert fake_ca.subject == genuine.subject and pki.fingerprint(fake_ca) != pki.fingerprint(genuine)
    fake = pki.KeyPair(pki.pem(fake_ca), pki.seal_key(fake_key, "fake-passphrase"))
    cert, key = pki.issue_signer(
        fake, "fake-passphrase", common_name=receiver_name, title="", organization="", now=STARTS_AT, years=1
    )
    upload = pki.make_pkcs12(cert, key, [fake_ca], "p12-pass")
    before, content = files(), version.latest_file.content
    with pytest.raises(SigningRefused, match="danh sách tin cậy"):
        signing.sign_document(
            version, by=ended.chair, now=SIGNING_AT, pkcs12=upload, pkcs12_password="p12-pass"
        )
    assert files() == before and version.latest_file.content == content


def test_an_expired_certificate_is_refused(ended: Conference) -> None:
    version, receiver_name = handover_for_receiver(ended)
    authority = signing.active_authority()
    assert authority is not None
    ca = pki.KeyPair(authority.certificate_pem, authority.sealed_key)
    # issued three weeks before signing, valid one day
    cert, key = pki.issue_signer(
        ca,
        CA_PASS,
        common_name=receiver_name,
        title="",
        organization="",
        now=STARTS_AT - timedelta(days=20),
        years=0,
    )
    upload = pki.make_pkcs12(cert, key, [pki.load_certificate(authority.certificate_pem)], "p12-pass")
    before = files()
    with pytest.raises(SigningRefused, match="hết hạn"):
        signing.sign_document(
            version, by=ended.chair, now=SIGNING_AT, pkcs12=upload, pkcs12_password="p12-pass"
        )
    assert files() == before


def test_the_trust_list_holds_the_in_app_ca_takes_imports_and_retires(ended: Conference) -> None:
    give_keys(ended)
    (in_app,) = trust.active_certificates()
    authority = signing.active_authority()
    assert authority is not None and in_app.fingerprint == authority.fingerprint and in_app.is_root
    national = pki.load_certificate(
        pki.make_root_ca(
            "Root CA quốc gia", "Bộ", now=STARTS_AT, years=20, passphrase="national-1"
        ).certificate_pem
    )
    (added,) = trust.import_certificates(national.public_bytes(Encoding.DER), by=ended.chair, now=STARTS_AT)
    assert added.is_root and "CN=Root CA quốc gia" in added.subject and added.added_by == ended.chair
    with pytest.raises(InvalidState, match="đã có"):
        trust.import_certificates(pki.pem(national).encode(), by=ended.chair, now=STARTS_AT)
    with pytest.raises(InvalidState, match="X.509"):
        trust.import_certificates(b"not a certificate", by=ended.chair, now=STARTS_AT)
    leaf = pki.load_certificate(signing.credential_of(ended.chair).certificate_pem)  # type: ignore[union-attr]
    with pytest.raises(InvalidState, match="không phải chứng thư của CA"):
        trust.import_certificates(pki.pem(leaf).encode(), by=ended.chair, now=STARTS_AT)
    trust.retire_certificate(added, by=ended.chair, now=SIGNING_AT)
    assert added.retired_at is not None and added in trust.all_certificates()
    assert [e.fingerprint for e in trust.active_certificates()] == [in_app.fingerprint]
    with pytest.raises(InvalidState):
        trust.retire_certificate(added, by=ended.chair, now=SIGNING_AT)
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert "trusted certificate added" in actions and actions[-1] == "trusted certificate retired"


def test_a_retired_root_makes_its_signatures_untrusted_and_its_keys_unusable(ended: Conference) -> None:
    version, _ = handover_for_receiver(ended)
    assert signing.verify_pdf(version.latest_file.content).is_ok
    (in_app,) = trust.active_certificates()
    trust.retire_certificate(in_app, by=None, now=SIGNING_AT)
    (report,) = signing.verify_pdf(version.latest_file.content).signatures
    assert report.intact and not report.trusted
    with pytest.raises(SigningRefused, match="danh sách tin cậy"):
        signing.sign_document(version, by=ended.chair, now=SIGNING_AT, pin=PIN)


def external_ca() -> tuple[pki.KeyPair, x509.Certificate]:
    """Return another organisation's root CA (key sealed under ``national-1``) and its certificate."""
    pair = pki.make_root_ca(
        "Root CA quốc gia", "Bộ", now=STARTS_AT - timedelta(days=60), years=20, passphrase="national-1"
    )
    return pair, pki.load_certificate(pair.certificate_pem)


def test_crls_are_checked_before_storing_and_revoke_imported_certificates(ended: Conference) -> None:
    version, receiver_name = handover_for_receiver(ended)
    pair, root = external_ca()
    cert, key = pki.issue_signer(
        pair, "national-1", common_name=receiver_name, title="", organization="", now=STARTS_AT, years=2
    )
    upload = pki.make_pkcs12(cert, key, [root], "p12-pass")
    ca_key = pki.unseal_key(pair.sealed_key, "national-1")
    crl = pki.make_crl(root, ca_key, [(cert.serial_number, STARTS_AT)], number=1, now=STARTS_AT)
    der = crl.public_bytes(Encoding.DER)
    # not on the trust list yet: neither its certificates nor its CRL
    with pytest.raises(SigningRefused, match="danh sách tin cậy"):
        signing.sign_document(
            version, by=ended.chair, now=SIGNING_AT, pkcs12=upload, pkcs12_password="p12-pass"
        )
    with pytest.raises(InvalidState, match="không được ký bởi CA nào"):
        trust.import_crl(der, by=ended.chair, now=STARTS_AT)
    trust.import_certificates(pki.pem(root).encode(), by=ended.chair, now=STARTS_AT)
    # a CRL with the root's name but signed by another key is refused
    forged = pki.make_crl(root, ec.generate_private_key(ec.SECP256R1()), [], number=2, now=STARTS_AT)
    with pytest.raises(InvalidState, match="không được ký bởi CA nào"):
        trust.import_crl(forged.public_bytes(Encoding.PEM), by=ended.chair, now=STARTS_AT)
    stored = trust.import_crl(der, by=ended.chair, now=STARTS_AT)
    assert stored.revoked_count == 1 and stored.issuer_certificate.fingerprint == pki.fingerprint(root)
    with pytest.raises(InvalidState, match="đã được nhập"):
        trust.import_crl(crl.public_bytes(Encoding.PEM), by=ended.chair, now=STARTS_AT)
    before = files()
    with pytest.raises(SigningRefused, match="thu hồi"):
        signing.sign_document(
            version, by=ended.chair, now=SIGNING_AT, pkcs12=upload, pkcs12_password="p12-pass"
        )
    assert files() == before
    # another certificate of the same, now trusted, CA signs
    good, good_key = pki.issue_signer(
        pair, "national-1", common_name=receiver_name, title="", organization="", now=STARTS_AT, years=20
    )
    signing.sign_document(
        version,
        by=ended.chair,
        now=SIGNING_AT,
        pkcs12=pki.make_pkcs12(good, good_key, [root], "p12-pass"),
        pkcs12_password="p12-pass",
    )
    assert all(s.is_ok for s in signing.verify_pdf(version.latest_file.content).signatures)


def test_revoking_an_in_app_certificate_issues_a_crl_and_stops_it(ended: Conference) -> None:
    give_keys(ended)
    minutes = find_document(ended, DocumentKind.CONFERENCE_MINUTES)
    assert minutes is not None
    version = minutes.current_version
    credential = signing.credential_of(ended.secretary)
    assert credential is not None
    with pytest.raises(WrongPin, match="khóa CA"):
        trust.revoke_credential(credential, ca_passphrase="wrong-passphrase", by=None, now=SIGNING_AT)
    assert credential.revoked_at is None and not trust.revocation_lists()
    crl = trust.revoke_credential(credential, ca_passphrase=CA_PASS, by=None, now=SIGNING_AT)
    assert credential.revoked_at is not None and crl.revoked_count == 1
    listed = x509.load_der_x509_crl(crl.content)
    serial = pki.load_certificate(credential.certificate_pem).serial_number
    assert listed.get_revoked_certificate_by_serial_number(serial) is not None
    with pytest.raises(InvalidState, match="từ trước"):
        trust.revoke_credential(credential, ca_passphrase=CA_PASS, by=None, now=SIGNING_AT)
    before = files()
    with pytest.raises(SigningRefused, match="thu hồi"):
        signing.sign_document(version, by=ended.secretary, now=SIGNING_AT, pin=PIN)
    assert files() == before
    # someone who still holds the key signs anyway, after the revocation: the signature verifies as revoked
    key = pki.unseal_key(credential.sealed_key, PIN)
    cert = pki.load_certificate(credential.certificate_pem)
    signed = pades.sign(
        version.latest_file.content,
        field=version.next_slot["field"],  # type: ignore[index]
        certificate=cert,
        key=key,
        chain=signing.trust_roots(),
        certify=True,
        stamp=pades.StampText("x", "y", SIGNING_AT.replace(tzinfo=UTC) + timedelta(minutes=5)),
        reason="ký",
        location="Hà Nội",
    )
    (report,) = signing.verify_pdf(signed).signatures
    assert report.revoked and not report.trusted and not report.is_ok
    # a newly issued certificate signs again
    signing.issue_credential(ended.secretary, ca_passphrase=CA_PASS, pin=PIN, now=SIGNING_AT)
    signing.sign_document(version, by=ended.secretary, now=SIGNING_AT + timedelta(minutes=10), pin=PIN)
    assert all(s.is_ok for s in signing.verify_pdf(version.latest_file.content).signatures)


def ca_certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: ec.EllipticCurvePrivateKey,
) -> x509.Certificate:
    """Return a CA certificate for *key*, issued by *issuer* (self-signed when None)."""
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, subject)])
    start = STARTS_AT.replace(tzinfo=UTC) - timedelta(days=30)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer is not None else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * 30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(issuer_key, hashes.SHA256())
    )


def test_an_intermediate_on_the_trust_list_completes_a_chain_the_file_lacks(ended: Conference) -> None:
    version, receiver_name = handover_for_receiver(ended)
    root_key, middle_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root = ca_certificate("Root CA quốc gia", root_key, None, root_key)
    middle = ca_certificate("CA công vụ cấp 2", middle_key, root, root_key)
    middle_pair = pki.KeyPair(pki.pem(middle), pki.seal_key(middle_key, "middle-1"))
    cert, key = pki.issue_signer(
        middle_pair, "middle-1", common_name=receiver_name, title="", organization="", now=STARTS_AT, years=20
    )
    upload = pki.make_pkcs12(cert, key, [], "p12-pass")  # the signer's file carries no chain
    trust.import_certificates(pki.pem(root).encode(), by=None, now=STARTS_AT)
    with pytest.raises(SigningRefused, match="danh sách tin cậy"):
        signing.sign_document(
            version, by=ended.chair, now=SIGNING_AT, pkcs12=upload, pkcs12_password="p12-pass"
        )
    (entry,) = trust.import_certificates(middle.public_bytes(Encoding.DER), by=None, now=STARTS_AT)
    assert not entry.is_root
    signing.sign_document(version, by=ended.chair, now=SIGNING_AT, pkcs12=upload, pkcs12_password="p12-pass")
    assert all(s.is_ok for s in signing.verify_pdf(version.latest_file.content).signatures)


def test_a_certificate_not_meant_for_signing_is_refused(ended: Conference) -> None:
    version, receiver_name = handover_for_receiver(ended)
    authority = signing.active_authority()
    assert authority is not None
    ca_cert = pki.load_certificate(authority.certificate_pem)
    ca_key = pki.unseal_key(authority.sealed_key, CA_PASS)
    key = ec.generate_private_key(ec.SECP256R1())
    start = STARTS_AT.replace(tzinfo=UTC) - timedelta(days=1)
    encipher_only = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, receiver_name)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365))
        .add_extension(
            x509.KeyUsage(False, False, False, False, True, False, False, False, False), critical=True
        )
        .sign(ca_key, hashes.SHA256())
    )
    upload = pki.make_pkcs12(encipher_only, key, [ca_cert], "p12-pass")
    with pytest.raises(SigningRefused, match="không dùng để ký"):
        signing.sign_document(
            version, by=ended.chair, now=SIGNING_AT, pkcs12=upload, pkcs12_password="p12-pass"
        )
