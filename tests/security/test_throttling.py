"""Login throttling through the app: per account and client, shared by every process, never a lock."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.factories import Site
from tests.helpers import PASSWORD, csrf_token, post, text
from voting import create_app
from voting.auth.models import LoginThrottle
from voting.extensions import db

HALL = "198.51.100.20"  # the hall's NAT: everyone in the hall
ELSEWHERE = "203.0.113.9"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _attempt(browser: FlaskClient, username: str, password: str, address: str = HALL, **headers: str) -> Any:
    token = csrf_token(browser, "/login")
    return browser.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def _guess(app: Flask, username: str, times: int, address: str = HALL, **headers: str) -> list[int]:
    """Make *times* wrong guesses, each from a new browser; return the answers' statuses."""
    return [
        _attempt(app.test_client(), username, "sai-mat-khau", address, **headers).status_code
        for _ in range(times)
    ]


def test_at_most_five_wrong_guesses_then_a_wait_that_says_how_long(app: Flask, site: Site) -> None:
    assert _guess(app, site.chair, 7) == [200] * 5 + [429] * 2
    locked = _attempt(app.test_client(), site.chair, PASSWORD)  # even the right password waits
    assert locked.status_code == 429
    page = text(locked)
    assert "Vui lòng thử lại sau 15 phút (lúc " in page and "quản trị viên" in page
    assert 14 * 60 < int(locked.headers["Retry-After"]) <= 15 * 60


def test_the_owner_from_another_address_is_not_locked_out(app: Flask, site: Site) -> None:
    _guess(app, site.chair, 6)
    assert _attempt(app.test_client(), site.chair, PASSWORD, ELSEWHERE).status_code == 302
    # nor is anyone else in the hall
    assert _attempt(app.test_client(), site.secretary, PASSWORD).status_code == 302


def test_the_owners_own_browser_is_not_locked_out_from_the_same_address(app: Flask, site: Site) -> None:
    laptop = app.test_client()
    assert _attempt(laptop, site.chair, PASSWORD).status_code == 302  # the chair logged in here before
    laptop.post("/logout", data={"csrf_token": csrf_token(laptop, "/password")})
    assert _guess(app, site.chair, 6)[-1] == 429  # someone in the hall, on the hall's address
    assert _attempt(laptop, site.chair, PASSWORD).status_code == 302


def test_the_form_says_how_many_tries_are_left(app: Flask, site: Site) -> None:
    first = text(_attempt(app.test_client(), site.chair, "sai-mat-khau"))
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in first
    assert "Còn 4 lần thử; sau đó phải chờ 15 phút mới được thử tiếp." in first
    assert "lần thử" not in text(app.test_client().get("/login"))
    _guess(app, site.chair, 3)
    fifth = text(_attempt(app.test_client(), site.chair, "sai-mat-khau"))
    assert "Vui lòng thử lại sau 15 phút" in fifth
    english = app.test_client()
    english.get("/login?lang=en")
    page = text(_attempt(english, site.secretary, "sai-mat-khau"))
    assert "4 tries left; after that, wait 15 minutes before trying again." in page


def test_the_account_key_ignores_case_and_spaces(app: Flask, site: Site) -> None:
    for attempt in range(5):
        spelled = f" {site.chair.title()} " if attempt % 2 else site.chair.upper()
        _attempt(app.test_client(), spelled, "sai-mat-khau")
    assert _attempt(app.test_client(), site.chair, PASSWORD).status_code == 429


def test_successful_logins_do_not_count(app: Flask, site: Site) -> None:
    for _ in range(4):
        _attempt(app.test_client(), site.archivist, "sai-mat-khau")
    assert _attempt(app.test_client(), site.archivist, PASSWORD).status_code == 302
    assert _guess(app, site.archivist, 5) == [200] * 5  # the success started a new series
    for _ in range(12):
        assert _attempt(app.test_client(), site.secretary, PASSWORD).status_code == 302


_OTHER_PROCESS = """
import sys
from flask import Flask
from tests.helpers import csrf_token
from voting import create_app
from voting.auth.models import LoginThrottle

config = {"TESTING": True, "SECRET_KEY": "test-secret-key-0123456789", "SQLALCHEMY_DATABASE_URI": sys.argv[1]}
app = create_app(config)
for _ in range(3):
    browser = app.test_client()
    token = csrf_token(browser, "/login")
    form = {"username": sys.argv[2], "password": "sai-mat-khau", "csrf_token": token}
    answer = browser.post("/login", data=form, environ_base={"REMOTE_ADDR": sys.argv[3]})
    print(answer.status_code)
"""


