"""The secretary's texts save themselves while typing (fetch POST with the form's CSRF token)."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import expect

from tests.browser.pages import chromium, log_in
from tests.factories import Site


async def type_and_leave(base: str, site: Site, name: str) -> None:
    """Type into two fields, never press Lưu, reload: the text is there."""
    url = f"{base}/conferences/{site.conference_id}/notes"
    async with chromium(name) as (browser, pages):
        page = await log_in(await browser.new_context(), base, site.secretary)
        pages.append(page)
        await page.goto(url)
        status = page.locator("[data-save-status]")
        # saved on leaving the field (blur)
        await page.locator("#discussion").fill("Đại biểu Phòng Hậu cần đề nghị tăng khen thưởng.")
        await page.locator("#conclusions").focus()
        await expect(status).to_contain_text("Đã lưu lúc")
        # saved a few seconds after typing stops, without leaving the field
        async with page.expect_response(lambda r: r.request.method == "POST" and r.url == url) as saved:
            await page.locator("#conclusions").press_sequentially("Biểu dương các đơn vị.")
        assert (await (await saved.value).json())["saved"].startswith("Đã lưu lúc")
        await page.goto(url)
        await expect(page.locator("#discussion")).to_have_value(
            "Đại biểu Phòng Hậu cần đề nghị tăng khen thưởng."
        )
        await expect(page.locator("#conclusions")).to_have_value("Biểu dương các đơn vị.")


def test_the_minutes_texts_autosave(live_server: str, site: Site, request: pytest.FixtureRequest) -> None:
    asyncio.run(type_and_leave(live_server, site, request.node.name))
