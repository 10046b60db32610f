"""Check a Luân Lưu election record ("luanluu-eg-1") alone: every proof, the tally, the key.

The protocol (docs/election-protocol.md) is threshold exponential ElGamal over the prime-order subgroup
of Ed25519, from published designs rather than our own: the key ceremony, share encryption and partial
decryption with Lagrange coefficients follow the ElectionGuard 2.0 design specification (guardians,
Feldman commitments, hashed-ElGamal shares) and Cortier et al.'s Belenios threshold mode; the 0/1
(disjunctive Chaum–Pedersen) and sum proofs and the Benaloh challenge follow Helios and Belenios; every
proof is made non-interactive by Fiat–Shamir over the whole statement and the election's fingerprint.

This module is the independent verifier, so it imports only the standard library and libsodium's
bindings (never the app): ``python voting/crypto/verifier.py record.json`` or
``python -m voting.crypto.verifier record.json``. It stays one file, whatever its length, because
the conference ZIP ships it alone beside the record for anyone to run. All group arithmetic is libsodium's
(``crypto_core_ed25519_*``, ``crypto_scalarmult_ed25519_*noclamp``) through PyNaCl: an audited,
constant-time implementation with the subgroup checks we need (``is_valid_point`` rejects non-canonical,
off-curve, small-order and outside-the-subgroup encodings), maintained by the PyCA, and already the
library the browser's @noble/curves is tested against. Nothing here does curve arithmetic by hand.

libsodium refuses a zero scalar and an identity result in its scalar multiplications: during
verification such an error means the proof is invalid; the identity is handled explicitly where a
legitimate value can be it (an aggregate of no ballots, a count of 0).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from nacl import bindings as sodium

VERSION = "luanluu-eg-1"
#: the order of the prime-order subgroup of Ed25519
L = 2**252 + 27742317777372353535851937790883648493
IDENTITY = b"\x01" + b"\x00" * 31
_HEX64 = re.compile(r"[0-9a-f]{64}")
_CEREMONY_KEYS = ("version", "conference", "ceremony", "trustees", "threshold")


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


def _int(value: Any, what: str) -> int:
    if type(value) is not int:
        raise Invalid(f"{what}: not an integer")
    return value


def _dict(value: Any, keys: Sequence[str], what: str) -> dict[str, Any]:
    """Return *value* if it is an object with exactly *keys* (so no field can be added unnoticed)."""
    if not isinstance(value, dict) or set(value) != set(keys):
        raise Invalid(f"{what}: expected an object with exactly the fields {', '.join(sorted(keys))}")
    return value


def _list(value: Any, what: str, length: int | None = None) -> list[Any]:
    if not isinstance(value, list) or (length is not None and len(value) != length):
        raise Invalid(f"{what}: expected a list" + (f" of {length}" if length is not None else ""))
    return value


def _hex(value: Any, what: str) -> bytes:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise Invalid(f"{what}: expected 64 lowercase hex characters")
    return bytes.fromhex(value)


def point(value: Any, what: str) -> bytes:
    """Decode a received point: canonical, on the curve, in the prime-order subgroup, not the identity."""
    raw = _hex(value, what)
    if not sodium.crypto_core_ed25519_is_valid_point(raw):
        raise Invalid(f"{what}: not a point of the prime-order group (or the identity)")
    return raw


def scalar(value: Any, what: str) -> bytes:
    """Decode a received scalar: 32 bytes little-endian, below the group order."""
    raw = _hex(value, what)
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


def _power(j: int, m: int) -> bytes:
    return sc(pow(j, m, L))


# Key ceremony ------------------------------------------------------------------------------------


def ceremony_ctx(ceremony: dict[str, Any]) -> str:
    """Return cctx, the SHA-256 of the ceremony's canonical JSON (version, conference, ids, threshold)."""
    _dict(ceremony, _CEREMONY_KEYS, "ceremony")
    if ceremony["version"] != VERSION:
        raise Invalid(f"ceremony: version is not {VERSION}")
    trustees = [_int(user, "ceremony trustee") for user in _list(ceremony["trustees"], "ceremony trustees")]
    if len(set(trustees)) != len(trustees):
        raise Invalid("ceremony: a trustee is listed twice")
    _int(ceremony["conference"], "ceremony conference")
    _int(ceremony["ceremony"], "ceremony id")
    threshold = _int(ceremony["threshold"], "ceremony threshold")
    if not 1 <= threshold <= len(trustees):
        raise Invalid("ceremony: threshold must be between 1 and the number of trustees")
    return sha256_hex(ceremony)


