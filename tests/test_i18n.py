"""Messages in the reader's language: pages, flashes and refused business rules."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from flask_babel import gettext, refresh
from flask_wtf import FlaskForm

from tests.factories import Site
from tests.helpers import csrf_token, post, text
from voting.errors import InvalidState
from voting.formatting import format_percent
from voting.forms import Form
from voting.i18n import N_, WTFORMS_MESSAGES, WTFormsTranslations, vietnamese


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
        assert gettext(error.template, **error.params) == "Username ct1 is already taken."


def test_console_and_representative_page_in_english(login: Callable[[str], FlaskClient], site: Site) -> None:
    chair = login(site.chair)
    rep = login(site.representatives[0])
    console = text(chair.get(f"/conferences/{site.conference_id}/console?lang=en"))
    assert "Attendance" in console and "No quorum" in console and "Điểm danh" not in console
    page = text(rep.get(f"/conferences/{site.conference_id}?lang=en"))
    assert "Check in my unit" in page and "What to do now" in page


# WTForms' messages and the error pages -----------------------------------------------------------


def test_wtforms_messages_in_the_readers_language(client: FlaskClient, site: Site) -> None:
    empty = {"username": "", "password": ""}
    page = text(client.post("/login?lang=vi", data={**empty, "csrf_token": csrf_token(client, "/login")}))
    assert page.count("Vui lòng điền mục này.") == 2 and "This field is required." not in page
    page = text(client.post("/login?lang=en", data={**empty, "csrf_token": csrf_token(client, "/login")}))
    assert page.count("This field is required.") == 2 and "Vui lòng điền mục này." not in page


def test_every_wtforms_message_has_vietnamese(app: Flask) -> None:
    with app.test_request_context("/?lang=vi"):
        translations = WTFormsTranslations()
        for english, vietnamese in WTFORMS_MESSAGES.items():
            assert translations.gettext(english) == vietnamese
        assert translations.ngettext(
            "Field cannot be longer than %(max)d character.",
            "Field cannot be longer than %(max)d characters.",
            2,
        ) == ("Không được dài quá %(max)d ký tự.")
    with app.test_request_context("/?lang=en"):
        refresh()  # the locale is cached on the app context, which the two requests share
        for english in WTFORMS_MESSAGES:
            translated = WTFormsTranslations().gettext(english)
            assert translated.isascii(), (english, translated)  # an English msgstr, not the msgid


def test_every_form_reads_wtforms_messages_from_the_catalogue(app: Flask) -> None:
    def subclasses(cls: type) -> set[type]:
        return {cls, *(sub for direct in cls.__subclasses__() for sub in subclasses(direct))}

    ours = {form for form in subclasses(FlaskForm) if form.__module__.startswith("voting.")}
    assert len(ours) > 30
    assert not {form.__qualname__ for form in ours if not issubclass(form, Form)}


@pytest.mark.parametrize(
    ("lang", "title", "werkzeug"),
    [("vi", "Không tìm thấy", "The requested URL was not found"), ("en", "Not found", "requested URL")],
)
def test_error_pages_have_no_status_code_nor_werkzeug_text(
    login: Callable[[str], FlaskClient], site: Site, lang: str, title: str, werkzeug: str
) -> None:
    chair = login(site.chair)
    missing = chair.get(f"/no-such-page?lang={lang}")
    page = text(missing)
    assert missing.status_code == 404 and f"<h1>{title}</h1>" in page
    assert "(404)" not in page and werkzeug not in page
    assert 'href="/"' in page  # the next step: the start page
    wrong_method = chair.get("/logout")
    assert wrong_method.status_code == 405 and "(405)" not in text(wrong_method)
    assert "The method is not allowed" not in text(wrong_method)


def test_an_unexpected_failure_is_a_page_in_the_readers_language(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    for lang, words in [("vi", "Lỗi hệ thống"), ("en", "System error")]:
        with app.test_request_context(f"/?lang={lang}"):
            refresh()
            response = app.handle_exception(RuntimeError("boom"))
        page = response.get_data(as_text=True)
        assert response.status_code == 500 and f"<h1>{words}</h1>" in page
        assert "Internal Server Error" not in page and "boom" not in page and "(500)" not in page


def test_numbers_are_written_as_the_readers_language_writes_them(app: Flask) -> None:
    template = "{{ 76083 | number }} · {{ (76083 / 1024) | number(1) }} KB · {{ 5 | percent_of(8) }}%"
    with app.test_request_context("/?lang=vi"):
        refresh()
        assert render_template_string(template) == "76.083 · 74,3 KB · 62,50%"
    with app.test_request_context("/?lang=en"):
        refresh()
        assert render_template_string(template) == "76,083 · 74.3 KB · 62.50%"
    assert format_percent(5, 8) == "62,50"  # what the documents print, whatever the reader's language


def test_a_refusal_translates_the_office_it_names(app: Flask) -> None:
    error = InvalidState(N_("Kết quả bầu %(label)s đã được chứng nhận."), label=N_("Cụm trưởng"))
    with app.test_request_context("/?lang=en"):
        refresh()
        english = error.message_in(gettext)
    assert "Cụm trưởng" not in english and "Leader" in english
    assert error.message_in(vietnamese) == str(error) == "Kết quả bầu Cụm trưởng đã được chứng nhận."
