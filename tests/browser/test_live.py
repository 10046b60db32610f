"""Live means live: the console, the projector and the representative's page move within 2 s, no reload."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from flask import Flask
from playwright.async_api import Page, expect

from tests.browser.pages import chromium, log_in, vote
from tests.factories import Site, Stage
from voting.conferences.models import Conference
from voting.display.services import rotate_display_token
from voting.extensions import db

#: ms: the issue's bound, from the change (the other context's click answered) to the screen
LIVE = 2_000


async def _mark(*pages: Page) -> None:
    """Mark the documents: a reload would lose the mark."""
    for page in pages:
        await page.evaluate("window.__noReload = 1")


async def _not_reloaded(page: Page) -> bool:
    return bool(await page.evaluate("window.__noReload === 1"))


async def watch_the_hall(base: str, site: Site, token: str, name: str) -> None:
    async with chromium(name) as (browser, pages):
        url = f"{base}/conferences/{site.conference_id}"
        chair = await log_in(await browser.new_context(), base, site.chair)
        await chair.goto(f"{url}/console")
        projector = await (await browser.new_context(viewport={"width": 1920, "height": 1080})).new_page()
        await projector.goto(f"{base}/display/{token}")
        waiting = await log_in(await browser.new_context(), base, site.representatives[0])  # checked in
        await waiting.goto(url)
        late = await log_in(await browser.new_context(), base, site.representatives[5])  # not yet
        await late.goto(url)
        pages.extend([chair, projector, waiting, late])
        attendance = chair.locator('[data-live-region="attendance"]')
        await expect(attendance).to_contain_text("5/8")
        await expect(attendance).to_contain_text("Chưa đủ số lượng")
        await expect(waiting.locator(".now")).to_contain_text("Chờ chủ tọa mở vòng bầu")
        await _mark(chair, projector, waiting)

        # A sixth unit checks in on its phone: the chair's attendance and quorum follow.
        await late.get_by_role("button", name="Điểm danh cho đơn vị").click()
        await expect(late.locator(".flash")).to_contain_text("đã điểm danh")
        await expect(attendance).to_contain_text("6/8", timeout=LIVE)
        await expect(attendance).to_contain_text("Đủ số lượng", timeout=LIVE)
        await expect(attendance.locator("li", has_text=site.unit_names[5])).to_contain_text("✔")
        assert await _not_reloaded(chair)

        # The chair opens the round: the waiting representative and the projector move to it.
        opener = await log_in(await browser.new_context(), base, site.chair)  # the chair's other screen
        pages.append(opener)
        await opener.goto(f"{url}/console")
        await opener.get_by_role("button", name="Mở vòng bầu Cụm trưởng").click()
        await expect(opener.locator(".flash")).to_contain_text("Đã mở vòng 1")
        await expect(waiting.get_by_role("link", name="Bỏ phiếu", exact=True)).to_be_visible(timeout=LIVE)
        await expect(projector.locator("main")).to_contain_text("Đang bỏ phiếu", timeout=LIVE)
        await expect(chair.locator("[data-live-voted]")).to_have_text("0", timeout=LIVE)
        assert await _not_reloaded(waiting) and await _not_reloaded(projector) and await _not_reloaded(chair)

        # One unit votes: the number and the bar move on the console and on the projector.
        await vote(late, url, site.unit_names[1])
        for screen in (chair, projector):
            await expect(screen.locator("[data-live-voted]")).to_have_text("1", timeout=LIVE)
            await expect(screen.locator("[data-live-fill]")).to_have_attribute("width", "166", timeout=LIVE)
            await expect(screen.locator("[data-live-bar]")).to_have_attribute("aria-label", "1/6")
            assert await _not_reloaded(screen)


def test_screens_follow_check_ins_rounds_and_votes_without_reload(
    app: Flask, live_server: str, make_site: Callable[..., Site], request: pytest.FixtureRequest
) -> None:
    site = make_site(Stage.CHECKED_IN, present=5)
    with app.app_context():
        token = rotate_display_token(db.session.get_one(Conference, site.conference_id))
        db.session.commit()
    asyncio.run(watch_the_hall(live_server, site, token, request.node.name))
