"""The key ceremony's public checks: the trustees' proofs, the election key and each trustee's share key.

Part of the standalone verifier (see ``verifier.py``).
"""

from __future__ import annotations

from typing import Any

from .group import (
    IDENTITY,
    VERSION,
    Invalid,
    add,
    base,
    exact,
    hs,
    integer,
    items,
    lincomb,
    mul,
    point,
    power,
    scalar,
    sha256_hex,
    sub,
)

CEREMONY_KEYS = ("version", "conference", "ceremony", "trustees", "threshold")


def ceremony_ctx(ceremony: dict[str, Any]) -> str:
    """Return cctx, the SHA-256 of the ceremony's canonical JSON (version, conference, ids, threshold)."""
    exact(ceremony, CEREMONY_KEYS, "ceremony")
    if ceremony["version"] != VERSION:
        raise Invalid(f"ceremony: version is not {VERSION}")
    trustees = [
        integer(user, "ceremony trustee") for user in items(ceremony["trustees"], "ceremony trustees")
    ]
    if len(set(trustees)) != len(trustees):
        raise Invalid("ceremony: a trustee is listed twice")
    integer(ceremony["conference"], "ceremony conference")
    integer(ceremony["ceremony"], "ceremony id")
    threshold = integer(ceremony["threshold"], "ceremony threshold")
    if not 1 <= threshold <= len(trustees):
        raise Invalid("ceremony: threshold must be between 1 and the number of trustees")
    return sha256_hex(ceremony)


def verify_schnorr(tag: str, cctx: str, index: int, m: int, key: bytes, proof: Any, what: str) -> None:
    """Check a Schnorr proof of knowledge of log_G(key) (c, z with h = z·G − c·K)."""
    proof = exact(proof, ("c", "z"), what)
    c, z = scalar(proof["c"], f"{what} c"), scalar(proof["z"], f"{what} z")
    h = sub(base(z), mul(c, key))
    if hs(tag, cctx, index, m, key.hex(), h.hex()) != c:
        raise Invalid(f"{what}: proof of knowledge does not verify")


def verify_phase1(cctx: str, post: dict[str, Any]) -> None:
    """Check a trustee's phase-1 post: its commitments, communication key and their proofs."""
    post = exact(post, ("index", "commitments", "coef_proofs", "comm_key", "comm_proof"), "phase-1 post")
    index = integer(post["index"], "phase-1 index")
    if index < 1:
        raise Invalid("phase-1 post: index must be 1 or more")
    who = f"trustee {index}"
    commitments = items(post["commitments"], f"{who} commitments")
    if not commitments:
        raise Invalid(f"{who}: no commitments")
    proofs = items(post["coef_proofs"], f"{who} coefficient proofs", len(commitments))
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
        (power(index, m), point(k, f"trustee {post['index']} commitment {m}"))
        for post in phase1
        for m, k in enumerate(post["commitments"])
    ]
    return lincomb(terms).hex()


def key_fingerprint(ceremony: dict[str, Any], H: str, phase1: list[dict[str, Any]]) -> str:  # noqa: N803
    """Return kfp, the SHA-256 of the ceremony, the election key and the phase-1 posts in index order."""
    trustees = sorted(phase1, key=lambda post: post["index"])
    return sha256_hex({"ceremony": ceremony, "election_key": H, "trustees": trustees})
