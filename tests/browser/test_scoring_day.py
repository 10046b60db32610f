"""The scoring day (bình xét) for 8 units in the browser, each representative in its own context.

The chair starts the scoring (confirmed), every unit self-scores its sheet with explanations (one
attaches an evidence PDF), the chair assigns the cross-checks, the checkers score, the chair reviews
(one changed score must be explained), closes the stages, and the ranking shows the order and totals
worked out here from what was typed.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from flask import Flask
from playwright.async_api import BrowserContext, Page, expect

from tests.browser.pages import chromium, confirm, log_in
from tests.emulation.helpers import build_table
from tests.factories import Factories, representative, staff
from voting.auth.models import Role
from voting.emulation.models import ItemKind
from voting.extensions import db
from voting.formatting import format_points, to_local, utc_now

PDF = b"%PDF-1.7\n%bao cao tong ket\n"
CODES = ("1.1", "1.2", "2.1", "T1", "TR1")
Points = dict[str, Decimal]  # item code -> points


@dataclass(frozen=True)
class Day:
    """The committed cluster and its table, not started yet."""

    table_id: int
    items: dict[str, int]  # code -> id
    kinds: dict[str, ItemKind]
    units: list[tuple[int, str, str]]  # (id, name, representative's username), in the cluster's order
    chair: str


def self_points(index: int) -> Points:
    """Return what unit *index* gives itself: a few criteria below their maxima, a bonus, a penalty."""
    return {
        "1.1": Decimal(10) - Decimal(index) / 2,
        "1.2": Decimal("7.5") - Decimal(index % 3) / 4,
        "2.1": Decimal(9 - index % 4),
        "T1": Decimal(index % 2),
        "TR1": Decimal(1 if index == 6 else 0),
    }


def cross_points(index: int) -> Points:
    """Return what unit *index*'s checker gives it: half a point less on 2.1 for every second unit."""
    points = self_points(index)
    if index % 2 == 0:
        points["2.1"] -= Decimal("0.5")
    return points


#: the cluster's review changes one score of the first unit (explained)
REVIEWED = {0: {"1.1": Decimal(9)}}


def expected_ranking(day: Day) -> list[tuple[str, str]]:
    """Return (unit name, total as the page writes it) from the best, the latest stage's points of record."""
    totals = []
    for index, (_, name, _) in enumerate(day.units):
        record = {**self_points(index), **cross_points(index), **REVIEWED.get(index, {})}
        total = sum(
            (-points if day.kinds[code] is ItemKind.PENALTY else points for code, points in record.items()),
            Decimal(0),
        )
        totals.append((total, index, name))
    assert len({total for total, _, _ in totals}) == len(totals)  # no tie: the order is the totals'
    return [(name, format_points(total)) for total, _, name in sorted(totals, key=lambda t: (-t[0], t[1]))]


@pytest.fixture
def day(app: Flask, factories: Factories) -> Day:
    with app.app_context():
        cluster = factories.cluster(units=8)
        table = build_table(cluster)
        made = Day(
            table.id,
            {item.code: item.id for item in table.items},
            {item.code: item.kind for item in table.items},
            [(unit.id, unit.name, representative(unit).username) for unit in cluster.units],
            staff(cluster, Role.CHAIR).username,
        )
        db.session.commit()
        return made


async def fill_sheet(page: Page, day: Day, points: Points, why: str) -> None:
    """Type the points and their explanation into the open sheet and save it."""
    for code, value in points.items():
        await page.locator(f"#points_{day.items[code]}").fill(format_points(value))
        if why:
            await page.locator(f"#explanation_{day.items[code]}").fill(f"{why} (mục {code})")
    await page.get_by_role("button", name="Lưu điểm").click()


