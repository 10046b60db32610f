"""Checking an uploaded PKCS#12 file's key-derivation costs before any loader runs (RFC 7292, RFC 8018).

A PKCS#12 file names its own work factors: the MAC's iteration count, and for every encrypted part a
PBES1/PKCS#12-PBE iteration count or PBES2's PBKDF2 parameters. OpenSSL honours whatever the file says,
so a 1.7 KB file asking for 2³¹−1 iterations keeps a worker busy for hours. Here the structure is read
with asn1crypto, every count is added to one budget, and the file is refused before cryptography's
loader runs if the budget is exceeded or a parameter is outside what real signing tools write.

Parts encrypted with PBES2 (PBKDF2 + AES-CBC, what OpenSSL 3, cryptography and current Windows write)
are decrypted here, within the budget, so bags nested inside them are counted too. Parts encrypted with
the legacy PKCS#12 PBEs (3DES, RC2: older Windows, ``openssl -legacy``) are counted but not opened: that
needs RFC 7292's own KDF, which no audited library here offers (oscrypto's does not load with OpenSSL
3), so a costly key bag hidden *inside* such a part is still only bounded by OpenSSL.
"""

from __future__ import annotations

from typing import Any

from asn1crypto import algos, cms, keys, pkcs12
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from voting.errors import SigningRefused, WrongPin
from voting.i18n import N_

#: iterations of all key derivations of one file (MAC included); real files use 2 048–600 000 each
MAX_TOTAL_ITERATIONS = 2_000_000
#: longest key PBKDF2 may be asked to derive (AES-256 needs 32 bytes)
MAX_KEY_LENGTH = 64
#: deepest nesting of SafeContents inside SafeContents
MAX_DEPTH = 4
_PRFS: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class _Budget:
    """The iterations a file may still ask for."""

    def __init__(self) -> None:
        self.left = MAX_TOTAL_ITERATIONS

    def spend(self, iterations: Any) -> None:
        if not isinstance(iterations, int) or iterations < 1 or iterations > self.left:
            raise SigningRefused(
                N_(
                    "Tệp PKCS#12 đòi số vòng lặp dẫn xuất khóa bất thường (quá %(limit)s); "
                    "tệp bị từ chối, tài liệu chưa được ký."
                ),
                limit=f"{MAX_TOTAL_ITERATIONS:,}".replace(",", "."),
            )
        self.left -= iterations


def _unusual() -> SigningRefused:
    return SigningRefused(
        N_("Tệp PKCS#12 dùng tham số mã hóa không được hỗ trợ; hãy xuất lại tệp bằng công cụ ký số.")
    )


def _algorithm(algorithm: algos.EncryptionAlgorithm, budget: _Budget) -> None:
    """Count an encryption algorithm's iterations; refuse unknown KDFs and absurd PBKDF2 parameters."""
    name = algorithm["algorithm"].native
    if name == "pbes2":
        kdf = algorithm["parameters"]["key_derivation_func"]
        if kdf["algorithm"].native != "pbkdf2":
            raise _unusual()
        params = kdf["parameters"]
        key_length = params["key_length"].native
        if key_length is not None and not 1 <= key_length <= MAX_KEY_LENGTH:
            raise _unusual()
        if params["prf"]["algorithm"].native not in _PRFS:
            raise _unusual()
        budget.spend(params["iteration_count"].native)
    elif name.startswith(("pkcs12_", "pbes1_")):
        budget.spend(algorithm["parameters"]["iterations"].native)
    else:
        raise _unusual()


def _decrypt_pbes2(algorithm: algos.EncryptionAlgorithm, data: bytes, password: str) -> bytes | None:
    """Return a PBES2 (PBKDF2 + AES-CBC) part decrypted, or None for other schemes (not opened here)."""
    if algorithm["algorithm"].native != "pbes2" or algorithm.encryption_cipher != "aes":
        return None
    params = algorithm["parameters"]["key_derivation_func"]["parameters"]
    kdf = PBKDF2HMAC(
        algorithm=_PRFS[algorithm.kdf_hmac](),
        length=algorithm.key_length,
        salt=params["salt"].native,
        iterations=params["iteration_count"].native,
    )
    cipher = Cipher(algorithms.AES(kdf.derive(password.encode())), modes.CBC(algorithm.encryption_iv))
    decryptor = cipher.decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(decryptor.update(data) + decryptor.finalize()) + unpadder.finalize()
    except ValueError:
        raise WrongPin(
            N_("Không mở được tệp PKCS#12: sai mật khẩu hoặc tệp hỏng; tài liệu chưa được ký.")
        ) from None


def _safe_contents(contents: pkcs12.SafeContents, budget: _Budget, password: str, depth: int) -> None:
    """Count the iterations of every shrouded key bag, nested contents included."""
    if depth > MAX_DEPTH:
        raise _unusual()
    for bag in contents:
        kind = bag["bag_id"].native
        if kind == "pkcs8_shrouded_key_bag":
            value: keys.EncryptedPrivateKeyInfo = bag["bag_value"]
            _algorithm(value["encryption_algorithm"], budget)
        elif kind == "safe_contents":
            _safe_contents(bag["bag_value"], budget, password, depth + 1)


def check_pfx(data: bytes, password: str) -> None:
    """Refuse a PKCS#12 file whose key derivations would cost more than a real file's, before loading it."""
    budget = _Budget()
    try:
        pfx = pkcs12.Pfx.load(data, strict=True)
        mac_data = pfx["mac_data"]
        if mac_data.native is not None:
            if mac_data["mac"]["digest_algorithm"]["algorithm"].native not in _PRFS:
                raise _unusual()
            budget.spend(mac_data["iterations"].native)
        if pfx["auth_safe"]["content_type"].native != "data":
            raise _unusual()  # public-key integrity mode: not what a signer's tool exports
        authenticated = pkcs12.AuthenticatedSafe.load(pfx["auth_safe"]["content"].native)
        for info in authenticated:
            kind = info["content_type"].native
            if kind == "data":
                _safe_contents(pkcs12.SafeContents.load(info["content"].native), budget, password, 0)
            elif kind == "encrypted_data":
                encrypted: cms.EncryptedContentInfo = info["content"]["encrypted_content_info"]
                algorithm = encrypted["content_encryption_algorithm"]
                _algorithm(algorithm, budget)
                plain = _decrypt_pbes2(algorithm, encrypted["encrypted_content"].native or b"", password)
                if plain is not None:
                    _safe_contents(pkcs12.SafeContents.load(plain), budget, password, 0)
            else:
                raise _unusual()
    except (ValueError, TypeError, KeyError, AttributeError):
        raise WrongPin(
            N_("Không mở được tệp PKCS#12: sai mật khẩu hoặc tệp hỏng; tài liệu chưa được ký.")
        ) from None
