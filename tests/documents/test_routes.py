"""Documents through the web: issuing annexes during the conference, searching, the ZIP, replacements."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site, Stage, handover_details
from tests.helpers import confirm, post, text
from voting.conferences.models import Conference
from voting.crypto.verifier import verify_record
from voting.documents.models import Document, DocumentKind
from voting.documents.services import find_document
from voting.elections.models import Office
from voting.extensions import db
from voting.handovers.services import record_handover

MakeSite = Callable[..., Site]


def test_chair_issues_the_counting_minutes_during_the_conference(
    app: Flask, make_site: MakeSite, login: Callable[[str], FlaskClient]
) -> None:
    site = make_site(Stage.LEADER_CERTIFIED)
    chair = login(site.chair)
    page = text(chair.get(f"/conferences/{site.conference_id}/documents"))
    action = f"/conferences/{site.conference_id}/documents/counting/leader"
    assert action in page and "documents/handover" not in page
    issued = confirm(chair, action, follow_redirects=True)
    assert "Đã phát hành Biên bản kiểm phiếu số 01/BB-CTĐ1" in text(issued)
    assert action not in text(issued)  # issued once
    again = confirm(chair, action)
    assert again.status_code == 409
    assert login(site.representatives[0]).post(action).status_code in (400, 403)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        document = find_document(conference, DocumentKind.COUNTING_MINUTES)
        assert document is not None and document.election is not None
        assert document.election.office is Office.LEADER and not document.current_version.is_signed


def test_chair_issues_the_handover_minutes_and_only_kinds_issued_alone(
    app: Flask, make_site: MakeSite, login: Callable[[str], FlaskClient]
) -> None:
    site = make_site(Stage.LEADER_CERTIFIED)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        record_handover(conference, handover_details(conference.chair), by=conference.chair)
        db.session.commit()
    chair = login(site.chair)
    base = f"/conferences/{site.conference_id}/documents"
    page = text(chair.get(base))
    assert f"{base}/counting/leader" in page and f"{base}/handover" in page
    issued = text(confirm(chair, f"{base}/handover", follow_redirects=True))
    assert "Đã phát hành Biên bản bàn giao cờ luân lưu số 01/BB-CTĐ1" in issued
    assert f"{base}/handover" not in issued and f"{base}/counting/leader" in issued
    # The conference minutes close the conference (with the approval vote); other URLs name no kind.
    for url in (f"{base}/minutes", f"{base}/handover/leader", f"{base}/counting", f"{base}/review"):
        assert post(chair, url).status_code == 404, url
    assert post(chair, f"{base}/counting/president").status_code == 400


def test_archivist_searches_downloads_and_exports(
    make_site: MakeSite, login: Callable[[str], FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(Stage.SIGNED)
    archivist = login(site.archivist)
    handovers = text(archivist.get("/archive?kind=handover_minutes"))
    assert "03/BB-CTĐ1" in handovers and "04/BB-CTĐ1" not in handovers
    found = text(archivist.get("/archive?text=Hoàng+Quốc+Việt&year=2016"))
    assert "03/BB-CTĐ1" in found and "04/BB-CTĐ1" in found and "01/BB-CTĐ1" not in found
    assert "Không có tài liệu" in text(archivist.get("/archive?unit=Phòng+Không+Có"))
    assert "Đã ký đủ" in handovers
    zipped = archivist.get(f"/conferences/{site.conference_id}/archive.zip")
    assert zipped.status_code == 200 and zipped.mimetype == "application/zip"
    data = zipfile.ZipFile(io.BytesIO(zipped.data))
    sums = dict(reversed(line.split("  ", 1)) for line in data.read("SHA256SUMS").decode().splitlines())
    assert len(sums) == 8 and {"data.json", "audit-head.json", "election-record.json", "verifier.pyz"} <= set(
        sums
    )
    assert all(hashlib.sha256(data.read(name)).hexdigest() == digest for name, digest in sums.items())
    record = json.loads(data.read("election-record.json"))  # what the minutes' fingerprint names
    assert verify_record(record) and len(record["rounds"]) == 2  # the leader and the deputy rounds
    representative = login(site.representatives[0])
    assert representative.get(f"/conferences/{site.conference_id}/archive.zip").status_code == 403

    # The archive pages its list, keeping the filters.
    monkeypatch.setattr("voting.documents.routes.ARCHIVE_PAGE_SIZE", 3)
    first = text(archivist.get("/archive?year=2016"))
    assert first.count('<code class="hash">') == 3
    assert 'rel="next" href="/archive?year=2016&amp;page=2"' in first
    second = text(archivist.get("/archive?year=2016&page=2"))
    assert second.count('<code class="hash">') == 1 and 'rel="prev"' in second and 'rel="next"' not in second
    # url_for's own options in the query string don't reach the links (or fail the page).
    for options in ("_external=1&_scheme=javascript", "_method=POST", "_scheme=https"):
        page = archivist.get(f"/archive?year=2016&{options}")
        assert page.status_code == 200 and 'rel="next" href="/archive?year=2016&amp;page=2"' in text(page)


def test_secretary_replaces_the_minutes_with_a_reason(
    app: Flask, make_site: MakeSite, login: Callable[[str], FlaskClient]
) -> None:
    site = make_site(Stage.SIGNED)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
        assert minutes is not None
        minutes_id, old_sha, old_number = minutes.id, minutes.sha256, minutes.number
        old_code = minutes.current_version.verify_code
    secretary = login(site.secretary)
    refused = confirm(secretary, f"/documents/{minutes_id}/replace", {"reason": "x"}, follow_redirects=True)
    assert "Cần ghi rõ lý do" in text(refused)
    done = confirm(
        secretary,
        f"/documents/{minutes_id}/replace",
        {"reason": "Sửa chức danh thư ký"},
        follow_redirects=True,
    )
    page = text(done)
    assert f"thay thế văn bản số {old_number}" in page and "Đã bị thay thế" in page
    assert "Sửa chức danh thư ký" in page
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        new = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
        assert new is not None and new.id != minutes_id and new.replaces_id == minutes_id
        assert new.number != old_number and new.current_version.next_slot is not None  # signed anew
        old = db.session.get(Document, minutes_id)
        assert old is not None and old.is_replaced and old.sha256 == old_sha
        new_id, new_number, new_code = new.id, new.number, new.current_version.verify_code
    # the QR link of the old document says it was replaced, and by which; the new one names the old
    verify_old = text(app.test_client().get(f"/verify/{old_code}"))
    assert f"Đã bị thay thế bởi Biên bản hội nghị số {new_number}" in verify_old
    verify_new = text(app.test_client().get(f"/verify/{new_code}"))
    assert f"Thay thế Biên bản hội nghị số {old_number}" in verify_new
    # the old one stays downloadable
    archivist = login(site.archivist)
    assert archivist.get(f"/documents/{minutes_id}/download").headers["X-Content-SHA256"] == old_sha
    listing = text(archivist.get("/archive"))
    assert f"Đã bị thay thế bởi Biên bản hội nghị số {new_number}" in listing
    assert f"Thay thế Biên bản hội nghị số {old_number}" in listing
    api = archivist.get(f"/api/v1/documents/{minutes_id}").get_json()
    assert api["status"] == "replaced" and api["replaced_by"]["id"] == new_id
    assert archivist.get(f"/api/v1/documents/{new_id}").get_json()["replaces"]["number"] == old_number
    # the register lists both numbers, linked from the archive, and exports them as CSV
    assert 'href="/register"' in listing
    register_page = text(archivist.get(f"/register?cluster={site.cluster_id}&year=2016"))
    assert old_number in register_page and new_number in register_page
    assert f"Thay thế số {old_number}: Sửa chức danh thư ký" in register_page
    exported = archivist.get(f"/register.csv?cluster={site.cluster_id}&year=2016")
    assert (
        exported.mimetype == "text/csv"
        and "so-dang-ky-van-ban-di-2016.csv" in exported.headers["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).removeprefix("\ufeff"))))
    assert [row[2] for row in rows[1:]][-2:] == [old_number, new_number] and len(rows) == 6
    assert archivist.get("/register.csv?year=abc").status_code == 400
    assert secretary.get("/register").status_code == 403
