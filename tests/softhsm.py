"""SoftHSM2 tokens for tests: a token in a temporary SOFTHSM2_CONF, keys made on it, certificates put on it.

SoftHSM2 reads SOFTHSM2_CONF once per process (when python-pkcs11 first loads the module), so one
token directory serves the whole test session: ``softhsm`` is session-scoped, and each test makes its
own key on it under its own label.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pkcs11
import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

from tests.helpers import REQUIRE_TOOLS, require_tool

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
USER_PIN = "246810"
SO_PIN = "13579135"
TOKEN_LABEL = "luanluu-test"


@dataclass(frozen=True)
class Token:
    """An initialised SoftHSM2 token and its user PIN."""

    module: str
    label: str
    pin: str

    def session(self) -> pkcs11.Session:
        """Open a logged-in read-write session on the token."""
        token = pkcs11.lib(self.module).get_token(token_label=self.label)
        return token.open(user_pin=self.pin, rw=True)

    def make_key(self, label: str) -> ec.EllipticCurvePublicKey:
        """Generate a P-256 key pair on the token (the private key never leaves it); return the public key."""
        with self.session() as session:
            params = session.create_domain_parameters(
                KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True
            )
            public, _private = params.generate_keypair(store=True, label=label, id=label.encode())
            key = serialization.load_der_public_key(encode_ec_public_key(public))
        assert isinstance(key, ec.EllipticCurvePublicKey)
        return key

    def put_certificate(self, label: str, cert: x509.Certificate) -> None:
        """Store the key's certificate on the token under the key's label and id."""
        with self.session() as session:
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.LABEL: label,
                    Attribute.ID: label.encode(),
                    Attribute.SUBJECT: cert.subject.public_bytes(),
                    Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
                }
            )

    def signer(self, label: str, chain: list[x509.Certificate]) -> tuple[PKCS11Signer, pkcs11.Session]:
        """Return pyHanko's PKCS#11 signer for the key *label* and its open session (close it after)."""
        session = open_pkcs11_session(
            self.module, token_criteria=TokenCriteria(label=self.label), user_pin=self.pin
        )
        signer = PKCS11Signer(
            session,
            key_label=label,
            cert_label=label,
            use_raw_mechanism=True,  # SoftHSM2 signs a digest with CKM_ECDSA, not CKM_ECDSA_SHA256
            ca_chain=[asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in chain],
        )
        return signer, session


def init_token(folder: Path, label: str = TOKEN_LABEL) -> Token:
    """Write a SoftHSM2 configuration under *folder*, point SOFTHSM2_CONF at it and initialise a token."""
    util = require_tool("softhsm2-util", "softhsm2")
    if not Path(SOFTHSM_MODULE).exists():
        message = f"SoftHSM2's PKCS#11 module {SOFTHSM_MODULE} is missing (apt-get install softhsm2)"
        if REQUIRE_TOOLS:
            pytest.fail(message + "; LUANLUU_REQUIRE_TOOLS=1 forbids skipping", pytrace=False)
        pytest.skip(message)
    tokens = folder / "tokens"
    tokens.mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [util, "--init-token", "--free", "--label", label, "--pin", USER_PIN, "--so-pin", SO_PIN],
        check=True,
        capture_output=True,
    )
    # The module may be loaded already (the clerk's agency signature, the demo's minutes): re-initialise it
    # so that it reads this configuration and sees the new token.
    pkcs11.lib(SOFTHSM_MODULE).reinitialize()
    return Token(SOFTHSM_MODULE, label, USER_PIN)


def issue_for_key(
    public_key: ec.EllipticCurvePublicKey,
    *,
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    common_name: str,
    now: datetime,
    years: int = 20,
    crl_url: str | None = None,
) -> x509.Certificate:
    """Issue a document-signing certificate for a key held elsewhere (as a CA does for a token).

    With *crl_url* the certificate names its CRL distribution point: validators check revocation
    (from a CRL at hand) only for certificates that say where their status is published.
    """
    start = now - timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    if crl_url is not None:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    return builder.sign(ca_key, hashes.SHA256())


def new_label() -> str:
    """Return a fresh key label, so that tests sharing the session's token never collide."""
    return "key-" + secrets.token_hex(4)


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Token]:
    """A SoftHSM2 token for the session (SOFTHSM2_CONF points into a temporary folder)."""
    previous = os.environ.get("SOFTHSM2_CONF")
    yield init_token(tmp_path_factory.mktemp("softhsm"))
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous
