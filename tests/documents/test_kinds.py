"""The registry of document kinds: every step asks a kind's entry, and a kind without one fails loudly."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.elections.helpers import check_in_all, elect_leader
from tests.factories import Stage, advance, handover_details
from tests.helpers import ENDED_AT
from voting.conferences.models import Conference
from voting.documents.archive import conference_documents
from voting.documents.kinds import (
    KINDS,
    DocumentKind,
    UnknownDocumentKind,
    check_registry,
    closing_kind,
    kind_entry,
    kind_of_slug,
)
from voting.documents.models import Document
from voting.documents.services import (
    find_document,
    issuable,
    issue_document,
    replace_document,
)
from voting.elections.models import Office
from voting.elections.services import get_election
from voting.errors import AlreadyIssued, InvalidState
from voting.extensions import db
from voting.handovers.services import record_handover


@pytest.fixture(autouse=True)
def _kinds_kept_in_order() -> Iterator[None]:
    """Put KINDS back in its order: monkeypatch re-adds a deleted entry last, which renumbers closing."""
    saved = dict(KINDS)
    yield
    KINDS.clear()
    KINDS.update(saved)


def test_every_kind_has_one_entry_and_one_closes_the_conference() -> None:
    assert set(KINDS) == set(DocumentKind)
    assert closing_kind() is DocumentKind.CONFERENCE_MINUTES
    assert DocumentKind.COUNTING_MINUTES.label == "Biên bản kiểm phiếu"
    assert kind_of_slug("handover") is DocumentKind.HANDOVER_MINUTES
    assert kind_of_slug("minutes") is None  # issued only by closing the conference
    assert kind_of_slug("nothing") is None


@pytest.mark.parametrize("kind", ["review_minutes", "", "COUNTING_MINUTES"])
def test_an_unknown_kind_fails_loudly(kind: str) -> None:
    with pytest.raises(UnknownDocumentKind, match="No entry in KINDS"):
        kind_entry(kind)


def test_a_kind_left_out_of_the_registry_stops_the_import() -> None:
    partial = {kind: entry for kind, entry in KINDS.items() if kind is not DocumentKind.HANDOVER_MINUTES}
    with pytest.raises(UnknownDocumentKind, match="handover_minutes"):
        check_registry(partial)


def test_the_registry_refuses_two_closing_kinds_or_a_shared_slug() -> None:
    counting = KINDS[DocumentKind.COUNTING_MINUTES]
    with pytest.raises(ValueError, match="closes the conference"):
        check_registry(
            {**KINDS, DocumentKind.COUNTING_MINUTES: dataclasses.replace(counting, closes_conference=True)}
        )
    with pytest.raises(ValueError, match="slug"):
        check_registry(
            {**KINDS, DocumentKind.COUNTING_MINUTES: dataclasses.replace(counting, slug="handover")}
        )


def test_replacing_a_document_whose_kind_lost_its_entry_fails_and_keeps_it(
    conference: Conference, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before the registry, a kind not listed was quietly rebuilt as handover minutes."""
    advance(conference, Stage.MINUTES_ISSUED)
    db.session.commit()
    counting = find_document(conference, DocumentKind.COUNTING_MINUTES)
    assert counting is not None
    monkeypatch.delitem(KINDS, DocumentKind.COUNTING_MINUTES)
    with pytest.raises(UnknownDocumentKind, match="counting_minutes"):
        replace_document(counting, reason="Sửa lỗi chính tả", by=conference.chair, now=ENDED_AT)
    db.session.rollback()
    assert [v.version for v in counting.versions] == [1]
    assert not counting.is_replaced and not counting.current_version.is_superseded


def test_issuing_a_kind_without_an_entry_fails_before_numbering(
    conference: Conference, monkeypatch: pytest.MonkeyPatch
) -> None:
    advance(conference, Stage.LEADER_CERTIFIED)
    record_handover(conference, handover_details(conference.chair), by=conference.chair)
    monkeypatch.delitem(KINDS, DocumentKind.HANDOVER_MINUTES)
    with pytest.raises(UnknownDocumentKind, match="handover_minutes"):
        issue_document(conference, DocumentKind.HANDOVER_MINUTES, by=conference.chair, now=ENDED_AT)
    assert conference_documents(conference) == []


def test_a_stored_kind_the_code_does_not_know_fails_when_read(conference: Conference) -> None:
    """The database no longer lists the kinds (a new one needs no migration); reading one fails loudly."""
    advance(conference, Stage.MINUTES_ISSUED)
    minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
    assert minutes is not None
    db.session.commit()
    db.session.execute(
        sa.text("UPDATE documents SET kind = 'review_minutes' WHERE id = :id"), {"id": minutes.id}
    )
    db.session.commit()
    db.session.expire_all()
    with pytest.raises(LookupError, match="review_minutes"):
        db.session.get(Document, minutes.id)
    db.session.rollback()


def test_documents_become_issuable_as_their_prerequisites_hold(conference: Conference) -> None:
    units = check_in_all(conference)
    assert issuable(conference) == []
    with pytest.raises(InvalidState, match="bàn giao"):
        issue_document(conference, DocumentKind.HANDOVER_MINUTES, by=conference.chair, now=ENDED_AT)
    elect_leader(conference, units[1])
    leader = get_election(conference, Office.LEADER)
    assert issuable(conference) == [(DocumentKind.COUNTING_MINUTES, leader)]
    record_handover(conference, handover_details(conference.chair), by=conference.chair)
    assert issuable(conference) == [
        (DocumentKind.COUNTING_MINUTES, leader),
        (DocumentKind.HANDOVER_MINUTES, None),
    ]
    document = issue_document(conference, DocumentKind.HANDOVER_MINUTES, by=conference.chair, now=ENDED_AT)
    assert (document.number, document.filename) == ("01/BB-CTĐ1", "bien-ban-ban-giao-co-ctd1-2016.pdf")
    assert issuable(conference) == [(DocumentKind.COUNTING_MINUTES, leader)]
    with pytest.raises(AlreadyIssued):
        issue_document(
            conference,
            DocumentKind.HANDOVER_MINUTES,
            by=conference.chair,
            now=ENDED_AT + timedelta(minutes=1),
        )


def test_a_kind_is_issued_for_its_subject_only(conference: Conference) -> None:
    advance(conference, Stage.LEADER_CERTIFIED)
    leader = get_election(conference, Office.LEADER)
    with pytest.raises(ValueError, match="per election"):
        issue_document(conference, DocumentKind.COUNTING_MINUTES, by=conference.chair, now=ENDED_AT)
    with pytest.raises(ValueError, match="closing the conference"):
        issue_document(conference, DocumentKind.CONFERENCE_MINUTES, by=conference.chair, now=ENDED_AT)
    document = issue_document(
        conference, DocumentKind.COUNTING_MINUTES, leader, by=conference.chair, now=ENDED_AT
    )
    assert document.filename == "bien-ban-kiem-phieu-cum-truong-ctd1-2016.pdf"
    assert [slot["field"] for slot in document.current_version.slots] == ["truong_ban"]
