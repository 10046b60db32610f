"""Lists a page at a time, and pages whose cost does not grow with their size (no query per row)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from bench.province import clone_documents
from tests.api.test_api import check
from tests.factories import Site, Stage
from tests.helpers import statements
from voting.extensions import db

PATH = "/api/v1/documents"


@pytest.fixture
def province(app: Flask, make_site: Callable[..., Site]) -> Site:
    """A played conference's 4 documents copied in bulk into 60, over 15 conferences of new clusters."""
    site = make_site(Stage.MINUTES_ISSUED)
    with app.app_context():
        clone_documents(site.conference_id, 56)
        db.session.commit()
    return site


def _statements(app: Flask, browser: FlaskClient, path: str) -> tuple[int, bytes]:
    """Return how many SQL statements one GET runs, and its body."""
    with app.app_context():
        engine = db.engine
    browser.get(path)  # the first request of a client loads what later ones find cached
    with statements(engine) as seen:
        reply = browser.get(path)
    assert reply.status_code == 200, path
    return len(seen), reply.data


def test_the_api_lists_documents_a_page_at_a_time(
    login: Callable[[str], FlaskClient], province: Site
) -> None:
    archivist = login(province.archivist)
    first = check(archivist.get(PATH), PATH)  # a client that knows no pages reads the first one
    assert len(first["documents"]) == 50 and first["page"] == 1 and first["previous"] is None
    seen, url = [], f"{PATH}?per_page=25"
    while url:
        page = check(archivist.get(url), PATH)
        seen += [d["id"] for d in page["documents"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 60 and page["page"] == 3 and len(page["documents"]) == 10
    assert page["previous"] == f"{PATH}?per_page=25&page=2"
    filtered = check(archivist.get(f"{PATH}?year=1950&per_page=2"), PATH)
    assert filtered["next"] == f"{PATH}?year=1950&per_page=2&page=2"
    for wrong in ("per_page=0", "per_page=201", "per_page=x", "page=0", "page=-1", "page=1.5"):
        reply = archivist.get(f"{PATH}?{wrong}")
        assert reply.status_code == 400 and check(reply, PATH)["error"], wrong
    chain = f"/api/v1/clusters/{province.cluster_id}/flag-holders"
    one = check(archivist.get(f"{chain}?per_page=1"), "/api/v1/clusters/{cluster_id}/flag-holders")
    assert len(one["handovers"]) == 1 and one["next"] is None
    listed = check(archivist.get("/api/v1/conferences?per_page=4"), "/api/v1/conferences")
    assert len(listed["conferences"]) == 4 and listed["next"] == "/api/v1/conferences?per_page=4&page=2"


def test_the_api_and_archive_pages_run_as_many_statements_for_5_rows_as_for_50(
    app: Flask, login: Callable[[str], FlaskClient], province: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each row's versions, files, election and replacements load in bulk: no query per row."""
    archivist = login(province.archivist)
    api = {size: _statements(app, archivist, f"{PATH}?per_page={size}") for size in (5, 50)}
    assert [body.count(b'"sha256"') for _, body in api.values()] == [5, 50]
    assert api[5][0] == api[50][0] <= 8
    pages = {}
    for size in (5, 50):
        monkeypatch.setattr("voting.documents.routes.ARCHIVE_PAGE_SIZE", size)
        pages[size] = _statements(app, archivist, "/archive")
    assert [body.count(b'<code class="hash">') for _, body in pages.values()] == [5, 50]
    assert pages[5][0] == pages[50][0] <= 9
    searched = _statements(app, archivist, "/archive?text=Tham+mưu")  # the full-text search adds none
    assert searched[0] == pages[50][0] and searched[1].count(b'<code class="hash">') > 5


def test_the_conference_list_is_filtered_and_paged_in_sql(
    app: Flask, login: Callable[[str], FlaskClient], province: Site
) -> None:
    """Who may see which conference is the query's condition: a page loads its own rows, never all."""
    archivist, representative = login(province.archivist), login(province.representatives[1])
    sizes = {size: _statements(app, archivist, f"/api/v1/conferences?per_page={size}") for size in (2, 10)}
    assert [body.count(b'"year"') for _, body in sizes.values()] == [2, 10]
    assert sizes[2][0] == sizes[10][0] <= 3
    with app.app_context():
        engine = db.engine
    with statements(engine) as seen:
        mine = check(representative.get("/api/v1/conferences"), "/api/v1/conferences")
    assert [c["id"] for c in mine["conferences"]] == [province.conference_id]
    (listing,) = [sql for sql in seen if "FROM conferences" in sql]
    assert "conferences.cluster_id = " in listing and "LIMIT" in listing  # its own cluster's, one page
