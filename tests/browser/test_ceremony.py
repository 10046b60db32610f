"""The key ceremony in real browsers: the chair starts it, three trustees make the key, each in their own."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.async_api import BrowserContext, Page, expect

from tests.browser.pages import TIMEOUT, chromium, log_in
from tests.helpers import CHECK_IN_AT, Demo
from tests.trustees.helpers import tally
from voting.auth.models import User
from voting.conferences.models import Conference
from voting.conferences.services import check_in
from voting.crypto import prover, verifier
from voting.elections.paper import add_committee_member
from voting.extensions import db
from voting.trustees.keys import current_ceremony, election_key_of
from voting.trustees.services import description

TRUSTEES = ["kiemphieu1", "kiemphieu2", "kiemphieu3"]
KEPT = "Phần khóa của bạn đã được lưu trong trình duyệt này"


def _committee(app: Flask, demo: Demo) -> None:
    """Check every unit in and elect the demo's counting committee, as the hall does before the ceremony."""
    with app.app_context():
        conference = db.session.get(Conference, demo.conference_id)
        assert conference is not None
        for unit in conference.cluster.units:
            check_in(conference, unit, by=conference.chair, now=CHECK_IN_AT)
        for number, username in enumerate(TRUSTEES):
            counter = db.session.scalar(sa.select(User).where(User.username == username))
            assert counter is not None
            add_committee_member(
                conference, counter, is_head=number == 0, approvals=8, by=conference.chair, now=CHECK_IN_AT
            )
        db.session.commit()


async def _stored(page: Page) -> dict[str, Any]:
    """Return what the trustee's browser keeps in its localStorage, parsed."""
    items = await page.evaluate(
        "() => Object.fromEntries(Object.keys(localStorage).map(k => [k, localStorage.getItem(k)]))"
    )
    return {key: json.loads(value) for key, value in items.items()}


async def run_ceremony_in_browsers(base: str, demo: Demo, name: str) -> list[dict[str, Any]]:
    async with chromium(name) as (browser, pages):
        chair = await log_in(await browser.new_context(), base, "chutri")
        pages.append(chair)
        contexts: list[BrowserContext] = [await browser.new_context() for _ in TRUSTEES]
        trustees = [await log_in(context, base, who) for context, who in zip(contexts, TRUSTEES, strict=True)]
        pages.extend(trustees)
        await chair.goto(f"{base}/conferences/{demo.conference_id}/console")
        await expect(chair.locator("#key-ceremony")).to_contain_text("Chưa tạo khóa bầu cử")
        await chair.get_by_role("button", name="Bắt đầu phiên tạo khóa (Ban kiểm phiếu giữ khóa)").click()
        await expect(chair.locator("main")).to_contain_text("Bước 1/3", timeout=TIMEOUT)
        # Each trustee opens the page in their own browser; the pages do the rest as the ceremony advances.
        for page in trustees:
            await page.get_by_role("link", name="Người giữ khóa").click()
        for page in trustees:
            await expect(page.locator("[data-mine]")).to_contain_text(KEPT, timeout=TIMEOUT * 2)
            await expect(page.locator("[data-status]")).to_have_text("Đã tạo xong khóa bầu cử")
        await chair.reload()
        await expect(chair.locator("[data-key]")).to_be_visible()
        await chair.goto(f"{base}/conferences/{demo.conference_id}/console")
        await expect(chair.locator("#key-ceremony")).to_contain_text("Đã tạo xong khóa bầu cử")
        return [await _stored(page) for page in trustees]


def test_three_trustees_make_the_key_in_their_own_browsers(
    app: Flask, live_server: str, demo: Demo, request: pytest.FixtureRequest
) -> None:
    _committee(app, demo)
    stored = asyncio.run(run_ceremony_in_browsers(live_server, demo, request.node.name))
    with app.app_context():
        conference = db.session.get(Conference, demo.conference_id)
        assert conference is not None
        key, ceremony = election_key_of(conference), current_ceremony(conference)
        assert key is not None and ceremony is not None
        # Each browser keeps only its share s_j (the ceremony's other secrets forgotten), under its own key.
        shares = {}
        for index, storage in enumerate(stored, start=1):
            user_id = key.trustees[index]
            secret = storage[f"luanluu-eg:{conference.id}:{ceremony.id}:{user_id}"]
            assert secret["coefficients"] is None and secret["comm_secret"] is None
            assert verifier.base(bytes.fromhex(secret["share"])).hex() == key.verification_keys[index]
            shares[index] = prover.Trustee.restore(description(ceremony), index, secret["share"])
        # Nothing secret reached the server: no share is a column of any row it keeps.
        for row in db.session.execute(sa.text("SELECT phase1, verification_key FROM ceremony_trustees")):
            assert not any(share.share in str(row) for share in shares.values())
        # Any two of the browsers' shares decrypt; the result is the ballots' count.
        assert tally(key, conference.id, {2: shares[2], 3: shares[3]}, [1, 1, 0]) == [1, 2, 0]
