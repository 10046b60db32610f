"""Keys and certificates: the organisation's root CA, signer certificates, PIN-sealed keys, PKCS#12.

Pure functions over bytes: no database, no Flask. Keys are ECDSA P-256 (fast to make and to use,
accepted by pyHanko, NSS/pdfsig and Adobe Reader).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from voting.errors import SigningRefused, WrongPin
from voting.i18n import N_
from voting.signing.pfx import check_pfx

#: scrypt cost for sealing keys under a PIN: ~16 MiB and ~50 ms per unlock
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
#: a PIN is at least this long; it never leaves the signer's head except at signing time
MIN_PIN_LENGTH = 6
#: largest PKCS#12 file accepted as an upload
MAX_PKCS12_BYTES = 64 * 1024
#: days a hall's TLS certificate is valid: under the 398 browsers accept, whoever issued it
TLS_DAYS = 397
#: days until the in-app CA's CRL says a newer one is due; revoking issues one at once anyway
CRL_DAYS = 30
_DNS_NAME = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*$")

PrivateKey = ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class KeyPair:
    """A certificate (PEM) and its private key sealed under a PIN or passphrase."""

    certificate_pem: str
    sealed_key: str


def _utc(moment: datetime) -> datetime:
    """Return *moment* as an aware UTC datetime (naive values are taken as UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _name(common_name: str, organization: str = "", title: str = "") -> x509.Name:
    """Return an X.509 name; UTF8String keeps Vietnamese intact."""
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if title:
        attributes.append(x509.NameAttribute(NameOID.TITLE, title[:64]))
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:64]))
    attributes.append(x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"))
    return x509.Name(attributes)


def check_pin(pin: str) -> None:
    """Refuse a PIN that is too short."""
    if len(pin) < MIN_PIN_LENGTH:
        raise SigningRefused(
            N_("Mã PIN phải có ít nhất %(min_pin_length)s ký tự."), min_pin_length=MIN_PIN_LENGTH
        )


def seal_key(key: PrivateKey, pin: str) -> str:
    """Encrypt a private key under a PIN (scrypt + AES-256-GCM) and return it as text."""
    salt, nonce = os.urandom(16), os.urandom(12)
    secret = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(pin.encode())
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    box = {
        "kdf": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "salt": base64.b64encode(salt).decode(),
        "nonce": base64.b64encode(nonce).decode(),
        "key": base64.b64encode(AESGCM(secret).encrypt(nonce, der, b"luanluu-key")).decode(),
    }
    return json.dumps(box, sort_keys=True)


def unseal_key(sealed: str, pin: str) -> PrivateKey:
    """Decrypt a sealed private key; a wrong PIN raises WrongPin."""
    box = json.loads(sealed)
    kdf = Scrypt(salt=base64.b64decode(box["salt"]), length=32, n=box["n"], r=box["r"], p=box["p"])
    try:
        der = AESGCM(kdf.derive(pin.encode())).decrypt(
            base64.b64decode(box["nonce"]), base64.b64decode(box["key"]), b"luanluu-key"
        )
    except InvalidTag:
        raise WrongPin(N_("Mã PIN không đúng; tài liệu chưa được ký.")) from None
    key = serialization.load_der_private_key(der, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def make_root_ca(
    common_name: str, organization: str, *, now: datetime, years: int, passphrase: str
) -> KeyPair:
    """Create a self-signed root CA certificate and seal its key under a passphrase."""
    check_pin(passphrase)
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name, organization)
    start = _utc(now) - timedelta(days=1)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return KeyPair(pem(cert), seal_key(key, passphrase))


def _key_usage(*, cert_sign: bool, non_repudiation: bool = True) -> x509.KeyUsage:
    """Return keyCertSign/cRLSign for a CA, digitalSignature (and nonRepudiation for documents) otherwise."""
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=not cert_sign and non_repudiation,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def load_certificate(pem: str | bytes) -> x509.Certificate:
    """Parse a PEM certificate."""
    return x509.load_pem_x509_certificate(pem.encode() if isinstance(pem, str) else pem)


def _issue(
    ca: KeyPair,
    ca_passphrase: str,
    *,
    subject: x509.Name,
    usage: x509.KeyUsage,
    extensions: list[x509.ExtensionType],
    now: datetime,
    days: int,
) -> tuple[x509.Certificate, PrivateKey]:
    """Issue an end-entity certificate from the CA, valid *days* but never beyond the CA; make its key."""
    try:
        ca_key = unseal_key(ca.sealed_key, ca_passphrase)
    except WrongPin:
        raise WrongPin(N_("Mật khẩu bảo vệ khóa CA không đúng; không cấp chứng thư nào.")) from None
    ca_cert = load_certificate(ca.certificate_pem)
    key = ec.generate_private_key(ec.SECP256R1())
    start = _utc(now) - timedelta(days=1)
    end = min(start + timedelta(days=days), ca_cert.not_valid_after_utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
    )
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    return builder.sign(ca_key, hashes.SHA256()), key


def issue_signer(
    ca: KeyPair,
    ca_passphrase: str,
    *,
    common_name: str,
    title: str,
    organization: str,
    now: datetime,
    years: int,
) -> tuple[x509.Certificate, PrivateKey]:
    """Issue a document-signing certificate from the CA; return it with its new private key."""
    return _issue(
        ca,
        ca_passphrase,
        subject=_name(common_name, organization, title),
        usage=_key_usage(cert_sign=False),
        extensions=[],
        now=now,
        days=365 * years,
    )


def _subject_alternative_name(host: str) -> x509.GeneralName:
    """Return an IP address or DNS name entry; refuse anything a browser could not match."""
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not _DNS_NAME.match(host) or len(host) > 253:
        raise SigningRefused(N_("Tên máy chủ không hợp lệ: %(host)s."), host=host)
    return x509.DNSName(host.lower())


def issue_server(
    ca: KeyPair, ca_passphrase: str, *, hosts: list[str], now: datetime, days: int = TLS_DAYS
) -> tuple[x509.Certificate, PrivateKey]:
    """Issue a TLS server certificate for the hall's host names and IP addresses (RFC 5280 SAN)."""
    if not hosts:
        raise SigningRefused(N_("Cần ít nhất một tên máy chủ hoặc địa chỉ IP."))
    names = [_subject_alternative_name(host) for host in hosts]
    return _issue(
        ca,
        ca_passphrase,
        subject=x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]),
        usage=_key_usage(cert_sign=False, non_repudiation=False),
        extensions=[
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
            x509.SubjectAlternativeName(names),
        ],
        now=now,
        days=days,
    )


