"""Check a Luân Lưu election record ("luanluu-eg-1") alone: every proof, the tally, the key.

The protocol (docs/election-protocol.md) is threshold exponential ElGamal over the prime-order subgroup
of Ed25519, from published designs rather than our own: the key ceremony, share encryption and partial
decryption with Lagrange coefficients follow the ElectionGuard 2.0 design specification (guardians,
Feldman commitments, hashed-ElGamal shares) and Cortier et al.'s Belenios threshold mode; the 0/1
(disjunctive Chaum–Pedersen) and sum proofs and the Benaloh challenge follow Helios and Belenios; every
proof is made non-interactive by Fiat–Shamir over the whole statement and the election's fingerprint.

This module and the four it imports (``group``, ``keys``, ``ballot``, ``tally``) are the independent
verifier, so they import only the standard library and libsodium's bindings (never the app), and each
other by relative imports: ``python -m voting.crypto.verifier record.json``. The conference ZIP ships
them as one zipapp (``zipapp()``) that anyone runs with ``python verifier.pyz record.json``. Its public
names are re-exported here, so ``verifier.X`` is the protocol's whole API. All group arithmetic is libsodium's
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
import io
import json
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .ballot import (
    disjunctive_ok,
    display_tracker,
    manifest_ctx,
    marks_of,
    max_choices,
    tracker_of,
    verify_ballot,
    verify_challenge,
    verify_cp,
    verify_range,
    verify_sum_range,
)
from .group import (
    IDENTITY,
    VERSION,
    G,
    Invalid,
    L,
    add,
    base,
    canonical,
    exact,
    hex32,
    hs,
    integer,
    items,
    lincomb,
    mul,
    point,
    reduce,
    s_add,
    s_inv,
    s_mul,
    s_sub,
    sc,
    scalar,
    sha256_hex,
    sub,
)
from .keys import (
    CEREMONY_KEYS,
    ceremony_ctx,
    election_key,
    key_fingerprint,
    verification_key,
    verify_phase1,
    verify_schnorr,
)
from .tally import aggregate, combine, lagrange, verify_partial

__all__ = [
    "G",
    "hs",
    "IDENTITY",
    "L",
    "VERSION",
    "Invalid",
    "add",
    "aggregate",
    "base",
    "canonical",
    "ceremony_ctx",
    "combine",
    "disjunctive_ok",
    "display_tracker",
    "election_key",
    "key_fingerprint",
    "lagrange",
    "lincomb",
    "main",
    "manifest_ctx",
    "marks_of",
    "max_choices",
    "mul",
    "point",
    "reduce",
    "s_add",
    "s_inv",
    "s_mul",
    "s_sub",
    "sc",
    "scalar",
    "sha256_hex",
    "sub",
    "tracker_of",
    "verification_key",
    "verify_ballot",
    "verify_challenge",
    "verify_cp",
    "verify_partial",
    "verify_phase1",
    "verify_range",
    "verify_record",
    "verify_schnorr",
    "verify_sum_range",
    "zipapp",
]

#: the modules of the standalone verifier, in the order the zipapp lists them
MODULES = ("group", "keys", "ballot", "tally", "verifier")
_MAIN = "import sys\n\nfrom luanluu_verifier.verifier import main\n\nsys.exit(main())\n"


def _verify_ceremony(record: dict[str, Any]) -> tuple[dict[str, Any], str, str, dict[int, str]]:
    """Check the ceremony part of a record; return (ceremony, H, kfp, {index: V_j})."""
    fields = (*CEREMONY_KEYS, "cctx", "phase1", "phase2", "confirmations", "election_key", "key")
    full = exact(record["ceremony"], fields, "ceremony")
    ceremony = {key: full[key] for key in CEREMONY_KEYS}
    cctx = ceremony_ctx(ceremony)
    if full["cctx"] != cctx:
        raise Invalid("ceremony: cctx does not match the ceremony")
    n, k = len(ceremony["trustees"]), ceremony["threshold"]
    phase1 = items(full["phase1"], "ceremony phase1", n)
    for expected, post in enumerate(phase1, start=1):
        verify_phase1(cctx, post)
        if post["index"] != expected or len(post["commitments"]) != k:
            raise Invalid(f"trustee {expected}: phase-1 post out of order or without {k} commitments")
    pairs = set()
    for share in items(full["phase2"], "ceremony phase2", n * (n - 1)):
        share = exact(share, ("from", "to", "Y", "ct", "mac"), "phase-2 share")
        pairs.add((integer(share["from"], "share from"), integer(share["to"], "share to")))
        point(share["Y"], f"share {share['from']}->{share['to']} Y")
        hex32(share["ct"], "share ct"), hex32(share["mac"], "share mac")
    if pairs != {(i, j) for i in range(1, n + 1) for j in range(1, n + 1) if i != j}:
        raise Invalid("ceremony: phase 2 must hold one share from every trustee to every other")
    confirmations = [
        exact(c, ("index", "ok"), "confirmation") for c in items(full["confirmations"], "confirmations", n)
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
    for ballot in items(rnd["ballots"], "ballots"):
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
    partials = items(rnd["partial_decryptions"], "partial decryptions")
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
        record = exact(record, ("version", "ceremony", "rounds"), "record")
        if record["version"] != VERSION:
            raise Invalid(f"record: version is not {VERSION}")
        ceremony, H, kfp, V = _verify_ceremony(record)  # noqa: N806
        lines = [
            f"conference {ceremony['conference']}, ceremony {ceremony['ceremony']}: "
            f"{ceremony['threshold']} of {len(ceremony['trustees'])} trustees, key {kfp[:16]}"
        ]
        where = "rounds"
        rounds = items(record["rounds"], "rounds")
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


def zipapp() -> bytes:
    """Return the standalone verifier as a zipapp: ``python verifier.pyz record.json`` runs ``main``.

    The archive holds this module and the four it imports as the package ``luanluu_verifier``, and a
    ``__main__.py`` calling ``main``; its entries carry a fixed date, so the same code gives the same bytes.
    """
    here = Path(__file__).parent
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        files = [("__main__.py", _MAIN.encode()), ("luanluu_verifier/__init__.py", b"")]
        files += [(f"luanluu_verifier/{name}.py", (here / f"{name}.py").read_bytes()) for name in MODULES]
        for name, content in files:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2016, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


if __name__ == "__main__":
    sys.exit(main())
