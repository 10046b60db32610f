"""Keyboard-only voting, a phone-sized screen and the language switch, in Chromium."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

import pytest
from playwright.async_api import Page, expect

from tests.browser.pages import TIMEOUT, chromium, log_in
from tests.factories import Site, Stage


@pytest.fixture
def open_leader_round(make_site: Callable[..., Site]) -> Site:
    """All eight units checked in and the leader round open."""
    return make_site(Stage.ROUND_OPEN)


async def tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches *selector*, and check its focus is visible."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"focus on {selector} is not visible"
            return
    raise AssertionError(f"Tab never reached {selector}")


async def keyboard_vote(base: str, site: Site, name: str) -> None:
    async with chromium(name) as (browser, pages):
        page = await log_in(await browser.new_context(), base, site.representatives[2])
        pages.append(page)
        await page.goto(f"{base}/conferences/{site.conference_id}")
        await tab_to(page, "a[href*='/ballot']")
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        await tab_to(page, "input[type=radio]")
        await page.keyboard.press("ArrowDown")  # the second candidate
        chosen = await page.evaluate("document.activeElement.closest('label').innerText")
        await tab_to(page, "button[type=submit]")
        await page.keyboard.press("Enter")  # the review is the browser's own: no request
        await expect(page.locator(".chosen")).to_have_text(chosen.strip())
        await tab_to(page, "button[data-cast]")
        await page.keyboard.press("Enter")
        tracker = re.compile(r"^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$")
        await expect(page.locator("[data-cast-tracker]")).to_have_text(tracker, timeout=TIMEOUT)


def test_keyboard_only_voting(
    live_server: str, open_leader_round: Site, request: pytest.FixtureRequest
) -> None:
    asyncio.run(keyboard_vote(live_server, open_leader_round, request.node.name))


async def phone_vote(base: str, site: Site, name: str) -> None:
    async with chromium(name) as (browser, pages):
        context = await browser.new_context(
            viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
        )
        page = await log_in(context, base, site.representatives[4])
        pages.append(page)
        await page.goto(f"{base}/conferences/{site.conference_id}")
        async with page.expect_navigation():
            await page.get_by_role("link", name="Bỏ phiếu", exact=True).tap()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360, (
            "the ballot scrolls sideways"
        )
        heights = await page.locator("label.choice").evaluate_all("els => els.map(e => e.offsetHeight)")
        assert len(heights) == 8 and min(heights) >= 44, heights  # 7 candidates + blank, large targets
        await page.locator("label.choice").last.tap()
        await page.get_by_role("button", name="Xem lại phiếu").tap()
        await page.get_by_role("button", name="Bỏ phiếu", exact=True).tap()
        await expect(page.locator(".code")).to_be_visible()
        await page.wait_for_load_state()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360


def test_phone_sized_ballot(
    live_server: str, open_leader_round: Site, request: pytest.FixtureRequest
) -> None:
    asyncio.run(phone_vote(live_server, open_leader_round, request.node.name))


async def switch_language(base: str, name: str) -> None:
    async with chromium(name) as (browser, pages):
        page = await (await browser.new_context()).new_page()
        pages.append(page)
        await page.goto(f"{base}/login")
        await expect(page.locator("h1")).to_have_text("Đăng nhập")
        await expect(page.locator("html")).to_have_attribute("lang", "vi")
        await page.get_by_role("link", name="English").click()
        await expect(page.locator("h1")).to_have_text("Log in")
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        await page.goto(f"{base}/login")  # remembered
        await expect(page.locator("label[for=password]")).to_have_text("Password")
        await page.goto(f"{base}/login?lang=vi")
        await expect(page.locator("h1")).to_have_text("Đăng nhập")


def test_language_switch(live_server: str, request: pytest.FixtureRequest) -> None:
    asyncio.run(switch_language(live_server, request.node.name))
