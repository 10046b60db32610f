"""The tally: the ballots' per-option sums, the trustees' partial decryptions and the counts.

Part of the standalone verifier (see ``verifier.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .ballot import verify_cp
from .group import (
    IDENTITY,
    G,
    Invalid,
    add,
    exact,
    hex32,
    integer,
    items,
    lincomb,
    point,
    s_inv,
    s_mul,
    s_sub,
    sc,
    sub,
)


def aggregate(ballots: list[dict[str, Any]], n_options: int) -> list[dict[str, str]]:
    """Return the per-option sums [{"A","B"}] of ballots that have passed verify_ballot."""
    sums = [[IDENTITY, IDENTITY] for _ in range(n_options)]
    for ballot in ballots:
        choices = items(ballot["choices"], "ballot choices", n_options)
        for pair, choice in zip(sums, choices, strict=True):
            pair[0] = add(pair[0], hex32(choice["alpha"], "alpha"))
            pair[1] = add(pair[1], hex32(choice["beta"], "beta"))
    return [{"A": a.hex(), "B": b.hex()} for a, b in sums]


def verify_partial(ctx: str, aggregate: list[dict[str, Any]], V: str, post: dict[str, Any]) -> None:  # noqa: N803
    """Check trustee j's partial decryption of every option's aggregate against its key V_j."""
    post = exact(post, ("index", "shares"), "partial decryption")
    j = integer(post["index"], "partial decryption index")
    key = point(V, f"trustee {j} verification key")
    shares = items(post["shares"], f"trustee {j} shares", len(aggregate))
    for o, (pair, share) in enumerate(zip(aggregate, shares, strict=True)):
        what = f"trustee {j} option {o}"
        share = exact(share, ("D", "proof"), what)
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
    indices = [integer(post["index"], "partial decryption index") for post in partials]
    if not indices or len(set(indices)) != len(indices) or min(indices) < 1:
        raise Invalid("partial decryptions: expected distinct trustee indices")
    for post in partials:
        items(post["shares"], f"trustee {post['index']} shares", len(aggregate))
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
        m = sub(hex32(pair["B"], f"aggregate {o} B"), lincomb(terms))
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
