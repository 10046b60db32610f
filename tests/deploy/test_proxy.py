"""Behind nginx: the client's scheme and address come from the configured number of trusted proxies."""

from __future__ import annotations

from flask import Flask, request

from voting import create_app


def _app(app: Flask, proxies: int) -> Flask:
    configured = create_app({**app.config, "TRUSTED_PROXIES": proxies})
    configured.add_url_rule("/_test_client", "test_client", lambda: f"{request.scheme} {request.remote_addr}")
    return configured


# What nginx sends for a client at 10.0.0.5 that forged its own X-Forwarded-For.
FORWARDED = {"X-Forwarded-For": "6.6.6.6, 10.0.0.5", "X-Forwarded-Proto": "https"}


def test_one_trusted_proxy_gives_the_real_scheme_and_address(app: Flask) -> None:
    browser = _app(app, 1).test_client()
    answer = browser.get("/_test_client", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert answer.get_data(as_text=True) == "https 10.0.0.5"


def test_without_trusted_proxies_forwarded_headers_are_ignored(app: Flask) -> None:
    browser = _app(app, 0).test_client()
    answer = browser.get("/_test_client", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert answer.get_data(as_text=True) == "http 127.0.0.1"
