"""Access that should end does: every login session and API token of an account, when its password
changes or is reset, when it is disabled, or when its role changes; tokens also expire."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site
from tests.helpers import PASSWORD, PREPARED_AT, post, text
from voting.auth.models import ApiToken, Role, User
from voting.auth.services import create_user
from voting.auth.tokens import MAX_TOKEN_DAYS, create_token, user_for_token
from voting.errors import InvalidState
from voting.extensions import db

NEW_PASSWORD = "Cờ-luân-lưu-2017!"


def _token(app: Flask, username: str) -> dict[str, str]:
    """Create an API token through the CLI; return the header that carries it."""
    result = app.test_cli_runner().invoke(args=["admin", "create-token", username, "--name", "bảng tin"])
    assert result.exit_code == 0, result.output
    return {"Authorization": f"Bearer {result.output.strip().splitlines()[-1]}"}


def _user_id(app: Flask, username: str) -> int:
    with app.app_context():
        found = db.session.scalar(sa.select(User.id).where(User.username == username))
        assert found is not None
        return found


def _is_logged_out(browser: FlaskClient) -> bool:
    response = browser.get("/password")
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_own_password_change_ends_the_tokens_and_other_sessions(
    app: Flask, login: Callable[[str], FlaskClient], site: Site
) -> None:
    here, elsewhere = login(site.secretary), login(site.secretary)
    bearer = _token(app, site.secretary)
    assert here.get("/api/v1/conferences", headers=bearer).status_code == 200
    response = post(here, "/password", {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert not _is_logged_out(here)  # the browser that changed it stays in
    assert _is_logged_out(elsewhere)
    assert app.test_client().get("/api/v1/conferences", headers=bearer).status_code == 401


@pytest.mark.parametrize("action", ["reset-password", "toggle", "role"])
def test_an_administrators_action_ends_every_session_and_token(
    app: Flask, login: Callable[[str], FlaskClient], site: Site, action: str
) -> None:
    browser = login(site.secretary)
    bearer = _token(app, site.secretary)
    admin = login(site.admin)
    account_id = _user_id(app, site.secretary)
    data = {"role": "archivist"} if action == "role" else None
    assert post(admin, f"/admin/users/{account_id}/{action}", data).status_code in (200, 302)
    assert _is_logged_out(browser)
    assert app.test_client().get("/api/v1/conferences", headers=bearer).status_code == 401
    assert not _is_logged_out(admin)


def test_a_role_change_to_the_same_role_ends_nothing(
    app: Flask, login: Callable[[str], FlaskClient], site: Site
) -> None:
    browser = login(site.secretary)
    admin = login(site.admin)
    post(admin, f"/admin/users/{_user_id(app, site.secretary)}/role", {"role": "secretary"})
    assert not _is_logged_out(browser)


def test_a_reset_password_is_shown_and_works(
    app: Flask, login: Callable[[str], FlaskClient], site: Site
) -> None:
    admin = login(site.admin)
    page = post(admin, f"/admin/users/{_user_id(app, site.secretary)}/reset-password").get_data(as_text=True)
    password = re.search(r'class="code">([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})<', page)
    assert password


def test_tokens_expire(app: Flask) -> None:
    with app.app_context():
        owner = create_user("bangtin", PASSWORD, full_name="Bảng tin", role=Role.ARCHIVIST)
        record, token = create_token(owner, "bảng tin", now=PREPARED_AT, days=30)
        assert record.expires_at == PREPARED_AT + timedelta(days=30)
        assert user_for_token(token, now=PREPARED_AT + timedelta(days=29)) == owner
        assert user_for_token(token, now=PREPARED_AT + timedelta(days=30)) is None
        for days in (0, MAX_TOKEN_DAYS + 1):
            with pytest.raises(InvalidState):
                create_token(owner, "bảng tin", now=PREPARED_AT, days=days)
        db.session.rollback()


def test_the_owner_lists_and_revokes_only_their_own_tokens(
    app: Flask, login: Callable[[str], FlaskClient], site: Site
) -> None:
    mine, theirs = _token(app, site.secretary), _token(app, site.chair)
    with app.app_context():
        ids = {t.user.username: t.id for t in db.session.scalars(sa.select(ApiToken))}
    secretary = login(site.secretary)
    page = text(secretary.get("/tokens"))
    assert "bảng tin" in page and "Đang dùng" in page
    assert post(secretary, f"/tokens/{ids[site.chair]}/revoke").status_code == 404
    assert post(secretary, f"/tokens/{ids[site.secretary]}/revoke").status_code == 302
    assert "Đã thu hồi" in text(secretary.get("/tokens"))
    client = app.test_client()
    assert client.get("/api/v1/conferences", headers=mine).status_code == 401
    assert client.get("/api/v1/conferences", headers=theirs).status_code == 200


def test_the_administrator_sees_and_ends_an_accounts_access(
    app: Flask, login: Callable[[str], FlaskClient], site: Site
) -> None:
    first, second = _token(app, site.chair), _token(app, site.chair)
    chair = login(site.chair)
    admin = login(site.admin)
    chair_id = _user_id(app, site.chair)
    assert f"/admin/users/{chair_id}/access" in text(admin.get("/admin/users"))
    page = text(admin.get(f"/admin/users/{chair_id}/access"))
    assert "Số trình duyệt đang đăng nhập: 1." in page and page.count("Thu hồi") == 2
    with app.app_context():
        token_id = db.session.scalars(sa.select(ApiToken.id).order_by(ApiToken.id)).first()
    assert post(admin, f"/admin/tokens/{token_id}/revoke").status_code == 302
    client = app.test_client()
    assert client.get("/api/v1/conferences", headers=first).status_code == 401
    assert client.get("/api/v1/conferences", headers=second).status_code == 200
    assert not _is_logged_out(chair)
    assert post(admin, f"/admin/users/{chair_id}/end-access").status_code == 302
    assert client.get("/api/v1/conferences", headers=second).status_code == 401
    assert _is_logged_out(chair)


def test_the_cli_lists_revokes_and_ends_access(
    app: Flask, login: Callable[[str], FlaskClient], site: Site
) -> None:
    runner = app.test_cli_runner()
    created = runner.invoke(args=["admin", "create-token", site.chair, "--name", "bảng tin", "--days", "7"])
    assert created.exit_code == 0 and "hết hạn" in created.output
    bearer = {"Authorization": f"Bearer {created.output.strip().splitlines()[-1]}"}
    refused = runner.invoke(args=["admin", "create-token", site.chair, "--name", "x", "--days", "9999"])
    assert refused.exit_code != 0 and "730" in refused.output
    listed = runner.invoke(args=["admin", "list-tokens", site.chair])
    number = re.search(r"#(\d+)\t" + re.escape(site.chair) + r"\tbảng tin\t.*\tđang dùng", listed.output)
    assert number, listed.output
    assert runner.invoke(args=["admin", "revoke-token", number.group(1)]).exit_code == 0
    assert "đã thu hồi" in runner.invoke(args=["admin", "list-tokens"]).output
    assert app.test_client().get("/api/v1/conferences", headers=bearer).status_code == 401
    assert runner.invoke(args=["admin", "revoke-token", "999999"]).exit_code != 0
    chair = login(site.chair)
    ended = runner.invoke(args=["admin", "end-access", site.chair])
    assert ended.exit_code == 0, ended.output
    assert _is_logged_out(chair)
