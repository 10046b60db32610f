"""Tests of issuing, archiving and exporting the minutes, without the HTTP client."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.conferences.services import check_in
from voting.demo import play_demo
from voting.documents.archive import archive, conference_documents, export_documents
from voting.documents.models import Document, DocumentKind
from voting.documents.services import find_document, issue_minutes
from voting.elections.models import Office
from voting.elections.services import cast_ballot, certify, close_round, get_election, open_round
from voting.errors import AlreadyIssued, InvalidState
from voting.extensions import db
from voting.handovers.services import HandoverDetails, record_handover

#: 07:45 in Hanoi on 11-11-2016, stored as naive UTC; rounds open from 09:30
CHECK_IN_AT = datetime(2016, 11, 11, 0, 45)
OPENED_AT = datetime(2016, 11, 11, 2, 30)
#: when play_demo issues the minutes: 11:00 in Hanoi
DEMO_ENDED_AT = datetime(2016, 11, 11, 4, 0)
ENDED_AT = datetime(2016, 11, 11, 4, 30)
HANDOVER = HandoverDetails(
    handed_over_at=datetime(2016, 11, 11, 3, 30),
    giver_name="Nguyễn Văn Hùng",
    giver_title="Trưởng phòng Công tác đảng và công tác quần chúng",
    receiver_name="Hoàng Quốc Việt",
    receiver_title="Trưởng phòng Công tác chính trị",
    witnesses="Thiếu tướng Đinh Văn Toản",
    flag_condition="Cờ còn nguyên vẹn.",
    files_handed_over="Sổ theo dõi thi đua của Cụm.",
)


def elect(conference: Conference, office: Office, winner: Unit, *, minute: int) -> None:
    """Elect and certify *winner* with the votes of all 8 units."""
    round_ = open_round(conference, office, now=OPENED_AT + timedelta(minutes=minute))
    for voter in conference.cluster.units:
        cast_ballot(round_, voter, winner)
    close_round(round_, now=OPENED_AT + timedelta(minutes=minute + 5))
    election = get_election(conference, office)
    assert election is not None
    certify(election, by=conference.chair, now=OPENED_AT + timedelta(minutes=minute + 5))


def check_in_all(conference: Conference) -> list[Unit]:
    """Check in every unit of the conference's cluster."""
    units = list(conference.cluster.units)
    for unit in units:
        check_in(conference, unit, by=conference.chair, now=CHECK_IN_AT)
    return units


def run_conference(conference: Conference, *, approvals: int = 8) -> Document:
    """Run the conference through the services (no signatures) and return its minutes."""
    units = check_in_all(conference)
    elect(conference, Office.LEADER, units[1], minute=0)
    elect(conference, Office.DEPUTY, units[2], minute=20)
    record_handover(conference, HANDOVER, by=conference.chair)
    return issue_minutes(conference, by=conference.chair, now=ENDED_AT, approvals=approvals)


def issued_minutes(conference: Conference) -> Document:
    """Return the conference's issued minutes, which must exist."""
    document = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
    assert document is not None
    return document


def test_minutes_wait_for_both_certifications_and_the_handover(conference: Conference) -> None:
    units = check_in_all(conference)
    with pytest.raises(InvalidState, match="Cụm trưởng"):
        issue_minutes(conference, by=conference.chair, now=ENDED_AT, approvals=8)
    elect(conference, Office.LEADER, units[1], minute=0)
    with pytest.raises(InvalidState, match="Cụm phó"):
        issue_minutes(conference, by=conference.chair, now=ENDED_AT, approvals=8)
    elect(conference, Office.DEPUTY, units[2], minute=20)
    with pytest.raises(InvalidState, match="bàn giao"):
        issue_minutes(conference, by=conference.chair, now=ENDED_AT, approvals=8)
    assert conference_documents(conference) == []
    assert not conference.is_ended

    record_handover(conference, HANDOVER, by=conference.chair)
    document = issue_minutes(conference, by=conference.chair, now=ENDED_AT, approvals=8)
    assert document.content.startswith(b"%PDF")
    assert conference.ended_at == ENDED_AT
    assert conference.approvals == 8


