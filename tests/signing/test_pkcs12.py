"""Uploaded PKCS#12 files whose key-derivation parameters would hang a worker are refused before loading."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from tests.helpers import STARTS_AT
from voting.errors import SigningRefused
from voting.signing import pfx, pki

PASSWORD = "mat-khau-p12"
ABSURD = 2**31 - 1


def _file() -> bytes:
    ca = pki.make_root_ca("CA thử", "", now=STARTS_AT, years=1, passphrase="ca-pass-123")
    cert, key = pki.issue_signer(
        ca, "ca-pass-123", common_name="Hoàng Quốc Việt", title="", organization="", now=STARTS_AT, years=1
    )
    return pki.make_pkcs12(cert, key, [], PASSWORD)


def _with_mac_iterations(data: bytes, iterations: int) -> bytes:
    pfx_ = asn1_pkcs12.Pfx.load(data)
    pfx_["mac_data"]["iterations"] = iterations
    return pfx_.dump(force=True)


def _with_key_iterations(data: bytes, iterations: int) -> bytes:
    """Return the file with its shrouded key's PBKDF2 asking for *iterations* (its MAC left as is)."""
    pfx_ = asn1_pkcs12.Pfx.load(data)
    safe = asn1_pkcs12.AuthenticatedSafe.load(pfx_["auth_safe"]["content"].native)
    for info in safe:
        if info["content_type"].native == "data":
            contents = asn1_pkcs12.SafeContents.load(info["content"].native)
            for bag in contents:
                if bag["bag_id"].native == "pkcs8_shrouded_key_bag":
                    kdf = bag["bag_value"]["encryption_algorithm"]["parameters"]["key_derivation_func"]
                    kdf["parameters"]["iteration_count"] = iterations
            info["content"] = contents.dump(force=True)
    pfx_["auth_safe"]["content"] = safe.dump(force=True)
    return pfx_.dump(force=True)


def _with_key_hidden_in_the_encrypted_part(data: bytes, iterations: int) -> bytes:
    """Return the file with a costly shrouded key moved inside its PBES2-encrypted part."""
    costly = asn1_pkcs12.Pfx.load(_with_key_iterations(data, iterations))
    plain = asn1_pkcs12.AuthenticatedSafe.load(costly["auth_safe"]["content"].native)
    key_bag = next(
        bag
        for info in plain
        if info["content_type"].native == "data"
        for bag in asn1_pkcs12.SafeContents.load(info["content"].native)
        if bag["bag_id"].native == "pkcs8_shrouded_key_bag"
    )
    pfx_ = asn1_pkcs12.Pfx.load(data)
    safe = asn1_pkcs12.AuthenticatedSafe.load(pfx_["auth_safe"]["content"].native)
    for info in safe:
        if info["content_type"].native == "encrypted_data":
            encrypted = info["content"]["encrypted_content_info"]
            algorithm = encrypted["content_encryption_algorithm"]
            params = algorithm["parameters"]["key_derivation_func"]["parameters"]
            secret = PBKDF2HMAC(
                hashes.SHA256(), algorithm.key_length, params["salt"].native, params["iteration_count"].native
            ).derive(PASSWORD.encode())
            cipher = Cipher(algorithms.AES(secret), modes.CBC(algorithm.encryption_iv))
            decryptor, unpadder = cipher.decryptor(), padding.PKCS7(128).unpadder()
            raw = decryptor.update(encrypted["encrypted_content"].native) + decryptor.finalize()
            contents = asn1_pkcs12.SafeContents.load(unpadder.update(raw) + unpadder.finalize())
            bags = asn1_pkcs12.SafeContents([*contents, key_bag.copy()])
            padder, encryptor = padding.PKCS7(128).padder(), cipher.encryptor()
            padded = padder.update(bags.dump()) + padder.finalize()
            encrypted["encrypted_content"] = encryptor.update(padded) + encryptor.finalize()
    pfx_["auth_safe"]["content"] = safe.dump(force=True)
    return pfx_.dump(force=True)


def test_a_real_file_still_opens() -> None:
    cert, _key, _chain = pki.read_pkcs12(_file(), PASSWORD)
    assert pki.common_name(cert) == "Hoàng Quốc Việt"


@pytest.mark.parametrize(
    "build",
    [_with_mac_iterations, _with_key_iterations, _with_key_hidden_in_the_encrypted_part],
    ids=["mac", "key", "key-inside-encrypted-part"],
)
def test_absurd_iterations_are_refused_before_loading(build: object, tmp_path: Path) -> None:
    """A worker that ran OpenSSL on it would hang: the check runs in a child with a generous guard."""
    assert callable(build)
    path = tmp_path / "absurd.p12"
    path.write_bytes(build(_file(), ABSURD))
    assert len(path.read_bytes()) < 2048
    script = (
        "import sys\n"
        "from voting.errors import SigningRefused\n"
        "from voting.signing import pki\n"
        "try:\n"
        f"    pki.read_pkcs12(open(sys.argv[1], 'rb').read(), {PASSWORD!r})\n"
        "except SigningRefused as refused:\n"
        "    print(refused)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=10, check=True
    )
    assert "số vòng lặp dẫn xuất khóa bất thường" in done.stdout


def test_the_iteration_budget_counts_every_part() -> None:
    """Each count may be plausible; together they may not ask for more than the budget."""
    data = _with_mac_iterations(_file(), pfx.MAX_TOTAL_ITERATIONS)  # the MAC alone uses it up
    with pytest.raises(SigningRefused, match="vòng lặp"):
        pki.read_pkcs12(data, PASSWORD)


def test_garbage_is_a_wrong_password_or_damaged_file() -> None:
    with pytest.raises(SigningRefused, match="sai mật khẩu hoặc tệp hỏng"):
        pki.read_pkcs12(b"\x30\x03\x02\x01\x03", PASSWORD)
