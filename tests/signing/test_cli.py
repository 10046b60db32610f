"""The pki commands: create or import the CA, issue certificates, export the CA; verify a file."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from flask.testing import FlaskCliRunner

from tests.helpers import STARTS_AT
from voting.auth.models import User
from voting.conferences.models import Conference
from voting.extensions import db
from voting.signing import pki
from voting.signing.models import SigningAuthority
from voting.signing.services import credential_of

PASS = "ca-secret-phrase"


@pytest.fixture
def ca_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUANLUU_CA_PASSPHRASE", PASS)


def test_init_issue_export(
    conference: Conference, runner: FlaskCliRunner, tmp_path: Path, ca_env: None
) -> None:
    first = runner.invoke(args=["pki", "init", "--organization", "Công an thành phố Hà Nội"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["pki", "init"])
    assert again.exit_code == 1 and "Đã có CA gốc" in again.output
    secretary = conference.secretary.username
    issued = runner.invoke(args=["pki", "issue", secretary], input="246810\n246810\n")
    assert issued.exit_code == 0, issued.output
    account = db.session.scalar(sa.select(User).where(User.username == secretary))
    assert account is not None
    credential = credential_of(account)
    assert credential is not None
    cert = pki.load_certificate(credential.certificate_pem)
    assert pki.common_name(cert) == conference.secretary.full_name
    assert pki.unseal_key(credential.sealed_key, "246810") is not None
    short = runner.invoke(args=["pki", "issue", conference.chair.username, "--pin", "123"])
    assert short.exit_code == 1 and "ít nhất 6 ký tự" in short.output
    out = tmp_path / "ca.pem"
    exported = runner.invoke(args=["pki", "export-ca", "--out", str(out)])
    assert exported.exit_code == 0
    authority = db.session.scalar(sa.select(SigningAuthority))
    assert authority is not None and out.read_text() == authority.certificate_pem
    assert cert.issuer == pki.load_certificate(out.read_text()).subject


def test_wrong_ca_passphrase_issues_nothing(
    conference: Conference, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LUANLUU_CA_PASSPHRASE", PASS)
    assert runner.invoke(args=["pki", "init"]).exit_code == 0
    monkeypatch.setenv("LUANLUU_CA_PASSPHRASE", "not-the-phrase")
    result = runner.invoke(args=["pki", "issue", conference.chair.username, "--pin", "135790"])
    assert result.exit_code == 1 and "Mật khẩu bảo vệ khóa CA không đúng" in result.output
    assert credential_of(conference.chair) is None


def test_import_an_existing_ca(
    conference: Conference, runner: FlaskCliRunner, tmp_path: Path, ca_env: None
) -> None:
    pair = pki.make_root_ca(
        "CA của Công an tỉnh", "", now=STARTS_AT - timedelta(days=365), years=20, passphrase="old-phrase"
    )
    key = pki.unseal_key(pair.sealed_key, "old-phrase")
    (tmp_path / "ca.pem").write_text(pair.certificate_pem)
    (tmp_path / "ca.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    other = ec.generate_private_key(ec.SECP256R1())
    (tmp_path / "other.key").write_bytes(
        other.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    mismatched = runner.invoke(
        args=["pki", "import", "--cert", str(tmp_path / "ca.pem"), "--key", str(tmp_path / "other.key")]
    )
    assert mismatched.exit_code == 1 and "không khớp" in mismatched.output
    imported = runner.invoke(
        args=["pki", "import", "--cert", str(tmp_path / "ca.pem"), "--key", str(tmp_path / "ca.key")]
    )
    assert imported.exit_code == 0, imported.output
    assert runner.invoke(args=["pki", "issue", conference.chair.username, "--pin", "135790"]).exit_code == 0
    credential = credential_of(conference.chair)
    assert credential is not None
    assert (
        pki.load_certificate(credential.certificate_pem).issuer
        == pki.load_certificate(pair.certificate_pem).subject
    )


def test_tls_certificate_for_the_hall(runner: FlaskCliRunner, tmp_path: Path, ca_env: None) -> None:
    assert runner.invoke(args=["pki", "init"]).exit_code == 0
    cert_out, key_out = tmp_path / "hall.pem", tmp_path / "hall.key"
    paths = ["--cert-out", str(cert_out), "--key-out", str(key_out)]
    refused = runner.invoke(args=["pki", "tls", "hội trường", *paths])
    assert refused.exit_code == 1 and "Tên máy chủ không hợp lệ" in refused.output
    assert not cert_out.exists() and not key_out.exists()

    issued = runner.invoke(args=["pki", "tls", "HoiTruong.local", "192.168.1.10", *paths])
    assert issued.exit_code == 0, issued.output
    cert = pki.load_certificate(cert_out.read_text())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["hoitruong.local"]
    assert names.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("192.168.1.10")]
    usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days <= 398
    authority = db.session.scalar(sa.select(SigningAuthority))
    assert authority is not None
    root = pki.load_certificate(authority.certificate_pem)
    cert.verify_directly_issued_by(root)
    key = serialization.load_pem_private_key(key_out.read_bytes(), password=None)
    assert key.public_key() == cert.public_key()
    assert key_out.stat().st_mode & 0o077 == 0  # nobody but the owner reads the key

    phones = tmp_path / "luanluu-ca.crt"
    assert runner.invoke(args=["pki", "export-ca", "--der", "--out", str(phones)]).exit_code == 0
    assert x509.load_der_x509_certificate(phones.read_bytes()) == root
