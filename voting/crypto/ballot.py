"""A ballot's proofs against its round's manifest, and the Benaloh challenge that opens a ballot.

Part of the standalone verifier (see ``verifier.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .group import (
    IDENTITY,
    VERSION,
    G,
    Invalid,
    add,
    base,
    exact,
    hex32,
    hs,
    integer,
    items,
    mul,
    point,
    s_add,
    sc,
    scalar,
    sha256_hex,
    sub,
)


def manifest_ctx(manifest: dict[str, Any]) -> str:
    """Return ctx, the SHA-256 of a round's manifest, which every ballot proof hashes."""
    fields = ("version", "conference", "round", "key", "election_key", "options")
    exact(manifest, (*fields, "max_choices") if "max_choices" in manifest else fields, "manifest")
    if manifest["version"] != VERSION:
        raise Invalid(f"manifest: version is not {VERSION}")
    integer(manifest["conference"], "manifest conference")
    integer(manifest["round"], "manifest round")
    hex32(manifest["key"], "manifest key")
    point(manifest["election_key"], "manifest election key")
    options = items(manifest["options"], "manifest options")
    if not options or not all(isinstance(o, str) for o in options) or len(set(options)) != len(options):
        raise Invalid("manifest options: expected distinct strings")
    max_choices(manifest)
    return sha256_hex(manifest)


def max_choices(manifest: dict[str, Any]) -> int | None:
    """Return k of a choose-up-to-k manifest (1 <= k <= options), or None for an exactly-one manifest."""
    if "max_choices" not in manifest:
        return None
    k = integer(manifest["max_choices"], "manifest max_choices")
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
    excluded = {integer(o, "excluded option") for o in zero}
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
    proof = exact(proof, ("c0", "c1", "z0", "z1"), what)
    cs = [scalar(proof[f"c{v}"], f"{what} c{v}") for v in (0, 1)]
    zs = [scalar(proof[f"z{v}"], f"{what} z{v}") for v in (0, 1)]
    if not disjunctive_ok("luanluu/v1/range", (ctx, o), alpha, beta, H, cs, zs):
        raise Invalid(f"{what}: 0/1 proof does not verify")


def verify_sum_range(ctx: str, k: int, A: bytes, B: bytes, H: bytes, proof: Any) -> None:  # noqa: N803
    """Check a choose-up-to-k ballot's sum proof: (A, B) encrypts one of 0, 1, …, k (k + 1 branches)."""
    branches = [
        exact(b, ("c", "z"), f"sum proof branch {v}") for v, b in enumerate(items(proof, "sum proof", k + 1))
    ]
    cs = [scalar(b["c"], f"sum proof branch {v} c") for v, b in enumerate(branches)]
    zs = [scalar(b["z"], f"sum proof branch {v} z") for v, b in enumerate(branches)]
    if not disjunctive_ok("luanluu/v1/sum-range", (ctx,), A, B, H, cs, zs):
        raise Invalid(f"sum proof: the ballot does not mark between 0 and {k} options")


def verify_cp(
    tag: str, prefix: Sequence[str | int], g2: bytes, x: bytes, y: bytes, proof: Any, what: str
) -> None:
    """Check a Chaum–Pedersen proof that log_G(x) == log_g2(y): a = z·G − c·x, b = z·g2 − c·y."""
    proof = exact(proof, ("c", "z"), what)
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
    ballot = exact(ballot, ("ctx", "round", "choices", "sum_proof"), "ballot")
    if ballot["ctx"] != ctx or integer(ballot["round"], "ballot round") != manifest["round"]:
        raise Invalid("ballot: made for another round, conference or key")
    total_a, total_b = IDENTITY, IDENTITY
    for o, choice in enumerate(items(ballot["choices"], "ballot choices", n)):
        choice = exact(choice, ("alpha", "beta", "proof"), f"choice {o}")
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
        marks = [integer(choice, "choice")]
    else:
        marks = [integer(o, "choice") for o in items(choice, "choice")]
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
    randomness = items(audit["randomness"], "audit randomness", len(manifest["options"]))
    for o, (choice, r_hex) in enumerate(zip(audit["ballot"]["choices"], randomness, strict=True)):
        r = scalar(r_hex, f"randomness {o}")
        beta = add(mul(r, H), G) if o in marks else mul(r, H)
        if base(r).hex() != choice["alpha"] or beta.hex() != choice["beta"]:
            raise Invalid(f"audit: choice {o} does not open to {int(o in marks)}")
    chosen: int | list[int] = audit["choice"]
    return chosen
