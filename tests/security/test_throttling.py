"""Login throttling per account and per address, with a readable lock-out."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site
from tests.helpers import PASSWORD, csrf_token, text


def _attempt(browser: FlaskClient, username: str, password: str, address: str = "127.0.0.1") -> object:
    token = csrf_token(browser, "/login")
    return browser.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_an_account_is_locked_after_repeated_failures(app: Flask, client: FlaskClient, site: Site) -> None:
    allowed = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    # From different addresses, so that only the per-account limit can trip.
    for attempt in range(allowed):
        response = _attempt(app.test_client(), site.chair, "wrong", f"10.0.0.{attempt + 1}")
        assert response.status_code == 200  # type: ignore[attr-defined]
    locked = _attempt(app.test_client(), site.chair, PASSWORD, "10.0.1.1")  # even the right password
    assert locked.status_code == 429  # type: ignore[attr-defined]
    page = text(locked)
    assert "Đăng nhập sai quá nhiều lần" in page and "phút" in page
    assert int(locked.headers["Retry-After"]) > 0  # type: ignore[attr-defined]
    # Another account is not locked.
    assert _attempt(app.test_client(), site.secretary, PASSWORD, "10.0.1.2").status_code == 302  # type: ignore[attr-defined]


def test_the_account_key_ignores_case_and_spaces(app: Flask, client: FlaskClient, site: Site) -> None:
    allowed = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    for attempt in range(allowed):
        spelled = f" {site.chair.title()} " if attempt % 2 else site.chair.upper()
        _attempt(app.test_client(), spelled, "wrong", f"10.0.2.{attempt + 1}")
    assert _attempt(app.test_client(), site.chair, PASSWORD, "10.0.3.1").status_code == 429  # type: ignore[attr-defined]


def test_an_address_is_locked_after_failures_on_many_accounts(
    app: Flask, client: FlaskClient, site: Site
) -> None:
    allowed = int(app.config["LOGIN_LIMIT_PER_ADDRESS"].split()[0])
    for attempt in range(allowed):
        response = _attempt(app.test_client(), f"nobody{attempt}", "wrong", "192.0.2.7")
        assert response.status_code == 200  # type: ignore[attr-defined]
    assert _attempt(app.test_client(), site.archivist, PASSWORD, "192.0.2.7").status_code == 429  # type: ignore[attr-defined]
    assert _attempt(app.test_client(), site.archivist, PASSWORD, "192.0.2.8").status_code == 302  # type: ignore[attr-defined]


def test_successful_logins_do_not_count(app: Flask, client: FlaskClient, site: Site) -> None:
    allowed = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    for _ in range(allowed * 2):
        assert _attempt(app.test_client(), site.archivist, PASSWORD).status_code == 302  # type: ignore[attr-defined]