def verify_schnorr(tag: str, cctx: str, index: int, m: int, key: bytes, proof: Any, what: str) -> None:
    """Check a Schnorr proof of knowledge of log_G(key) (c, z with h = z·G − c·K)."""
    proof = _dict(proof, ("c", "z"), what)
    c, z = scalar(proof["c"], f"{what} c"), scalar(proof["z"], f"{what} z")
    h = sub(base(z), mul(c, key))
    if hs(tag, cctx, index, m, key.hex(), h.hex()) != c:
        raise Invalid(f"{what}: proof of knowledge does not verify")


def verify_phase1(cctx: str, post: dict[str, Any]) -> None:
    """Check a trustee's phase-1 post: its commitments, communication key and their proofs."""
    post = _dict(post, ("index", "commitments", "coef_proofs", "comm_key", "comm_proof"), "phase-1 post")
    index = _int(post["index"], "phase-1 index")
    if index < 1:
        raise Invalid("phase-1 post: index must be 1 or more")
    who = f"trustee {index}"
    commitments = _list(post["commitments"], f"{who} commitments")
    if not commitments:
        raise Invalid(f"{who}: no commitments")
    proofs = _list(post["coef_proofs"], f"{who} coefficient proofs", len(commitments))
    for m, (commitment, proof) in enumerate(zip(commitments, proofs, strict=True)):
        key = point(commitment, f"{who} commitment {m}")
        verify_schnorr("luanluu/v1/coef", cctx, index, m, key, proof, f"{who} commitment {m}")
    comm = point(post["comm_key"], f"{who} communication key")
    verify_schnorr("luanluu/v1/comm", cctx, index, 0, comm, post["comm_proof"], f"{who} communication key")


def election_key(phase1: list[dict[str, Any]]) -> str:
    """Return H, the sum of every trustee's constant commitment K_{i,0}."""
    total = IDENTITY
    for post in phase1:
        total = add(total, point(post["commitments"][0], f"trustee {post['index']} commitment 0"))
    return total.hex()


def verification_key(phase1: list[dict[str, Any]], index: int) -> str:
    """Return V_j = Σ_i Σ_m j^m·K_{i,m}, trustee j's public share of the key (= s_j·G)."""
    terms = [
        (_power(index, m), point(k, f"trustee {post['index']} commitment {m}"))
        for post in phase1
        for m, k in enumerate(post["commitments"])
    ]
    return lincomb(terms).hex()


def key_fingerprint(ceremony: dict[str, Any], H: str, phase1: list[dict[str, Any]]) -> str:  # noqa: N803
    """Return kfp, the SHA-256 of the ceremony, the election key and the phase-1 posts in index order."""
    trustees = sorted(phase1, key=lambda post: post["index"])
    return sha256_hex({"ceremony": ceremony, "election_key": H, "trustees": trustees})


# Ballots -----------------------------------------------------------------------------------------


def manifest_ctx(manifest: dict[str, Any]) -> str:
    """Return ctx, the SHA-256 of a round's manifest, which every ballot proof hashes."""
    fields = ("version", "conference", "round", "key", "election_key", "options")
    _dict(manifest, (*fields, "max_choices") if "max_choices" in manifest else fields, "manifest")
    if manifest["version"] != VERSION:
        raise Invalid(f"manifest: version is not {VERSION}")
    _int(manifest["conference"], "manifest conference")
    _int(manifest["round"], "manifest round")
    _hex(manifest["key"], "manifest key")
    point(manifest["election_key"], "manifest election key")
    options = _list(manifest["options"], "manifest options")
    if not options or not all(isinstance(o, str) for o in options) or len(set(options)) != len(options):
        raise Invalid("manifest options: expected distinct strings")
    max_choices(manifest)
    return sha256_hex(manifest)


