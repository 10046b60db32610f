"""The protocol end to end in Python: ceremony, ballots, challenge, threshold decryption, the record."""

from __future__ import annotations

import ast
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.crypto.helpers import Election, run_ceremony
from voting.crypto import prover
from voting.crypto import verifier as v

VERIFIER = Path(v.__file__)
OPTIONS = ["unit:12", "unit:15", "unit:19", "blank"]


@pytest.fixture(scope="module")
def election() -> Election:
    """A 2-of-3 ceremony (module-wide: the ceremony is the slow part)."""
    return run_ceremony(3, 2)


def test_every_trustee_confirms_and_holds_a_share_matching_its_verification_key(election) -> None:
    assert election.confirmations == [{"index": j, "ok": True} for j in (1, 2, 3)]
    for trustee in election.trustees:
        share = bytes.fromhex(trustee.share)
        assert v.base(share).hex() == v.verification_key(election.phase1, trustee.index)


@pytest.mark.parametrize("quorum", [(1, 2), (1, 3), (2, 3)])
def test_any_two_verification_keys_interpolate_to_the_election_key(election, quorum) -> None:
    keys = [(v.lagrange(quorum, j), bytes.fromhex(v.verification_key(election.phase1, j))) for j in quorum]
    assert v.lincomb(keys).hex() == election.H


def test_a_ballot_verifies_and_its_challenge_opens_to_the_choice(election) -> None:
    manifest = election.manifest(7, OPTIONS)
    ballot, randomness = prover.encrypt_ballot(manifest, 2)
    assert v.verify_ballot(manifest, ballot) == v.tracker_of(ballot)
    assert v.verify_challenge(prover.challenge(ballot, 2, randomness), manifest) == 2


def test_a_challenge_claiming_another_choice_fails(election) -> None:
    manifest = election.manifest(7, OPTIONS)
    ballot, randomness = prover.encrypt_ballot(manifest, 2)
    with pytest.raises(v.Invalid, match="does not open"):
        v.verify_challenge(prover.challenge(ballot, 1, randomness), manifest)


def test_an_excluded_option_gets_a_zero_proof_and_cannot_be_chosen(election) -> None:
    manifest = election.manifest(7, OPTIONS)
    ballot, randomness = prover.encrypt_ballot(manifest, 1, zero=[0])
    assert set(ballot["choices"][0]["proof"]) == {"c", "z"}
    v.verify_ballot(manifest, ballot, [0])
    assert v.verify_challenge(prover.challenge(ballot, 1, randomness, [0]), manifest) == 1
    with pytest.raises(v.Invalid):
        v.verify_ballot(manifest, ballot)  # the zero proof is not a 0/1 proof
    with pytest.raises(v.Invalid, match="may choose"):
        prover.encrypt_ballot(manifest, 0, zero=[0])


def test_a_ballot_for_another_round_conference_or_key_is_refused(election) -> None:
    manifest = election.manifest(7, OPTIONS)
    ballot, _ = prover.encrypt_ballot(manifest, 0)
    for other in ({"round": 8}, {"conference": 2}, {"key": "0" * 64}):
        with pytest.raises(v.Invalid, match="another round"):
            v.verify_ballot({**manifest, **other}, ballot)


@pytest.mark.parametrize("quorum", [(1, 2), (1, 3), (2, 3), (1, 2, 3)])
def test_any_quorum_decrypts_the_same_counts(election, quorum) -> None:
    rnd = election.play_round(9, OPTIONS, [0, 1, 1, 3, 1, 0], decrypt_with=quorum)
    assert rnd["counts"] == {"unit:12": 2, "unit:15": 3, "unit:19": 0, "blank": 1}


def test_one_trustee_below_the_quorum_cannot_decrypt(election) -> None:
    with pytest.raises(v.Invalid, match="not a count"):
        election.play_round(9, OPTIONS, [0, 1, 1], decrypt_with=(2,))


def test_a_round_without_ballots_counts_zero_without_decryption(election) -> None:
    rnd = election.play_round(10, OPTIONS, [])
    assert rnd["counts"] == dict.fromkeys(OPTIONS, 0)
    assert rnd["partial_decryptions"] == []
    assert all(pair == {"A": v.IDENTITY.hex(), "B": v.IDENTITY.hex()} for pair in rnd["aggregate"])


