"""The 2016 conference in real browsers: 8 representatives at once, chair, projector, archivist."""

from __future__ import annotations

import asyncio
import hashlib
import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.async_api import Page, expect

from tests.browser.pages import TIMEOUT, chromium, log_in, vote
from tests.helpers import Demo
from tests.trustees.helpers import run_ceremony
from voting.conferences.models import Conference
from voting.extensions import db

ROUND_1 = ["Phòng Công tác chính trị"] * 4 + ["Phòng Hậu cần"] * 3 + [None]
RUNOFF = ["Phòng Công tác chính trị"] * 6 + ["Phòng Hậu cần"] * 2
DEPUTY = ["Phòng Hậu cần"] * 6 + ["Phòng Tổ chức cán bộ", None]


async def _still_same_document(page: Page) -> bool:
    return bool(await page.evaluate("window.__noReload === 1"))


async def _vote_all(reps: list[Page], url: str, choices: list[str | None]) -> list[str]:
    """All representatives vote at the same time."""
    return list(
        await asyncio.gather(*(vote(page, url, choice) for page, choice in zip(reps, choices, strict=True)))
    )


async def _close_and_check(console: Page, expected: str) -> None:
    await console.get_by_role("button", name="Kết thúc vòng bầu và kiểm phiếu").click()
    await expect(console.locator("main")).to_contain_text(expected)


async def run_conference(base: str, demo: Demo, name: str) -> None:
    async with chromium(name) as (browser, pages):
        url = f"{base}/conferences/{demo.conference_id}"
        chair = await log_in(await browser.new_context(), base, "chutri")
        pages.append(chair)
        reps = [await log_in(await browser.new_context(), base, f"daibieu{n}") for n in range(1, 9)]
        pages.extend(reps)
        for rep in reps:
            await rep.get_by_role("button", name="Điểm danh cho đơn vị").click()
            await expect(rep.locator(".flash")).to_contain_text("đã điểm danh")

        console = chair
        await console.goto(f"{url}/console")
        await expect(console.locator("main")).to_contain_text("8/8")
        await console.get_by_role("button", name="Tạo liên kết màn chiếu").click()
        display_url = await console.locator("a[href*='/display/']").first.get_attribute("href")
        projector = await (await browser.new_context(viewport={"width": 1920, "height": 1080})).new_page()
        projector.set_default_timeout(TIMEOUT)
        pages.append(projector)
        await projector.goto(str(display_url))
        await expect(projector.locator("main")).to_contain_text("Chưa mở vòng bầu nào")

        # Round 1: the projector notices by itself; turnout rises on the console without reload.
        await console.get_by_role("button", name="Mở vòng bầu Cụm trưởng").click()
        await expect(projector.locator("main")).to_contain_text("Đang bỏ phiếu", timeout=TIMEOUT)
        await console.evaluate("window.__noReload = 1")
        await projector.evaluate("window.__noReload = 1")
        receipts = await _vote_all(reps, url, ROUND_1)
        assert len(set(receipts)) == 8
        await expect(console.locator("[data-turnout]").first).to_have_text("8", timeout=TIMEOUT)
        await expect(projector.locator("[data-turnout]")).to_have_text("8", timeout=TIMEOUT)
        assert await _still_same_document(console) and await _still_same_document(projector)
        assert "37,50" not in await console.locator("main").inner_text()  # no partial counts

        await _close_and_check(console, "Không đơn vị nào đạt quá bán")
        await expect(projector.locator("main")).to_contain_text("3 (37,50%)", timeout=TIMEOUT)

        # The runoff between the top two.
        await console.get_by_role("button", name="Mở vòng bầu lại").click()
        await _vote_all(reps, url, RUNOFF)
        await expect(console.locator("[data-turnout]").first).to_have_text("8", timeout=TIMEOUT)
        await _close_and_check(console, "Phòng Công tác chính trị đạt 6/8")
        await console.get_by_role("button", name="Chứng nhận kết quả").click()
        await expect(console.locator(".flash")).to_contain_text("Đã chứng nhận")

        await console.get_by_role("button", name="Mở vòng bầu Cụm phó").click()
        await _vote_all(reps, url, DEPUTY)
        await expect(console.locator("[data-turnout]").first).to_have_text("8", timeout=TIMEOUT)
        await _close_and_check(console, "Phòng Hậu cần đạt 6/8")
        await console.get_by_role("button", name="Chứng nhận kết quả").click()
        await expect(projector.locator("main")).to_contain_text("Phòng Hậu cần", timeout=TIMEOUT)

        # The flag handover and the minutes.
        await console.get_by_role("link", name="Ghi nhận bàn giao cờ").click()
        await console.get_by_label("Người nhận (họ tên)").fill("Hoàng Quốc Việt")
        await console.get_by_label("Chức vụ người nhận").fill("Trưởng phòng Công tác chính trị")
        await console.get_by_label("Người chứng kiến (mỗi người một dòng)").fill("Thiếu tướng Đinh Văn Toản")
        await console.get_by_role("button", name="Ghi nhận bàn giao").click()
        await expect(console.locator(".flash")).to_contain_text("bàn giao cờ luân lưu")
        await console.get_by_role("button", name="Kết thúc hội nghị và phát hành biên bản").click()
        await expect(console.locator(".flash")).to_contain_text(
            re.compile(r"Đã phát hành biên bản hội nghị số \d\d/BB-CTĐ4")
        )

        # Each representative sees the result.
        await reps[4].goto(url)
        await expect(reps[4].locator("main")).to_contain_text("Hội nghị đã kết thúc")

        # The archivist downloads exactly the archived bytes.
        archivist = await log_in(await browser.new_context(accept_downloads=True), base, "luutru")
        pages.append(archivist)
        await expect(archivist).to_have_url(re.compile(r"/archive"))
        sha256 = (await archivist.locator("code.hash").first.inner_text()).strip()
        async with archivist.expect_download() as download_info:
            await archivist.get_by_role("link", name=re.compile(r"^PDF")).first.click()
        download = await download_info.value
        content = Path(await download.path()).read_bytes()  # noqa: ASYNC240 - a small local file
        assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == sha256


def test_whole_conference_in_browsers(
    app: Flask, live_server: str, demo: Demo, request: pytest.FixtureRequest
) -> None:
    with app.app_context():  # the trustees' key, made in Python (tests/browser/test_ceremony.py: in browsers)
        conference = db.session.get(Conference, demo.conference_id)
        assert conference is not None
        run_ceremony(conference)
        db.session.commit()
    asyncio.run(run_conference(live_server, demo, request.node.name))
