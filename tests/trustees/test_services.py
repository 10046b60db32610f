"""The key ceremony through its services, with Python trustees (voting.crypto.prover) in place of browsers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tests.factories import Stage
from tests.helpers import STARTS_AT
from tests.trustees.helpers import key_holders, run_ceremony, tally
from voting.audit.models import AuditEntry
from voting.auth.models import Role, User
from voting.conferences.models import Conference
from voting.crypto import prover, verifier
from voting.elections.paper import add_committee_member
from voting.errors import InvalidProof, InvalidState, NotTrustee
from voting.extensions import db
from voting.trustees.keys import current_ceremony, election_key_of
from voting.trustees.models import CeremonyShare, CeremonyStatus, CeremonyTrustee, KeyCeremony
from voting.trustees.record import ceremony_record
from voting.trustees.services import (
    description,
    phase1_posts,
    post_confirmation,
    post_phase1,
    post_shares,
    shares_to,
    start_ceremony,
)

NOW = STARTS_AT


@pytest.fixture
def conference(make_conference: Callable[..., Conference]) -> Conference:
    """A conference of a new 8-unit cluster whose trustees have not made the key yet."""
    return make_conference(election_key=False)


IDENTITY = "01" + "00" * 31
#: a point of order 8 (libsodium refuses it): the classic small-order encoding
SMALL_ORDER = "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"


def actions(conference: Conference) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.conference_id == conference.id, AuditEntry.action.like("ceremony.%"))
            .order_by(AuditEntry.id)
        )
    )


def started(conference: Conference) -> tuple[KeyCeremony, dict[int, prover.Trustee], dict[int, User]]:
    """Start a 2-of-3 ceremony; return it, the Python trustees and their accounts by index."""
    ceremony = start_ceremony(conference, key_holders(conference), by=conference.chair, now=NOW)
    seats = {seat.index: seat.user for seat in ceremony.trustees}
    return ceremony, {i: prover.Trustee(description(ceremony), i) for i in seats}, seats


def at_sharing(conference: Conference) -> tuple[KeyCeremony, dict[int, prover.Trustee], dict[int, User]]:
    ceremony, players, seats = started(conference)
    for i, player in players.items():
        post_phase1(ceremony, seats[i], player.phase1(), now=NOW)
    return ceremony, players, seats


def at_confirming(conference: Conference) -> tuple[KeyCeremony, dict[int, prover.Trustee], dict[int, User]]:
    ceremony, players, seats = at_sharing(conference)
    phase1 = phase1_posts(ceremony)
    for i, player in players.items():
        post_shares(ceremony, seats[i], player.phase2(phase1), now=NOW)
    return ceremony, players, seats


def test_a_ceremony_gives_a_key_that_a_quorum_decrypts_and_one_trustee_cannot(conference: Conference) -> None:
    trustees = run_ceremony(conference)
    key = election_key_of(conference)
    assert key is not None and key.threshold == 2 and sorted(key.trustees) == [1, 2, 3]
    ceremony = current_ceremony(conference)
    assert ceremony is not None and ceremony.status is CeremonyStatus.DONE
    phase1 = phase1_posts(ceremony)
    assert key.election_key == verifier.election_key(phase1)
    for index, trustee in trustees.items():
        assert trustee.share is not None
        assert key.verification_keys[index] == verifier.base(bytes.fromhex(trustee.share)).hex()
    assert tally(key, conference.id, {1: trustees[1], 3: trustees[3]}, [0, 0, 1, 2, 0]) == [3, 1, 1]
    with pytest.raises(verifier.Invalid):  # one share alone decrypts nothing
        tally(key, conference.id, {2: trustees[2]}, [0, 1])
    assert actions(conference) == ["ceremony.started", "ceremony.finished"]


def test_the_ceremony_record_verifies_alone_and_names_every_public_value(conference: Conference) -> None:
    run_ceremony(conference)
    record = ceremony_record(conference)
    assert record is not None
    assert len(record["phase1"]) == 3 and len(record["phase2"]) == 6 and len(record["confirmations"]) == 3
    summary = verifier.verify_record({"version": "luanluu-eg-1", "ceremony": record, "rounds": []})
    assert "2 of 3 trustees" in summary
    record["phase1"][1]["comm_proof"]["z"] = record["phase1"][1]["comm_proof"]["c"]
    with pytest.raises(verifier.Invalid):
        verifier.verify_record({"version": "luanluu-eg-1", "ceremony": record, "rounds": []})


def test_no_key_before_the_ceremony_is_done(conference: Conference) -> None:
    assert election_key_of(conference) is None
    at_sharing(conference)
    assert election_key_of(conference) is None
    assert ceremony_record(conference) is None


def test_the_committee_is_the_default_trustees_and_the_threshold_a_majority(
    make_conference: Callable[..., Conference], make_user: Callable[..., User]
) -> None:
    conference = make_conference(Stage.CHECKED_IN, election_key=False)
    members = [make_user(Role.COUNTER) for _ in range(4)]
    for member in members:
        add_committee_member(conference, member, is_head=False, approvals=8, by=conference.chair, now=NOW)
    ceremony = start_ceremony(conference, by=conference.chair, now=NOW)
    assert [seat.user_id for seat in ceremony.trustees] == sorted(member.id for member in members)
    assert ceremony.threshold == 3
    assert description(ceremony)["trustees"] == [seat.user_id for seat in ceremony.trustees]


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("two", "ít nhất 3"),
        ("twice", "một phần khóa"),
        ("threshold one", "từ 2 đến 3"),
        ("threshold four", "từ 2 đến 3"),
        ("representative", "đại biểu"),
    ],
)
def test_start_refuses_too_few_or_wrong_trustees(conference: Conference, how: str, message: str) -> None:
    people = key_holders(conference)
    threshold = None
    if how == "two":
        people = people[:2]
    elif how == "twice":
        people = [people[0], people[1], people[0]]
    elif how == "threshold one":
        threshold = 1
    elif how == "threshold four":
        threshold = 4
    else:
        representative = db.session.scalar(sa.select(User).where(User.role == Role.REPRESENTATIVE))
        people = [*people[:2], representative]
    with pytest.raises(InvalidState, match=message):
        start_ceremony(conference, people, threshold, by=conference.chair, now=NOW)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KeyCeremony)) == 0


def test_only_the_chair_starts(conference: Conference) -> None:
    with pytest.raises(NotTrustee):
        start_ceremony(conference, key_holders(conference), by=conference.secretary, now=NOW)


def test_restarting_abandons_the_running_ceremony_and_a_done_one_stays(conference: Conference) -> None:
    first, _, _ = at_sharing(conference)
    second = start_ceremony(conference, key_holders(conference), by=conference.chair, now=NOW)
    assert first.status is CeremonyStatus.FAILED and "bắt đầu lại" in first.failure
    assert current_ceremony(conference) is second and second.cctx != first.cctx
    db.session.delete(second)  # leave room for a finished one
    for seat in list(second.trustees):
        db.session.delete(seat)
    db.session.flush()
    run_ceremony(conference)
    with pytest.raises(InvalidState, match="tạo xong"):
        start_ceremony(conference, key_holders(conference), by=conference.chair, now=NOW)
    assert actions(conference) == [
        "ceremony.started",
        "ceremony.failed",
        "ceremony.started",
        "ceremony.started",
        "ceremony.finished",
    ]


def test_the_database_holds_one_live_ceremony_per_conference(conference: Conference) -> None:
    ceremony, _, _ = started(conference)
    db.session.add(
        KeyCeremony(
            conference=conference,
            threshold=2,
            status=CeremonyStatus.COLLECTING,
            cctx="",
            started_by=conference.chair,
            started_at=NOW,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()


def _tamper_phase1(post: dict[str, Any], how: str) -> dict[str, Any]:
    post = json.loads(json.dumps(post))
    if how == "proof":
        c = bytearray.fromhex(post["coef_proofs"][1]["c"])
        c[0] ^= 1
        post["coef_proofs"][1]["c"] = c.hex()
    elif how == "identity":
        post["commitments"][0] = IDENTITY
    elif how == "small order":
        post["comm_key"] = SMALL_ORDER
    elif how == "scalar too big":
        post["comm_proof"]["z"] = "ff" * 32
    elif how == "one commitment":
        post["commitments"], post["coef_proofs"] = post["commitments"][:1], post["coef_proofs"][:1]
    elif how == "other index":
        post["index"] = 2
    elif how == "extra field":
        post["note"] = "x"
    elif how == "not an object":
        post = [post]  # type: ignore[assignment]
    return post


@pytest.mark.parametrize(
    "how",
    [
        "proof",
        "identity",
        "small order",
        "scalar too big",
        "one commitment",
        "other index",
        "extra field",
        "not an object",
    ],
)
def test_a_bad_phase1_post_is_refused_and_nothing_written(conference: Conference, how: str) -> None:
    ceremony, players, seats = started(conference)
    with pytest.raises(InvalidProof):
        post_phase1(ceremony, seats[1], _tamper_phase1(players[1].phase1(), how), now=NOW)
    assert db.session.get(CeremonyTrustee, (ceremony.id, seats[1].id)).phase1 is None  # type: ignore[union-attr]
    assert ceremony.status is CeremonyStatus.COLLECTING


def test_posts_from_outsiders_in_the_wrong_step_or_twice_are_refused(conference: Conference) -> None:
    ceremony, players, seats = started(conference)
    post = players[1].phase1()
    with pytest.raises(NotTrustee):
        post_phase1(ceremony, conference.chair, post, now=NOW)
    with pytest.raises(InvalidState, match="không ở bước này"):
        post_shares(ceremony, seats[1], [], now=NOW)
    post_phase1(ceremony, seats[1], post, now=NOW)
    with pytest.raises(InvalidState, match="đã gửi"):
        post_phase1(ceremony, seats[1], post, now=NOW)


def test_a_post_for_another_ceremony_does_not_verify(conference: Conference) -> None:
    """The proofs hash the ceremony's cctx: a post made for the abandoned ceremony fails in the new one."""
    first, players, seats = started(conference)
    old = players[1].phase1()
    second = start_ceremony(conference, [seats[1], seats[2], seats[3]], by=conference.chair, now=NOW)
    with pytest.raises(InvalidProof):
        post_phase1(second, seats[1], old, now=NOW)
    assert first.status is CeremonyStatus.FAILED


