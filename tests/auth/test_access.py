"""Logging in, roles on routes, CSRF and the secret key."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site
from tests.helpers import PASSWORD, csrf_token, post, text
from voting import create_app


def test_anonymous_is_sent_to_login(client: FlaskClient, site: Site) -> None:
    conference = f"/conferences/{site.conference_id}"
    for url in (conference, f"{conference}/console", "/archive"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_wrong_password_is_refused_with_a_message(client: FlaskClient, site: Site) -> None:
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": site.chair, "password": "wrong", "csrf_token": token})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in text(response)


def test_login_does_not_redirect_off_site(client: FlaskClient, site: Site) -> None:
    token = csrf_token(client, "/login")
    data = {"username": site.archivist, "password": PASSWORD, "csrf_token": token}
    response = client.post("/login?next=//evil.example/x", data=data)
    assert response.headers["Location"] == "/"


def test_post_without_csrf_token_is_400(login: Callable[[str], FlaskClient], site: Site) -> None:
    rep = login(site.representatives[0])
    response = rep.post(f"/conferences/{site.conference_id}/check-in")
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in text(response)
    assert "Đơn vị chưa điểm danh" in text(rep.get(f"/conferences/{site.conference_id}"))


def test_representative_cannot_open_or_close_rounds(login: Callable[[str], FlaskClient], site: Site) -> None:
    rep = login(site.representatives[1])
    assert post(rep, f"/conferences/{site.conference_id}/elections/leader/rounds").status_code == 403
    assert post(rep, "/rounds/1/close").status_code in (403, 404)
    assert rep.get(f"/conferences/{site.conference_id}/console").status_code == 403
    assert post(rep, f"/conferences/{site.conference_id}/minutes", {"approvals": 8}).status_code == 403


def test_archivist_cannot_vote_or_check_in(login: Callable[[str], FlaskClient], site: Site) -> None:
    archivist = login(site.archivist)
    assert post(archivist, f"/conferences/{site.conference_id}/check-in").status_code == 403
    assert archivist.get(f"/conferences/{site.conference_id}").status_code == 403
    assert post(archivist, "/rounds/1/cast", {"choice": "blank"}).status_code in (403, 404)


def test_secretary_sees_console_but_cannot_act(login: Callable[[str], FlaskClient], site: Site) -> None:
    secretary = login(site.secretary)
    page = secretary.get(f"/conferences/{site.conference_id}/console")
    assert page.status_code == 200 and "Điểm danh" in text(page)
    assert post(secretary, f"/conferences/{site.conference_id}/elections/leader/rounds").status_code == 403


def test_session_cookie_is_httponly_and_lax(app: Flask, client: FlaskClient, site: Site) -> None:
    client.get("/login")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_logout_ends_the_session(login: Callable[[str], FlaskClient], site: Site) -> None:
    chair = login(site.chair)
    assert chair.get(f"/conferences/{site.conference_id}/console").status_code == 200
    post(chair, "/logout")
    assert chair.get(f"/conferences/{site.conference_id}/console").status_code == 302


def test_unknown_pages_are_404_not_500(login: Callable[[str], FlaskClient], site: Site) -> None:
    chair = login(site.chair)
    assert chair.get("/conferences/999999/console").status_code == 404
    assert post(chair, "/rounds/999999/close").status_code == 404
    assert post(chair, f"/conferences/{site.conference_id}/elections/president/rounds").status_code == 400
    assert chair.get("/documents/999999/download").status_code == 404


@pytest.mark.parametrize("key", ["", "dev", "short"])
def test_refuses_to_start_without_a_real_secret_key(
    key: str, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