def test_minutes_need_more_than_half_of_present_approving(conference: Conference) -> None:
    units = check_in_all(conference)
    elect(conference, Office.LEADER, units[1], minute=0)
    elect(conference, Office.DEPUTY, units[2], minute=20)
    record_handover(conference, HANDOVER, by=conference.chair)
    for approvals in (4, 9, -1):
        with pytest.raises(InvalidState):
            issue_minutes(conference, by=conference.chair, now=ENDED_AT, approvals=approvals)
    assert find_document(conference, DocumentKind.CONFERENCE_MINUTES) is None
    assert not conference.is_ended
    issue_minutes(conference, by=conference.chair, now=ENDED_AT, approvals=5)
    assert conference.approvals == 5


def test_documents_are_numbered_in_conference_order(conference: Conference) -> None:
    """Counting minutes (leader, deputy), the handover minutes, then the conference minutes."""
    run_conference(conference)
    documents = conference_documents(conference)
    assert [(d.number, d.kind) for d in documents] == [
        ("01/BB-CTĐ4", DocumentKind.COUNTING_MINUTES),
        ("02/BB-CTĐ4", DocumentKind.COUNTING_MINUTES),
        ("03/BB-CTĐ4", DocumentKind.HANDOVER_MINUTES),
        ("04/BB-CTĐ4", DocumentKind.CONFERENCE_MINUTES),
    ]
    leader = get_election(conference, Office.LEADER)
    assert documents[0].election_id == (leader.id if leader else None)


def test_full_demo_run_stores_the_final_pdf(conference: Conference) -> None:
    play_demo(conference)
    db.session.commit()
    document = issued_minutes(conference)
    assert document.content.startswith(b"%PDF")
    assert document.sha256 == hashlib.sha256(document.content).hexdigest()
    assert document.size == len(document.content)
    assert document.number == "04/BB-CTĐ4"
    assert document.issued_by_id == conference.chair.id
    assert conference.ended_at == DEMO_ENDED_AT
    assert conference.is_ended


def test_second_issue_is_refused_and_keeps_the_bytes(conference: Conference) -> None:
    run_conference(conference)
    db.session.commit()
    before = issued_minutes(conference).content
    count = len(conference_documents(conference))
    with pytest.raises(AlreadyIssued):
        issue_minutes(
            conference, by=conference.chair, now=ENDED_AT + timedelta(hours=1), approvals=8
        )
    db.session.commit()
    db.session.expire_all()
    document = issued_minutes(conference)
    assert document.content == before
    assert document.sha256 == hashlib.sha256(before).hexdigest()
    assert len(conference_documents(conference)) == count
    assert conference.ended_at == ENDED_AT


def test_export_writes_pdfs_and_matching_checksums(conference: Conference, tmp_path: Path) -> None:
    minutes = run_conference(conference)
    db.session.commit()
    written = export_documents(tmp_path)
    assert len(written) == 4
    assert (tmp_path / minutes.filename) in written
    sums = {}
    for line in (tmp_path / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        sums[name] = digest
    assert set(sums) == {path.name for path in written}
    for path in written:
        assert path.read_bytes()[:4] == b"%PDF"
        assert sums[path.name] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert sums[minutes.filename] == minutes.sha256


def test_archive_filters_by_year(conference: Conference) -> None:
    minutes = run_conference(conference)
    db.session.commit()
    entries = archive(year=2016)
    assert minutes.id in [entry.document.id for entry in entries]
    assert {entry.year for entry in entries} == {2016}
    assert {entry.cluster.id for entry in entries} == {conference.cluster_id}
    assert archive(year=2015) == []
    of_cluster = archive(cluster_id=conference.cluster_id, year=2016)
    assert [e.document.id for e in of_cluster] == [e.document.id for e in entries]
