"""Odd URLs: a login's ``next`` that leaves the site, and control characters in a URL's path."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.factories import Site
from tests.helpers import PASSWORD, csrf_token, text

LEAVING = [
    "/%09/evil.example",  # browsers drop the tab: //evil.example
    "/%0a/evil.example",  # a newline in a header: Werkzeug refuses it (500)
    "/%0d%0aSet-Cookie:x=1",
    "/%00/evil.example",
    "/%20/evil.example",
    "//evil.example",
    "/\\evil.example",
    "/%5cevil.example",
    "https://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/%e2%80%8b/evil.example",  # a zero-width space
    "%2f%2fevil.example",
    "",
]


def _log_in(client: FlaskClient, site: Site, next_: str) -> str:
    """Log in with a ``next``; return where the browser is sent (a NUL anywhere is refused outright)."""
    token = csrf_token(client, "/login")
    response = client.post(
        f"/login?next={next_}", data={"username": site.chair, "password": PASSWORD, "csrf_token": token}
    )
    if "%00" in next_:
        assert response.status_code == 400
        return "/"
    assert response.status_code == 302, next_
    return str(response.headers["Location"])


@pytest.mark.parametrize("next_", LEAVING)
def test_login_never_sends_the_browser_off_the_site(client: FlaskClient, site: Site, next_: str) -> None:
    assert _log_in(client, site, next_) == "/"


@pytest.mark.parametrize("next_", ["/archive", "/conferences/1/console?tab=2", "/password"])
def test_login_goes_on_to_a_page_of_this_site(client: FlaskClient, site: Site, next_: str) -> None:
    assert _log_in(client, site, next_) == next_


@pytest.mark.parametrize(
    "path",
    [
        "/display/%00",
        "/display/x%00y/state",
        "/verify/%00",
        "/verify/a%01b",
        "/display/%1b%5b2J",
        "/conferences/1%00/console",
        "/%00",
        "/api/v1/%00",
    ],
)
def test_control_characters_in_a_path_are_refused_with_400(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400, path
    if response.mimetype == "text/html":
        assert "ký tự điều khiển" in text(response)
    else:
        assert "ký tự điều khiển" in response.get_json()["error"]
