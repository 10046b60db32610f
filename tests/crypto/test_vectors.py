"""tests/crypto/vectors.json is what scripts/make_eg_vectors.py makes; it replays from its randomness."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from voting.crypto import prover
from voting.crypto import verifier as v

ROOT = Path(__file__).resolve().parent.parent.parent
VECTORS = json.loads((ROOT / "tests/crypto/vectors.json").read_text(encoding="utf-8"))


def replay(drawn: list[str]) -> prover.Rng:
    """Return an rng that gives back exactly the listed scalars, then fails."""
    values: Iterator[str] = iter(drawn)
    return lambda: bytes.fromhex(next(values))


def test_the_file_is_what_the_script_makes_now() -> None:
    spec = importlib.util.spec_from_file_location("make_eg_vectors", ROOT / "scripts/make_eg_vectors.py")
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.render(script.build()) == (ROOT / "tests/crypto/vectors.json").read_text(encoding="utf-8")


def test_the_record_verifies_and_its_fingerprint_matches() -> None:
    assert v.verify_record(VECTORS["record"]) == VECTORS["record_summary"]
    assert v.sha256_hex(VECTORS["record"]) == VECTORS["record_fingerprint"]


@pytest.mark.parametrize("case", VECTORS["ballots"] + VECTORS["kofn_ballots"], ids=lambda case: case["seed"])
def test_each_ballot_replays_from_its_listed_randomness(case: dict[str, Any]) -> None:
    rng = replay(case["rng"])
    ballot, randomness = prover.encrypt_ballot(case["manifest"], case["choice"], case["zero"], rng)
    assert (ballot, randomness) == (case["ballot"], case["randomness"])
    assert v.tracker_of(ballot) == case["tracker"]
    assert v.verify_challenge(case["audit"], case["manifest"]) == case["choice"]


def test_the_ceremony_and_decryptions_replay_from_their_listed_randomness() -> None:
    key = VECTORS["key_ceremony"]
    trustees = []
    for vector in key["trustees"]:
        drawn = vector["phase1"]["rng"] + vector["phase2"]["rng"]
        drawn += [r for tally in VECTORS["tallies"] for d in tally["partial_decryptions"] for r in d["rng"]
                  if d["post"]["index"] == vector["index"]]  # fmt: skip
        trustees.append(prover.Trustee(key["ceremony"], vector["index"], replay(drawn)))
    phase1 = [t.phase1() for t in trustees]
    assert phase1 == [vector["phase1"]["post"] for vector in key["trustees"]]
    shares = [t.phase2(phase1) for t in trustees]
    assert shares == [vector["phase2"]["posts"] for vector in key["trustees"]]
    everything = [share for posts in shares for share in posts]
    for trustee, vector in zip(trustees, key["trustees"], strict=True):
        assert trustee.phase3(phase1, everything) == vector["phase3"]["confirmation"]
        assert trustee.share == vector["phase3"]["share"]
    for tally in VECTORS["tallies"]:
        for decryption in tally["partial_decryptions"]:
            trustee = trustees[decryption["post"]["index"] - 1]
            assert trustee.partial_decrypt(tally["ctx"], tally["aggregate"]) == decryption["post"]


@pytest.mark.parametrize("case", VECTORS["invalid"]["points"], ids=lambda case: case["why"])
def test_every_listed_invalid_point_is_refused(case: dict[str, str]) -> None:
    with pytest.raises(v.Invalid):
        v.point(case["hex"], "point")


@pytest.mark.parametrize("case", VECTORS["invalid"]["scalars"], ids=lambda case: case["why"])
def test_every_listed_invalid_scalar_is_refused(case: dict[str, str]) -> None:
    with pytest.raises(v.Invalid):
        v.scalar(case["hex"], "scalar")


def test_the_hash_and_encoding_examples_hold() -> None:
    for case in VECTORS["hashing"]["hash_to_scalar"]:
        assert v.hs(case["tag"], *case["parts"]).hex() == case["scalar"]
    for case in VECTORS["hashing"]["canonical_json"]:
        assert v.canonical(case["value"]).decode() == case["canonical"]
