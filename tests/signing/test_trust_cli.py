"""The trust-list commands: `pki trust add|list|retire`, `pki crl import`, `pki export-ca`."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from flask.testing import FlaskCliRunner

from tests.helpers import STARTS_AT
from voting.conferences.models import Conference
from voting.config import default_config
from voting.signing import pki, trust
from voting.signing import services as signing

PASS = "ca-secret-phrase"


@pytest.fixture
def ca_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUANLUU_CA_PASSPHRASE", PASS)


def test_add_list_retire_import_a_crl_and_export(
    conference: Conference, runner: FlaskCliRunner, tmp_path: Path, ca_env: None
) -> None:
    assert runner.invoke(args=["pki", "init"]).exit_code == 0
    national = pki.make_root_ca("Root CA quốc gia", "", now=STARTS_AT, years=20, passphrase="national-1")
    root = pki.load_certificate(national.certificate_pem)
    der = tmp_path / "root.cer"
    der.write_bytes(root.public_bytes(Encoding.DER))
    added = runner.invoke(args=["pki", "trust", "add", str(der)])
    assert added.exit_code == 0 and pki.fingerprint(root) in added.output, added.output
    again = runner.invoke(args=["pki", "trust", "add", str(der)])
    assert again.exit_code == 1 and "đã có" in again.output
    listed = runner.invoke(args=["pki", "trust", "list"])
    assert "Root CA quốc gia" in listed.output and listed.output.count("đang tin cậy") == 2
    crl = pki.make_crl(
        root, pki.unseal_key(national.sealed_key, "national-1"), [(42, STARTS_AT)], number=1, now=STARTS_AT
    )
    crl_file = tmp_path / "root.crl"
    crl_file.write_bytes(crl.public_bytes(Encoding.PEM))
    assert runner.invoke(args=["pki", "crl", "import", str(crl_file)]).exit_code == 0
    assert [c.revoked_count for c in trust.revocation_lists()] == [1]
    out = tmp_path / "trust.pem"
    assert runner.invoke(args=["pki", "export-ca", "--out", str(out)]).exit_code == 0
    exported = {pki.fingerprint(c) for c in x509.load_pem_x509_certificates(out.read_bytes())}
    authority = signing.active_authority()
    assert authority is not None and exported == {authority.fingerprint, pki.fingerprint(root)}
    (entry,) = [e for e in trust.active_certificates() if e.fingerprint == pki.fingerprint(root)]
    retired = runner.invoke(args=["pki", "trust", "retire", str(entry.id)])
    assert retired.exit_code == 0 and "thôi tin cậy" in retired.output
    assert runner.invoke(args=["pki", "trust", "retire", str(entry.id)]).exit_code == 1
    assert runner.invoke(args=["pki", "trust", "retire", "9999"]).exit_code == 2
    assert runner.invoke(args=["pki", "export-ca", "--out", str(out)]).exit_code == 0
    assert [pki.fingerprint(c) for c in x509.load_pem_x509_certificates(out.read_bytes())] == [
        authority.fingerprint
    ]
    # a CRL whose issuer is no longer trusted is refused
    crl_file.write_bytes(
        pki.make_crl(
            root, pki.unseal_key(national.sealed_key, "national-1"), [], number=2, now=STARTS_AT
        ).public_bytes(Encoding.DER)
    )
    refused = runner.invoke(args=["pki", "crl", "import", str(crl_file)])
    assert refused.exit_code == 1 and "danh sách tin cậy" in refused.output


def test_revoke_from_the_command_line(conference: Conference, runner: FlaskCliRunner, ca_env: None) -> None:
    assert runner.invoke(args=["pki", "init"]).exit_code == 0
    secretary = conference.secretary.username
    none_yet = runner.invoke(args=["pki", "revoke", secretary])
    assert none_yet.exit_code == 1 and "không có chứng thư" in none_yet.output
    assert runner.invoke(args=["pki", "issue", secretary, "--pin", "246810"]).exit_code == 0
    assert runner.invoke(args=["pki", "revoke", "nobody"]).exit_code == 2
    revoked = runner.invoke(args=["pki", "revoke", secretary])
    assert revoked.exit_code == 0 and "CRL mới" in revoked.output, revoked.output
    credential = signing.credential_of(conference.secretary)
    assert credential is not None and credential.revoked_at is not None
    (crl,) = trust.revocation_lists()
    assert crl.revoked_count == 1
    again = runner.invoke(args=["pki", "revoke", secretary])
    assert again.exit_code == 1 and "từ trước" in again.output


@pytest.mark.parametrize(("value", "expected"), [(None, False), ("0", False), ("1", True)])
def test_revocation_fetching_is_off_unless_asked_for(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str | None, expected: bool
) -> None:
    if value is None:
        monkeypatch.delenv("REVOCATION_FETCH", raising=False)
    else:
        monkeypatch.setenv("REVOCATION_FETCH", value)
    assert default_config(str(tmp_path))["REVOCATION_FETCH"] is expected
