"""Joining the hall: the public base URL, the join link and its QR code, the icons, the chair's start page."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

from tests import helpers
from tests.factories import Site, Stage
from tests.helpers import text
from voting.config import is_loopback_url, public_base_url, served_base_url
from voting.qr import QUIET_ZONE, qr_svg

MakeSite = Callable[..., Site]
LAN = "http://10.0.0.5:5000"


def test_public_base_url_reads_the_setting_then_its_deprecated_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    warnings: list[str] = []
    monkeypatch.setattr("voting.config.logger.warning", warnings.append)
    assert public_base_url({}) == "http://127.0.0.1:5000"
    assert public_base_url({"PUBLIC_BASE_URL": "https://hoitruong.local/"}) == "https://hoitruong.local"
    assert warnings == []
    assert public_base_url({"VERIFY_BASE_URL": "https://old.local"}) == "https://old.local"
    assert len(warnings) == 1 and "VERIFY_BASE_URL is deprecated" in warnings[0]
    both = {"PUBLIC_BASE_URL": "https://new.local", "VERIFY_BASE_URL": "https://old.local"}
    assert public_base_url(both) == "https://new.local"


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:5000", True),
        ("http://127.1.2.3", True),
        ("http://localhost:5000/", True),
        ("http://[::1]:5000", True),
        ("http://10.0.0.5:5000", False),
        ("https://hoitruong.local", False),
        ("http://192.168.1.20", False),
    ],
)
def test_loopback_addresses_are_recognised(url: str, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback


def test_make_run_derives_the_base_url_from_where_it_listens(monkeypatch: pytest.MonkeyPatch) -> None:
    assert served_base_url("127.0.0.1", 8000, {}) == "http://127.0.0.1:8000"
    assert served_base_url("0.0.0.0", 5000, {"PUBLIC_BASE_URL": "https://hall"}) == "https://hall"
    monkeypatch.setattr("voting.config.lan_address", lambda: "10.0.0.5")
    assert served_base_url("0.0.0.0", 5000, {}) == LAN
    monkeypatch.setattr("voting.config.lan_address", lambda: None)  # no network: this machine only
    assert served_base_url("0.0.0.0", 5000, {}) == "http://127.0.0.1:5000"


def test_the_qr_code_is_the_encoders_matrix_as_svg() -> None:
    svg = str(qr_svg(f"{LAN}/j/7", label='Mã <QR> "tham gia"'))
    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(f"{LAN}/j/7")
    code.make()
    count = code.getModuleCount()
    dark = {(c + QUIET_ZONE, r + QUIET_ZONE) for r in range(count) for c in range(count) if code.isDark(r, c)}
    drawn = {(int(x), int(y)) for x, y in re.findall(r"M(\d+) (\d+)h1v1h-1z", svg)}
    assert drawn == dark and len(dark) > count  # every dark module, nothing else
    assert f'viewBox="0 0 {count + 8} {count + 8}"' in svg
    assert 'aria-label="Mã &lt;QR&gt; &#34;tham gia&#34;"' in svg  # the label is escaped
    assert "<script" not in svg


def test_the_console_and_the_projector_show_the_join_link_under_the_public_url(
    app: Flask, make_site: MakeSite, login: Callable[[str], FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", LAN)
    site = make_site(Stage.CHECKED_IN)
    chair = login(site.chair)
    console = text(chair.get(f"/conferences/{site.conference_id}/console"))
    join = f"{LAN}/j/{site.conference_id}"
    assert f"data-join-url>{join}<" in console and 'class="qr"' in console
    chair.post(
        f"/conferences/{site.conference_id}/display-link",
        data={"csrf_token": csrf(chair, site.conference_id)},
    )
    console = text(chair.get(f"/conferences/{site.conference_id}/console"))
    projector = re.search(rf'href="({re.escape(LAN)}/display/[^"]+)"', console)
    assert projector, "the projector link is under the public base URL, not the request's host"
    screen = text(chair.get(projector.group(1).removeprefix(LAN)))
    assert f"data-join-url>{join}<" in screen and 'class="qr"' in screen


def csrf(browser: FlaskClient, conference_id: int) -> str:
    """Return the console's CSRF token."""
    page = text(browser.get(f"/conferences/{conference_id}/console"))
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_the_join_link_goes_through_login_to_the_roles_page(
    app: Flask, make_site: MakeSite, login: Callable[[str], FlaskClient]
) -> None:
    site = make_site(Stage.CHECKED_IN)
    stranger = app.test_client().get(f"/j/{site.conference_id}")
    assert stranger.status_code == 302
    assert stranger.headers["Location"].startswith("/login?next=")
    assert f"/j/{site.conference_id}" in urllib.parse.unquote(stranger.headers["Location"])
    representative = login(site.representatives[0])
    assert (
        representative.get(f"/j/{site.conference_id}").headers["Location"]
        == f"/conferences/{site.conference_id}"
    )
    chair = login(site.chair)
    assert (
        chair.get(f"/j/{site.conference_id}").headers["Location"]
        == f"/conferences/{site.conference_id}/console"
    )
    assert login(site.archivist).get(f"/j/{site.conference_id}").headers["Location"] == "/"


def test_favicon_and_app_icons_are_served(app: Flask) -> None:
    browser = app.test_client()
    with browser.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
        assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO header
    login_page = text(browser.get("/login"))
    for link in re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', login_page):
        with browser.get(link) as answer:
            assert answer.status_code == 200 and answer.mimetype.startswith("image/"), link
    assert "icons/icon.svg" in login_page and "icons/apple-touch-icon.png" in login_page


def test_the_chairs_start_page_says_what_each_conference_waits_for(
    make_site: MakeSite, login: Callable[[str], FlaskClient]
) -> None:
    site = make_site(Stage.CREATED)
    chair = login(site.chair)
    assert chair.get("/").headers["Location"] == "/conferences/"
    page = text(chair.get("/conferences/"))
    assert "Đang chờ: Điểm danh: có mặt 0/8 đơn vị, cần ít nhất 6." in page
    assert f'href="/conferences/{site.conference_id}/console"' in page
    english = text(chair.get("/conferences/?lang=en"))
    assert "Waiting for: Check-in: 0/8 units present, at least 6 needed." in english
    assert login(site.representatives[0]).get("/conferences/").status_code == 403


@pytest.mark.parametrize("under_ci", [False, True])
def test_no_lan_address_skips_the_lan_test_or_fails_it_under_ci(
    monkeypatch: pytest.MonkeyPatch, under_ci: bool
) -> None:
    monkeypatch.setattr(helpers, "lan_address", lambda: None)
    monkeypatch.setattr(helpers, "REQUIRE_TOOLS", under_ci)
    expected = pytest.fail.Exception if under_ci else pytest.skip.Exception
    with pytest.raises(expected, match="no IPv4 address but loopback"):
        helpers.require_lan_address()
