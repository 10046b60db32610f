"""The election protocol's costs (voting/crypto): a ballot's encryption and check, a 500-ballot tally.

Pure computation, no database: the server's check of an 8- and a 60-option ballot (what each encrypted
cast adds), the Python prover's encryption of the same (the browser's own figure is Chromium's, below it
in the report when measured), and the tally of 500 ballots: the homomorphic aggregate, two trustees'
partial decryptions, their checks and the Lagrange combination with the table of n·G. The 500 ballots
are 25 copies of 20 different encrypted ballots: the aggregate adds every one of them all the same, and
encrypting 500 of 60 options would take most of the run. Choose-up-to-k ballots (suy tôn: 2 of 8 and
5 of 60, each marking k options, the costliest sum-range proof) are timed the same way, without a tally:
theirs is the same aggregate and decryption per option.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench.client import median
from voting.crypto import prover
from voting.crypto import verifier as v

SIZES = (8, 60)
#: (options, k) of the choose-up-to-k ballots timed
K_OF_N = ((8, 2), (60, 5))
BALLOTS = 500


def _ms(action: Callable[[], object], repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append(1000 * (time.perf_counter() - start))
    return runs


def _ceremony() -> tuple[list[prover.Trustee], list[dict[str, Any]], dict[str, Any]]:
    ceremony = {"version": v.VERSION, "conference": 1, "ceremony": 1, "trustees": [1, 2, 3], "threshold": 2}
    trustees = [prover.Trustee(ceremony, i) for i in (1, 2, 3)]
    phase1 = [t.phase1() for t in trustees]
    shares = [share for t in trustees for share in t.phase2(phase1)]
    for trustee in trustees:
        trustee.phase3(phase1, shares)
    return trustees, phase1, ceremony


def run(repeat: int = 5) -> dict[str, Any]:
    """Return the figures, in milliseconds: {options: {...}} for 8 and 60 options, then "k of n"."""
    trustees, phase1, ceremony = _ceremony()
    key = v.election_key(phase1)
    out: dict[str, Any] = {}
    for size in SIZES:
        options = [f"unit:{n}" for n in range(1, size)] + ["blank"]
        manifest = {
            "version": v.VERSION,
            "conference": 1,
            "round": size,
            "key": v.key_fingerprint(ceremony, key, phase1),
            "election_key": key,
            "options": options,
        }
        ctx = v.manifest_ctx(manifest)
        pool = [prover.encrypt_ballot(manifest, n % size)[0] for n in range(20)]
        ballots = pool * (BALLOTS // len(pool))
        figures: dict[str, Any] = {
            "encrypt": _ms(lambda m=manifest: prover.encrypt_ballot(m, 0), repeat),
            "verify": _ms(lambda m=manifest, b=pool[0]: v.verify_ballot(m, b), repeat),
        }
        start = time.perf_counter()
        sums = v.aggregate(ballots, size)
        figures["aggregate"] = 1000 * (time.perf_counter() - start)
        start = time.perf_counter()
        posts = [trustees[j].partial_decrypt(ctx, sums) for j in (0, 2)]
        figures["partials"] = 1000 * (time.perf_counter() - start) / 2
        start = time.perf_counter()
        for post in posts:
            v.verify_partial(ctx, sums, v.verification_key(phase1, post["index"]), post)
        figures["check_partials"] = 1000 * (time.perf_counter() - start)
        start = time.perf_counter()
        counts = v.combine(sums, posts, len(ballots))
        figures["combine"] = 1000 * (time.perf_counter() - start)
        figures["counted"] = sum(counts)
        out[str(size)] = figures
    for size, k in K_OF_N:
        units = [f"unit:{n}" for n in range(1, size + 1)]
        manifest = {**manifest, "round": 1000 + size, "options": units, "max_choices": k}
        marks = list(range(k))
        ballot = prover.encrypt_ballot(manifest, marks)[0]
        out[f"{k} of {size}"] = {
            "encrypt": _ms(lambda m=manifest, c=marks: prover.encrypt_ballot(m, c), repeat),
            "verify": _ms(lambda m=manifest, b=ballot: v.verify_ballot(m, b), repeat),
        }
    return out


def print_figures(out: dict[str, Any]) -> None:
    """Print the section of the report."""
    print("\n## Encrypted ballots (voting/crypto, libsodium through PyNaCl; no database)")
    print("| options | encrypt (Python prover), median | server check of a ballot, median / worst |")
    print("|---:|---:|---:|")
    for size, figures in out.items():  # "8", "60", then choose-up-to-k: "2 of 8", "5 of 60"
        verify = figures["verify"]
        print(
            f"| {size} | {median(figures['encrypt']):.0f} ms | {median(verify):.0f} / {max(verify):.0f} ms |"
        )
    print(f"\nTally of {BALLOTS} ballots (server: aggregate + check 2 partial decryptions + combine):")
    print("| options | aggregate | a trustee's partial decryption | check both | combine | server total |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size, f in out.items():
        if "aggregate" not in f:
            continue
        total = f["aggregate"] + f["check_partials"] + f["combine"]
        print(
            f"| {size} | {f['aggregate']:.0f} ms | {f['partials']:.0f} ms | {f['check_partials']:.0f} ms | "
            f"{f['combine']:.0f} ms | {total / 1000:.2f} s ({f['counted']} counted) |"
        )