def max_choices(manifest: dict[str, Any]) -> int | None:
    """Return k of a choose-up-to-k manifest (1 <= k <= options), or None for an exactly-one manifest."""
    if "max_choices" not in manifest:
        return None
    k = _int(manifest["max_choices"], "manifest max_choices")
    if not 1 <= k <= len(manifest["options"]):
        raise Invalid("manifest max_choices: expected between 1 and the number of options")
    return k


def tracker_of(ballot: dict[str, Any]) -> str:
    """Return a ballot's tracker: the SHA-256 of its canonical JSON."""
    return sha256_hex(ballot)


def display_tracker(tracker: str) -> str:
    """Return how a tracker is shown to the voter: its first 16 hex characters in groups of 4."""
    return "-".join(tracker[n : n + 4] for n in range(0, 16, 4))


def _zero_set(zero: Sequence[int], n_options: int) -> set[int]:
    excluded = {_int(o, "excluded option") for o in zero}
    if len(excluded) != len(zero) or not all(0 <= o < n_options for o in excluded):
        raise Invalid("excluded options: expected distinct option indices")
    return excluded


def disjunctive_ok(
    tag: str,
    prefix: Sequence[str | int],
    alpha: bytes,
    beta: bytes,
    H: bytes,
    cs: list[bytes],
    zs: list[bytes],
) -> bool:  # noqa: N803
    """Return whether branches v = 0..len(cs)−1, each "log_G(alpha) == log_H(beta − v·G)", hold one true.

    a_v = z_v·G − c_v·alpha, b_v = z_v·H − c_v·(beta − v·G); the c_v must add up to
    Hs(tag, *prefix, alpha, beta, a_0, b_0, a_1, b_1, …).
    """
    parts = [alpha.hex(), beta.hex()]
    shifted, total = beta, sc(0)
    for v, (c, z) in enumerate(zip(cs, zs, strict=True)):
        if v:
            shifted = sub(shifted, G)
        parts += [sub(base(z), mul(c, alpha)).hex(), sub(mul(z, H), mul(c, shifted)).hex()]
        total = s_add(total, c)
    return total == hs(tag, *prefix, *parts)


def verify_range(ctx: str, o: int, alpha: bytes, beta: bytes, H: bytes, proof: Any, what: str) -> None:  # noqa: N803
    """Check a disjunctive Chaum–Pedersen proof that (alpha, beta) encrypts 0 or 1."""
    proof = _dict(proof, ("c0", "c1", "z0", "z1"), what)
    cs = [scalar(proof[f"c{v}"], f"{what} c{v}") for v in (0, 1)]
    zs = [scalar(proof[f"z{v}"], f"{what} z{v}") for v in (0, 1)]
    if not disjunctive_ok("luanluu/v1/range", (ctx, o), alpha, beta, H, cs, zs):
        raise Invalid(f"{what}: 0/1 proof does not verify")


def verify_sum_range(ctx: str, k: int, A: bytes, B: bytes, H: bytes, proof: Any) -> None:  # noqa: N803
    """Check a choose-up-to-k ballot's sum proof: (A, B) encrypts one of 0, 1, …, k (k + 1 branches)."""
    branches = [
        _dict(b, ("c", "z"), f"sum proof branch {v}") for v, b in enumerate(_list(proof, "sum proof", k + 1))
    ]
    cs = [scalar(b["c"], f"sum proof branch {v} c") for v, b in enumerate(branches)]
    zs = [scalar(b["z"], f"sum proof branch {v} z") for v, b in enumerate(branches)]
    if not disjunctive_ok("luanluu/v1/sum-range", (ctx,), A, B, H, cs, zs):
        raise Invalid(f"sum proof: the ballot does not mark between 0 and {k} options")


