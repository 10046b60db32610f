"""Confirmation of irreversible actions, Back after casting and the ballot on a phone, in Chromium."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.async_api import Page, expect

from tests.browser.pages import TIMEOUT, chromium, log_in
from tests.eg import cast_ballot, trustees_of
from tests.elections.helpers import open_vote_round
from tests.factories import Site, Stage
from voting import demo
from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.documents.models import Document
from voting.elections.models import Election, Round, RoundStatus
from voting.extensions import db
from voting.formatting import utc_now

MakeSite = Callable[..., Site]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
#: a unit name that wraps to two lines on a phone
LONG_NAME = "Phòng Cảnh sát điều tra tội phạm về trật tự xã hội và ma túy"


def _latest_round(app: Flask) -> tuple[int, RoundStatus]:
    with app.app_context():
        round_ = db.session.scalar(sa.select(Round).order_by(Round.id.desc()))
        assert round_ is not None
        return round_.id, round_.status


def _cast(app: Flask, voters: int, winner: int = 1) -> None:
    """Cast the first *voters* units' ballots for the unit at index *winner* in the latest round."""
    with app.app_context():
        round_ = db.session.scalar(sa.select(Round).order_by(Round.id.desc()))
        assert round_ is not None
        units = sorted(round_.election.conference.cluster.units, key=lambda unit: unit.id)
        for unit in units[:voters]:
            cast_ballot(round_, unit, units[winner], now=utc_now())
        db.session.commit()


def _decrypt(app: Flask) -> None:
    """Have a quorum of trustees decrypt the latest (closed, encrypted) round."""
    with app.app_context():
        round_ = db.session.scalar(sa.select(Round).order_by(Round.id.desc()))
        assert round_ is not None
        demo.decrypt(round_, trustees_of(round_.election.conference), now=utc_now())
        db.session.commit()


def _count(app: Flask, statement: sa.Select[tuple[int]]) -> int:
    with app.app_context():
        return db.session.scalar(statement) or 0


async def _ask_and_cancel(page: Page, button: str, question: str) -> None:
    """Open the dialog of *button*: it says *question*, focus on "Quay lại"; cancel by Escape and by click."""
    dialog = page.locator("dialog.confirm-dialog")
    url = page.url
    await page.get_by_role("button", name=button, exact=True).first.click()
    await expect(dialog).to_be_visible()
    await expect(dialog.locator("p")).to_contain_text(question)
    assert await page.evaluate("document.activeElement.textContent") == "Quay lại"  # the safe button
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await page.get_by_role("button", name=button, exact=True).first.click()
    await dialog.get_by_role("button", name="Quay lại").click()
    await expect(dialog).to_be_hidden()
    assert page.url == url


async def _ask_and_confirm(page: Page, button: str, done: str) -> None:
    """Open the dialog of *button* and confirm it with the keyboard (Tab to the action, Enter)."""
    dialog = page.locator("dialog.confirm-dialog")
    await page.get_by_role("button", name=button, exact=True).first.click()
    await expect(dialog).to_be_visible()
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == button
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    await expect(page.locator("main")).to_contain_text(done)


async def irreversible_actions(app: Flask, base: str, site: Site, name: str) -> None:
    async with chromium(name) as (browser, pages):
        chair = await log_in(await browser.new_context(), base, site.chair)
        pages.append(chair)
        console = f"{base}/conferences/{site.conference_id}/console"
        await chair.goto(console)
        close = "Kết thúc vòng bầu và kiểm phiếu"
        await _ask_and_cancel(chair, close, "Còn 2/8 đơn vị chưa bỏ phiếu. Kết thúc vòng 1")
        assert _latest_round(app)[1] is RoundStatus.OPEN
        await _ask_and_confirm(chair, close, "Đã kết thúc vòng 1")
        assert _latest_round(app)[1] is RoundStatus.CLOSED

        await chair.get_by_label("Lý do hủy vòng 1").fill("Phát hiện sai sót khi điểm danh")
        await _ask_and_cancel(chair, "Hủy vòng bầu này", "Hủy vòng 1: 6/8 phiếu đã bỏ sẽ không được tính")
        assert _latest_round(app)[1] is RoundStatus.CLOSED
        await _ask_and_confirm(chair, "Hủy vòng bầu này", "Đã hủy vòng 1")
        assert _latest_round(app)[1] is RoundStatus.VOIDED

        await chair.get_by_role("button", name=re.compile("^Mở vòng bầu")).first.click()
        await expect(chair.locator(".flash")).to_contain_text("Đã mở vòng 2")
        _cast(app, 8)
        await chair.reload()
        await _ask_and_confirm(chair, close, "Đã kết thúc vòng 2")
        _decrypt(app)
        await chair.reload()
        certified = sa.select(sa.func.count()).select_from(Election).where(Election.certified_at.is_not(None))
        await _ask_and_cancel(chair, "Chứng nhận kết quả", "trúng cử Cụm trưởng năm 2017 với 8/8 phiếu")
        assert _count(app, certified) == 0
        await _ask_and_confirm(chair, "Chứng nhận kết quả", "Đã chứng nhận")
        assert _count(app, certified) == 1

        await chair.goto(f"{base}/conferences/{site.conference_id}/documents")
        issue = "Phát hành Biên bản kiểm phiếu bầu Cụm trưởng"
        documents = sa.select(sa.func.count()).select_from(Document)
        await _ask_and_cancel(chair, issue, "nhận số tiếp theo trong sổ đăng ký")
        assert _count(app, documents) == 0
        await _ask_and_confirm(chair, issue, "Đã phát hành Biên bản kiểm phiếu")
        assert _count(app, documents) == 1

        await chair.get_by_text("Thay thế (phát hành văn bản mới, số mới)").click()
        await chair.get_by_label("Lý do thay thế").fill("Sửa tên đơn vị")
        replace = "Phát hành văn bản thay thế"
        await _ask_and_cancel(chair, replace, "sẽ được ghi là đã bị thay thế")
        assert _count(app, documents) == 1
        await _ask_and_confirm(chair, replace, "thay thế văn bản số")
        assert _count(app, documents) == 2
        # Issuing the minutes asks the same way: tests/browser/test_draft.py and test_conference.py.


