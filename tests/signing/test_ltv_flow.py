"""Signing a document with a configured TSA: B-LTA after the last signature, and what verify says years on."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path

from flask.testing import FlaskCliRunner

from tests.helpers import ENDED_AT
from tests.signing.helpers import CA_PASS, PIN, give_keys
from tests.signing.test_agency import _clerk, _configure
from tests.signing.test_signatures import nss_store, pdfsig
from tests.signing.tsa import serve_tsa
from voting.conferences.models import Conference
from voting.documents.models import DocumentKind
from voting.documents.services import find_document
from voting.signing import pki
from voting.signing import services as signing
from voting.signing.agency import seal_document

SIGNING_AT = ENDED_AT + timedelta(minutes=30)
SIGNED_UTC = SIGNING_AT.replace(tzinfo=UTC)


def test_a_tsa_makes_the_minutes_b_lta_and_verify_checks_them_after_the_certificates_expire(
    ended: Conference, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    give_keys(ended)
    authority = signing.active_authority()
    assert authority is not None
    minutes = find_document(ended, DocumentKind.CONFERENCE_MINUTES)
    assert minutes is not None
    version = minutes.current_version
    ca = pki.KeyPair(authority.certificate_pem, authority.sealed_key)
    with serve_tsa(ca, CA_PASS, now=SIGNED_UTC) as url:
        signing.sign_document(version, by=ended.secretary, now=SIGNING_AT, pin=PIN, timestamp_url=url)
        after_secretary = signing.verify_pdf(minutes.content)
        signing.sign_document(version, by=ended.chair, now=SIGNING_AT, pin=PIN, timestamp_url=url)
        after_chair = signing.verify_pdf(minutes.content)
        # the agency's signature by the clerk is the document's last
        clerk = _clerk()
        agency_cert, agency_key = _configure(ended, clerk)
        p12 = pki.make_pkcs12(agency_cert, agency_key, [], "p12-pass")
        seal_document(
            version, by=clerk, now=SIGNING_AT, pkcs12=p12, pkcs12_password="p12-pass", timestamp_url=url
        )
    # timestamped, with the chain in the DSS, but no document timestamp until the last signature
    for before_last in (after_secretary, after_chair):
        assert before_last.report.level == "B-LT" and before_last.report.document_timestamps == []
    result = signing.verify_pdf(minutes.content)
    assert result.is_ok and result.is_fully_signed and result.report.level == "B-LTA"
    assert len(result.signatures) == 3  # the document timestamp is not counted as a signature
    # a day after the signers' certificates expired (the TSA's still holds): valid from what is embedded
    credentials = [signing.credential_of(account) for account in (ended.secretary, ended.chair)]
    certificates = [pki.load_certificate(c.certificate_pem) for c in credentials if c] + [agency_cert]
    expiry = max(cert.not_valid_after_utc for cert in certificates)
    later = expiry + timedelta(days=1)
    aged = signing.verify_pdf(minutes.content, now=later)
    assert aged.is_ok and aged.report.level == "B-LTA"
    assert all(sig.proven_at == SIGNED_UTC for sig in aged.signatures)
    # the secretary's state, without a document timestamp, no longer validates then
    assert not signing.verify_pdf(version.files[1].content, now=later).is_ok
    pdf = tmp_path / "bb.pdf"
    pdf.write_bytes(minutes.content)
    # poppler's pdfsig (NSS) still finds the three signatures valid and trusted after the DSS and the
    # document timestamp; it lists the document timestamp but does not verify RFC 3161 tokens
    (tmp_path / "ca.pem").write_text(authority.certificate_pem)
    *people, stamp = pdfsig(nss_store(tmp_path / "ca.pem", tmp_path), pdf)
    assert [p["Signature Validation"] for p in people] == ["Signature is Valid."] * 3
    assert [p["Certificate Validation"] for p in people] == ["Certificate is Trusted."] * 3
    assert stamp["Signer Certificate Common Name"] == "TSA nội bộ"
    said = runner.invoke(args=["verify", str(pdf), "--at", later.strftime("%Y-%m-%dT%H:%M:%S")])
    assert "Mức PAdES của tài liệu: B-LTA" in said.output and "KẾT LUẬN: HỢP LỆ" in said.output, said.output
    assert said.output.count("hợp lệ tại dấu thời gian tài liệu") == 3
