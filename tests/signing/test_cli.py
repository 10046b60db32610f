"""The pki commands: create or import the CA, issue certificates, export the CA; verify a file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
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
