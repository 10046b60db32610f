"""The protocol's encodings and its group and scalar arithmetic, all libsodium's (through PyNaCl).

Part of the standalone verifier (see ``verifier.py``): imports only the standard library and PyNaCl.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from nacl import bindings as sodium

VERSION = "luanluu-eg-1"
#: the order of the prime-order subgroup of Ed25519
L = 2**252 + 27742317777372353535851937790883648493
IDENTITY = b"\x01" + b"\x00" * 31
_HEX64 = re.compile(r"[0-9a-f]{64}")


class Invalid(ValueError):
    """A value, proof or record does not verify; the message says which and why (English, for logs)."""


# Encodings ---------------------------------------------------------------------------------------


def canonical(obj: Any) -> bytes:
    """Return the canonical JSON bytes of *obj*: sorted keys, no whitespace, ASCII only."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def sha256_hex(obj: Any) -> str:
    """Return the SHA-256 hex digest of *obj*'s canonical JSON."""
    return hashlib.sha256(canonical(obj)).hexdigest()


def sc(n: int) -> bytes:
    """Encode an integer as a scalar (32 bytes little-endian, reduced mod l)."""
    return (n % L).to_bytes(32, "little")


def integer(value: Any, what: str) -> int:
    if type(value) is not int:
        raise Invalid(f"{what}: not an integer")
    return value


def exact(value: Any, keys: Sequence[str], what: str) -> dict[str, Any]:
    """Return *value* if it is an object with exactly *keys* (so no field can be added unnoticed)."""
    if not isinstance(value, dict) or set(value) != set(keys):
        raise Invalid(f"{what}: expected an object with exactly the fields {', '.join(sorted(keys))}")
    return value


def items(value: Any, what: str, length: int | None = None) -> list[Any]:
    if not isinstance(value, list) or (length is not None and len(value) != length):
        raise Invalid(f"{what}: expected a list" + (f" of {length}" if length is not None else ""))
    return value


def hex32(value: Any, what: str) -> bytes:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise Invalid(f"{what}: expected 64 lowercase hex characters")
    return bytes.fromhex(value)


def point(value: Any, what: str) -> bytes:
    """Decode a received point: canonical, on the curve, in the prime-order subgroup, not the identity."""
    raw = hex32(value, what)
    if not sodium.crypto_core_ed25519_is_valid_point(raw):
        raise Invalid(f"{what}: not a point of the prime-order group (or the identity)")
    return raw


def scalar(value: Any, what: str) -> bytes:
    """Decode a received scalar: 32 bytes little-endian, below the group order."""
    raw = hex32(value, what)
    if int.from_bytes(raw, "little") >= L:
        raise Invalid(f"{what}: scalar not below the group order")
    return raw


# Group and scalar arithmetic (libsodium) ---------------------------------------------------------


def _sodium(function: Callable[..., Any], *args: bytes, refused: str) -> bytes:
    """Call a libsodium function; its refusal (a libsodium error) becomes Invalid with *refused*."""
    try:
        result: bytes = function(*args)
    except (RuntimeError, ValueError, TypeError) as error:
        raise Invalid(refused) from error
    return result


def mul(s: bytes, p: bytes) -> bytes:
    """Return s·P; libsodium refuses a zero scalar, a small-order P and an identity result."""
    return _sodium(
        sodium.crypto_scalarmult_ed25519_noclamp,
        s,
        p,
        refused="scalar multiplication refused (zero or identity)",
    )


def base(s: bytes) -> bytes:
    """Return s·G (refused for a zero scalar)."""
    return _sodium(
        sodium.crypto_scalarmult_ed25519_base_noclamp, s, refused="scalar multiplication refused (zero)"
    )


def add(p: bytes, q: bytes) -> bytes:
    """Return P + Q (either may be the identity; libsodium refuses an encoding off the curve)."""
    return _sodium(sodium.crypto_core_ed25519_add, p, q, refused="point addition refused (not a point)")


def sub(p: bytes, q: bytes) -> bytes:
    """Return P − Q (either may be the identity; libsodium refuses an encoding off the curve)."""
    return _sodium(sodium.crypto_core_ed25519_sub, p, q, refused="point subtraction refused (not a point)")


def s_add(a: bytes, b: bytes) -> bytes:
    """Return a + b mod l."""
    return _sodium(sodium.crypto_core_ed25519_scalar_add, a, b, refused="scalar addition refused")


def s_sub(a: bytes, b: bytes) -> bytes:
    """Return a − b mod l."""
    return _sodium(sodium.crypto_core_ed25519_scalar_sub, a, b, refused="scalar subtraction refused")


def s_mul(a: bytes, b: bytes) -> bytes:
    """Return a·b mod l."""
    return _sodium(sodium.crypto_core_ed25519_scalar_mul, a, b, refused="scalar multiplication refused")


def s_inv(a: bytes) -> bytes:
    """Return a⁻¹ mod l (a must not be zero)."""
    return _sodium(sodium.crypto_core_ed25519_scalar_invert, a, refused="inverse of zero")


G = base(sc(1))


def reduce(raw: bytes) -> bytes:
    """Return 64 bytes read little-endian, reduced mod l (hash outputs, random scalars)."""
    return _sodium(sodium.crypto_core_ed25519_scalar_reduce, raw, refused="scalar reduction refused")


def hs(tag: str, *parts: str | int) -> bytes:
    """Hash to a scalar: SHA-512 of ``tag|part|part…`` read little-endian, reduced mod l."""
    text = tag + "|" + "|".join(str(part) for part in parts)
    return reduce(hashlib.sha512(text.encode("utf-8")).digest())


def lincomb(terms: Sequence[tuple[bytes, bytes]]) -> bytes:
    """Return the sum of s·P over *terms* (the identity for none)."""
    total = IDENTITY
    for s, p in terms:
        total = add(total, mul(s, p))
    return total


def power(j: int, m: int) -> bytes:
    return sc(pow(j, m, L))
