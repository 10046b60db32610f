"""One changed byte anywhere in a record fails its verification; bad points and scalars are refused."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.crypto.helpers import Election, run_ceremony
from voting.crypto import prover
from voting.crypto import verifier as v

OPTIONS = ["unit:3", "unit:4", "unit:5", "blank"]

#: encodings libsodium and @noble/curves must both refuse (RFC 8032 encodings; small orders from libsodium)
BAD_POINTS = {
    "identity": "01" + "00" * 31,
    "order 2": "ec" + "ff" * 30 + "7f",
    "order 4": "00" * 32,
    "order 8": "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "non-canonical y (y = p + 1)": "ee" + "ff" * 30 + "7f",
    "non-canonical x sign (x = 0, sign 1)": "01" + "00" * 30 + "80",
    "not on the curve (y = 2)": "02" + "00" * 31,
    "uppercase hex of 2·G": v.base(v.sc(2)).hex().upper(),
    "too short": "58" * 31,
}


@pytest.fixture(scope="module")
def election() -> Election:
    """A 2-of-3 election with one counted round of 5 ballots (one with an excluded option)."""
    election = run_ceremony(3, 2, conference=9)
    election.play_round(21, OPTIONS, [0, 1, 1, 3, 2], zero={2: [0]})
    return election


def flip(hex_text: str, position: int = 10) -> str:
    """Change one byte (two hex digits) of a hex string."""
    byte = int(hex_text[position : position + 2], 16) ^ 0x01
    return hex_text[:position] + f"{byte:02x}" + hex_text[position + 2 :]


def plain(record: dict[str, Any]) -> int:
    """Return the position of a ballot of the round without excluded options."""
    rnd = record["rounds"][0]
    return next(n for n, tracker in enumerate(rnd["trackers"]) if tracker not in rnd["zero"])


def failure(record: dict[str, Any]) -> str:
    with pytest.raises(v.Invalid) as caught:
        v.verify_record(record)
    return str(caught.value)


def test_the_untouched_record_verifies(election: Election) -> None:
    assert "round 21: 5 ballots, unit:3=1, unit:4=2, unit:5=1, blank=1" in v.verify_record(election.record())


@pytest.mark.parametrize("field", ["alpha", "beta"])
def test_one_changed_byte_of_a_ciphertext_fails(election: Election, field: str) -> None:
    record = copy.deepcopy(election.record())
    ballot = record["rounds"][0]["ballots"][1]
    tracker = record["rounds"][0]["trackers"][1]
    ballot["choices"][2][field] = flip(ballot["choices"][2][field])
    assert failure(record).startswith(f"round 21: ballot {v.tracker_of(ballot)}") or tracker in failure(
        record
    )


@pytest.mark.parametrize("field", ["c0", "c1", "z0", "z1"])
def test_one_changed_byte_of_a_ballot_proof_fails(election: Election, field: str) -> None:
    record = copy.deepcopy(election.record())
    ballot = record["rounds"][0]["ballots"][plain(record)]
    ballot["choices"][1]["proof"][field] = flip(ballot["choices"][1]["proof"][field])
    assert "choice 1" in failure(record)


def test_one_changed_byte_of_a_sum_proof_fails(election: Election) -> None:
    record = copy.deepcopy(election.record())
    proof = record["rounds"][0]["ballots"][plain(record)]["sum_proof"]
    proof["z"] = flip(proof["z"])
    assert "sum proof" in failure(record)


@pytest.mark.parametrize("field", ["D", "c", "z"])
def test_one_changed_byte_of_a_partial_decryption_fails(election: Election, field: str) -> None:
    record = copy.deepcopy(election.record())
    share = record["rounds"][0]["partial_decryptions"][1]["shares"][2]
    if field == "D":
        share["D"] = flip(share["D"])
    else:
        share["proof"][field] = flip(share["proof"][field])
    assert failure(record).startswith("round 21: trustee 2 option 2")


@pytest.mark.parametrize("delta", [1, -1])
def test_a_changed_published_count_fails(election: Election, delta: int) -> None:
    record = copy.deepcopy(election.record())
    record["rounds"][0]["counts"]["unit:4"] += delta
    assert "published counts are not the decrypted ones" in failure(record)


def test_a_changed_aggregate_fails(election: Election) -> None:
    record = copy.deepcopy(election.record())
    record["rounds"][0]["aggregate"][0]["B"] = record["rounds"][0]["aggregate"][1]["B"]
    assert "aggregate is not the sum" in failure(record)


def test_a_dropped_or_duplicated_ballot_fails(election: Election) -> None:
    record = copy.deepcopy(election.record())
    del record["rounds"][0]["ballots"][0]
    assert "trackers" in failure(record)
    record = copy.deepcopy(election.record())
    rnd = record["rounds"][0]
    rnd["ballots"].insert(0, rnd["ballots"][0])
    rnd["trackers"].insert(0, rnd["trackers"][0])
    assert "trackers" in failure(record)


def test_one_changed_byte_of_the_ceremony_fails(election: Election) -> None:
    record = copy.deepcopy(election.record())
    record["ceremony"]["phase1"][1]["commitments"][1] = flip(
        record["ceremony"]["phase1"][1]["commitments"][1]
    )
    assert failure(record).startswith("ceremony: trustee 2 commitment 1")
    record = copy.deepcopy(election.record())
    record["ceremony"]["threshold"] = 3
    assert "cctx" in failure(record)


def test_a_partial_decryption_from_the_wrong_quorum_fails(election: Election) -> None:
    record = copy.deepcopy(election.record())
    rnd = record["rounds"][0]
    rnd["partial_decryptions"] = rnd["partial_decryptions"][::-1]
    assert "first k trustees" in failure(record)


def test_a_malformed_record_fails_with_a_message_not_a_crash(election: Election) -> None:
    record = copy.deepcopy(election.record())
    record["rounds"][0]["partial_decryptions"][0]["shares"] = {}
    assert "trustee 1 shares" in failure(record)
    record = copy.deepcopy(election.record())
    del record["rounds"][0]["manifest"]["options"]
    assert failure(record).startswith("round ?") or "manifest" in failure(record)


# Points, scalars and encodings -------------------------------------------------------------------


@pytest.mark.parametrize("name", BAD_POINTS)
def test_a_ballot_with_a_point_outside_the_group_is_refused(election: Election, name: str) -> None:
    manifest = election.manifest(21, OPTIONS)
    ballot, _ = prover.encrypt_ballot(manifest, 0)
    ballot["choices"][1]["alpha"] = BAD_POINTS[name]
    with pytest.raises(v.Invalid, match="choice 1 alpha"):
        v.verify_ballot(manifest, ballot)


def test_a_point_with_a_torsion_component_is_refused(election: Election) -> None:
    manifest = election.manifest(21, OPTIONS)
    ballot, _ = prover.encrypt_ballot(manifest, 0)
    alpha = bytes.fromhex(ballot["choices"][0]["alpha"])
    ballot["choices"][0]["alpha"] = v.add(alpha, bytes.fromhex(BAD_POINTS["order 8"])).hex()
    with pytest.raises(v.Invalid, match="not a point of the prime-order group"):
        v.verify_ballot(manifest, ballot)


@pytest.mark.parametrize("name", ["identity", "order 8", "non-canonical y (y = p + 1)"])
def test_bad_points_are_refused_everywhere_they_are_received(election: Election, name: str) -> None:
    bad = BAD_POINTS[name]
    post = copy.deepcopy(election.phase1[0])
    post["comm_key"] = bad
    with pytest.raises(v.Invalid, match="communication key"):
        v.verify_phase1(v.ceremony_ctx(election.ceremony), post)
    rnd = election.rounds[0]
    partial = copy.deepcopy(rnd["partial_decryptions"][0])
    partial["shares"][0]["D"] = bad
    with pytest.raises(v.Invalid, match="option 0 D"):
        v.verify_partial(rnd["ctx"], rnd["aggregate"], v.verification_key(election.phase1, 1), partial)
    with pytest.raises(v.Invalid, match="election key"):
        v.manifest_ctx({**election.manifest(21, OPTIONS), "election_key": bad})


@pytest.mark.parametrize(
    "value",
    [v.sc(0).hex()[:-2] + "ff", (v.L).to_bytes(32, "little").hex(), (v.L + 1).to_bytes(32, "little").hex()],
)
def test_a_scalar_not_below_the_group_order_is_refused(election: Election, value: str) -> None:
    manifest = election.manifest(21, OPTIONS)
    ballot, _ = prover.encrypt_ballot(manifest, 0)
    ballot["sum_proof"]["z"] = value
    with pytest.raises(v.Invalid, match="sum proof z: scalar not below the group order"):
        v.verify_ballot(manifest, ballot)


def test_a_zero_scalar_in_a_proof_is_invalid_not_a_crash(election: Election) -> None:
    manifest = election.manifest(21, OPTIONS)
    ballot, _ = prover.encrypt_ballot(manifest, 0)
    ballot["choices"][0]["proof"]["z0"] = "00" * 32
    with pytest.raises(v.Invalid, match="scalar multiplication refused"):
        v.verify_ballot(manifest, ballot)


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b.update(extra=1),
        lambda b: b.update(round=True),
        lambda b: b.update(round=str(b["round"])),
        lambda b: b["choices"][0].update(alpha=b["choices"][0]["alpha"].upper()),
        lambda b: b["sum_proof"].update(w="00"),
        lambda b: b["choices"].append(b["choices"][0]),
    ],
    ids=["extra field", "round true", "round string", "uppercase hex", "extra proof field", "extra choice"],
)
def test_a_ballot_in_another_encoding_is_refused_so_a_replay_cannot_get_a_new_tracker(
    election: Election, change: Any
) -> None:
    manifest = election.manifest(21, OPTIONS)
    ballot, _ = prover.encrypt_ballot(manifest, 0)
    change(ballot)
    with pytest.raises(v.Invalid):
        v.verify_ballot(manifest, ballot)


def test_a_round_published_twice_or_a_trustee_listed_twice_fails(election: Election) -> None:
    record = copy.deepcopy(election.record())
    record["rounds"].append(record["rounds"][0])
    assert failure(record) == "rounds: record: a round appears twice"
    record = copy.deepcopy(election.record())
    record["ceremony"]["trustees"][2] = record["ceremony"]["trustees"][0]
    assert "a trustee is listed twice" in failure(record)


def test_combine_refuses_short_or_foreign_input_without_crashing(election: Election) -> None:
    rnd = election.rounds[0]
    short = copy.deepcopy(rnd["partial_decryptions"])
    del short[0]["shares"][-1]
    with pytest.raises(v.Invalid, match="trustee 1 shares"):
        v.combine(rnd["aggregate"], short, len(rnd["ballots"]))
    off_curve = copy.deepcopy(rnd["aggregate"])
    off_curve[0]["B"] = "02" + "00" * 31
    with pytest.raises(v.Invalid, match="not a point"):
        v.combine(off_curve, rnd["partial_decryptions"], len(rnd["ballots"]))
