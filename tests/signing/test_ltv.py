"""Long-term validation: B-LT (DSS with certificates and CRLs) and B-LTA (a document timestamp at the end)."""

from __future__ import annotations

import asyncio
import base64
import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import crl as asn1_crl
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy
from pyhanko_certvalidator.registry import SimpleTrustManager

from tests.documents.minutes import make_minutes
from tests.helpers import hanoi
from tests.signing.tsa import serve_tsa
from voting.config import tsa_credentials
from voting.documents.pdf import add_signature_fields, build_conference_minutes
from voting.errors import SigningRefused
from voting.signing import ltv, pades, pki
from voting.signing.pades import StampText

#: 11:05 in Hanoi, when the minutes are signed
NOW = hanoi(11, 5).replace(tzinfo=UTC)
PASS = "ca-phrase-1"
#: where the certificates say their CRL is published: nothing listens there (the network is "off")
CRL_URL = "http://127.0.0.1:9/ca.crl"


@dataclass(frozen=True)
class Pki:
    """A test CA that publishes a CRL, two signers valid one year, and a TSA URL (or None)."""

    ca: pki.KeyPair
    root: x509.Certificate
    signers: dict[str, tuple[x509.Certificate, ec.EllipticCurvePrivateKey]]
    crl: bytes  # DER
    tsa_url: str | None

    def context(self, *, moment: datetime = NOW, crls: bool = True) -> ValidationContext:
        """Return an offline context trusting the root, with the CA's CRL, validating at *moment*."""
        return ValidationContext(
            trust_roots=[pades.to_asn1(self.root)],
            crls=[asn1_crl.CertificateList.load(self.crl)] if crls else [],
            allow_fetching=False,
            moment=moment,
        )


def signer(ca: pki.KeyPair, name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """Issue a one-year signing certificate that names the CA's CRL."""
    ca_cert = pki.load_certificate(ca.certificate_pem)
    key = ec.generate_private_key(ec.SECP256R1())
    point = x509.DistributionPoint([x509.UniformResourceIdentifier(CRL_URL)], None, None, None)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=365))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(x509.CRLDistributionPoints([point]), critical=False)
        .sign(pki.unseal_key(ca.sealed_key, PASS), hashes.SHA256())
    )
    return cert, key


def make_crl(ca: pki.KeyPair, revoked: list[x509.Certificate]) -> bytes:
    """Return the CA's CRL (DER), issued an hour before signing, listing *revoked*."""
    ca_cert = pki.load_certificate(ca.certificate_pem)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(NOW - timedelta(hours=1))
        .next_update(NOW + timedelta(days=7))
        .add_extension(x509.CRLNumber(1), critical=False)
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(NOW - timedelta(hours=2))
            .build()
        )
    return builder.sign(pki.unseal_key(ca.sealed_key, PASS), hashes.SHA256()).public_bytes(
        serialization.Encoding.DER
    )


def make_pki(tsa_url: str | None, ca: pki.KeyPair, *, revoked: tuple[str, ...] = ()) -> Pki:
    signers = {name: signer(ca, name) for name in ("Trần Thị Mai", "Nguyễn Văn An")}
    crl = make_crl(ca, [signers[name][0] for name in revoked])
    return Pki(ca, pki.load_certificate(ca.certificate_pem), signers, crl, tsa_url)


@pytest.fixture
def ca() -> pki.KeyPair:
    return pki.make_root_ca("CA", "", now=NOW - timedelta(days=30), years=30, passphrase=PASS)


@pytest.fixture
def with_tsa(ca: pki.KeyPair) -> Iterator[Pki]:
    with serve_tsa(ca, PASS, now=NOW) as url:
        yield make_pki(url, ca)


def sign_minutes(keys: Pki, *, archive: bool = True) -> bytes:
    """Sign the minutes' two blocks, the last one followed by a document timestamp if *archive*."""
    built = build_conference_minutes(make_minutes(["Phòng A", "Phòng B", "Phòng C"], []))
    pdf = add_signature_fields(built.content, built.spots)
    for field, name, last in (("thu_ky", "Trần Thị Mai", False), ("chu_toa", "Nguyễn Văn An", True)):
        cert, key = keys.signers[name]
        pdf = pades.sign(
            pdf,
            field=field,
            certificate=cert,
            key=key,
            chain=[keys.root],
            certify=field == "thu_ky",
            stamp=StampText(name, "", NOW),
            reason="ký",
            location="Hà Nội",
            timestamp_url=keys.tsa_url,
            validation_context=keys.context(),
            archive=archive and last,
        )
    return pdf


def test_with_a_tsa_the_document_reaches_b_lta(with_tsa: Pki) -> None:
    report = pades.examine(sign_minutes(with_tsa), with_tsa.context())
    assert [sig.level for sig in report.signatures] == ["B-LTA", "B-LTA"]
    assert report.level == "B-LTA"
    assert [ts.at for ts in report.document_timestamps] == [NOW]
    assert all(sig.is_ok and sig.proven_at is None for sig in report.signatures)


