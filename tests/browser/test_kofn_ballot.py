"""Choose-up-to-k (suy tôn) ballots in the browser: eg.js against the vectors and the Python verifier, and
the secret ballot page (ballot.js) limiting its checkboxes to k, in Chromium.

A manifest with "max_choices": k takes ballots that mark 0..k options, with a (k + 1)-branch sum-range
proof (docs/election-protocol.md §4). The page test gives today's leader round such a manifest (the
server side of suy tôn votes comes separately); its cast request is answered by the test, which checks
the posted ballot with the verifier and decrypts it with the round's Python trustees.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from playwright.async_api import Page, Route, expect

from tests.browser.pages import TIMEOUT, chromium, log_in
from tests.browser.test_eg_js import VECTORS, manifest_for, python_ceremony, run
from tests.factories import Site, Stage
from tests.trustees.helpers import TRUSTEES
from voting.crypto import prover
from voting.crypto import verifier as v
from voting.elections import encrypted

# eg.js replays the kofn vectors to the byte, and its ballots, made with its own randomness, pass the
# Python verifier.
REPLAY_KOFN = """(items) => items.map(function (item) {
  var EG = LuanLuuEG;
  var e = EG.encryptBallot(item.manifest, item.choice, item.zero, replay(item.rng));
  return {ctx: EG.manifestCtx(item.manifest), ballot: e.ballot, randomness: e.randomness, tracker: e.tracker,
          tracker_display: EG.shortTracker(e.tracker),
          audit: EG.challenge(e.ballot, item.choice, e.randomness, item.zero),
          audit_choice: EG.verifyChallenge(item.audit, item.manifest),
          self_check: EG.verifyBallot(item.manifest, e.ballot, item.zero)};
})"""


def test_js_reproduces_the_kofn_vectors(live_server: str, request: pytest.FixtureRequest) -> None:
    """Choose-up-to-k ballots (2 marks, blank, 2 marks with an excluded option, 1 mark): the same bytes."""
    items = json.loads(VECTORS.read_text())["kofn_ballots"]
    assert {len(item["choice"]) for item in items} == {0, 1, 2} and any(item["zero"] for item in items)

    async def body(page: Page) -> None:
        js = await page.evaluate(REPLAY_KOFN, items)
        for mine, theirs in zip(js, items, strict=True):
            assert mine.pop("audit_choice") == theirs["choice"]
            assert mine.pop("self_check") == theirs["tracker"]
            assert mine == {key: theirs[key] for key in mine}

    run(live_server, request, body)


def kofn_manifest(phase1: list[dict[str, Any]], n: int, k: int, round_id: int) -> dict[str, Any]:
    """Return a choose-up-to-k manifest of *n* units (no blank option: a blank ballot marks none)."""
    return {**manifest_for(phase1, [f"unit:{u}" for u in range(1, n + 1)], round_id), "max_choices": k}


def test_js_kofn_ballots_pass_the_python_verifier(live_server: str, request: pytest.FixtureRequest) -> None:
    """2 of 8 and 5 of 60, blank and full, encrypted in the browser, verify in Python; audits both ways."""
    _, phase1 = python_ceremony("kofn")
    small, large = kofn_manifest(phase1, 8, 2, 11), kofn_manifest(phase1, 60, 5, 12)
    python_ballot, python_randomness = prover.encrypt_ballot(small, [5, 0], [3])
    python_audit = prover.challenge(python_ballot, [5, 0], python_randomness, [3])

    async def body(page: Page) -> None:
        out = await page.evaluate(
            """([small, large, pythonAudit]) => {
              var EG = LuanLuuEG;
              var a = EG.encryptBallot(small, [6, 1], [3]);
              var blank = EG.encryptBallot(small, []);
              var b = EG.encryptBallot(large, [59, 7, 0, 33, 12]);
              return {a: a, blank: blank, b: b, audit: EG.challenge(a.ballot, [6, 1], a.randomness, [3]),
                      selfCheck: EG.verifyBallot(large, b.ballot), k: EG.maxChoices(large),
                      pythonAuditChoice: EG.verifyChallenge(pythonAudit, small)};
            }""",
            [small, large, python_audit],
        )
        a, blank, b = out["a"], out["blank"], out["b"]
        assert v.verify_ballot(small, a["ballot"], [3]) == a["tracker"]
        assert v.verify_ballot(small, blank["ballot"]) == blank["tracker"]
        assert v.verify_ballot(large, b["ballot"]) == b["tracker"] == out["selfCheck"]
        assert len(a["ballot"]["sum_proof"]) == 3 and len(b["ballot"]["sum_proof"]) == 6  # k + 1 branches
        assert out["audit"]["choice"] == [1, 6] and out["audit"]["zero"] == [3]
        assert v.verify_challenge(out["audit"], small) == [1, 6]
        assert out["pythonAuditChoice"] == [0, 5] and out["k"] == 5
        with pytest.raises(v.Invalid):  # the same ballot under exactly-one, or another k, fails
            v.verify_ballot({**small, "max_choices": 3}, a["ballot"], [3])

    run(live_server, request, body)


def test_js_refuses_more_than_k_marks(live_server: str, request: pytest.FixtureRequest) -> None:
    """eg.js itself refuses k + 1 marks, a repeated or an excluded mark, a bad k, a wrong audit."""
    _, phase1 = python_ceremony("kofn refusals")
    manifest = kofn_manifest(phase1, 8, 2, 13)
    ballot, randomness = prover.encrypt_ballot(manifest, [2, 4])
    refused: list[dict[str, Any]] = [
        {"choice": [0, 1, 2]},  # k + 1 marks
        {"choice": [1, 1]},
        {"choice": [1, 3], "zero": [3]},
        {"choice": 1},  # an exactly-one choice for a choose-up-to-k manifest
        {"choice": [1], "manifest": {"max_choices": 9}},
        {"choice": [], "manifest": {"max_choices": 0}},
        {"audit": prover.challenge(ballot, [2, 4, 6], randomness)},
        {"audit": prover.challenge(ballot, [2], randomness)},
        {"audit": {"ballot": ballot, "choice": [4, 2], "randomness": randomness}},  # not sorted
    ]
    honest = {"audit": prover.challenge(ballot, [2, 4], randomness)}

    async def body(page: Page) -> None:
        messages = await page.evaluate(
            """([manifest, attempts]) => attempts.map(function (a) {
              var EG = LuanLuuEG;
              try {
                if (a.audit) EG.verifyChallenge(a.audit, manifest);
                else EG.encryptBallot(Object.assign({}, manifest, a.manifest || {}), a.choice, a.zero);
                return null;
              } catch (e) { return e instanceof EG.Invalid ? e.message : "not Invalid: " + e; }
            })""",
            [manifest, [*refused, honest]],
        )
        assert messages[-1] is None
        for message in messages[:-1]:
            assert message is not None and not message.startswith("not Invalid"), messages
        assert "at most 2" in messages[0]

    run(live_server, request, body)


# The ballot page ------------------------------------------------------------------------------------


@pytest.fixture
def up_to_two(make_site: Callable[..., Site], monkeypatch: pytest.MonkeyPatch) -> Site:
    """The leader round open, its ballot request turned into a choose-up-to-2 one (checkboxes).

    Option 2 is also excluded for the voter (as their own unit would be): proved 0, its box disabled.
    """
    site = make_site(Stage.ROUND_OPEN)
    original = encrypted.ballot_request

    def choose_up_to_two(round_: Any, unit: Any) -> dict[str, Any]:
        request = original(round_, unit)
        manifest = {**request["manifest"], "max_choices": 2}
        zero = sorted({*request["zero"], 2})
        return {**request, "manifest": manifest, "ctx": v.manifest_ctx(manifest), "zero": zero}

    monkeypatch.setattr(encrypted, "ballot_request", choose_up_to_two)
    return site


async def checked_and_disabled(page: Page) -> tuple[list[int], list[int]]:
    """Return the indexes of the checked and of the disabled checkboxes."""
    boxes = page.locator('input[name="choice"]')
    checked = await boxes.evaluate_all("boxes => boxes.flatMap((b, i) => b.checked ? [i] : [])")
    disabled = await boxes.evaluate_all("boxes => boxes.flatMap((b, i) => b.disabled ? [i] : [])")
    return checked, disabled


async def vote_two(base: str, site: Site, name: str) -> None:
    async with chromium(name) as (browser, pages):
        page = await log_in(await browser.new_context(), base, site.representatives[2])
        pages.append(page)
        posted: list[dict[str, Any]] = []

        async def cast(route: Route) -> None:  # the server's part, until suy tôn rounds exist
            ballot = route.request.post_data_json["ballot"]
            posted.append(ballot)
            await route.fulfill(json={"tracker": v.tracker_of(ballot)})

        await page.route("**/eg/rounds/*/ballot", cast)
        await page.goto(f"{base}/conferences/{site.conference_id}")
        await page.get_by_role("link", name="Bỏ phiếu", exact=True).click()
        await expect(page.locator('[data-step="choose"]')).to_be_visible()
        request = json.loads(await page.locator("#ballot-request").text_content() or "")
        manifest, zero = request["manifest"], request["zero"]
        free = [o for o in range(len(manifest["options"])) if o not in zero]
        assert 2 in zero
        boxes = page.locator('input[name="choice"]')
        assert await boxes.count() == len(manifest["options"])
        assert await page.locator('input[type="radio"]').count() == 0
        limit = page.locator("[data-limit]")
        assert await limit.get_attribute("aria-live") == "polite"

        # A blank ballot (nothing checked) is a ballot: the review says so.
        await page.get_by_role("button", name="Xem lại phiếu").click()
        await expect(page.locator(".chosen")).to_have_text("Không chọn đơn vị nào (phiếu trống)")
        await page.get_by_role("button", name="Chọn lại").click()

        await boxes.nth(free[0]).check()
        await expect(limit).to_have_text("")
        await boxes.nth(free[1]).check()
        await expect(limit).to_have_text("Đã chọn đủ 2 đơn vị.")
        assert await checked_and_disabled(page) == ([free[0], free[1]], sorted(set(range(8)) - set(free[:2])))
        await boxes.nth(free[1]).uncheck()  # room again: every box the voter may choose is enabled
        await expect(limit).to_have_text("")
        assert await checked_and_disabled(page) == ([free[0]], zero)
        await boxes.nth(free[3]).check()
        await expect(limit).to_have_text("Đã chọn đủ 2 đơn vị.")

        # A third box forced on by hand: eg.js refuses to encrypt it, the page stays on the choice.
        await page.evaluate(
            "(o) => Object.assign(document.getElementsByName('choice')[o], {disabled: false, checked: true})",
            free[2],
        )
        await page.get_by_role("button", name="Xem lại phiếu").click()
        await expect(page.locator("[data-error]")).to_contain_text("at most 2")
        await expect(page.locator('[data-step="review"]')).to_be_hidden()
        await boxes.nth(free[2]).uncheck()

        labels = [await page.locator("[data-label]").nth(o).inner_text() for o in (free[0], free[3])]
        await page.get_by_role("button", name="Xem lại phiếu").click()
        await expect(page.locator(".chosen")).to_have_text("; ".join(labels))
        first = await page.locator("[data-tracker]").inner_text()
        await page.get_by_role("button", name="Kiểm tra phiếu mã hóa").click()
        await expect(page.locator("[data-audit-text]")).to_contain_text("chứa đúng lựa chọn")
        await expect(page.locator("[data-audit-text]")).to_contain_text("; ".join(labels))
        assert await page.locator("[data-tracker]").inner_text() != first  # encrypted again
        await page.get_by_role("button", name="Bỏ phiếu", exact=True).click()
        await expect(page.get_by_role("heading", name="✔ Phiếu đã được ghi nhận")).to_be_visible(
            timeout=TIMEOUT
        )

        # What the page posted verifies, and the round's trustees decrypt it to the two checked units.
        (ballot,) = posted
        assert (
            v.display_tracker(v.verify_ballot(manifest, ballot, zero))
            == await page.locator(".code").inner_text()
        )
        aggregate = v.aggregate([ballot], len(manifest["options"]))
        ctx = v.manifest_ctx(manifest)
        quorum = list(TRUSTEES[manifest["key"]].values())[:2]
        partials = [trustee.partial_decrypt(ctx, aggregate) for trustee in quorum]
        counts = v.combine(aggregate, partials, 1, 2)
        assert [o for o, count in enumerate(counts) if count] == [free[0], free[3]]


def test_ballot_page_limits_the_checkboxes_to_k(
    live_server: str, up_to_two: Site, request: pytest.FixtureRequest
) -> None:
    """Up to 2: the third box is disabled with a polite message; blank, review, audit and cast work."""
    asyncio.run(vote_two(live_server, up_to_two, request.node.name))