def verify_cp(
    tag: str, prefix: Sequence[str | int], g2: bytes, x: bytes, y: bytes, proof: Any, what: str
) -> None:
    """Check a Chaum–Pedersen proof that log_G(x) == log_g2(y): a = z·G − c·x, b = z·g2 − c·y."""
    proof = _dict(proof, ("c", "z"), what)
    c, z = scalar(proof["c"], f"{what} c"), scalar(proof["z"], f"{what} z")
    a = sub(base(z), mul(c, x))
    b = sub(mul(z, g2), mul(c, y))
    if hs(tag, *prefix, a.hex(), b.hex()) != c:
        raise Invalid(f"{what}: proof does not verify")


def verify_ballot(manifest: dict[str, Any], ballot: dict[str, Any], zero: Sequence[int] = ()) -> str:
    """Check a ballot against its round's manifest (points, every proof, ctx, round); return its tracker."""
    ctx = manifest_ctx(manifest)
    H = point(manifest["election_key"], "election key")  # noqa: N806
    n = len(manifest["options"])
    excluded = _zero_set(zero, n)
    ballot = _dict(ballot, ("ctx", "round", "choices", "sum_proof"), "ballot")
    if ballot["ctx"] != ctx or _int(ballot["round"], "ballot round") != manifest["round"]:
        raise Invalid("ballot: made for another round, conference or key")
    total_a, total_b = IDENTITY, IDENTITY
    for o, choice in enumerate(_list(ballot["choices"], "ballot choices", n)):
        choice = _dict(choice, ("alpha", "beta", "proof"), f"choice {o}")
        alpha = point(choice["alpha"], f"choice {o} alpha")
        beta = point(choice["beta"], f"choice {o} beta")
        if o in excluded:
            statement = (ctx, o, alpha.hex(), beta.hex())
            verify_cp("luanluu/v1/zero", statement, H, alpha, beta, choice["proof"], f"choice {o} zero proof")
        else:
            verify_range(ctx, o, alpha, beta, H, choice["proof"], f"choice {o}")
        total_a, total_b = add(total_a, alpha), add(total_b, beta)
    k = max_choices(manifest)
    if k is None:
        prefix = (ctx, total_a.hex(), total_b.hex())
        verify_cp("luanluu/v1/sum", prefix, H, total_a, sub(total_b, G), ballot["sum_proof"], "sum proof")
    else:
        verify_sum_range(ctx, k, total_a, total_b, H, ballot["sum_proof"])
    return tracker_of(ballot)


def marks_of(manifest: dict[str, Any], choice: Any, excluded: Sequence[int]) -> set[int]:
    """Return the set of options *choice* marks, refusing what the manifest and *excluded* do not allow.

    *choice* is an option index, or for a choose-up-to-k manifest a list of at most k distinct indices
    in increasing order (possibly empty: a blank ballot).
    """
    n = len(manifest["options"])
    k = max_choices(manifest)
    if k is None:
        marks = [_int(choice, "choice")]
    else:
        marks = [_int(o, "choice") for o in _list(choice, "choice")]
        if marks != sorted(set(marks)) or len(marks) > k:
            raise Invalid(f"choice: expected at most {k} distinct options in increasing order")
    if not all(0 <= o < n and o not in excluded for o in marks):
        raise Invalid("the choice is not an option the voter may choose")
    return set(marks)


