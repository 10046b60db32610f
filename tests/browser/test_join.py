"""Done when (issue 15): served on a LAN address, a delegate joins by the link the console shows, votes."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from playwright.async_api import expect
from werkzeug.serving import make_server

from tests import eg
from tests.browser.pages import TIMEOUT, chromium, log_in, vote
from tests.factories import Site, Stage
from tests.helpers import PASSWORD, require_lan_address
from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.elections.models import Office, Round
from voting.elections.services import has_voted
from voting.extensions import db
from voting.formatting import utc_now


@pytest.fixture
def lan_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Serve the app on a non-loopback address of this machine; its URL is the public base URL."""
    address = require_lan_address()
    server = make_server(address, 0, app, threaded=True)
    base = f"http://{address}:{server.server_port}"
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def seven_present(make_site: Callable[..., Site]) -> Site:
    """Seven of eight units checked in (a quorum); the eighth joins from its phone."""
    return make_site(Stage.CHECKED_IN, present=7)


async def join_and_vote(base: str, site: Site, name: str, open_round: Callable[[], None]) -> None:
    async with chromium(name) as (browser, pages):
        chair = await log_in(await browser.new_context(), base, site.chair)
        pages.append(chair)
        await chair.goto(f"{base}/conferences/{site.conference_id}/console")
        join_url = (await chair.locator("[data-join-url]").inner_text()).strip()
        assert join_url == f"{base}/j/{site.conference_id}"
        await expect(chair.locator(".join svg.qr")).to_be_visible()

        phone = await (await browser.new_context(viewport={"width": 360, "height": 740})).new_page()
        phone.set_default_timeout(TIMEOUT)
        pages.append(phone)
        await phone.goto(join_url)  # the URL as shown, typed on the phone
        await expect(phone).to_have_url(re.compile(r"/login\?next="))
        await phone.locator("#username").fill(site.representatives[7])
        await phone.locator("#password").fill(PASSWORD)
        await phone.locator("button[type=submit]").click()
        conference_url = f"{base}/conferences/{site.conference_id}"
        await expect(phone).to_have_url(conference_url)
        await phone.get_by_role("button", name="Điểm danh cho đơn vị").click()
        await expect(phone.locator(".flash")).to_contain_text("đã điểm danh")
        await chair.reload()
        await expect(chair.locator("main")).to_contain_text("8/8")

        open_round()
        tracker = await vote(phone, conference_url, site.unit_names[1])
        assert re.fullmatch(r"[0-9a-f]{4}(-[0-9a-f]{4}){3}", tracker)


def test_a_representative_joins_through_the_link_on_the_console_and_votes(
    app: Flask, lan_server: str, seven_present: Site, request: pytest.FixtureRequest
) -> None:
    site = seven_present
    opened: list[int] = []

    def open_round() -> (
        None
    ):  # the chair's click, through the service (the console's buttons are tested elsewhere)
        with app.app_context():
            conference = db.session.get(Conference, site.conference_id)
            assert conference is not None
            opened.append(eg.open_round(conference, Office.LEADER, now=utc_now(), by=conference.chair).id)
            db.session.commit()

    asyncio.run(join_and_vote(lan_server, site, request.node.name, open_round))
    with app.app_context():
        round_ = db.session.get(Round, opened[0])
        unit = db.session.get(Unit, site.units[7])
        assert round_ is not None and round_.is_encrypted and unit is not None
        assert has_voted(round_, unit)
