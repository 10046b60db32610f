"""Write tests/crypto/vectors.json: the election protocol's deterministic vectors, for every implementation.

Run: .venv/bin/python scripts/make_eg_vectors.py [--check]. The randomness comes from
prover.seeded_rng, and every scalar each step drew is listed in the order it was drawn, so the browser's
eg.js (or any other implementation) can replay it and must produce the same bytes. --check exits 1 if the
file differs from what this script makes (the test suite runs the same comparison).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voting.crypto import prover  # noqa: E402
from voting.crypto import verifier as v  # noqa: E402

VECTORS = ROOT / "tests/crypto/vectors.json"

ABOUT = (
    "Test vectors of protocol luanluu-eg-1 (docs/election-protocol.md), made by scripts/make_eg_vectors.py. "
    "Hex is lowercase; scalars are 32 bytes little-endian. Each step lists 'rng': the random scalars it "
    "drew, in order (prover.seeded_rng: the n-th is Hs('luanluu/v1/test-rng', seed, n)); an implementation "
    "that replays them must produce the same bytes. Trustees draw from one rng through all their steps. "
    "'kofn_ballots' are choose-up-to-k ballots (a manifest with max_choices), kept out of the record."
)


class Recorder:
    """A seeded rng that remembers what it drew since the last take()."""

    def __init__(self, seed: str) -> None:
        self.seed = seed
        self.inner = prover.seeded_rng(seed)
        self.drawn: list[str] = []

    def __call__(self) -> bytes:
        value = self.inner()
        self.drawn.append(value.hex())
        return value

    def take(self) -> list[str]:
        drawn, self.drawn = self.drawn, []
        return drawn


def group_vectors() -> dict[str, Any]:
    """Return the group's constants and a few multiples of G and of another point."""
    p = v.base(v.sc(7))
    scalars = [1, 2, 3, 255, 2**64 + 1, v.L - 1]
    return {
        "l": str(v.L),
        "G": v.G.hex(),
        "identity": v.IDENTITY.hex(),
        "base_multiples": [{"n": v.sc(n).hex(), "P": v.base(v.sc(n)).hex()} for n in scalars],
        "P": p.hex(),
        "P_multiples": [{"n": v.sc(n).hex(), "nP": v.mul(v.sc(n), p).hex()} for n in scalars],
        "G_plus_P": v.add(v.G, p).hex(),
        "G_minus_P": v.sub(v.G, p).hex(),
        "scalar_ops": {
            "a": v.sc(v.L - 5).hex(),
            "b": v.sc(12345678901234567890).hex(),
            "a_plus_b": v.s_add(v.sc(v.L - 5), v.sc(12345678901234567890)).hex(),
            "a_minus_b": v.s_sub(v.sc(v.L - 5), v.sc(12345678901234567890)).hex(),
            "a_times_b": v.s_mul(v.sc(v.L - 5), v.sc(12345678901234567890)).hex(),
            "inverse_of_b": v.s_inv(v.sc(12345678901234567890)).hex(),
        },
        "lagrange": [
            {"indices": q, "j": j, "lambda": v.lagrange(q, j).hex()}
            for q in ([1, 2], [1, 3], [2, 3, 5])
            for j in q
        ],
    }


def hash_vectors() -> dict[str, Any]:
    """Return Hs and canonical JSON examples (Vietnamese and non-BMP text show the ASCII escaping)."""
    cases: list[tuple[str, list[str | int]]] = [
        ("luanluu/v1/range", ["ab" * 32, 0, v.G.hex()]),
        ("luanluu/v1/sum", []),
        ("luanluu/v1/test", ["Đồng ý", 12, "blank"]),
    ]
    values: list[Any] = [
        {"b": 1, "a": [True, None, "x"], "c": {"z": "y", "a": -3}},
        {"options": ["unit:12", "blank"], "name": "Cụm thi đua số 1 — Đồng ý 😀", "tab\n": "\u0007\u007f"},
    ]
    return {
        "hash_to_scalar": [
            {"tag": tag, "parts": parts, "scalar": v.hs(tag, *parts).hex()} for tag, parts in cases
        ],
        "canonical_json": [
            {"value": value, "canonical": v.canonical(value).decode("ascii"), "sha256": v.sha256_hex(value)}
            for value in values
        ],
        "seeded_rng": {"seed": "vectors", "first": [prover.seeded_rng("vectors")().hex()]},
    }