def verify_challenge(
    audit: dict[str, Any], manifest: dict[str, Any], zero: Sequence[int] | None = None
) -> int | list[int]:
    """Check a Benaloh-challenged ballot's openings (and proofs); return the option(s) it encrypted.

    That is the option index, or for a choose-up-to-k manifest the sorted list of marked options. The
    excluded options come from *zero*, else from the audit's optional ``"zero"`` field.
    """
    if not isinstance(audit, dict) or not {"ballot", "choice", "randomness"} <= set(audit) <= {
        "ballot", "choice", "randomness", "zero"
    }:  # fmt: skip
        raise Invalid("audit: expected the fields ballot, choice, randomness (and zero)")
    excluded = list(audit.get("zero", []) if zero is None else zero)
    verify_ballot(manifest, audit["ballot"], excluded)
    try:
        marks = marks_of(manifest, audit["choice"], excluded)
    except Invalid as error:
        raise Invalid(f"audit: {error}") from error
    H = point(manifest["election_key"], "election key")  # noqa: N806
    randomness = _list(audit["randomness"], "audit randomness", len(manifest["options"]))
    for o, (choice, r_hex) in enumerate(zip(audit["ballot"]["choices"], randomness, strict=True)):
        r = scalar(r_hex, f"randomness {o}")
        beta = add(mul(r, H), G) if o in marks else mul(r, H)
        if base(r).hex() != choice["alpha"] or beta.hex() != choice["beta"]:
            raise Invalid(f"audit: choice {o} does not open to {int(o in marks)}")
    chosen: int | list[int] = audit["choice"]
    return chosen


# Tally -------------------------------------------------------------------------------------------


def aggregate(ballots: list[dict[str, Any]], n_options: int) -> list[dict[str, str]]:
    """Return the per-option sums [{"A","B"}] of ballots that have passed verify_ballot."""
    sums = [[IDENTITY, IDENTITY] for _ in range(n_options)]
    for ballot in ballots:
        choices = _list(ballot["choices"], "ballot choices", n_options)
        for pair, choice in zip(sums, choices, strict=True):
            pair[0] = add(pair[0], _hex(choice["alpha"], "alpha"))
            pair[1] = add(pair[1], _hex(choice["beta"], "beta"))
    return [{"A": a.hex(), "B": b.hex()} for a, b in sums]


def verify_partial(ctx: str, aggregate: list[dict[str, Any]], V: str, post: dict[str, Any]) -> None:  # noqa: N803
    """Check trustee j's partial decryption of every option's aggregate against its key V_j."""
    post = _dict(post, ("index", "shares"), "partial decryption")
    j = _int(post["index"], "partial decryption index")
    key = point(V, f"trustee {j} verification key")
    shares = _list(post["shares"], f"trustee {j} shares", len(aggregate))
    for o, (pair, share) in enumerate(zip(aggregate, shares, strict=True)):
        what = f"trustee {j} option {o}"
        share = _dict(share, ("D", "proof"), what)
        a = point(pair["A"], f"aggregate {o} A")
        d = point(share["D"], f"{what} D")
        verify_cp("luanluu/v1/decrypt", (ctx, j, o, a.hex(), d.hex()), a, key, d, share["proof"], what)


def lagrange(indices: Sequence[int], j: int) -> bytes:
    """Return λ_j = Π_{m≠j} m·(m − j)⁻¹ mod l over *indices*."""
    result = sc(1)
    for m in indices:
        if m != j:
            result = s_mul(result, s_mul(sc(m), s_inv(s_sub(sc(m), sc(j)))))
    return result


def combine(
    aggregate: list[dict[str, Any]],
    partials: list[dict[str, Any]],
    n_ballots: int,
    max_choices: int | None = None,
) -> list[int]:
    """Return each option's count from verified partial decryptions (Lagrange over the posts' indices).

    The counts add up to *n_ballots* (exactly-one ballots), or to at most max_choices·n_ballots.
    """
    if n_ballots == 0:
        return [0] * len(aggregate)
    indices = [_int(post["index"], "partial decryption index") for post in partials]
    if not indices or len(set(indices)) != len(indices) or min(indices) < 1:
        raise Invalid("partial decryptions: expected distinct trustee indices")
    for post in partials:
        _list(post["shares"], f"trustee {post['index']} shares", len(aggregate))
    weights = [lagrange(indices, j) for j in indices]
    table: dict[bytes, int] = {}
    current = IDENTITY
    for count in range(n_ballots + 1):
        table[current] = count
        current = add(current, G)
    counts: list[int] = []
    for o, pair in enumerate(aggregate):
        terms = [
            (w, point(post["shares"][o]["D"], f"option {o} D"))
            for w, post in zip(weights, partials, strict=True)
        ]
        m = sub(_hex(pair["B"], f"aggregate {o} B"), lincomb(terms))
        if m not in table:
            raise Invalid(f"option {o}: the decryption is not a count between 0 and {n_ballots}")
        counts.append(table[m])
    if max_choices is None and sum(counts) != n_ballots:
        raise Invalid(f"the counts add up to {sum(counts)}, not to the {n_ballots} ballots")
    if max_choices is not None and sum(counts) > max_choices * n_ballots:
        raise Invalid(
            f"the counts add up to {sum(counts)}, more than {max_choices} marks on {n_ballots} ballots"
        )
    return counts


