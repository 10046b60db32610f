"""Whole elections played in Python (ceremony, rounds, ballots, decryption) and their records, for tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from voting.crypto import prover
from voting.crypto import verifier as v


@dataclass
class Election:
    """A finished key ceremony with its trustees, and the record's ceremony part."""

    ceremony: dict[str, Any]
    trustees: list[prover.Trustee]
    phase1: list[dict[str, Any]]
    phase2: list[dict[str, Any]]
    confirmations: list[dict[str, Any]]
    H: str
    kfp: str
    rounds: list[dict[str, Any]] = field(default_factory=list)

    def manifest(self, round_id: int, options: list[str], max_choices: int | None = None) -> dict[str, Any]:
        """Return a round's manifest under this election's key (choose up to *max_choices* if given)."""
        manifest = {
            "version": v.VERSION,
            "conference": self.ceremony["conference"],
            "round": round_id,
            "key": self.kfp,
            "election_key": self.H,
            "options": options,
        }
        if max_choices is not None:
            manifest["max_choices"] = max_choices
        return manifest

    def play_round(
        self,
        round_id: int,
        options: list[str],
        choices: Sequence[int | Sequence[int]],
        *,
        max_choices: int | None = None,
        zero: dict[int, list[int]] | None = None,
        decrypt_with: tuple[int, ...] | None = None,
        rng: prover.Rng | None = None,
    ) -> dict[str, Any]:
        """Cast *choices* (option indices, or lists of marks when choosing up to *max_choices*; zero:
        {ballot position: its excluded options}), decrypt, add the round."""
        manifest = self.manifest(round_id, options, max_choices)
        ctx = v.manifest_ctx(manifest)
        ballots, excluded = [], {}
        for position, choice in enumerate(choices):
            its_zero = (zero or {}).get(position, [])
            ballot, _ = prover.encrypt_ballot(manifest, choice, its_zero, rng)
            tracker = v.verify_ballot(manifest, ballot, its_zero)
            ballots.append((tracker, ballot))
            if its_zero:
                excluded[tracker] = its_zero
        ballots.sort(key=lambda pair: pair[0])
        sums = v.aggregate([ballot for _, ballot in ballots], len(options))
        quorum = decrypt_with or tuple(range(1, self.ceremony["threshold"] + 1))
        partials = [self.trustees[j - 1].partial_decrypt(ctx, sums) for j in quorum] if ballots else []
        counts = v.combine(sums, partials, len(ballots), max_choices)
        rnd = {
            "manifest": manifest,
            "ctx": ctx,
            "zero": excluded,
            "ballots": [ballot for _, ballot in ballots],
            "trackers": [tracker for tracker, _ in ballots],
            "aggregate": sums,
            "partial_decryptions": partials,
            "counts": dict(zip(options, counts, strict=True)),
        }
        self.rounds.append(rnd)
        return rnd

    def record(self) -> dict[str, Any]:
        """Return the election record (protocol.md's shape)."""
        return {
            "version": v.VERSION,
            "ceremony": {
                **self.ceremony,
                "cctx": v.ceremony_ctx(self.ceremony),
                "phase1": self.phase1,
                "phase2": self.phase2,
                "confirmations": self.confirmations,
                "election_key": self.H,
                "key": self.kfp,
            },
            "rounds": self.rounds,
        }


def run_ceremony(
    n: int = 3, k: int = 2, *, conference: int = 1, ceremony_id: int = 1, seed: str | None = None
) -> Election:
    """Run a whole key ceremony among n Python trustees with threshold k."""
    ceremony = {
        "version": v.VERSION,
        "conference": conference,
        "ceremony": ceremony_id,
        "trustees": [100 + i for i in range(1, n + 1)],
        "threshold": k,
    }
    trustees = [
        prover.Trustee(ceremony, i, prover.seeded_rng(f"{seed}/trustee {i}") if seed else None)
        for i in range(1, n + 1)
    ]
    phase1 = [trustee.phase1() for trustee in trustees]
    phase2 = [share for trustee in trustees for share in trustee.phase2(phase1)]
    confirmations = [trustee.phase3(phase1, phase2) for trustee in trustees]
    H = v.election_key(phase1)  # noqa: N806
    return Election(
        ceremony, trustees, phase1, phase2, confirmations, H, v.key_fingerprint(ceremony, H, phase1)
    )
