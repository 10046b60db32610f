"""The secretary's page for the minutes: autosave in JSON, plain submit, delegates, and who may do what."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site
from tests.helpers import csrf_token
from voting.conferences.models import Conference, Delegate
from voting.conferences.notes import MAX_NOTE
from voting.extensions import db

Login = Callable[[str], FlaskClient]
JSON = {"Accept": "application/json"}


def notes_url(site: Site) -> str:
    return f"/conferences/{site.conference_id}/notes"


def texts(app: Flask, site: Site) -> tuple[str, str, str]:
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        return conference.report_summary, conference.discussion, conference.conclusions


def delegate_ids(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Delegate.id)))


def form(browser: FlaskClient, site: Site, **data: str) -> dict[str, str]:
    fields = {"report": "", "discussion": "", "conclusions": ""} | data
    return fields | {"csrf_token": csrf_token(browser, notes_url(site))}


def test_the_secretary_sees_the_form_and_its_script(site: Site, login: Login) -> None:
    html = login(site.secretary).get(notes_url(site)).get_data(as_text=True)
    assert "data-autosave" in html and "notes.js" in html and 'name="conclusions"' in html


def test_autosave_answers_json_and_stores_the_texts(app: Flask, site: Site, login: Login) -> None:
    browser = login(site.secretary)
    response = browser.post(
        notes_url(site), data=form(browser, site, discussion="Ý kiến 1\nÝ kiến 2"), headers=JSON
    )
    assert response.status_code == 200 and "Đã lưu lúc" in response.get_json()["saved"]
    assert texts(app, site) == ("", "Ý kiến 1\nÝ kiến 2", "")  # the form sends all three


def test_a_plain_submit_saves_and_redirects(app: Flask, site: Site, login: Login) -> None:
    browser = login(site.secretary)
    response = browser.post(notes_url(site), data=form(browser, site, conclusions="Kết luận."))
    assert response.status_code == 302 and response.headers["Location"].endswith(notes_url(site))
    assert texts(app, site)[2] == "Kết luận."


def test_over_long_text_is_a_form_error_not_a_500(app: Flask, site: Site, login: Login) -> None:
    before = texts(app, site)
    browser = login(site.secretary)
    data = form(browser, site, report="x" * (MAX_NOTE + 1), discussion="giữ lại")
    assert browser.post(notes_url(site), data=data, headers=JSON).status_code == 400
    page = browser.post(notes_url(site), data=data)
    assert page.status_code == 400 and "giữ lại" in page.get_data(as_text=True)
    assert texts(app, site) == before


def test_without_csrf_nothing_is_saved(app: Flask, site: Site, login: Login) -> None:
    browser = login(site.secretary)
    response = browser.post(notes_url(site), data={"discussion": "x"}, headers=JSON)
    assert response.status_code == 400 and texts(app, site)[1] == ""


def test_the_chair_reads_but_does_not_write(app: Flask, site: Site, login: Login) -> None:
    chair = login(site.chair)
    html = chair.get(notes_url(site)).get_data(as_text=True)
    assert "data-autosave" not in html
    token = csrf_token(chair, notes_url(site))
    response = chair.post(notes_url(site), data={"discussion": "x", "csrf_token": token})
    assert response.status_code == 403 and texts(app, site)[1] == ""
    assert login(site.representatives[0]).get(notes_url(site)).status_code == 403


def test_the_secretary_adds_and_removes_a_delegate(app: Flask, site: Site, login: Login) -> None:
    browser = login(site.secretary)
    url = f"/conferences/{site.conference_id}/delegates"
    data = {"unit": str(site.units[2]), "full_name": "Lê Văn Bình", "title": "Phó trưởng phòng"}
    response = browser.post(url, data=data | {"csrf_token": csrf_token(browser, notes_url(site))})
    assert response.status_code == 302
    assert "Lê Văn Bình, Phó trưởng phòng" in browser.get(notes_url(site)).get_data(as_text=True)
    again = browser.post(url, data=data | {"csrf_token": csrf_token(browser, notes_url(site))})
    assert again.status_code == 409 and "đã có trong danh sách" in again.get_data(as_text=True)
    (delegate_id,) = delegate_ids(app)
    remove = f"{url}/{delegate_id}/delete"
    assert browser.post(remove, data={"csrf_token": csrf_token(browser, notes_url(site))}).status_code == 302
    assert delegate_ids(app) == []


def test_a_unit_not_in_the_cluster_is_a_form_error(app: Flask, site: Site, login: Login) -> None:
    browser = login(site.secretary)
    data = {"unit": "999999", "full_name": "Lê Văn Bình", "csrf_token": csrf_token(browser, notes_url(site))}
    response = browser.post(f"/conferences/{site.conference_id}/delegates", data=data)
    assert response.status_code == 400
    assert delegate_ids(app) == []