async def play(base: str, day: Day, name: str) -> None:
    table_url = f"{base}/emulation/tables/{day.table_id}"

    def sheet(unit_id: int, stage: str) -> str:
        return f"{table_url}/units/{unit_id}/scores?stage={stage}"

    async with chromium(name) as (browser, pages):
        contexts: list[BrowserContext] = [await browser.new_context() for _ in range(9)]
        chair = await log_in(contexts[0], base, day.chair)
        reps = list(
            await asyncio.gather(
                *(log_in(contexts[i + 1], base, username) for i, (_, _, username) in enumerate(day.units))
            )
        )
        pages.extend([chair, *reps])

        # The chair starts the scoring: the table locks once the dialog is confirmed.
        await chair.goto(table_url)
        for index, field in enumerate(("self", "cross", "review", "second_review")):
            moment = to_local(utc_now() + timedelta(days=1 + index)).strftime("%Y-%m-%dT%H:%M")
            await chair.locator(f"#{field}_deadline").fill(moment)
        locks = "Khóa bảng tiêu chí (5 mục) và bắt đầu chấm điểm cho 8 đơn vị?"
        await confirm(chair, "Khóa bảng và bắt đầu chấm điểm", locks)
        await expect(chair.locator(".flash")).to_contain_text("Đã bắt đầu chấm điểm")

        # Each unit self-scores on its own sheet; the first attaches its report as evidence.
        async def self_score(index: int) -> None:
            rep = reps[index]
            await rep.goto(sheet(day.units[index][0], "self"))
            await fill_sheet(rep, day, self_points(index), "Theo báo cáo tổng kết")
            await expect(rep.locator(".flash")).to_contain_text("Đã lưu điểm")

        await asyncio.gather(*(self_score(index) for index in range(8)))  # the 8 units at once
        first = reps[0]
        await first.locator("#evidence-item").select_option(label="1.1")
        await first.locator("input[type=file]").set_input_files(
            files=[{"name": "bao-cao-tong-ket.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        await first.get_by_role("button", name="Đính kèm").click()
        await expect(first.locator(".flash")).to_contain_text("Đã đính kèm minh chứng")
        await expect(first.get_by_role("link", name="bao-cao-tong-ket.pdf")).to_be_visible()

        # The chair has each unit checked by the next one, then closes the self-score.
        await chair.goto(table_url)
        names = [unit_name for _, unit_name, _ in day.units]
        for index, checked in enumerate(names):
            await chair.get_by_label("Đơn vị chấm", exact=True).select_option(label=names[(index + 1) % 8])
            await chair.get_by_label("Chấm chéo cho đơn vị", exact=True).select_option(label=checked)
            await chair.get_by_role("button", name="Phân công").click()
        await expect(chair.locator("#assignments li")).to_have_count(8)
        closes = "Cả 8/8 đơn vị đã có đủ điểm. Kết thúc giai đoạn tự chấm?"
        await confirm(chair, "Kết thúc giai đoạn", closes, cancel_first=True)
        await expect(chair.locator(".flash")).to_contain_text("Đã kết thúc giai đoạn")

        # Each checker scores the unit it was given.
        async def cross_check(index: int) -> None:
            checker = reps[(index + 1) % 8]
            await checker.goto(sheet(day.units[index][0], "cross"))
            await fill_sheet(checker, day, cross_points(index), "Đối chiếu hồ sơ")
            await expect(checker.locator(".flash")).to_contain_text("Đã lưu điểm")

        await asyncio.gather(*(cross_check(index) for index in range(8)))
        await chair.goto(table_url)
        await confirm(chair, "Kết thúc giai đoạn", "Kết thúc giai đoạn chấm chéo?")
        await expect(chair.locator(".flash")).to_contain_text("Đã kết thúc giai đoạn")

        # The review: a changed score without a reason is refused, then saved with one.
        await chair.goto(sheet(day.units[0][0], "review"))
        await fill_sheet(chair, day, REVIEWED[0], "")
        await expect(chair.locator("#sheet").locator("..")).to_contain_text("ghi rõ lý do")
        await fill_sheet(chair, day, REVIEWED[0], "Thiếu minh chứng chỉ tiêu 3")
        await expect(chair.locator(".flash")).to_contain_text("Đã lưu điểm")
        await chair.goto(table_url)
        await confirm(chair, "Kết thúc giai đoạn", "Đã sửa điểm của 1/8 đơn vị")
        await expect(chair.locator(".flash")).to_contain_text("Đã kết thúc giai đoạn")
        await confirm(chair, "Kết thúc giai đoạn", "Đã sửa điểm của 0/8 đơn vị")
        await expect(chair.locator("#stages")).not_to_contain_text("Đang mở")

        # Every representative reads the same ranking: the order and totals worked out above.
        expected = expected_ranking(day)
        for reader in (chair, reps[7]):
            await reader.goto(f"{table_url}/ranking")
            rows = reader.locator("#ranking tbody tr")
            await expect(rows).to_have_count(8)
            await expect(rows.locator("th")).to_have_text([unit for unit, _ in expected])
            await expect(rows.locator("strong")).to_have_text([total for _, total in expected])
            await expect(rows.first.locator("td").first).to_have_text("1")
        assert re.search(r"/ranking$", reps[7].url)


def test_the_scoring_day_for_8_units_ends_in_the_ranking(
    live_server: str, day: Day, request: pytest.FixtureRequest
) -> None:
    asyncio.run(play(live_server, day, request.node.name))
