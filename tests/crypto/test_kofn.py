"""Choose-up-to-k ballots (manifest "max_choices"): 0/1 proofs per option and a 0..k sum-range proof."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.crypto.helpers import Election, run_ceremony
from voting.crypto import prover
from voting.crypto import verifier as v


@pytest.fixture(scope="module")
def election() -> Election:
    """A 2-of-3 ceremony (module-wide: the ceremony is the slow part)."""
    return run_ceremony(3, 2, conference=16)


def units(n: int) -> list[str]:
    """Return n options, none of them blank: a k-of-n ballot marks 0..k of them."""
    return [f"unit:{u}" for u in range(1, n + 1)]


def flip(hex_text: str, position: int = 10) -> str:
    """Change one byte (two hex digits) of a hex string."""
    byte = int(hex_text[position : position + 2], 16) ^ 0x01
    return hex_text[:position] + f"{byte:02x}" + hex_text[position + 2 :]


def forged(
    manifest: dict[str, Any], marks: list[int], real: tuple[int, ...], branches: int
) -> dict[str, Any]:
    """Return a ballot marking *marks*, its sum proof built by hand over *branches* branches.

    Every ciphertext and 0/1 proof is honest. In the sum proof the branches in *real* are made the way a
    true branch is (a nonce w, z = w + c·R with the ballot's real randomness R; with several, the
    challenge is split among them at random), the others simulated. Only a real branch that is the
    true number of marks, alone, verifies.
    """
    ctx = v.manifest_ctx(manifest)
    H = bytes.fromhex(manifest["election_key"])  # noqa: N806
    rand = prover.random_scalar
    choices, total_a, total_b, total_r = [], v.IDENTITY, v.IDENTITY, prover.ZERO
    for o in range(len(manifest["options"])):
        r, m = rand(), int(o in marks)
        alpha, beta = v.base(r), v.add(v.mul(r, H), v.G) if m else v.mul(r, H)
        proof = prover._prove_range(ctx, o, m, r, alpha, beta, H, rand)
        choices.append({"alpha": alpha.hex(), "beta": beta.hex(), "proof": proof})
        total_a, total_b, total_r = v.add(total_a, alpha), v.add(total_b, beta), v.s_add(total_r, r)
    cs, zs, ws, parts = {}, {}, {}, [total_a.hex(), total_b.hex()]
    shifted = total_b
    for u in range(branches):
        shifted = v.sub(shifted, v.G) if u else shifted
        if u in real:
            ws[u] = rand()
            a, b = v.base(ws[u]), v.mul(ws[u], H)
        else:
            cs[u], zs[u] = rand(), rand()
            a, b = v.sub(v.base(zs[u]), v.mul(cs[u], total_a)), v.sub(v.mul(zs[u], H), v.mul(cs[u], shifted))
        parts += [a.hex(), b.hex()]
    rest = v.hs("luanluu/v1/sum-range", ctx, *parts)
    for c in cs.values():
        rest = v.s_sub(rest, c)
    for u in real[:-1]:
        cs[u] = rand()
        rest = v.s_sub(rest, cs[u])
    cs[real[-1]] = rest
    for u in real:
        zs[u] = v.s_add(ws[u], v.s_mul(cs[u], total_r))
    sum_proof = [{"c": cs[u].hex(), "z": zs[u].hex()} for u in range(branches)]
    return {"ctx": ctx, "round": manifest["round"], "choices": choices, "sum_proof": sum_proof}


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("n", range(3, 9))
def test_a_ballot_with_up_to_k_marks_round_trips(election: Election, n: int, k: int) -> None:
    manifest = election.manifest(100 + n, units(n), k)
    full = list(range(n - k, n))  # the last k options
    for marks in ([], [0], full):
        ballot, randomness = prover.encrypt_ballot(manifest, marks[::-1])  # any order is accepted
        assert len(ballot["sum_proof"]) == k + 1
        assert v.verify_ballot(manifest, ballot) == v.tracker_of(ballot)
        assert v.verify_challenge(prover.challenge(ballot, marks, randomness), manifest) == sorted(marks)
    rnd = election.play_round(100 + n, units(n), [full, [], [0], full], max_choices=k)
    expected = {unit: 2 * (o in full) + (o == 0) for o, unit in enumerate(units(n))}
    assert rnd["counts"] == expected
    assert f"round {100 + n}: 4 ballots" in v.verify_record(election.record())
    election.rounds.clear()


def test_the_prover_refuses_too_many_marks_duplicates_and_excluded_options(election: Election) -> None:
    manifest = election.manifest(7, units(5), 2)
    with pytest.raises(v.Invalid, match="at most 2 distinct"):
        prover.encrypt_ballot(manifest, [0, 1, 2])
    with pytest.raises(v.Invalid, match="at most 2 distinct"):
        prover.encrypt_ballot(manifest, [3, 3])
    with pytest.raises(v.Invalid, match="may choose"):
        prover.encrypt_ballot(manifest, [1, 4], zero=[4])
    with pytest.raises(v.Invalid, match="may choose"):
        prover.encrypt_ballot(manifest, [5])
    with pytest.raises(v.Invalid, match="expected a list"):
        prover.encrypt_ballot(manifest, 1)  # a choose-up-to-k ballot takes a list of marks
    with pytest.raises(v.Invalid, match="not an integer"):
        prover.encrypt_ballot(election.manifest(7, units(5)), [1])  # and an exactly-one ballot an index


def test_excluded_options_get_zero_proofs_in_a_k_of_n_ballot(election: Election) -> None:
    manifest = election.manifest(8, units(4), 2)
    ballot, randomness = prover.encrypt_ballot(manifest, [1, 3], zero=[0])
    assert set(ballot["choices"][0]["proof"]) == {"c", "z"}
    v.verify_ballot(manifest, ballot, [0])
    assert v.verify_challenge(prover.challenge(ballot, [1, 3], randomness, [0]), manifest) == [1, 3]
    with pytest.raises(v.Invalid, match="choice 0"):
        v.verify_ballot(manifest, ballot)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_a_forged_ballot_with_k_plus_1_marks_is_refused(election: Election, k: int) -> None:
    manifest = election.manifest(9, units(6), k)
    marks = list(range(k + 1))
    for claim in range(k + 1):  # the "real" branch is any of 0..k, none of them true
        with pytest.raises(v.Invalid, match=f"between 0 and {k}"):
            v.verify_ballot(manifest, forged(manifest, marks, (claim,), k + 1))
    with pytest.raises(v.Invalid, match=f"between 0 and {k}"):  # two branches made real
        v.verify_ballot(manifest, forged(manifest, marks, (k - 1, k), k + 1))
    # a k+2-branch proof that is honest about k+1 marks: the wrong shape, and cut to k+1 branches it fails
    honest = forged(manifest, marks, (k + 1,), k + 2)
    with pytest.raises(v.Invalid, match=f"list of {k + 1}"):
        v.verify_ballot(manifest, honest)
    honest["sum_proof"] = honest["sum_proof"][: k + 1]
    with pytest.raises(v.Invalid, match=f"between 0 and {k}"):
        v.verify_ballot(manifest, honest)
    # the same hand-built proof with k marks and its true branch verifies: the forger is not broken
    v.verify_ballot(manifest, forged(manifest, marks[:k], (k,), k + 1))


def test_a_k_of_n_ballot_does_not_verify_under_another_k_or_exactly_one(election: Election) -> None:
    manifest = election.manifest(11, units(5), 2)
    ballot, _ = prover.encrypt_ballot(manifest, [1])
    for other in (election.manifest(11, units(5), 3), election.manifest(11, units(5))):
        with pytest.raises(v.Invalid, match="another round"):
            v.verify_ballot(other, ballot)


@pytest.mark.parametrize("bad", [0, 6, True, "2", None])
def test_a_manifest_with_a_bad_max_choices_is_refused(election: Election, bad: Any) -> None:
    with pytest.raises(v.Invalid, match="max_choices"):
        v.manifest_ctx({**election.manifest(12, units(5)), "max_choices": bad})


def test_an_exactly_one_manifest_and_its_ballots_are_unchanged(election: Election) -> None:
    manifest = election.manifest(13, [*units(3), "blank"])
    assert "max_choices" not in manifest and v.max_choices(manifest) is None
    ballot, _ = prover.encrypt_ballot(manifest, 3)
    assert set(ballot["sum_proof"]) == {"c", "z"}


@pytest.fixture(scope="module")
def k_of_n_ballot(election: Election) -> tuple[dict[str, Any], dict[str, Any]]:
    """A 2-of-4 manifest and a ballot marking 2 options."""
    manifest = election.manifest(14, units(4), 2)
    return manifest, prover.encrypt_ballot(manifest, [0, 2])[0]


@pytest.mark.parametrize("branch", [0, 1, 2])
@pytest.mark.parametrize("field", ["c", "z"])
def test_one_changed_byte_of_a_sum_range_branch_fails(k_of_n_ballot, branch: int, field: str) -> None:
    manifest, ballot = k_of_n_ballot
    ballot = copy.deepcopy(ballot)
    ballot["sum_proof"][branch][field] = flip(ballot["sum_proof"][branch][field])
    with pytest.raises(v.Invalid, match="sum proof"):
        v.verify_ballot(manifest, ballot)


@pytest.mark.parametrize("option", [0, 1])
@pytest.mark.parametrize("field", ["alpha", "beta", "c0", "c1", "z0", "z1"])
def test_one_changed_byte_of_a_choice_fails(k_of_n_ballot, option: int, field: str) -> None:
    manifest, ballot = k_of_n_ballot
    ballot = copy.deepcopy(ballot)
    choice = ballot["choices"][option]
    where = choice if field in ("alpha", "beta") else choice["proof"]
    where[field] = flip(where[field])
    with pytest.raises(v.Invalid, match=f"choice {option}"):
        v.verify_ballot(manifest, ballot)


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b["sum_proof"].pop(),
        lambda b: b["sum_proof"].append(b["sum_proof"][0]),
        lambda b: b["sum_proof"].reverse(),
        lambda b: b["sum_proof"][1].update(extra="00"),
        lambda b: b.update(sum_proof=b["sum_proof"][0]),
    ],
    ids=["a branch dropped", "a branch added", "branches reordered", "a field added", "not a list"],
)
def test_a_reshaped_sum_range_proof_fails(k_of_n_ballot, change) -> None:
    manifest, ballot = k_of_n_ballot
    ballot = copy.deepcopy(ballot)
    change(ballot)
    with pytest.raises(v.Invalid, match="sum proof"):
        v.verify_ballot(manifest, ballot)


def test_a_challenge_claiming_other_marks_fails(election: Election) -> None:
    manifest = election.manifest(15, units(4), 2)
    ballot, randomness = prover.encrypt_ballot(manifest, [0, 2])
    for claim in ([0], [0, 3], [], [2, 0], [0, 0]):
        with pytest.raises(v.Invalid, match="audit"):
            v.verify_challenge(prover.challenge(ballot, [0, 2], randomness) | {"choice": claim}, manifest)
    with pytest.raises(v.Invalid, match="audit"):
        v.verify_challenge(prover.challenge(ballot, [0, 2], randomness) | {"choice": 0}, manifest)


def test_combine_refuses_counts_beyond_k_marks_per_ballot(election: Election) -> None:
    rnd = election.play_round(16, units(3), [[0, 1, 2]], max_choices=3)
    election.rounds.clear()
    assert v.combine(rnd["aggregate"], rnd["partial_decryptions"], 1, 3) == [1, 1, 1]
    with pytest.raises(v.Invalid, match="more than 2 marks on 1 ballots"):
        v.combine(rnd["aggregate"], rnd["partial_decryptions"], 1, 2)
    with pytest.raises(v.Invalid, match="not to the 1 ballots"):
        v.combine(rnd["aggregate"], rnd["partial_decryptions"], 1)


@st.composite
def rounds(draw: st.DrawFn) -> tuple[int, int, list[list[int]]]:
    """Draw (n, k, the marks of 1–4 ballots), each ballot marking 0..k of the n options."""
    n = draw(st.integers(2, 6))
    k = draw(st.integers(1, n))
    ballots = draw(st.lists(st.lists(st.integers(0, n - 1), unique=True, max_size=k), min_size=1, max_size=4))
    return n, k, ballots


@settings(max_examples=12, deadline=None)
@given(rounds())
def test_valid_k_of_n_ballots_verify_and_tally_to_the_sum_of_their_marks(election: Election, drawn) -> None:
    n, k, ballots = drawn
    rnd = election.play_round(200, units(n), ballots, max_choices=k)
    election.rounds.clear()
    assert rnd["counts"] == {unit: sum(o in marks for marks in ballots) for o, unit in enumerate(units(n))}
    assert sum(rnd["counts"].values()) == sum(map(len, ballots)) <= k * len(ballots)
