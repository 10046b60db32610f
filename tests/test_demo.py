"""The production demo: what ``create_demo()`` builds and what ``play_demo()`` leaves behind.

Other tests build their data with the factories (``tests/factories.py``); these keep the demo honest.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.documents.test_pdf import pdf_text
from tests.eg import open_round
from tests.helpers import (
    CHECK_IN_AT,
    DEMO_ENDED_AT,
    OPENED_AT,
    STARTS_AT,
    assert_every_document_signed_and_verified,
)
from tests.trustees.helpers import run_ceremony
from voting.audit.models import AuditEntry
from voting.audit.services import verify
from voting.auth.models import Role, User
from voting.clusters.models import Cluster, Unit
from voting.conferences.models import Conference
from voting.conferences.services import attendance, check_in
from voting.crypto.verifier import sha256_hex, verify_record
from voting.demo import CLUSTER_CODE, PASSWORD, UNITS, create_demo, play_demo
from voting.documents.models import Document, DocumentKind
from voting.documents.services import find_document
from voting.elections.board import election_record, record_fingerprint
from voting.elections.models import Office
from voting.elections.services import get_election
from voting.emulation.award_votes import ranked_units
from voting.emulation.awards import award_outcomes
from voting.errors import InvalidState
from voting.extensions import db
from voting.handovers.services import find_handover
from voting.signing import pki
from voting.signing import services as signing
from voting.signing.demo import DEMO_PIN


def count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_create_demo_builds_cluster_4_and_its_2016_conference(demo_conference: Conference) -> None:
    conference = demo_conference
    assert conference.cluster.code == CLUSTER_CODE and conference.cluster.name == "Cụm thi đua số 4"
    assert [unit.name for unit in conference.cluster.units] == UNITS
    assert conference.year == 2016 and conference.starts_at == STARTS_AT
    assert conference.outgoing_leader.name == UNITS[0] and conference.outgoing_deputy is not None
    assert conference.outgoing_deputy.name == UNITS[3]
    assert (conference.chair.username, conference.chair.full_name) == ("chutri", "Nguyễn Văn Hùng")
    assert (conference.secretary.username, conference.secretary.full_name) == ("thuky", "Trần Thị Mai")
    assert attendance(conference).present == [] and not conference.is_ended
    roles = dict(db.session.execute(sa.select(User.username, User.role)).tuples().all())
    assert roles == {
        "chutri": Role.CHAIR,
        "thuky": Role.SECRETARY,
        "luutru": Role.ARCHIVIST,
        "quantri": Role.ADMIN,
        "vanthu": Role.CLERK,
        **{f"kiemphieu{n}": Role.COUNTER for n in range(1, 4)},
        **{f"daibieu{n}": Role.REPRESENTATIVE for n in range(1, 9)},
    }


def test_create_demo_twice_returns_the_same_conference_and_every_login(demo_conference: Conference) -> None:
    again, logins = create_demo()
    assert again.id == demo_conference.id
    assert (count(Cluster), count(Unit), count(User), count(Conference)) == (1, 8, 16, 1)
    assert len(logins) == 16 and {login.username for login in logins} >= {"chutri", "daibieu8"}
    representative = next(login for login in logins if login.username == "daibieu2")
    assert representative.role is Role.REPRESENTATIVE and representative.who == UNITS[1]


def test_demo_accounts_log_in_with_the_printed_password(demo_conference: Conference) -> None:
    from voting.auth.services import authenticate

    assert authenticate("daibieu1", PASSWORD) is not None
    assert authenticate("chutri", PASSWORD + "x") is None


def test_play_demo_runs_the_conference_to_its_signed_minutes(demo_conference: Conference) -> None:
    conference = demo_conference
    play_demo(conference)
    db.session.commit()
    units = {unit.name: unit for unit in conference.cluster.units}
    leader, deputy = get_election(conference, Office.LEADER), get_election(conference, Office.DEPUTY)
    assert leader is not None and leader.elected_unit == units["Phòng Công tác chính trị"]
    assert deputy is not None and deputy.elected_unit == units["Phòng Hậu cần"]
    assert leader.is_certified and deputy.is_certified
    handover = find_handover(conference)
    assert handover is not None and handover.to_unit == units["Phòng Công tác chính trị"]
    assert handover.receiver_name == "Hoàng Quốc Việt"
    assert conference.is_ended and conference.ended_at == DEMO_ENDED_AT and conference.approvals == 8

    minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
    # after the two counting minutes, the handover, the bình xét minutes and the tờ trình (02 TTr)
    assert minutes is not None and minutes.number == "06/BB-CTĐ4"
    assert minutes.content.startswith(b"%PDF") and minutes.size == len(minutes.content)
    assert minutes.sha256 == hashlib.sha256(minutes.content).hexdigest()
    assert minutes.issued_by_id == conference.chair.id
    assert_every_document_signed_and_verified(conference)


def test_play_demo_proposes_units_for_the_ministrys_flag_and_merit_certificates(
    demo_conference: Conference,
) -> None:
    play_demo(demo_conference)
    flag, merit = award_outcomes(demo_conference)
    ranked = [place.standing.name for place in ranked_units(demo_conference)]
    assert (flag.title, flag.seats, flag.proposed) == ("Cờ thi đua của Bộ Công an", 1, [ranked[0]])
    assert (merit.seats, merit.proposed) == (2, [ranked[1], ranked[2]])
    assert flag.certified and merit.certified and flag.rounds == merit.rounds == 1
    assert merit.rule == "Đạt từ 50% trở lên số đơn vị có mặt (8 đơn vị)"
    assert [line.votes for line in merit.lines] == [7, 5, 2, 0, 0]


def test_play_demo_issues_and_signs_the_binh_xet_minutes_and_the_award_proposal(
    demo_conference: Conference, tmp_path: Path
) -> None:
    play_demo(demo_conference)
    minutes = find_document(demo_conference, DocumentKind.EMULATION_MINUTES)
    proposal = find_document(demo_conference, DocumentKind.AWARD_PROPOSAL)
    assert minutes is not None and proposal is not None
    assert (minutes.number, proposal.number) == ("04/BB-CTĐ4", "05/TTr-CTĐ4")
    for document in (minutes, proposal):
        assert document.current_version.status == "Đã phát hành"  # signed, then sealed by the clerk
        assert signing.verify_pdf(document.content).is_fully_signed
    ranked = [place.standing.name for place in ranked_units(demo_conference)]
    path = tmp_path / "to-trinh.pdf"
    path.write_bytes(proposal.content)
    text = pdf_text(path, "-raw")
    # the unit ranked first, proposed for the flag, was elected Cụm trưởng for 2017 at this conference
    assert "1. Cờ thi đua của Bộ Công an: 1 đơn vị STT Tên đơn vị, vai trò trong Cụm" in text
    assert f"1 {ranked[0]} Cụm trưởng Cụm thi đua số 4 năm 2017 1 103 7/8 phiếu (87,50%)" in text
    assert "2. Bằng khen của Bộ trưởng Bộ Công an: 2 đơn vị" in text


def test_play_demo_leaves_an_intact_audit_chain(demo_conference: Conference) -> None:
    """Check-ins to minutes: handover and issued documents are in the log, and it verifies."""
    play_demo(demo_conference)
    entries = list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))
    actions = {entry.action for entry in entries}
    assert {"unit.checked_in", "round.closed", "election.certified", "handover.recorded"} <= actions
    assert "document issued" in actions
    conference_entries = [entry for entry in entries if not entry.action.startswith("emulation.")]
    assert all(entry.conference_id == demo_conference.id for entry in conference_entries)
    # the bình xét belongs to the cluster's table of the year, not to the conference
    assert {"emulation.scoring_started", "emulation.score_entered", "emulation.stage_closed"} <= actions
    assert all(entry.conference_id is None for entry in entries if entry not in conference_entries)
    assert verify().is_intact


def test_play_demo_twice_changes_nothing(demo_conference: Conference) -> None:
    play_demo(demo_conference)
    before = (count(Document), count(AuditEntry))
    play_demo(demo_conference)
    assert (count(Document), count(AuditEntry)) == before


def test_play_demo_refuses_a_conference_half_played(demo_conference: Conference) -> None:
    for unit in demo_conference.cluster.units:
        check_in(demo_conference, unit, by=demo_conference.chair, now=CHECK_IN_AT)
    run_ceremony(demo_conference)
    open_round(demo_conference, Office.LEADER, now=OPENED_AT)
    with pytest.raises(InvalidState, match="đang diễn ra dở"):
        play_demo(demo_conference)
    assert not demo_conference.is_ended


def test_the_demo_record_verifies_and_the_minutes_print_its_fingerprint(demo_conference: Conference) -> None:
    """The demo plays through encryption: its election record passes the standalone verifier."""
    play_demo(demo_conference)
    record = election_record(demo_conference)
    assert record is not None and len(record["rounds"]) == 4  # leader, deputy and the two suy tôn votes
    assert [r["manifest"].get("max_choices") for r in record["rounds"]] == [None, None, 1, 2]
    summary = verify_record(record)
    assert "8 ballots" in summary
    assert [r["counts"] for r in record["rounds"]][0] == {
        **{f"unit:{u.id}": 0 for u in demo_conference.cluster.units[1:]},
        f"unit:{demo_conference.cluster.units[1].id}": 6,
        f"unit:{demo_conference.cluster.units[2].id}": 1,
        "blank": 1,
    }
    assert record_fingerprint(demo_conference) == sha256_hex(record)


def test_the_plain_demo_gives_the_signers_the_printed_pin_and_play_demo_keeps_those_keys(
    demo_conference: Conference,
) -> None:
    credentials = {}
    for signer in (demo_conference.chair, demo_conference.secretary):
        credential = signing.credential_of(signer)
        assert credential is not None
        pki.unseal_key(credential.sealed_key, DEMO_PIN)  # a wrong PIN would raise WrongPin
        credentials[signer.username] = credential.fingerprint
    play_demo(demo_conference)
    minutes = find_document(demo_conference, DocumentKind.CONFERENCE_MINUTES)
    assert minutes is not None and minutes.current_version.is_signed
    signers = {f.certificate_sha256 for f in minutes.current_version.files if f.certificate_sha256}
    assert set(credentials.values()) <= signers
