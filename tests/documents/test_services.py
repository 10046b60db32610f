"""Tests of issuing, archiving and exporting the minutes, without the HTTP client."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from tests.factories import Stage, advance, approve_minutes, handover_details
from tests.helpers import ENDED_AT
from voting.conferences.models import Conference
from voting.documents.archive import archive, conference_documents, export_documents
from voting.documents.models import Document, DocumentKind
from voting.documents.services import find_document, issue_minutes
from voting.elections.models import Office
from voting.elections.services import get_election
from voting.errors import AlreadyIssued, InvalidState
from voting.extensions import db
from voting.handovers.services import record_handover

MakeConference = Callable[..., Conference]


def issued_minutes(conference: Conference) -> Document:
    """Return the conference's issued minutes, which must exist."""
    document = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
    assert document is not None
    return document


@pytest.mark.parametrize(
    ("stage", "missing"),
    [
        (Stage.CHECKED_IN, "Cụm trưởng"),
        (Stage.LEADER_CERTIFIED, "Cụm phó"),
        (Stage.DEPUTY_CERTIFIED, "bàn giao"),
    ],
)
def test_minutes_wait_for_both_certifications_and_the_handover(
    make_conference: MakeConference, stage: Stage, missing: str
) -> None:
    conference = make_conference(stage)
    with pytest.raises(InvalidState, match=missing):
        issue_minutes(conference, by=conference.chair, now=ENDED_AT)
    assert conference_documents(conference) == []
    assert find_document(conference, DocumentKind.CONFERENCE_MINUTES) is None
    assert not conference.is_ended


def test_minutes_are_issued_once_everything_is_recorded(conference: Conference) -> None:
    advance(conference, Stage.DEPUTY_CERTIFIED)
    record_handover(conference, handover_details(conference.chair), by=conference.chair)
    approve_minutes(conference, 8, now=ENDED_AT)
    document = issue_minutes(conference, by=conference.chair, now=ENDED_AT + timedelta(minutes=3))
    assert document.content.startswith(b"%PDF")
    assert conference.ended_at == ENDED_AT  # the approval, not the click on "issue"
    assert conference.approvals == 8


def test_minutes_are_not_issued_before_the_show_of_hands(make_conference: MakeConference) -> None:
    conference = make_conference(Stage.HANDED_OVER)
    with pytest.raises(InvalidState, match="biểu quyết"):
        issue_minutes(conference, by=conference.chair, now=ENDED_AT)
    assert find_document(conference, DocumentKind.CONFERENCE_MINUTES) is None and not conference.is_ended


def test_minutes_need_more_than_half_of_present_approving(make_conference: MakeConference) -> None:
    conference = make_conference(Stage.HANDED_OVER)
    for counts in ((9, 0, 0), (-1, 0, 0), (4, 3, 2), (5, 4, 0)):
        with pytest.raises(InvalidState, match="từ 0 đến 8"):
            approve_minutes(conference, counts[0], disagreed=counts[1], abstained=counts[2])
    approve_minutes(conference, 4, disagreed=3, abstained=1)
    with pytest.raises(InvalidState, match="quá bán"):
        issue_minutes(conference, by=conference.chair, now=ENDED_AT)
    assert find_document(conference, DocumentKind.CONFERENCE_MINUTES) is None
    assert not conference.is_ended
    approve_minutes(conference, 5, disagreed=2, abstained=1)  # recorded again before issue
    issue_minutes(conference, by=conference.chair, now=ENDED_AT)
    assert conference.approvals == 5


def test_documents_are_numbered_in_conference_order(ended: Conference) -> None:
    """Counting minutes (leader, deputy), the handover minutes, then the conference minutes."""
    conference = ended
    code = conference.cluster.code
    documents = conference_documents(conference)
    assert [(d.number, d.kind) for d in documents] == [
        (f"01/BB-{code}", DocumentKind.COUNTING_MINUTES),
        (f"02/BB-{code}", DocumentKind.COUNTING_MINUTES),
        (f"03/BB-{code}", DocumentKind.HANDOVER_MINUTES),
        (f"04/BB-{code}", DocumentKind.CONFERENCE_MINUTES),
    ]
    leader = get_election(conference, Office.LEADER)
    assert documents[0].election_id == (leader.id if leader else None)
    minutes = issued_minutes(conference)
    assert minutes.sha256 == hashlib.sha256(minutes.content).hexdigest()
    assert minutes.size == len(minutes.content) and minutes.issued_by_id == conference.chair.id


def test_second_issue_is_refused_and_keeps_the_bytes(ended: Conference) -> None:
    conference = ended
    before = issued_minutes(conference).content
    count = len(conference_documents(conference))
    with pytest.raises(AlreadyIssued):
        issue_minutes(conference, by=conference.chair, now=ENDED_AT + timedelta(hours=1))
    db.session.commit()
    db.session.expire_all()
    document = issued_minutes(conference)
    assert document.content == before
    assert document.sha256 == hashlib.sha256(before).hexdigest()
    assert len(conference_documents(conference)) == count
    assert conference.ended_at == ENDED_AT


def test_export_writes_pdfs_and_matching_checksums(ended: Conference, tmp_path: Path) -> None:
    minutes = issued_minutes(ended)
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


def test_archive_filters_by_year(ended: Conference) -> None:
    conference = ended
    minutes = issued_minutes(conference)
    entries = archive(year=2016)
    assert minutes.id in [entry.document.id for entry in entries]
    assert {entry.year for entry in entries} == {2016}
    assert {entry.cluster.id for entry in entries} == {conference.cluster_id}
    assert archive(year=2015) == []
    of_cluster = archive(cluster_id=conference.cluster_id, year=2016)
    assert [e.document.id for e in of_cluster] == [e.document.id for e in entries]