# The election record -----------------------------------------------------------------------------


def _verify_ceremony(record: dict[str, Any]) -> tuple[dict[str, Any], str, str, dict[int, str]]:
    """Check the ceremony part of a record; return (ceremony, H, kfp, {index: V_j})."""
    fields = (*_CEREMONY_KEYS, "cctx", "phase1", "phase2", "confirmations", "election_key", "key")
    full = _dict(record["ceremony"], fields, "ceremony")
    ceremony = {key: full[key] for key in _CEREMONY_KEYS}
    cctx = ceremony_ctx(ceremony)
    if full["cctx"] != cctx:
        raise Invalid("ceremony: cctx does not match the ceremony")
    n, k = len(ceremony["trustees"]), ceremony["threshold"]
    phase1 = _list(full["phase1"], "ceremony phase1", n)
    for expected, post in enumerate(phase1, start=1):
        verify_phase1(cctx, post)
        if post["index"] != expected or len(post["commitments"]) != k:
            raise Invalid(f"trustee {expected}: phase-1 post out of order or without {k} commitments")
    pairs = set()
    for share in _list(full["phase2"], "ceremony phase2", n * (n - 1)):
        share = _dict(share, ("from", "to", "Y", "ct", "mac"), "phase-2 share")
        pairs.add((_int(share["from"], "share from"), _int(share["to"], "share to")))
        point(share["Y"], f"share {share['from']}->{share['to']} Y")
        _hex(share["ct"], "share ct"), _hex(share["mac"], "share mac")
    if pairs != {(i, j) for i in range(1, n + 1) for j in range(1, n + 1) if i != j}:
        raise Invalid("ceremony: phase 2 must hold one share from every trustee to every other")
    confirmations = [
        _dict(c, ("index", "ok"), "confirmation") for c in _list(full["confirmations"], "confirmations", n)
    ]
    confirmed = {c["index"] for c in confirmations if c["ok"] is True and type(c["index"]) is int}
    if confirmed != set(range(1, n + 1)):
        raise Invalid("ceremony: not every trustee confirmed their shares")
    H = election_key(phase1)  # noqa: N806
    if full["election_key"] != H:
        raise Invalid("ceremony: the election key is not the sum of the trustees' commitments")
    kfp = key_fingerprint(ceremony, H, phase1)
    if full["key"] != kfp:
        raise Invalid("ceremony: the key fingerprint does not match")
    return ceremony, H, kfp, {j: verification_key(phase1, j) for j in range(1, n + 1)}


