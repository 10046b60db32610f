"""The draft minutes in a real browser: read aloud, approved by show of hands, issued with the same text."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.browser.pages import chromium, confirm, log_in
from tests.factories import Site, Stage
from tests.helpers import require_tool
from voting.formatting import nfc


def _collapsed(text: str) -> str:
    return " ".join(nfc(text).split())


def pdf_text(path: Path) -> str:
    """Return the text pdftotext reads from the PDF, NFC, whitespace collapsed."""
    raw = subprocess.run(
        [require_tool("pdftotext"), "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    return _collapsed(raw)


async def read_approve_issue(base: str, site: Site, name: str, tmp_path: Path) -> tuple[list[str], str]:
    """Read the draft as the secretary, record the show of hands, issue as the chair; return both texts."""
    async with chromium(name) as (browser, pages):
        secretary = await log_in(await browser.new_context(), base, site.secretary)
        pages.append(secretary)
        await secretary.goto(f"{base}/conferences/{site.conference_id}/minutes/draft")
        draft = secretary.locator("[data-draft-text]")
        await expect(draft).to_contain_text("được …/8 đơn vị có mặt biểu quyết thông qua")
        for label, count in (("Số đơn vị đồng ý", "7"), ("Số đơn vị không đồng ý", "1")):
            await secretary.get_by_label(label, exact=True).fill(count)
        await secretary.get_by_label("Số đơn vị không biểu quyết", exact=True).fill("0")
        await secretary.get_by_role("button", name="Ghi nhận biểu quyết").click()
        await expect(secretary.locator("main")).to_contain_text("Đã ghi nhận biểu quyết: 7/8 đơn vị đồng ý.")
        # What was read aloud, then voted on: the draft as it stands after the vote.
        read = [_collapsed(line) for line in await draft.locator("p").all_inner_texts()]

        chair = await log_in(await browser.new_context(), base, site.chair)
        pages.append(chair)
        await chair.goto(f"{base}/conferences/{site.conference_id}/console")
        await confirm(chair, "Kết thúc hội nghị và phát hành biên bản", "7/8 đơn vị biểu quyết thông qua")
        # The factory's conference is dated 2016; the vote recorded today lies on another day.
        await expect(chair.locator("main")).to_contain_text("cần ghi lý do hội nghị kéo dài sang ngày khác")
        await chair.get_by_label("Lý do hội nghị kéo dài sang ngày khác (nếu có)").fill(
            "Dự thảo được đọc và biểu quyết khi kiểm thử"
        )
        await confirm(chair, "Kết thúc hội nghị và phát hành biên bản")
        await expect(chair.locator("main")).to_contain_text("Đã phát hành biên bản hội nghị số")
        link = chair.get_by_role("link", name="Tải về (PDF)")
        response = await chair.request.get(base + str(await link.get_attribute("href")))
        assert response.ok
        issued = tmp_path / "issued.pdf"
        issued.write_bytes(await response.body())
    return read, pdf_text(issued)


def test_the_issued_minutes_say_what_the_draft_read_aloud_said(
    live_server: str, make_site: Callable[..., Site], request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    site = make_site(Stage.HANDED_OVER)
    read, issued = asyncio.run(read_approve_issue(live_server, site, request.node.name, tmp_path))
    assert read[0] == "DỰ THẢO" and "DỰ THẢO" not in issued
    start = read.index("BIÊN BẢN")
    body = [line for line in read[start:] if "   " not in line]  # table rows: one line per row
    assert len(body) > 20
    # Spaces aside: the PDF may break a long fingerprint across lines where the page does not.
    unspaced = issued.replace(" ", "")
    missing = [line for line in body if line.replace(" ", "") not in unspaced]
    assert missing == []
    assert "được 7/8 đơn vị có mặt (87,50%) biểu quyết thông qua. Không đồng ý: 1 đơn vị" in issued
