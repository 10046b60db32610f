"""The verification link printed on documents: refused while it is a loopback address, outside the demo."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site, Stage, approve_minutes
from tests.helpers import ENDED_AT, confirm, text
from voting.conferences.models import Conference
from voting.documents.archive import conference_documents
from voting.documents.models import DocumentKind
from voting.documents.services import issue_document, issue_minutes, replace_document
from voting.elections.models import Office
from voting.elections.services import get_election
from voting.errors import InvalidState
from voting.extensions import db

MakeConference = Callable[..., Conference]
MakeSite = Callable[..., Site]
LAN = "http://10.0.0.5:5000"


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:5000", "http://localhost:8000/", "http://[::1]:5000"])
def test_minutes_are_not_issued_with_a_loopback_link(make_conference: MakeConference, base_url: str) -> None:
    conference = make_conference(Stage.HANDED_OVER)
    approve_minutes(conference, 8, now=ENDED_AT)
    with pytest.raises(InvalidState, match="PUBLIC_BASE_URL") as refused:
        issue_minutes(
            conference, by=conference.chair, now=ENDED_AT, base_url=base_url, loopback_allowed=False
        )
    assert refused.value.params["url"] == base_url
    assert conference_documents(conference) == [] and not conference.is_ended


def test_a_counting_minutes_and_a_replacement_are_refused_too(make_conference: MakeConference) -> None:
    conference = make_conference(Stage.LEADER_CERTIFIED)
    election = get_election(conference, Office.LEADER)
    with pytest.raises(InvalidState, match="PUBLIC_BASE_URL"):
        issue_document(
            conference, DocumentKind.COUNTING_MINUTES, election, by=conference.chair, now=ENDED_AT,
            base_url="http://127.0.0.1:5000", loopback_allowed=False,
        )  # fmt: skip
    assert conference_documents(conference) == []
    document = issue_document(
        conference, DocumentKind.COUNTING_MINUTES, election, by=conference.chair, now=ENDED_AT,
        base_url=LAN, loopback_allowed=False,
    )  # fmt: skip
    assert document.current_version.data_json.count(f"{LAN}/verify/") == 1
    with pytest.raises(InvalidState, match="PUBLIC_BASE_URL"):
        replace_document(
            document, reason="Sai tên đơn vị", by=conference.chair, now=ENDED_AT,
            base_url="http://127.0.0.1:5000", loopback_allowed=False,
        )  # fmt: skip
    assert not document.is_replaced and len(conference_documents(conference)) == 1


def test_a_lan_address_or_the_demo_may_issue(make_conference: MakeConference) -> None:
    conference = make_conference(Stage.HANDED_OVER)
    approve_minutes(conference, 8, now=ENDED_AT)
    minutes = issue_minutes(conference, by=conference.chair, now=ENDED_AT, loopback_allowed=True)
    assert "http://127.0.0.1:5000/verify/" in minutes.current_version.data_json  # the demo's default


def test_the_chair_is_told_why_nothing_was_issued(
    app: Flask, make_site: MakeSite, login: Callable[[str], FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "LOOPBACK_LINKS_ALLOWED", False)  # as a deployment runs
    site = make_site(Stage.HANDED_OVER)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        approve_minutes(conference, 8, now=ENDED_AT)
        db.session.commit()
    chair = login(site.chair)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    refused = confirm(chair, f"/conferences/{site.conference_id}/minutes", follow_redirects=True)
    assert "Chưa thể phát hành văn bản" in text(refused) and "http://127.0.0.1:5000" in text(refused)
    annex = confirm(chair, f"/conferences/{site.conference_id}/documents/counting/leader")
    assert annex.status_code == 409 and "PUBLIC_BASE_URL" in text(annex)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None and conference_documents(conference) == [] and not conference.is_ended

    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", LAN)
    issued = confirm(chair, f"/conferences/{site.conference_id}/minutes", follow_redirects=True)
    assert "Đã phát hành biên bản hội nghị" in text(issued)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        versions = [document.current_version for document in conference_documents(conference)]
        assert versions and all(f"{LAN}/verify/{v.verify_code}" in v.data_json for v in versions)