@pytest.mark.parametrize("how", ["bad Y", "missing recipient", "to self", "from another"])
def test_bad_shares_are_refused_and_nothing_written(conference: Conference, how: str) -> None:
    ceremony, players, seats = at_sharing(conference)
    shares = players[1].phase2(phase1_posts(ceremony))
    if how == "bad Y":
        shares[0]["Y"] = SMALL_ORDER
    elif how == "missing recipient":
        shares = shares[:1]
    elif how == "to self":
        shares[0]["to"] = 1
    else:
        shares[0]["from"] = 2
    with pytest.raises(InvalidProof):
        post_shares(ceremony, seats[1], shares, now=NOW)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CeremonyShare)) == 0


def test_a_wrong_share_makes_its_recipient_complain_and_the_ceremony_fail(conference: Conference) -> None:
    ceremony, players, seats = at_sharing(conference)
    phase1 = phase1_posts(ceremony)
    for i, player in players.items():
        shares = player.phase2(phase1)
        if i == 2:  # trustee 2 sends trustee 3 a share that does not match its commitments
            ct = bytearray.fromhex(shares[1]["ct"])
            ct[0] ^= 1
            shares[1]["ct"] = ct.hex()
        post_shares(ceremony, seats[i], shares, now=NOW)
    assert ceremony.status is CeremonyStatus.CONFIRMING
    answers = {i: player.phase3(phase1, shares_to(ceremony, i)) for i, player in players.items()}
    assert answers[3] == {"index": 3, "ok": False, "complaints": [2]}
    post_confirmation(ceremony, seats[1], answers[1], now=NOW)
    post_confirmation(ceremony, seats[3], answers[3], now=NOW)
    assert ceremony.status is CeremonyStatus.FAILED
    assert ceremony.failure == "Người giữ khóa số 3 báo phần khóa nhận từ số 2 không hợp lệ."
    assert election_key_of(conference) is None
    with pytest.raises(InvalidState):
        post_confirmation(ceremony, seats[2], answers[2], now=NOW)
    assert actions(conference) == ["ceremony.started", "ceremony.failed"]


@pytest.mark.parametrize(
    "answer",
    [
        {"index": 1, "ok": "yes"},
        {"index": 1, "ok": False},
        {"index": 1, "ok": False, "complaints": [1]},
        {"index": 2, "ok": True},
    ],
)
def test_a_malformed_confirmation_is_refused(conference: Conference, answer: dict[str, Any]) -> None:
    ceremony, _, seats = at_confirming(conference)
    with pytest.raises(InvalidProof):
        post_confirmation(ceremony, seats[1], answer, now=NOW)
    assert db.session.get(CeremonyTrustee, (ceremony.id, seats[1].id)).confirmed_ok is None  # type: ignore[union-attr]
