"""The 2016 conference in real browsers: 8 representatives at once, chair, projector, archivist."""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.async_api import Browser, Page, expect

from tests.browser.pages import TIMEOUT, chromium, confirm, log_in, vote
from tests.helpers import Demo
from tests.trustees.helpers import run_ceremony
from voting.auth.models import User
from voting.conferences.models import Conference
from voting.extensions import db
from voting.trustees.keys import current_ceremony, election_key_of
from voting.trustees.services import description

ROUND_1 = ["Phòng Công tác chính trị"] * 4 + ["Phòng Hậu cần"] * 3 + [None]
RUNOFF = ["Phòng Công tác chính trị"] * 6 + ["Phòng Hậu cần"] * 2
DEPUTY = ["Phòng Hậu cần"] * 6 + ["Phòng Tổ chức cán bộ", None]


async def _still_same_document(page: Page) -> bool:
    return bool(await page.evaluate("window.__noReload === 1"))


async def _vote_all(
    reps: list[Page], url: str, choices: list[str | None], *, challenge: bool = False
) -> list[str]:
    """All representatives vote at the same time (the first one challenges its ballot once, if asked)."""
    return list(
        await asyncio.gather(
            *(
                vote(page, url, choice, challenge=challenge and n == 0)
                for n, (page, choice) in enumerate(zip(reps, choices, strict=True))
            )
        )
    )


async def _close_and_check(console: Page, trustees: list[Page], expected: str) -> None:
    """Close the round; two of the three trustees decrypt it in their browsers; the count appears."""
    await confirm(console, "Kết thúc vòng bầu và kiểm phiếu", re.compile(r"\d/8 đơn vị"))
    await expect(console.locator("main")).to_contain_text("chờ đủ số người giữ khóa giải mã")
    round_page = await console.get_by_role("link", name="Xem ai còn chưa giải mã").first.get_attribute("href")
    for trustee in trustees[:2]:
        await trustee.goto(f"{console.url.split('/conferences/')[0]}{round_page}")
        await trustee.get_by_role("button", name="Giải mã phần của tôi").click()
        await expect(trustee.locator("#decryption")).not_to_contain_text("Giải mã phần của tôi")
    await expect(trustees[1].locator("main")).to_contain_text(expected)
    await console.reload()
    await expect(console.locator("main")).to_contain_text(expected)


async def _tampered_ballot_is_refused(rep: Page, url: str) -> None:
    """Post by hand a ballot whose one ciphertext was changed after its proofs: refused, nothing counted."""
    await rep.goto(url)
    await rep.get_by_role("link", name="Bỏ phiếu", exact=True).click()
    await expect(rep.locator('[data-step="choose"]')).to_be_visible()  # ballot.js and eg.js have run
    answer = await rep.evaluate(
        """async () => {
          const root = document.getElementById("secret-ballot");
          const request = JSON.parse(document.getElementById("ballot-request").textContent);
          const EG = window.LuanLuuEG;
          const forged = EG.encryptBallot(request.manifest, 0, request.zero).ballot;
          const other = EG.encryptBallot(request.manifest, 1, request.zero).ballot;
          forged.choices[0] = other.choices[0];  // valid points, proofs for another ciphertext set
          const response = await fetch(root.dataset.castUrl, {
            method: "POST", credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf},
            body: JSON.stringify({ballot: forged}),
          });
          return {status: response.status, body: await response.json()};
        }"""
    )
    assert answer["status"] == 409 and "không hợp lệ" in answer["body"]["error"], answer


async def _trustee_pages(browser: Browser, base: str, shares: list[Share]) -> list[Page]:
    """Log the trustees in, each in their own browser, with the key share their ceremony left there."""
    pages = []
    for share in shares:
        page = await log_in(await browser.new_context(), base, share.username)
        await page.goto(f"{base}/conferences/{share.conference}/trustees")
        if not await page.evaluate("Boolean(window.LuanLuuEG && window.LuanLuuEG.saveTrustee)"):
            await page.add_script_tag(url=f"{base}/static/vendor/noble/noble.js")
            await page.add_script_tag(url=f"{base}/static/js/eg.js")
            await page.add_script_tag(url=f"{base}/static/js/eg-trustee.js")
        await page.evaluate(
            """(s) => LuanLuuEG.saveTrustee(s.conference, s.ceremony, s.user,
                 LuanLuuEG.Trustee.restore(s.description, s.index, s.share))""",
            {
                "conference": share.conference,
                "ceremony": share.ceremony,
                "user": share.user,
                "description": share.description,
                "index": share.index,
                "share": share.share,
            },
        )
        pages.append(page)
    return pages