def test_irreversible_actions_ask_first(
    app: Flask, live_server: str, make_site: MakeSite, request: pytest.FixtureRequest
) -> None:
    site = make_site(Stage.ROUND_OPEN)
    _cast(app, 6)
    asyncio.run(irreversible_actions(app, live_server, site, request.node.name))


async def phone_ballot(base: str, site: Site, name: str, *, back_shows: str) -> None:
    async with chromium(name) as (browser, pages):
        page = await log_in(await browser.new_context(**PHONE), base, site.representatives[4])  # type: ignore[arg-type]
        pages.append(page)
        await page.goto(f"{base}/conferences/{site.conference_id}")
        async with page.expect_navigation():
            await page.get_by_role("link", name="Bỏ phiếu", exact=True).tap()
        labels = page.locator("label.choice")
        await expect(labels.first).to_be_visible()
        review = page.get_by_role("button", name="Xem lại phiếu")
        await expect(page.locator("details.rules")).not_to_have_attribute("open", "")
        for element in (page.locator("h1"), labels.first, labels.last, review):
            box = await element.bounding_box()
            assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 740, (
                await element.inner_text(),
                box,
            )
        heights = await labels.evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
        texts = await labels.evaluate_all(
            "els => els.map(e => e.querySelector('span').getClientRects().length)"
        )
        lines = await labels.evaluate_all(
            "els => els.map(e => Math.round(e.querySelector('span').getBoundingClientRect().height))"
        )
        assert len(set(heights)) == 1 and len(set(lines)) > 1, (
            heights,
            lines,
            texts,
        )  # one wraps, same target
        radios = await page.locator("label.choice input").evaluate_all("els => els.map(e => e.offsetWidth)")
        assert len(set(radios)) == 1, radios
        await page.get_by_text("Quy chế bầu cử đang áp dụng").tap()  # the rules, one tap away
        await expect(page.locator("details.rules li").first).to_be_visible()
        await labels.nth(1).tap()
        await review.tap()
        await page.get_by_role("button", name="Bỏ phiếu", exact=True).tap()
        await expect(
            page.get_by_role("heading", name=re.compile("Phiếu đã được ghi nhận")).first
        ).to_be_visible(timeout=TIMEOUT)
        await page.go_back()
        await page.wait_for_load_state()
        assert "chrome-error" not in page.url and "ERR_CACHE_MISS" not in await page.content()
        await expect(page.locator("main")).to_contain_text(back_shows)


def _long_name(app: Flask, site: Site) -> None:
    with app.app_context():
        unit = db.session.get(Unit, site.units[3])
        assert unit is not None
        unit.name = LONG_NAME
        db.session.commit()


def test_plaintext_ballot_fits_a_phone_and_back_shows_the_receipt(
    app: Flask, live_server: str, make_site: MakeSite, request: pytest.FixtureRequest
) -> None:
    site = make_site(Stage.CREATED)
    _long_name(app, site)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        open_vote_round(conference)
        db.session.commit()
    asyncio.run(phone_ballot(live_server, site, request.node.name, back_shows="Phiếu đã được ghi nhận"))


def test_secret_ballot_fits_a_phone_and_back_shows_the_conference(
    app: Flask, live_server: str, make_site: MakeSite, request: pytest.FixtureRequest
) -> None:
    site = make_site(Stage.ROUND_OPEN)
    _long_name(app, site)
    # The secret ballot is reviewed and cast in the page; Back leads to the conference page.
    asyncio.run(phone_ballot(live_server, site, request.node.name, back_shows="đã bỏ phiếu"))