def test_b_lta_still_validates_offline_after_the_certificates_expire_from_what_is_embedded(
    with_tsa: Pki,
) -> None:
    signed = sign_minutes(with_tsa)
    # three years on: both signers' certificates expired two years ago; no CRL given, no network
    later = with_tsa.context(moment=NOW + timedelta(days=3 * 365), crls=False)
    report = pades.examine(signed, later)
    assert all(sig.is_ok for sig in report.signatures)
    assert [sig.proven_at for sig in report.signatures] == [NOW, NOW]
    assert report.level == "B-LTA"


def test_without_the_document_timestamp_expired_certificates_do_not_validate(with_tsa: Pki) -> None:
    signed = sign_minutes(with_tsa, archive=False)
    assert pades.examine(signed, with_tsa.context()).level == "B-LT"
    later = pades.examine(signed, with_tsa.context(moment=NOW + timedelta(days=3 * 365), crls=False))
    assert not any(sig.is_ok for sig in later.signatures)
    assert later.level is None


def test_the_dss_carries_the_chain_and_the_crl(with_tsa: Pki) -> None:
    dss = ltv.read_dss(PdfFileReader(io.BytesIO(sign_minutes(with_tsa))))
    assert {c.dump() for c in dss.certs} >= {pades.to_asn1(c).dump() for c, _ in with_tsa.signers.values()}
    assert [crl.dump() for crl in dss.crls] == [with_tsa.crl]


def test_without_a_tsa_signatures_are_b_b(ca: pki.KeyPair) -> None:
    keys = make_pki(None, ca)
    report = pades.examine(sign_minutes(keys), keys.context())
    assert report.level == "B-B" and report.document_timestamps == []


def test_a_revoked_certificate_cannot_sign(ca: pki.KeyPair) -> None:
    keys = make_pki(None, ca, revoked=("Trần Thị Mai",))
    with pytest.raises(SigningRefused, match="thu hồi"):
        sign_minutes(keys)


def test_a_tsa_that_wants_credentials_gets_them_from_the_settings(ca: pki.KeyPair) -> None:
    settings = {"SIGNING_TSA_USERNAME": "luanluu", "SIGNING_TSA_PASSWORD": "tsa-pass"}
    assert tsa_credentials(settings) == ("luanluu", "tsa-pass")
    assert tsa_credentials({"SIGNING_TSA_PASSWORD": "tsa-pass"}) is None
    header = "Basic " + base64.b64encode(b"luanluu:tsa-pass").decode()
    with serve_tsa(ca, PASS, now=NOW, auth=header) as url:
        keys = make_pki(url, ca)
        cert, key = keys.signers["Trần Thị Mai"]
        sign = functools.partial(
            pades.sign,
            add_signature_fields(
                build_conference_minutes(make_minutes(["Phòng A"], [])).content,
                build_conference_minutes(make_minutes(["Phòng A"], [])).spots,
            ),
            field="thu_ky",
            certificate=cert,
            key=key,
            chain=[keys.root],
            certify=True,
            stamp=StampText("Trần Thị Mai", "", NOW),
            reason="ký",
            location="Hà Nội",
            timestamp_url=url,
            validation_context=keys.context(),
        )
        with pytest.raises(SigningRefused, match="dấu thời gian"):
            sign()
        (report,) = pades.validate(sign(timestamp_auth=tsa_credentials(settings)), keys.context())
    assert report.timestamped_at == NOW and report.level == "B-LT"


def test_pyhankos_own_etsi_lta_validation_agrees_three_years_on(with_tsa: Pki) -> None:
    """pyHanko's ETSI EN 319 102-1 LTA process, local data only, passes the expired signatures too."""
    reader = PdfFileReader(io.BytesIO(sign_minutes(with_tsa)), strict=False)
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=[pades.to_asn1(with_tsa.root)]),
        revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy.from_legacy("hard-fail")),
    )
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )
    later = NOW + timedelta(days=3 * 365)
    timing = ValidationTimingInfo(later, later, point_in_time_validation=True)
    people = [sig for sig in reader.embedded_signatures if not ltv.is_document_timestamp(sig)]
    results = [asyncio.run(ades_lta_validation(sig, spec, timing_info=timing)) for sig in people]
    assert [result.ades_subindic for result in results] == [AdESPassed.OK, AdESPassed.OK]


def test_derived_contexts_keep_the_base_intermediates_and_a_factory_is_accepted(with_tsa: Pki) -> None:
    """The trust list's intermediates (other_certs of its context) survive adding the DSS."""
    intermediate = pades.to_asn1(with_tsa.signers["Nguyễn Văn An"][0])
    base = ValidationContext(trust_roots=[pades.to_asn1(with_tsa.root)], other_certs=[intermediate])
    derived = ltv.derive(base, embedded=ltv.Embedded(), only_embedded=True, strict=True)
    assert intermediate.dump() in {cert.dump() for cert in derived.certificate_registry}
    signed = sign_minutes(with_tsa, archive=False)
    assert [sig.level for sig in pades.validate(signed, with_tsa.context)] == ["B-LT", "B-LT"]
