"""Messages in the reader's language: pages, flashes and refused business rules."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site
from tests.helpers import post, text
from voting.errors import InvalidState
from voting.i18n import N_


def test_english_on_request_and_remembered(client: FlaskClient, site: Site) -> None:
    assert "Đăng nhập" in text(client.get("/login"))
    page = text(client.get("/login?lang=en"))
    assert "<h1>Log in</h1>" in page and 'lang="en"' in page
    assert "<h1>Log in</h1>" in text(client.get("/login"))
    assert "<h1>Đăng nhập</h1>" in text(client.get("/login?lang=vi"))


def test_anonymous_redirect_flash_is_translated(client: FlaskClient, site: Site) -> None:
    client.get("/login?lang=en")
    page = text(client.get(f"/conferences/{site.conference_id}/console", follow_redirects=True))
    assert "Please log in to continue." in page


def test_error_pages_speak_the_readers_language(login: Callable[[str], FlaskClient], site: Site) -> None:
    chair = login(site.chair)
    chair.get("/?lang=en")
    assert "Not found" in text(chair.get("/conferences/999999/console"))
    refused = post(chair, f"/conferences/{site.conference_id}/elections/leader/rounds")
    assert refused.status_code == 409 and "Cannot be done" in text(refused)
    assert "Too few units present: 0/8, at least 6 are needed (2/3)." in text(refused)
    chair.get("/?lang=vi")
    again = text(post(chair, f"/conferences/{site.conference_id}/elections/leader/rounds"))
    assert "Chưa đủ số đơn vị tham dự: có 0/8 đơn vị, cần ít nhất 6 (2/3)." in again


def test_domain_errors_carry_a_template_and_values(app: Flask) -> None:
    error = InvalidState(N_("Tên đăng nhập %(username)s đã được dùng."), username="ct1")
    assert str(error) == "Tên đăng nhập ct1 đã được dùng."
    with app.test_request_context("/?lang=en"):
        from flask_babel import gettext

        assert gettext(error.template, **error.params) == "Username ct1 is already taken."


def test_console_and_representative_page_in_english(login: Callable[[str], FlaskClient], site: Site) -> None:
    chair = login(site.chair)
    rep = login(site.representatives[0])
    console = text(chair.get(f"/conferences/{site.conference_id}/console?lang=en"))
    assert "Attendance" in console and "No quorum" in console and "Điểm danh" not in console
    page = text(rep.get(f"/conferences/{site.conference_id}?lang=en"))
    assert "Check in my unit" in page and "What to do now" in page
