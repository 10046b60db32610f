"""Signing only with certificates that chain to the trust list, are in date and are not revoked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from tests.helpers import ENDED_AT, STARTS_AT
from tests.signing.helpers import CA_PASS, PIN, files, give_keys
from voting.conferences.models import Conference
from voting.documents.models import DocumentKind, DocumentVersion
from voting.documents.services import find_document
from voting.errors import SigningRefused
from voting.handovers.services import find_handover
from voting.signing import pki
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
