"""The audit log told as sentences: one per action, in both languages, never raw JSON."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale

from voting.audit.sentences import SENTENCES, Names, describe

NAMES = Names(
    units={1: "Phòng Hậu cần", 2: "Phòng Tham mưu"},
    rounds={7: ("Cụm trưởng", 1)},
    people={"chutri": "Nguyễn Văn An", "thuky": "Trần Thị Bình"},
    kinds={"conference_minutes": "Biên bản hội nghị"},
    offices={"leader": "Cụm trưởng"},
)
#: details as the services record them, one example per action
DETAILS: dict[str, dict[str, object]] = {
    "conference.created": {"cluster": "CTĐ4", "year": 2016},
    "unit.checked_in": {"unit_id": 1},
    "delegate.added": {"unit_id": 1, "name": "Lê Văn Cường", "title": "Trưởng phòng"},
    "delegate.removed": {"unit_id": 1, "name": "Lê Văn Cường"},
    "round.opened": {"office": "leader", "round": 1, "round_id": 7, "candidates": [1, 2], "base": 8},
    "round.closed": {"round_id": 7, "turnout": 6},
    "round.voided": {"round_id": 7, "reason": "Nhầm danh sách"},
    "ballot.cast": {"round_id": 7, "unit_id": 1},
    "committee.member_added": {"member": "thuky", "is_head": False, "approvals": 8},
    "ceremony.started": {"ceremony": 1, "trustees": [3, 4, 5], "threshold": 2},
    "ceremony.finished": {"ceremony": 1, "key": "ab" * 32},
    "ceremony.failed": {"ceremony": 1, "reason": "một người giữ khóa vắng mặt"},
    "paper.entered": {"round_id": 7, "issued": 8},
    "paper.confirmed": {"round_id": 7},
    "round.decryption_posted": {"round_id": 7, "trustee": 2},
    "round.decrypted": {"round_id": 7, "trustees": [1, 2]},
    "election.decided": {"office": "leader", "unit_id": 2},
    "election.certified": {"office": "leader", "unit_id": 2},
    "handover.recorded": {"from_unit_id": 1, "to_unit_id": 2},
    "minutes.approved": {"present": 8, "agreed": 8, "disagreed": 0, "abstained": 0},
    "document issued": {"document": "01/BB-CTĐ4", "kind": "conference_minutes"},
    "document replaced": {"document": "02/BB-CTĐ4", "kind": "conference_minutes", "replaces": "01/BB-CTĐ4"},
    "login.failed": {"username": "khach"},
    "signing.pin_wrong": {"attempt": 2},
    "signing.certificate_issued": {"username": "thuky", "fingerprint": "ab" * 32},
    "crl issued": {"issuer": "CN=CA", "sha256": "ab" * 32, "revoked": 1},
    "external certificate registered": {"account": "thuky", "fingerprint": "ab" * 32},
}

VOTING = Path(__file__).resolve().parents[2] / "voting"
#: the first argument of ``record(...)``/``audit_record(...)``, a document action or a CRL's action
RECORDED = re.compile(
    r'(?:record|record_document_action)\(\s*"([^"]+)"'
    r'|action(?::\s*str)?\s*=\s*"([^"]+)"'
    r'|\bif \w+ else "([a-z]+\.[a-z_]+)"'  # record("a" if renewed else "b", ...)
)


def recorded_actions() -> set[str]:
    """Return every action name the services write into the log."""
    found: set[str] = set()
    for path in VOTING.rglob("*.py"):
        for match in RECORDED.finditer(path.read_text(encoding="utf-8")):
            found.update(group for group in match.groups() if group)
    return found


def test_every_recorded_action_has_its_sentence() -> None:
    actions = recorded_actions()
    assert {"ballot.cast", "document published", "crl imported", "signing.certificate_issued"} <= actions
    assert actions <= SENTENCES.keys(), sorted(actions - SENTENCES.keys())


def test_a_ballot_reads_as_the_issue_asks(app: Flask) -> None:
    with app.test_request_context("/"):
        sentence = describe("ballot.cast", {"round_id": 7, "unit_id": 1}, "daibieu1", NAMES)
    assert sentence == "Phòng Hậu cần đã bỏ phiếu ở vòng 1 bầu Cụm trưởng."
    with app.test_request_context("/"), force_locale("en"):
        english = describe("ballot.cast", {"round_id": 7, "unit_id": 1}, "daibieu1", NAMES)
    assert english == "Phòng Hậu cần voted in round 1 of the Leader election."


@pytest.mark.parametrize("action", sorted(SENTENCES))
def test_each_action_is_a_sentence_without_internal_names(app: Flask, action: str) -> None:
    with app.test_request_context("/"):
        sentence = describe(action, DETAILS.get(action, {}), "chutri", NAMES)
    with app.test_request_context("/"), force_locale("en"):
        english = describe(action, DETAILS.get(action, {}), "chutri", NAMES)
    for text in (sentence, english):
        assert "{" not in text and "%(" not in text and action not in text and "_id" not in text, text
    assert sentence != english, "the English catalogue lacks this sentence"
    if "%(actor)s" in SENTENCES[action]:
        assert "Nguyễn Văn An" in sentence  # the actor by name, not by login


def test_names_the_details_point_to(app: Flask) -> None:
    with app.test_request_context("/"):
        handover = describe("handover.recorded", DETAILS["handover.recorded"], "chutri", NAMES)
        issued = describe("document issued", DETAILS["document issued"], "thuky", NAMES)
        certified = describe("election.certified", DETAILS["election.certified"], "chutri", NAMES)
    assert handover == "Nguyễn Văn An đã ghi nhận việc bàn giao cờ từ Phòng Hậu cần cho Phòng Tham mưu."
    assert issued == "Trần Thị Bình đã phát hành Biên bản hội nghị số 01/BB-CTĐ4."
    assert certified == "Nguyễn Văn An đã chứng nhận Phòng Tham mưu trúng cử Cụm trưởng."


def test_missing_or_unknown_ids_still_read(app: Flask) -> None:
    with app.test_request_context("/"):
        unknown_unit = describe("ballot.cast", {"round_id": 99, "unit_id": 42}, "x", NAMES)
        no_details = describe("round.closed", {}, "", NAMES)
    assert unknown_unit == "Một đơn vị đã bỏ phiếu ở một vòng bầu."
    assert no_details == "Hệ thống đã kết thúc một vòng bầu; ? đơn vị đã bỏ phiếu."


def test_an_unknown_action_falls_back_to_a_generic_sentence(app: Flask) -> None:
    with app.test_request_context("/"):
        sentence = describe("quorum.waived_by_magic", {"unit_id": 1, "secret": "x"}, "chutri", NAMES)
    assert sentence == "Nguyễn Văn An đã thực hiện thao tác “quorum waived by magic”."
    assert "{" not in sentence and "secret" not in sentence
