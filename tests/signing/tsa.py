"""A local RFC 3161 timestamp authority for tests: pyHanko's DummyTimeStamper over HTTP on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from voting.signing import pades, pki


def tsa_certificate(
    ca: pki.KeyPair, passphrase: str, *, now: datetime
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """Issue a timestamping certificate (critical EKU timeStamping) from the CA (RSA: pyHanko's test TSA)."""
    ca_key = pki.unseal_key(ca.sealed_key, passphrase)
    ca_cert = pki.load_certificate(ca.certificate_pem)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "TSA nội bộ")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=10))
        .not_valid_after(now + timedelta(days=365 * 20))
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


@contextmanager
def serve_tsa(ca: pki.KeyPair, passphrase: str, *, now: datetime, auth: str | None = None) -> Iterator[str]:
    """Serve a TSA whose certificate *ca* issued, stamping every request with *now*; yield its URL.

    With *auth*, a request without that exact Authorization header gets 401.
    """
    cert, key = tsa_certificate(ca, passphrase, now=now)
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    stamper = DummyTimeStamper(pades.to_asn1(cert), asn1_keys.PrivateKeyInfo.load(der), fixed_dt=now)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            if auth is not None and self.headers.get("Authorization") != auth:
                self.send_response(401)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
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
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
