"""Behind nginx: the client's scheme and address come from the configured number of trusted proxies."""

from __future__ import annotations

from flask import Flask, request

from voting import create_app


def _app(database_url: str, proxies: int) -> Flask:
    configured = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-0123456789",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TRUSTED_PROXIES": proxies,
        }
    )
    configured.add_url_rule("/_test_client", "test_client", lambda: f"{request.scheme} {request.remote_addr}")
    return configured


# What nginx sends for a client at 10.0.0.5 that forged its own X-Forwarded-For.
FORWARDED = {"X-Forwarded-For": "6.6.6.6, 10.0.0.5", "X-Forwarded-Proto": "https"}


def test_one_trusted_proxy_gives_the_real_scheme_and_address(database_url: str) -> None:
    browser = _app(database_url, 1).test_client()
    answer = browser.get("/_test_client", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert answer.get_data(as_text=True) == "https 10.0.0.5"


def test_without_trusted_proxies_forwarded_headers_are_ignored(database_url: str) -> None:
    browser = _app(database_url, 0).test_client()
    answer = browser.get("/_test_client", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert answer.get_data(as_text=True) == "http 127.0.0.1"