def test_the_counts_are_shared_by_every_process(app: Flask, site: Site) -> None:
    """Two other processes (as gunicorn's workers are) guess 3 times each: only 5 guesses are checked."""
    url = str(app.config["SQLALCHEMY_DATABASE_URI"])
    statuses = []
    for _ in range(2):
        run = subprocess.run(
            [sys.executable, "-c", _OTHER_PROCESS, url, site.chair, HALL],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        statuses += [int(line) for line in run.stdout.split()]
    assert statuses == [200] * 5 + [429]
    assert _attempt(app.test_client(), site.chair, PASSWORD).status_code == 429


@pytest.fixture
def behind_a_proxy(app: Flask) -> Iterator[Flask]:
    """The app as deployed behind one reverse proxy (nginx), on the same database."""
    proxied = create_app({**app.config, "TRUSTED_PROXIES": 1})
    yield proxied
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_client_address_comes_from_the_trusted_proxy(
    app: Flask, site: Site, behind_a_proxy: Flask
) -> None:
    proxy = "127.0.0.1"
    # a client's own X-Forwarded-For entry before the proxy's is not believed
    forged = {"X-Forwarded-For": f"10.9.9.9, {HALL}"}
    assert _guess(behind_a_proxy, site.chair, 6, proxy, **forged)[-1] == 429
    hall = {"X-Forwarded-For": HALL}
    assert _attempt(behind_a_proxy.test_client(), site.chair, PASSWORD, proxy, **hall).status_code == 429
    elsewhere = {"X-Forwarded-For": ELSEWHERE}
    assert _attempt(behind_a_proxy.test_client(), site.chair, PASSWORD, proxy, **elsewhere).status_code == 302


def test_without_trusted_proxies_the_header_is_ignored(app: Flask, site: Site) -> None:
    _guess(app, site.chair, 5, HALL, **{"X-Forwarded-For": "10.0.0.1"})
    forged = {"X-Forwarded-For": ELSEWHERE}
    assert _attempt(app.test_client(), site.chair, PASSWORD, HALL, **forged).status_code == 429


def test_an_administrator_sees_the_throttles_and_clears_them(
    app: Flask, site: Site, login: Callable[[str], FlaskClient]
) -> None:
    _guess(app, site.chair, 6)
    _guess(app, site.secretary, 2, ELSEWHERE)
    admin = login(site.admin)
    page = text(admin.get("/admin/throttles/"))
    assert site.chair in page and HALL in page and site.secretary in page and ELSEWHERE in page
    assert "Sau 5 lần sai, nơi đó phải chờ 15 phút" in page
    with app.app_context():
        chair_row = db.session.scalars(
            sa.select(LoginThrottle).where(LoginThrottle.username == site.chair)
        ).one()
    assert post(admin, "/admin/throttles/clear", {"throttle_id": chair_row.id}).status_code == 302
    assert _attempt(app.test_client(), site.chair, PASSWORD).status_code == 302  # from the hall again
    assert post(admin, "/admin/throttles/clear-all").status_code == 302
    assert "Không có lượt đăng nhập sai nào" in text(admin.get("/admin/throttles/"))
    # only an administrator
    assert login(site.chair).get("/admin/throttles/").status_code == 403


def test_the_cli_lists_and_clears_throttles(app: Flask, site: Site, runner: FlaskCliRunner) -> None:
    _guess(app, site.chair, 6)
    listed = runner.invoke(args=["admin", "throttles", "list"])
    assert listed.exit_code == 0 and site.chair in listed.output and HALL in listed.output
    assert "5 lần" in listed.output and "chờ đến" in listed.output
    assert runner.invoke(args=["admin", "throttles", "clear"]).exit_code == 2  # says what to name
    cleared = runner.invoke(args=["admin", "throttles", "clear", "--username", site.chair.upper()])
    assert cleared.exit_code == 0 and "Đã gỡ 1 mục" in cleared.output
    assert _attempt(app.test_client(), site.chair, PASSWORD).status_code == 302
    assert "Đã xóa 0 mục cũ." in runner.invoke(args=["admin", "throttles", "purge"]).output


def test_each_wrong_password_counts_down_the_same_for_an_account_that_does_not_exist(
    app: Flask, site: Site
) -> None:
    """4, 3, 2, 1 tries left, then the wait; an unknown username reads the same (existence stays hidden)."""
    for username in (site.chair, "khong-ton-tai"):
        pages = [text(_attempt(app.test_client(), username, "sai-mat-khau")) for _ in range(5)]
        for left, page in zip((4, 3, 2, 1), pages, strict=False):
            assert f"Còn {left} lần thử; sau đó phải chờ 15 phút mới được thử tiếp." in page
        assert "Vui lòng thử lại sau 15 phút" in pages[4] and "lần thử;" not in pages[4]