async def run_conference(base: str, demo: Demo, name: str, shares: list[Share]) -> None:
    async with chromium(name) as (browser, pages):
        url = f"{base}/conferences/{demo.conference_id}"
        chair = await log_in(await browser.new_context(), base, "chutri")
        pages.append(chair)
        reps = [await log_in(await browser.new_context(), base, f"daibieu{n}") for n in range(1, 9)]
        pages.extend(reps)
        for rep in reps:
            await rep.get_by_role("button", name="Điểm danh cho đơn vị").click()
            await expect(rep.locator(".flash")).to_contain_text("đã điểm danh")

        trustees = await _trustee_pages(browser, base, shares)
        pages.extend(trustees)
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
        await _tampered_ballot_is_refused(reps[0], url)
        receipts = await _vote_all(reps, url, ROUND_1, challenge=True)
        assert len(set(receipts)) == 8
        await expect(console.locator("[data-live-voted]").first).to_have_text("8", timeout=TIMEOUT)
        await expect(projector.locator("[data-live-voted]")).to_have_text("8", timeout=TIMEOUT)
        assert await _still_same_document(console) and await _still_same_document(projector)
        assert "37,50" not in await console.locator("main").inner_text()  # no partial counts

        await _close_and_check(console, trustees, "Không đơn vị nào đạt quá bán")
        await expect(projector.locator("main")).to_contain_text("3 (37,50%)", timeout=TIMEOUT)

        # The runoff between the top two.
        await console.get_by_role("button", name="Mở vòng bầu lại").click()
        await _vote_all(reps, url, RUNOFF)
        await expect(console.locator("[data-live-voted]").first).to_have_text("8", timeout=TIMEOUT)
        await _close_and_check(console, trustees, "Phòng Công tác chính trị đạt 6/8")
        await confirm(
            console, "Chứng nhận kết quả", "Phòng Công tác chính trị trúng cử Cụm trưởng", cancel_first=True
        )
        await expect(console.locator(".flash")).to_contain_text("Đã chứng nhận")

        await console.get_by_role("button", name="Mở vòng bầu Cụm phó").click()
        await _vote_all(reps, url, DEPUTY)
        await expect(console.locator("[data-live-voted]").first).to_have_text("8", timeout=TIMEOUT)
        await _close_and_check(console, trustees, "Phòng Hậu cần đạt 6/8")
        await confirm(console, "Chứng nhận kết quả", "Phòng Hậu cần trúng cử Cụm phó năm")
        await expect(projector.locator("main")).to_contain_text("Phòng Hậu cần", timeout=TIMEOUT)

        # The flag handover and the minutes.
        await console.get_by_role("link", name="Ghi nhận bàn giao cờ").click()
        await console.get_by_label("Người nhận (họ tên)").fill("Hoàng Quốc Việt")
        await console.get_by_label("Chức vụ người nhận").fill("Trưởng phòng Công tác chính trị")
        await console.get_by_label("Người chứng kiến (mỗi người một dòng)").fill("Thiếu tướng Đinh Văn Toản")
        await console.get_by_role("button", name="Ghi nhận bàn giao").click()
        await expect(console.locator(".flash")).to_contain_text("bàn giao cờ luân lưu")
        # The draft is read aloud; the chair records the show of hands before issuing.
        await console.get_by_role("link", name=re.compile(r"^Dự thảo biên bản")).click()
        await expect(console.locator("[data-draft-text]")).to_contain_text("biểu quyết thông qua")
        await console.get_by_label("Số đơn vị đồng ý", exact=True).fill("8")
        await console.get_by_label("Số đơn vị không đồng ý", exact=True).fill("0")
        await console.get_by_label("Số đơn vị không biểu quyết", exact=True).fill("0")
        await console.get_by_role("button", name="Ghi nhận biểu quyết").click()
        await expect(console.locator("main")).to_contain_text("Đã ghi nhận biểu quyết: 8/8 đơn vị đồng ý.")
        await console.get_by_role("link", name="Về bảng điều khiển").click()
        issue = "Kết thúc hội nghị và phát hành biên bản"
        await confirm(console, issue, "đã được 8/8 đơn vị biểu quyết thông qua", cancel_first=True)
        # The demo conference is dated 2016; the rounds and the vote happened today.
        await expect(console.locator("main")).to_contain_text("cần ghi lý do hội nghị kéo dài sang ngày khác")
        await console.get_by_label("Lý do hội nghị kéo dài sang ngày khác (nếu có)").fill(
            "Hội nghị được diễn lại trong trình duyệt khi kiểm thử"
        )
        await confirm(console, issue)
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


@dataclass(frozen=True)
class Share:
    """What a trustee's browser keeps after the key ceremony (here made by Python trustees)."""

    username: str
    conference: int
    ceremony: int
    user: int
    description: dict[str, Any]
    index: int
    share: str


def make_key(app: Flask, demo: Demo) -> list[Share]:
    """Run the key ceremony with Python trustees; return the shares their browsers would keep."""
    with app.app_context():
        conference = db.session.get(Conference, demo.conference_id)
        assert conference is not None
        players = run_ceremony(conference)
        key = election_key_of(conference)
        ceremony = current_ceremony(conference)
        assert key is not None and ceremony is not None
        shares = []
        for index, player in sorted(players.items()):
            account = db.session.get(User, key.trustees[index])
            assert account is not None and player.share is not None
            shares.append(
                Share(
                    account.username,
                    conference.id,
                    ceremony.id,
                    account.id,
                    description(ceremony),
                    index,
                    player.share,
                )
            )
        db.session.commit()
    return shares


def test_whole_conference_in_browsers(
    app: Flask, live_server: str, demo: Demo, request: pytest.FixtureRequest
) -> None:
    asyncio.run(run_conference(live_server, demo, request.node.name, make_key(app, demo)))