def _verify_round(rnd: dict[str, Any], ceremony: dict[str, Any], H: str, kfp: str, V: dict[int, str]) -> str:  # noqa: N803
    """Check one round of a record; return its summary line."""
    fields = ("manifest", "ctx", "ballots", "trackers", "aggregate", "partial_decryptions", "counts")
    if not isinstance(rnd, dict) or not set(fields) <= set(rnd) <= {*fields, "zero"}:
        raise Invalid(f"expected an object with the fields {', '.join(fields)} (and zero)")
    manifest = rnd["manifest"]
    ctx = manifest_ctx(manifest)
    if rnd["ctx"] != ctx:
        raise Invalid("ctx does not match the manifest")
    if (
        manifest["conference"] != ceremony["conference"]
        or manifest["key"] != kfp
        or manifest["election_key"] != H
    ):
        raise Invalid("the manifest names another conference or key")
    options = manifest["options"]
    zero = rnd.get("zero", {})
    if not isinstance(zero, dict):
        raise Invalid("zero: expected an object")
    trackers = []
    for ballot in _list(rnd["ballots"], "ballots"):
        tracker = tracker_of(ballot) if isinstance(ballot, dict) else "?"
        try:
            trackers.append(verify_ballot(manifest, ballot, zero.get(tracker, ())))
        except Invalid as error:
            raise Invalid(f"ballot {tracker}: {error}") from error
    if trackers != sorted(set(trackers)) or rnd["trackers"] != trackers:
        raise Invalid("trackers: not the sorted, distinct trackers of the ballots")
    if not set(zero) <= set(trackers):
        raise Invalid("zero: names a tracker that is not a ballot")
    sums = aggregate(rnd["ballots"], len(options))
    if rnd["aggregate"] != sums:
        raise Invalid("the aggregate is not the sum of the ballots")
    partials = _list(rnd["partial_decryptions"], "partial decryptions")
    for post in partials:
        index = post.get("index") if isinstance(post, dict) else None
        if type(index) is not int or index not in V:
            raise Invalid("partial decryption: not from a trustee of the ceremony")
        if trackers:
            verify_partial(ctx, sums, V[index], post)
    cast = f"{len(trackers)} ballot" + ("" if len(trackers) == 1 else "s")
    if rnd["counts"] is None:
        return f"{cast}, awaiting decryption ({len(partials)} partial decryptions verified)"
    indices = [post["index"] for post in partials]
    if trackers and (len(indices) != ceremony["threshold"] or indices != sorted(set(indices))):
        raise Invalid("partial decryptions: expected the first k trustees' posts in index order")
    counts = dict(zip(options, combine(sums, partials, len(trackers), max_choices(manifest)), strict=True))
    if rnd["counts"] != counts:
        raise Invalid(f"the published counts are not the decrypted ones ({counts})")
    return f"{cast}, " + ", ".join(f"{key}={value}" for key, value in counts.items())


def verify_record(record: dict[str, Any]) -> str:
    """Check a whole election record; return a summary, or raise Invalid naming the first failure."""
    where = "ceremony"
    try:
        record = _dict(record, ("version", "ceremony", "rounds"), "record")
        if record["version"] != VERSION:
            raise Invalid(f"record: version is not {VERSION}")
        ceremony, H, kfp, V = _verify_ceremony(record)  # noqa: N806
        lines = [
            f"conference {ceremony['conference']}, ceremony {ceremony['ceremony']}: "
            f"{ceremony['threshold']} of {len(ceremony['trustees'])} trustees, key {kfp[:16]}"
        ]
        where = "rounds"
        rounds = _list(record["rounds"], "rounds")
        round_ids = [rnd["manifest"]["round"] for rnd in rounds]
        if len(set(round_ids)) != len(round_ids):
            raise Invalid("record: a round appears twice")
        for rnd in rounds:
            where = (
                f"round {rnd.get('manifest', {}).get('round', '?')}" if isinstance(rnd, dict) else "round ?"
            )
            lines.append(f"{where}: {_verify_round(rnd, ceremony, H, kfp, V)}")
    except Invalid as error:
        raise Invalid(f"{where}: {error}") from error
    except (KeyError, TypeError, IndexError, AttributeError, ValueError) as error:
        raise Invalid(f"{where}: malformed record ({type(error).__name__}: {error})") from error
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Verify the election record named on the command line; print OK and a summary, or the failure."""
    parser = argparse.ArgumentParser(prog="verifier", description="Verify a Luân Lưu election record.")
    parser.add_argument("record", type=Path, help="the election record (JSON)")
    args = parser.parse_args(argv)
    try:
        record = json.loads(args.record.read_bytes())
        summary = verify_record(record)
    except (OSError, ValueError) as error:  # Invalid is a ValueError, as is a JSON syntax error
        print(f"FAILED: {error}")
        return 1
    print(f"OK {sha256_hex(record)}\n{summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