def invalid_vectors() -> dict[str, Any]:
    """Return encodings every implementation must refuse."""
    torsion = "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"
    return {
        "points": [
            {"hex": "01" + "00" * 31, "why": "identity"},
            {"hex": "ec" + "ff" * 30 + "7f", "why": "order 2"},
            {"hex": "00" * 32, "why": "order 4"},
            {"hex": torsion, "why": "order 8"},
            {"hex": v.add(v.G, bytes.fromhex(torsion)).hex(), "why": "G plus a point of order 8"},
            {"hex": "ee" + "ff" * 30 + "7f", "why": "non-canonical: y = p + 1"},
            {"hex": "01" + "00" * 30 + "80", "why": "non-canonical: x = 0 with the sign bit set"},
            {"hex": "02" + "00" * 31, "why": "not on the curve"},
            {"hex": v.base(v.sc(2)).hex().upper(), "why": "uppercase hex"},
        ],
        "scalars": [
            {"hex": v.L.to_bytes(32, "little").hex(), "why": "l"},
            {"hex": (v.L + 1).to_bytes(32, "little").hex(), "why": "l + 1"},
            {"hex": "ff" * 32, "why": "2^256 - 1"},
        ],
    }


def ceremony_vectors(ceremony: dict[str, Any], rngs: list[Recorder]) -> tuple[dict[str, Any], list[Any]]:
    """Run the ceremony with recorded randomness; return its vectors and the trustees."""
    cctx = v.ceremony_ctx(ceremony)
    trustees = [prover.Trustee(ceremony, i, rng) for i, rng in enumerate(rngs, start=1)]
    phase1, rng1 = [], []
    for trustee, rng in zip(trustees, rngs, strict=True):
        phase1.append(trustee.phase1())
        rng1.append(rng.take())
    shares, rng2 = [], []
    for trustee, rng in zip(trustees, rngs, strict=True):
        shares.append(trustee.phase2(phase1))
        rng2.append(rng.take())
    everything = [share for posts in shares for share in posts]
    confirmations = [trustee.phase3(phase1, everything) for trustee in trustees]
    H = v.election_key(phase1)  # noqa: N806
    out = []
    for n, trustee in enumerate(trustees):
        debug = []
        for share in shares[n]:
            S = v.mul(trustees[share["to"] - 1].comm_secret, bytes.fromhex(share["Y"])).hex()  # noqa: N806
            pad, mac_key = prover.share_keys(cctx, share["from"], share["to"], share["Y"], S)
            debug.append({"to": share["to"], "S": S, "pad": pad.hex(), "mac_key": mac_key.hex()})
        out.append(
            {
                "index": trustee.index,
                "seed": rngs[n].seed,
                "phase1": {"rng": rng1[n], "post": phase1[n]},
                "phase2": {"rng": rng2[n], "posts": shares[n], "debug": debug},
                "phase3": {"confirmation": confirmations[n], "share": trustee.share},
                "verification_key": v.verification_key(phase1, trustee.index),
            }
        )
    vectors = {
        "ceremony": ceremony,
        "cctx": cctx,
        "trustees": out,
        "election_key": H,
        "key": v.key_fingerprint(ceremony, H, phase1),
    }
    return vectors, trustees


def round_vectors(
    manifest: dict[str, Any],
    votes: list[tuple[int | list[int], list[int]]],
    quorum: list[int],
    trustees: list[Any],
) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """Encrypt *votes* (choice, zero) and decrypt with *quorum*; return (ballots, tally, record round)."""
    ctx = v.manifest_ctx(manifest)
    ballots = []
    for n, (choice, zero) in enumerate(votes):
        rng = Recorder(f"vectors/round {manifest['round']}/ballot {n}")
        ballot, randomness = prover.encrypt_ballot(manifest, choice, zero, rng)
        tracker = v.verify_ballot(manifest, ballot, zero)
        audit = prover.challenge(ballot, choice, randomness, zero)
        assert v.verify_challenge(audit, manifest) == choice
        ballots.append(
            {
                "manifest": manifest,
                "ctx": ctx,
                "choice": choice,
                "zero": zero,
                "seed": rng.seed,
                "rng": rng.take(),
                "ballot": ballot,
                "randomness": randomness,
                "tracker": tracker,
                "tracker_display": v.display_tracker(tracker),
                "audit": audit,
            }
        )
    ordered = sorted(ballots, key=lambda b: b["tracker"])
    sums = v.aggregate([b["ballot"] for b in ordered], len(manifest["options"]))
    partials, drawn = [], []
    for j in quorum:
        partials.append(trustees[j - 1].partial_decrypt(ctx, sums))
        drawn.append(trustees[j - 1].rng.take())
    counted = v.combine(sums, partials, len(ordered), v.max_choices(manifest))
    counts = dict(zip(manifest["options"], counted, strict=True))
    tally = {
        "ctx": ctx,
        "trackers": [b["tracker"] for b in ordered],
        "aggregate": sums,
        "partial_decryptions": [{"rng": r, "post": p} for r, p in zip(drawn, partials, strict=True)],
        "counts": counts,
    }
    record_round = {
        "manifest": manifest,
        "ctx": ctx,
        "zero": {b["tracker"]: b["zero"] for b in ordered if b["zero"]},
        "ballots": [b["ballot"] for b in ordered],
        "trackers": tally["trackers"],
        "aggregate": sums,
        "partial_decryptions": partials,
        "counts": counts,
    }
    return ballots, tally, record_round


