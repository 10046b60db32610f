"""An RFC 3161 timestamp authority set by configuration: a local TSA on 127.0.0.1 stamps each signature."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator import ValidationContext

from tests.documents.minutes import make_minutes
from tests.helpers import hanoi
from voting.documents.pdf import add_signature_fields, build_conference_minutes
from voting.signing import pades, pki
from voting.signing.pades import StampText

#: 11:05 in Hanoi, when the minutes are signed
NOW = hanoi(11, 5).replace(tzinfo=UTC)


def tsa_certificate(ca: pki.KeyPair) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """Issue a timestamping certificate (critical EKU timeStamping) from the CA (RSA: pyHanko's test TSA)."""
    ca_key = pki.unseal_key(ca.sealed_key, "ca-phrase-1")
    ca_cert = pki.load_certificate(ca.certificate_pem)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "TSA nội bộ")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=10))
        .not_valid_after(NOW + timedelta(days=365 * 20))
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


@pytest.fixture
def tsa_url() -> Iterator[tuple[str, pki.KeyPair]]:
    ca = pki.make_root_ca("CA", "", now=NOW - timedelta(days=30), years=30, passphrase="ca-phrase-1")
    cert, key = tsa_certificate(ca)
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    stamper = DummyTimeStamper(pades.to_asn1(cert), asn1_keys.PrivateKeyInfo.load(der), fixed_dt=NOW)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", ca
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_signature_carries_a_timestamp_token_from_the_configured_tsa(
    tsa_url: tuple[str, pki.KeyPair],
) -> None:
    url, ca = tsa_url
    built = build_conference_minutes(make_minutes(["Phòng A", "Phòng B", "Phòng C"], []))
    pdf = add_signature_fields(built.content, built.spots)
    cert, key = pki.issue_signer(
        ca,
        "ca-phrase-1",
        common_name="Trần Thị Mai",
        title="",
        organization="",
        now=NOW - timedelta(days=1),
        years=20,
    )
    root = pki.load_certificate(ca.certificate_pem)
    signed = pades.sign(
        pdf,
        field="thu_ky",
        certificate=cert,
        key=key,
        chain=[root],
        certify=True,
        stamp=StampText("Trần Thị Mai", "Thư ký", NOW),
        reason="ký",
        location="Hà Nội",
        timestamp_url=url,
    )
    trusting_root = lambda: ValidationContext(trust_roots=[pades.to_asn1(root)])  # noqa: E731
    (report,) = pades.validate(signed, trusting_root)
    assert report.is_ok
    # the TSA's token sits in the signature, valid and trusted, with the TSA's time
    assert report.timestamped_at == NOW
    (unstamped,) = pades.validate(
        pades.sign(
            pdf,
            field="thu_ky",
            certificate=cert,
            key=key,
            chain=[root],
            certify=True,
            stamp=StampText("Trần Thị Mai", "Thư ký", NOW),
            reason="ký",
            location="Hà Nội",
        ),
        trusting_root,
    )
    assert unstamped.is_ok and unstamped.timestamped_at is None


def test_an_unreachable_tsa_refuses_to_sign_and_says_so(tsa_url: tuple[str, pki.KeyPair]) -> None:
    from voting.errors import SigningRefused

    _url, ca = tsa_url
    built = build_conference_minutes(make_minutes(["Phòng A", "Phòng B", "Phòng C"], []))
    pdf = add_signature_fields(built.content, built.spots)
    cert, key = pki.issue_signer(
        ca,
        "ca-phrase-1",
        common_name="Trần Thị Mai",
        title="",
        organization="",
        now=NOW - timedelta(days=1),
        years=20,
    )
    with pytest.raises(SigningRefused, match="dấu thời gian"):
        pades.sign(
            pdf,
            field="thu_ky",
            certificate=cert,
            key=key,
            chain=[pki.load_certificate(ca.certificate_pem)],
            certify=True,
            stamp=StampText("Trần Thị Mai", "Thư ký", NOW),
            reason="ký",
            location="Hà Nội",
            timestamp_url="http://127.0.0.1:9/",
        )