def test_partial_decryptions_verify_against_their_own_trustee_key_only(election) -> None:
    manifest = election.manifest(11, OPTIONS)
    ballots = [prover.encrypt_ballot(manifest, c)[0] for c in (0, 1)]
    sums = v.aggregate(ballots, len(OPTIONS))
    ctx = v.manifest_ctx(manifest)
    post = election.trustees[0].partial_decrypt(ctx, sums)
    v.verify_partial(ctx, sums, v.verification_key(election.phase1, 1), post)
    with pytest.raises(v.Invalid, match="trustee 1 option 0"):
        v.verify_partial(ctx, sums, v.verification_key(election.phase1, 2), post)


def test_a_whole_record_verifies_from_the_command_line(tmp_path) -> None:
    election = run_ceremony(3, 2, conference=4)
    election.play_round(1, OPTIONS, [0, 1, 1, 2], zero={0: [1], 3: [0]})
    election.play_round(2, ["for", "against", "blank"], [0, 0, 1], decrypt_with=(2, 3))
    election.play_round(3, ["unit:1", "blank"], [])
    record = election.record()
    assert "round 1: 4 ballots, unit:12=1, unit:15=2, unit:19=1, blank=0" in v.verify_record(record)
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    # The zipapp the conference ZIP ships, run in isolated mode (-I: no PYTHONPATH, no script directory
    # on sys.path), from another directory: the verifier runs with the crypto library alone.
    zipapp = tmp_path / "verifier.pyz"
    zipapp.write_bytes(v.zipapp())
    done = subprocess.run(
        [sys.executable, "-I", str(zipapp), str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"OK {v.sha256_hex(record)}\n")
    assert "round 2: 3 ballots, for=2, against=1, blank=0" in done.stdout


def test_the_command_line_fails_with_exit_1_naming_the_failure(tmp_path) -> None:
    path = tmp_path / "record.json"
    path.write_text('{"version": "luanluu-eg-1"}')
    assert v.main([str(path)]) == 1
    assert v.main([str(tmp_path / "missing.json")]) == 1


def test_the_verifier_imports_only_the_standard_library_pynacl_and_itself() -> None:
    with zipfile.ZipFile(io.BytesIO(v.zipapp())) as archive:
        shipped = {name: archive.read(name).decode() for name in archive.namelist()}
    modules = {f"luanluu_verifier/{name}.py" for name in v.MODULES}
    assert set(shipped) == {"__main__.py", "luanluu_verifier/__init__.py", *modules}
    for name in modules:
        imported = set()
        for node in ast.walk(ast.parse(shipped[name])):
            if isinstance(node, ast.ImportFrom) and node.level:  # relative: one of the shipped modules
                assert f"luanluu_verifier/{node.module}.py" in modules, name
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
        assert imported - {"__future__", "nacl"} <= set(sys.stdlib_module_names), name
        assert "voting" not in imported, name


def test_the_zipapp_is_the_same_bytes_for_the_same_code() -> None:
    assert v.zipapp() == v.zipapp()


def test_the_verifier_also_runs_as_a_module(tmp_path) -> None:
    election = run_ceremony(2, 1)
    election.play_round(4, ["for", "against", "blank"], [1])
    path = tmp_path / "record.json"
    path.write_text(json.dumps(election.record()))
    done = subprocess.run(
        [sys.executable, "-m", "voting.crypto.verifier", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=VERIFIER.parent.parent.parent,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "round 4: 1 ballot, for=0, against=1, blank=0" in done.stdout


def test_a_round_awaiting_decryption_verifies_what_it_has_and_says_so() -> None:
    election = run_ceremony(3, 2)
    rnd = election.play_round(5, ["for", "against", "blank"], [0, 2])
    rnd["counts"] = None
    rnd["partial_decryptions"] = rnd["partial_decryptions"][:1]
    summary = v.verify_record(election.record())
    assert "round 5: 2 ballots, awaiting decryption (1 partial decryptions verified)" in summary
    rnd["partial_decryptions"][0]["shares"][0]["D"] = rnd["partial_decryptions"][0]["shares"][1]["D"]
    with pytest.raises(v.Invalid, match="trustee 1 option 0"):
        v.verify_record(election.record())
