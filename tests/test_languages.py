"""Every page in Vietnamese reads Vietnamese, and in English reads English, for every role.

The world: the demo's 2016 conference played to its signed minutes, today's conference prepared,
and a factory conference with a round open (the ballot, the round, the live console). Each role's
start page is walked in both languages (``tests/walk.py``); what is not the page's language is
listed with the page it was on, so that one run shows everything left to translate.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask

from tests import walk
from tests.factories import Site, Stage
from tests.helpers import PASSWORD, csrf_token, require_tool, text
from voting.demo import create_demo, create_live_conference, play_demo
from voting.extensions import db

#: the demo's accounts, one of each role (the representatives and counters alike)
DEMO_ROLES = ("chutri", "thuky", "daibieu1", "daibieu2", "kiemphieu1", "luutru", "vanthu", "quantri")


@pytest.fixture
def accounts(app: Flask, make_site: Callable[..., Site]) -> list[str]:
    """Build the world (see the module's docstring) and return the usernames to walk as."""
    require_tool("softhsm2-util", "softhsm2")
    with app.app_context():
        conference, _logins = create_demo()
        play_demo(conference)
        create_live_conference(conference, date.today())
        db.session.commit()
    site = make_site(Stage.ROUND_OPEN)
    return [*DEMO_ROLES, site.chair, site.secretary, site.representatives[0]]


def walk_every_role(app: Flask, accounts: list[str], lang: str) -> dict[str, list[str]]:
    """Walk each account's pages in *lang*, from the login on; return the pages' visible texts by URL."""
    pages: dict[str, list[str]] = {}
    for username in accounts:
        browser = app.test_client()
        login_page = text(browser.get(f"/login?lang={lang}"))
        pages.setdefault("/login", []).append(walk.read_page(login_page, lang)[0])
        form = {"username": username, "password": PASSWORD, "csrf_token": csrf_token(browser, "/login")}
        assert browser.post("/login", data=form).status_code == 302, username
        for url, page in walk.walk(browser, lang):
            pages.setdefault(url, []).append(page)
    return pages


def test_vietnamese_pages_show_no_english(app: Flask, accounts: list[str]) -> None:
    pages = walk_every_role(app, accounts, "vi")
    english = walk.english_texts()
    found = {
        f"{url}: {sorted({e for text in texts for e in walk.english_found(text, english)})}"
        for url, texts in pages.items()
        if any(walk.english_found(text, english) for text in texts)
    }
    werkzeug = {url for url, texts in pages.items() for t in texts for w in walk.WERKZEUG if w in t}
    assert len(pages) > 40
    assert not sorted(found) and not werkzeug, "\n".join(sorted(found) + sorted(werkzeug))
    assert not (internal := internal_names(pages)), internal


def test_english_pages_show_no_vietnamese(app: Flask, accounts: list[str]) -> None:
    pages = walk_every_role(app, accounts, "en")
    with app.app_context():
        data = walk.data_texts()
    found: dict[str, set[str]] = {}  # a phrase in Vietnamese: the pages it is on
    for url, texts in pages.items():
        for page in texts:
            for phrase in walk.vietnamese_phrases(page, data):
                found.setdefault(phrase, set()).add(url)
    assert len(pages) > 40
    assert not found, "\n".join(f"{phrase!r} on {sorted(urls)[:3]}" for phrase, urls in sorted(found.items()))
    assert not (internal := internal_names(pages)), internal


def internal_names(pages: dict[str, list[str]]) -> dict[str, set[str]]:
    """Return the internal names and ISO timestamps each page shows (none should)."""
    shown = {
        url: {name for page in texts for name in walk.INTERNAL.findall(page)}
        for url, texts in pages.items()
        if not walk.RAW_DETAILS.match(url)
    }
    return {url: names for url, names in shown.items() if names}