def private_key_pem(key: PrivateKey) -> str:
    """Return a private key as unencrypted PKCS#8 PEM (for a web server, which reads it at start)."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def fingerprint(cert: x509.Certificate) -> str:
    """Return the certificate's SHA-256 fingerprint in hex."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def make_crl(
    ca_cert: x509.Certificate,
    ca_key: PrivateKey,
    revoked: list[tuple[int, datetime]],
    *,
    number: int,
    now: datetime,
    days: int = CRL_DAYS,
) -> x509.CertificateRevocationList:
    """Return a CRL (RFC 5280 s. 5) signed by the CA listing *revoked* (serial number, revocation time)."""
    this_update = _utc(now)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(this_update)
        .next_update(this_update + timedelta(days=days))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    for serial, revoked_at in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(_utc(revoked_at)).build()
        )
    return builder.sign(ca_key, hashes.SHA256())


def common_name(cert: x509.Certificate) -> str:
    """Return the subject's common name."""
    return common_name_of(cert.subject)


def common_name_of(name: x509.Name) -> str:
    """Return a name's common name, else the whole name."""
    names = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else name.rfc4514_string()


def make_pkcs12(
    cert: x509.Certificate, key: PrivateKey, chain: list[x509.Certificate], password: str
) -> bytes:
    """Return a password-protected PKCS#12 file (for signers without an account)."""
    return pkcs12.serialize_key_and_certificates(
        common_name(cert).encode(),
        key,
        cert,
        chain,
        serialization.BestAvailableEncryption(password.encode()),
    )


def read_pkcs12(data: bytes, password: str) -> tuple[x509.Certificate, PrivateKey, list[x509.Certificate]]:
    """Open an uploaded PKCS#12 file; refuse oversized, costly (see pfx.py), unreadable or keyless ones."""
    if len(data) > MAX_PKCS12_BYTES:
        raise SigningRefused(N_("Tệp chứng thư số quá lớn (tối đa 64 KB)."))
    check_pfx(data, password)  # before OpenSSL runs whatever work factors the file asks for
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, password.encode())
    except ValueError:
        raise WrongPin(
            "Không mở được tệp PKCS#12: sai mật khẩu hoặc tệp hỏng; tài liệu chưa được ký."
        ) from None
    if cert is None or key is None:
        raise SigningRefused(N_("Tệp PKCS#12 không chứa khóa và chứng thư số."))
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        from cryptography.hazmat.primitives.asymmetric import rsa

        if not isinstance(key, rsa.RSAPrivateKey):
            raise SigningRefused(N_("Chỉ hỗ trợ khóa RSA hoặc ECDSA."))
    return cert, key, list(chain)  # type: ignore[return-value]
