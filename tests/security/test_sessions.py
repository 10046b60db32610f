"""Session renewal at login, logout that ends the session on the server, password rules and change."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site
from tests.helpers import PASSWORD, csrf_token, post, text
from voting.auth.models import LoginSession, User
from voting.auth.services import check_password_rules
from voting.errors import InvalidState
from voting.extensions import db

NEW_PASSWORD = "Cờ-luân-lưu-2017!"


def _cookie(browser: FlaskClient) -> str:
    cookie = browser.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app: Flask, cookie: str) -> FlaskClient:
    """Return a fresh client carrying a copied session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def test_login_renews_the_session(client: FlaskClient, site: Site) -> None:
    token = csrf_token(client, "/login")
    with client.session_transaction() as before:
        before["planted"] = "by an attacker"
    planted = _cookie(client)
    response = client.post("/login", data={"username": site.chair, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert _cookie(client) != planted
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after.get("sid")


def test_logout_ends_the_session_on_the_server(
    app: Flask, login: Callable[[str], FlaskClient], site: Site
) -> None:
    chair = login(site.chair)
    console = f"/conferences/{site.conference_id}/console"
    stolen = _cookie(chair)
    assert _replay(app, stolen).get(console).status_code == 200
    assert post(chair, "/logout").status_code == 302
    assert chair.get(console).status_code == 302
    replayed = _replay(app, stolen).get(console)
    assert replayed.status_code == 302 and replayed.headers["Location"].startswith("/login")
    with app.app_context():
        sessions = db.session.scalars(sa.select(LoginSession)).all()
        assert len(sessions) == 1 and sessions[0].ended_at is not None


def test_two_browsers_have_separate_sessions(login: Callable[[str], FlaskClient], site: Site) -> None:
    first, second = login(site.chair), login(site.chair)
    post(first, "/logout")
    assert second.get(f"/conferences/{site.conference_id}/console").status_code == 200


def test_change_password_logs_other_browsers_out(
    app: Flask, login: Callable[[str], FlaskClient], site: Site
) -> None:
    here, elsewhere = login(site.secretary), login(site.secretary)
    response = post(here, "/password", {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    console = f"/conferences/{site.conference_id}/console"
    assert here.get(console).status_code == 200
    assert elsewhere.get(console).status_code == 302
    fresh = app.test_client()
    token = csrf_token(fresh, "/login")
    form = {"username": site.secretary, "csrf_token": token}
    old = fresh.post("/login", data={**form, "password": PASSWORD})
    assert old.status_code == 200
    new = fresh.post("/login", data={**form, "password": NEW_PASSWORD})
    assert new.status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong-password", NEW_PASSWORD, NEW_PASSWORD, "Mật khẩu hiện tại không đúng"),
        (PASSWORD, "short", "short", "ít nhất 8 ký tự"),
        (PASSWORD, "password1", "password1", "quá dễ đoán"),
        (PASSWORD, "thuky", "thuky", "ít nhất 8 ký tự"),
        (PASSWORD, "aaaaaaaaaaaa", "aaaaaaaaaaaa", "quá dễ đoán"),
        (PASSWORD, PASSWORD, PASSWORD, "phải khác mật khẩu hiện tại"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "không khớp"),
        (PASSWORD, "mật\u200bkhẩu-rất-dài", "mật\u200bkhẩu-rất-dài", "ký tự ẩn"),
    ],
)
def test_change_password_refusals_say_why_and_change_nothing(
    app: Flask,
    login: Callable[[str], FlaskClient],
    site: Site,
    current: str,
    new: str,
    confirm: str,
    message: str,
) -> None:
    hash_of_secretary = sa.select(User.password_hash).where(User.username == site.secretary)
    with app.app_context():
        before = db.session.scalar(hash_of_secretary)
    response = post(login(site.secretary), "/password", {"current": current, "new": new, "confirm": confirm})
    assert response.status_code == 200
    assert message in text(response)
    with app.app_context():
        assert db.session.scalar(hash_of_secretary) == before


def test_password_rules() -> None:
    check_password_rules("Cờ luân lưu 2017", username="chutri")
    for weak, username in (
        ("chutri12", "chutri12"),
        ("CHUTRI12", "chutri12"),
        ("x" * 257, "u"),
        ("ab\x00cdefgh", "u"),
    ):
        with pytest.raises(InvalidState):
            check_password_rules(weak, username=username)


def test_change_password_needs_login(client: FlaskClient, site: Site) -> None:
    response = client.get("/password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