def build() -> dict[str, Any]:
    """Return the whole vectors document."""
    ceremony = {
        "version": v.VERSION,
        "conference": 7,
        "ceremony": 3,
        "trustees": [21, 34, 55],
        "threshold": 2,
    }
    rngs = [Recorder(f"vectors/trustee {i}") for i in (1, 2, 3)]
    key, trustees = ceremony_vectors(ceremony, rngs)
    rounds: list[tuple[int, list[str], list[tuple[int | list[int], list[int]]], list[int]]] = [
        (101, ["unit:12", "unit:15", "unit:19", "blank"], [(1, []), (3, []), (1, [0]), (2, [1])], [1, 3]),
        (102, ["for", "against", "blank"], [(0, []), (1, []), (0, [])], [1, 2]),
        (103, ["unit:12", "blank"], [], []),
    ]
    ballots, tallies, record_rounds = [], [], []
    for round_id, options, votes, quorum in rounds:
        manifest = {
            "version": v.VERSION,
            "conference": ceremony["conference"],
            "round": round_id,
            "key": key["key"],
            "election_key": key["election_key"],
            "options": options,
        }
        some, tally, record_round = round_vectors(manifest, votes, quorum, trustees)
        ballots += some
        tallies.append(tally)
        record_rounds.append(record_round)
    kofn = {
        **manifest,
        "round": 104,
        "options": [f"unit:{u}" for u in (12, 15, 19, 23, 31)],
        "max_choices": 2,
    }
    kofn_votes: list[tuple[int | list[int], list[int]]] = [([1, 3], []), ([], []), ([0, 2], [4]), ([2], [])]
    kofn_ballots = round_vectors(kofn, kofn_votes, [1, 2], trustees)[0]
    record = {
        "version": v.VERSION,
        "ceremony": {
            **ceremony,
            "cctx": key["cctx"],
            "phase1": [t["phase1"]["post"] for t in key["trustees"]],
            "phase2": [share for t in key["trustees"] for share in t["phase2"]["posts"]],
            "confirmations": [t["phase3"]["confirmation"] for t in key["trustees"]],
            "election_key": key["election_key"],
            "key": key["key"],
        },
        "rounds": record_rounds,
    }
    return {
        "version": v.VERSION,
        "about": ABOUT,
        "group": group_vectors(),
        "hashing": hash_vectors(),
        "invalid": invalid_vectors(),
        "key_ceremony": key,
        "ballots": ballots,
        "tallies": tallies,
        "record": record,
        "record_fingerprint": v.sha256_hex(record),
        "record_summary": v.verify_record(record),
        "kofn_ballots": kofn_ballots,
    }


def render(vectors: dict[str, Any]) -> str:
    """Return the file's text (indented, UTF-8, so that the Vietnamese examples stay readable)."""
    return json.dumps(vectors, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str], write: Callable[[str], None] | None = None) -> int:
    """Write the vectors, or with --check compare them with the file."""
    text = render(build())
    if "--check" in argv:
        if VECTORS.read_text(encoding="utf-8") != text:
            print(f"{VECTORS} is out of date: run scripts/make_eg_vectors.py")
            return 1
        print(f"{VECTORS} is up to date")
        return 0
    VECTORS.write_text(text, encoding="utf-8")
    print(f"wrote {VECTORS} ({len(text)} characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
