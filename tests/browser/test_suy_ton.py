"""The suy tôn vote in Chromium: 8 units in their own contexts choose up to k; the chair certifies."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.async_api import Page, expect

from tests.browser.pages import TIMEOUT, chromium, log_in
from tests.eg import trustees_of
from tests.elections.helpers import check_in_all
from tests.factories import Site
from voting import demo
from voting.conferences.models import Conference
from voting.elections.award_models import ElectionWinner
from voting.elections.models import Round
from voting.extensions import db
from voting.formatting import utc_now

MakeSite = Callable[..., Site]


async def _confirm(page: Page, button: str, done: str) -> None:
    """Click *button*, confirm its dialog, and wait for the page that says *done*."""
    await page.get_by_role("button", name=button, exact=True).first.click()
    dialog = page.locator("dialog.confirm-dialog")
    await expect(dialog).to_be_visible()
    async with page.expect_navigation():
        await dialog.get_by_role("button", name=button).click()
    await expect(page.locator("main")).to_contain_text(done)


async def _vote(page: Page, conference_url: str, names: list[str]) -> None:
    """Open the ballot from the conference page, tick *names* and cast it."""
    await page.goto(conference_url)
    await page.get_by_role("link", name="Bỏ phiếu", exact=True).click()
    await expect(page.locator("legend")).to_have_text("Chọn tối đa 2 đơn vị")
    for name in names:
        await page.get_by_label(name, exact=True).check()
    await page.get_by_role("button", name="Bỏ phiếu").click()


async def _create_and_open(chair: Page, awards: str) -> str:
    """Create "Bằng khen" (2 units from 50% up, all units standing) and open it; return the page."""
    await chair.goto(awards)
    await chair.get_by_label("Danh hiệu suy tôn").fill("Bằng khen của Bộ trưởng")
    await chair.get_by_label("Số đơn vị được chọn tối đa (k)").fill("2")
    await chair.get_by_label("Đạt đúng tỷ lệ là đủ (từ tỷ lệ đó trở lên, ≥)").check()
    await chair.get_by_role("button", name="Tạo cuộc bỏ phiếu suy tôn").click()
    await expect(chair.locator(".flash")).to_contain_text("Đã tạo cuộc bỏ phiếu suy tôn")
    await chair.get_by_role("button", name="Mở vòng bỏ phiếu").click()
    await expect(chair.locator(".flash")).to_contain_text("Đã mở vòng 1")
    return awards


def _checked_in_site(app: Flask, make_site: MakeSite, **kwargs: object) -> Site:
    """Return a committed conference with its 8 units checked in."""
    site = make_site(**kwargs)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        check_in_all(conference)
        db.session.commit()
    return site


async def suy_ton_day(base: str, site: Site, name: str) -> None:
    async with chromium(name) as (browser, pages):
        chair = await log_in(await browser.new_context(), base, site.chair)
        pages.append(chair)
        awards = await _create_and_open(chair, f"{base}/conferences/{site.conference_id}/awards")

        reps = [
            await log_in(await browser.new_context(), base, username) for username in site.representatives
        ]
        pages.extend(reps)
        conference_url = f"{base}/conferences/{site.conference_id}"
        a, b, c = site.unit_names[1:4]
        await _vote(reps[0], conference_url, [a, b, c])  # three boxes: the server refuses, nothing cast
        await expect(reps[0].locator("main")).to_contain_text("tối đa 2 đơn vị")
        ballots = [[a, b]] * 4 + [[a, c]] * 3 + [[]]
        await asyncio.gather(
            *(_vote(rep, conference_url, marked) for rep, marked in zip(reps, ballots, strict=True))
        )
        for rep in reps:
            await expect(rep.locator("main")).to_contain_text("Phiếu đã được ghi nhận")

        await chair.goto(awards)
        await _confirm(chair, "Kết thúc vòng bầu và kiểm phiếu", "Đã kết thúc vòng 1")
        await expect(chair.locator("main")).to_contain_text("4/8 đơn vị có mặt = 50,00% ≥ 50%: được đề nghị")
        await _confirm(chair, "Chứng nhận kết quả", "Đã chứng nhận kết quả suy tôn")
        await expect(chair.locator("main")).to_contain_text(f"Đơn vị được đề nghị: {a}, {b}")


def test_eight_units_vote_a_suy_ton_and_the_chair_certifies(
    app: Flask, live_server: str, make_site: MakeSite, request: pytest.FixtureRequest
) -> None:
    site = _checked_in_site(app, make_site, election_key=False)  # no key: the plaintext secret ballot
    asyncio.run(suy_ton_day(live_server, site, request.node.name))
    with app.app_context():
        winners = db.session.scalars(sa.select(ElectionWinner.unit_id).order_by(ElectionWinner.position))
        assert list(winners) == site.units[1:3]


async def _vote_encrypted(page: Page, conference_url: str, names: list[str]) -> None:
    """Tick *names* on the encrypted ballot (eg.js), review and cast it."""
    await page.goto(conference_url)
    await page.get_by_role("link", name="Bỏ phiếu", exact=True).click()
    for name in names:
        await page.get_by_label(name, exact=True).check()
    await page.get_by_role("button", name="Xem lại phiếu").click()
    await page.get_by_role("button", name="Bỏ phiếu", exact=True).click()
    heading = page.get_by_role("heading", name="Phiếu đã được ghi nhận")
    await expect(heading).to_be_visible(timeout=TIMEOUT)


async def encrypted_suy_ton(app: Flask, base: str, site: Site, name: str) -> None:
    async with chromium(name) as (browser, pages):
        chair = await log_in(await browser.new_context(), base, site.chair)
        pages.append(chair)
        awards = await _create_and_open(chair, f"{base}/conferences/{site.conference_id}/awards")

        reps = [
            await log_in(await browser.new_context(), base, username) for username in site.representatives
        ]
        pages.extend(reps)
        conference_url = f"{base}/conferences/{site.conference_id}"
        a, b, c = site.unit_names[1:4]
        await reps[0].goto(conference_url)
        await reps[0].get_by_role("link", name="Bỏ phiếu", exact=True).click()
        await expect(reps[0].locator("legend")).to_contain_text("Chọn tối đa 2 đơn vị")
        await reps[0].get_by_label(a, exact=True).check()
        await reps[0].get_by_label(b, exact=True).check()
        await expect(reps[0].get_by_label(c, exact=True)).to_be_disabled()  # the page keeps it to k
        ballots = [[a, b]] * 4 + [[a, c]] * 3 + [[]]
        await asyncio.gather(
            *(_vote_encrypted(rep, conference_url, marked) for rep, marked in zip(reps, ballots, strict=True))
        )
        await chair.goto(awards)
        await _confirm(chair, "Kết thúc vòng bầu và kiểm phiếu", "Đã kết thúc vòng 1")
        with (
            app.app_context()
        ):  # the trustees decrypt the sum (their own pages: tests/browser/test_ceremony.py)
            round_ = db.session.scalar(sa.select(Round).order_by(Round.id.desc()))
            assert round_ is not None
            demo.decrypt(round_, trustees_of(round_.election.conference), now=utc_now())
            db.session.commit()
        await chair.reload()
        await expect(chair.locator("main")).to_contain_text(f"{a} đạt 7/8 đơn vị có mặt = 87,50% ≥ 50%")
        await _confirm(chair, "Chứng nhận kết quả", "Đã chứng nhận kết quả suy tôn")
        await expect(chair.locator("main")).to_contain_text(f"Đơn vị được đề nghị: {a}, {b}")


def test_eight_units_vote_an_encrypted_suy_ton_in_their_browsers(
    app: Flask, live_server: str, make_site: MakeSite, request: pytest.FixtureRequest
) -> None:
    site = _checked_in_site(app, make_site)  # the key: eg.js encrypts and proves "at most k" in each browser
    asyncio.run(encrypted_suy_ton(app, live_server, site, request.node.name))
    with app.app_context():
        winners = db.session.scalars(sa.select(ElectionWinner.unit_id).order_by(ElectionWinner.position))
        assert list(winners) == site.units[1:3]
