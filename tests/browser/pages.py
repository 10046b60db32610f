"""Steps people take in the browser, shared by the browser tests (Playwright's async API)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from tests.helpers import PASSWORD, require_tool

TIMEOUT = 15_000  # ms: polling pages refresh every 2–3 s on a shared 2-core machine
#: CI keeps this folder; failed browser tests leave their screenshots here
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Return Debian's Chromium, or skip (fail under CI) when it is absent."""
    explicit = os.environ.get("CHROMIUM")
    if explicit and shutil.which(explicit):
        return explicit
    return require_tool("chromium")


@asynccontextmanager
async def chromium(
    test_name: str, env: dict[str, str] | None = None
) -> AsyncIterator[tuple[Browser, list[Page]]]:
    """Start Debian's Chromium headless; on failure save a screenshot of every page put in the list.

    *env* replaces the browser's environment (a HOME whose NSS database trusts a test CA).
    """
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS, env=env
        )
        pages: list[Page] = []
        try:
            yield browser, pages
        except BaseException:
            await save_screenshots(test_name, pages)
            raise
        finally:
            await browser.close()


async def log_in(context: BrowserContext, base: str, username: str) -> Page:
    """Open a page in *context* and log in (a factory account or the demo's)."""
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT)
    await page.goto(f"{base}/login")
    await page.locator("#username").fill(username)
    await page.locator("#password").fill(PASSWORD)
    await page.locator("button[type=submit]").click()
    await expect(page).not_to_have_url(re.compile(r"/login"))
    return page


async def vote(page: Page, conference_url: str, choice: str | None, *, challenge: bool = False) -> str:
    """Vote as a representative (ballot, review and encryption in the browser, cast); return the tracker.

    With *challenge*, the encrypted ballot is first audited (Benaloh challenge) and encrypted again.
    """
    if page.url != conference_url:
        await page.goto(conference_url)
    ballot_link = page.get_by_role("link", name="Bỏ phiếu", exact=True)
    await expect(ballot_link).to_be_visible()  # a waiting page redraws itself when a round opens
    await ballot_link.click()
    await page.get_by_label(choice or "Phiếu trống (không chọn đơn vị nào)", exact=True).check()
    await page.get_by_role("button", name="Xem lại phiếu").click()
    await expect(page.locator(".chosen")).to_contain_text(choice or "Phiếu trống")
    if challenge:
        first = await page.locator("[data-tracker]").inner_text()
        await page.get_by_role("button", name="Kiểm tra phiếu mã hóa").click()
        await expect(page.locator("[data-audit-text]")).to_contain_text("chứa đúng lựa chọn", timeout=TIMEOUT)
        await expect(page.locator("[data-audit-text]")).to_contain_text(choice or "Phiếu trống")
        assert await page.locator("[data-tracker]").inner_text() != first  # encrypted again
    await page.get_by_role("button", name="Bỏ phiếu", exact=True).click()
    await expect(page.get_by_role("heading", name=re.compile("Phiếu đã được ghi nhận"))).to_be_visible(
        timeout=TIMEOUT
    )
    return (await page.locator(".code").inner_text()).strip()


async def confirm(
    page: Page, button: str, question: str | re.Pattern[str] = "", *, cancel_first: bool = False
) -> None:
    """Click an irreversible action's *button* and confirm in its dialog (which must say *question*).

    With *cancel_first*, the dialog is first dismissed ("Quay lại"), which must leave the page as it was.
    """
    dialog = page.locator("dialog.confirm-dialog")
    # The button may be on a page still loading after the previous step's redirect: confirm.js is
    # deferred, and a click before it runs posts the form without the dialog (the server then asks).
    await page.wait_for_load_state("load")
    if cancel_first:
        url = page.url
        await page.get_by_role("button", name=button, exact=True).first.click()
        await expect(dialog).to_be_visible()
        await dialog.get_by_role("button", name="Quay lại").click()
        await expect(dialog).to_be_hidden()
        assert page.url == url
    await page.get_by_role("button", name=button, exact=True).first.click()
    await expect(dialog).to_be_visible()
    if question:
        await expect(dialog.locator("p")).to_contain_text(question)
    await dialog.get_by_role("button", name=button, exact=True).click()


async def save_screenshots(name: str, pages: list[Page]) -> list[Path]:
    """Save a screenshot of every open page, for a failed test."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    saved = []
    for number, page in enumerate(pages):
        if page.is_closed():
            continue
        path = ARTIFACTS / f"{name}-{number}.png"
        await page.screenshot(path=str(path), full_page=True)
        saved.append(path)
    return saved
