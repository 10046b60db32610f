"""axe-core on every page of a conference, for every role, at phone and desktop size; no sideways scroll.

axe-core is vendored in ``tests/browser/vendor`` (version in ``VERSION`` there; no CDN). It is injected with
``page.evaluate`` (the DevTools protocol is not bound by the page's CSP, which stays strict). Pages are found
by crawling same-origin GET links from each role's start page, plus the pages behind states that no link
reaches without acting: the ballot and its review step, the receipt, a round closed and awaiting decryption.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.async_api import Browser, Page, expect

from tests.browser.pages import TIMEOUT, chromium, log_in, vote
from tests.factories import Site, Stage
from tests.helpers import PASSWORD, later
from voting.auth.models import Role
from voting.auth.services import create_user
from voting.conferences.models import Conference
from voting.display.services import rotate_display_token
from voting.elections.models import Election, Round
from voting.elections.services import close_round
from voting.extensions import db

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
#: WCAG 2.1 AA, as the issue asks
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1366, "height": 768}}
#: links the walk does not follow: leaving, downloads, machine-readable answers, switching the language
SKIP = re.compile(
    r"/logout|/login\b(?!$)|\.(pdf|csv|json|p12|zip|xml|png|svg|ico)\b|/exports?/|/download|/api/|/export"
    r"|[?&]lang=|/static/|/files?/|/raw\b"
)
#: pages per role, at most (an accident in the crawl must not run for ever)
LIMIT = 80
CLERK = "vanthu.a11y"

#: the outermost elements sticking out on the right, to say what makes a page too wide
OVERFLOWING = """() => {
  const limit = window.innerWidth, found = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.getBoundingClientRect().right > limit + 1 && !found.some(f => f.contains(el))) found.push(el);
  }
  return found.slice(0, 4).map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
                                      + " " + Math.round(el.getBoundingClientRect().right) + "px");
}"""

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
                                     help: v.help}));
}"""


@dataclass
class Findings:
    """What the walk saw: pages checked per role and size, axe violations and pages wider than the screen."""

    checked: dict[str, set[str]] = field(default_factory=dict)
    runs: int = 0
    violations: list[str] = field(default_factory=list)
    #: verification links seen by the roles, opened again by the anonymous visitor (the QR code's reader)
    public: set[str] = field(default_factory=set)
    too_wide: list[str] = field(default_factory=list)

    def report(self) -> str:
        """Return a readable list of every problem."""
        return "\n".join(
            [f"{len(self.violations)} axe violations:", *self.violations]
            + [f"{len(self.too_wide)} pages wider than the screen:", *self.too_wide]
        )


def pattern(url: str) -> str:
    """Return the shape of a URL: numbers and hex digests replaced, so one page of each kind is walked."""
    parts = urlsplit(url)
    path = re.sub(r"/(?=[\w-]*[\dA-Z])[\w-]{12,}", "/T", parts.path)  # hashes and tokens
    return re.sub(r"\d+", "N", path) + ("?" + re.sub(r"=[^&]*", "=", parts.query) if parts.query else "")


async def check(page: Page, who: str, findings: Findings, *, label: str | None = None) -> None:
    """Run axe and measure the width of the page as it is now, at the page's current size."""
    size = page.viewport_size or SIZES["desktop"]
    where = f"{who} {label or urlsplit(page.url).path} @{size['width']}"
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    for violation in await page.evaluate(RUN_AXE, TAGS):
        findings.violations.append(
            f"  {where}: {violation['id']} ({violation['help']}) at {violation['targets']}"
        )
    width = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        culprits = await page.evaluate(OVERFLOWING)
        findings.too_wide.append(f"  {where}: {width[0]} px wide in a {width[1]} px window: {culprits}")
    findings.runs += 1
    findings.checked.setdefault(who, set()).add(label or pattern(page.url))


async def at_both_sizes(page: Page, url: str, who: str, findings: Findings) -> bool:
    """Open *url* at each size and check it; return False when it is not an HTML page."""
    for size in SIZES.values():
        await page.set_viewport_size(size)
        response = await page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            return False
        await page.wait_for_load_state()
        await check(page, who, findings)
    return True


async def walk(page: Page, start: str, who: str, findings: Findings, seen: set[str]) -> None:
    """Check every page reachable from *start* through same-origin GET links, one page of each shape."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(start))
    if pattern(start) in seen:
        return
    queue = [start]
    seen.add(pattern(start))
    while queue and len(findings.checked.get(who, ())) < LIMIT:
        url = queue.pop(0)
        if not await at_both_sizes(page, url, who, findings):
            continue
        hrefs = await page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)")
        for href in hrefs:
            href = urldefrag(href)[0]
            if not href.startswith(origin + "/") or SKIP.search(href[len(origin) :]):
                continue
            if "/verify/" in href:
                findings.public.add(href)
            if pattern(href) not in seen:
                seen.add(pattern(href))
                queue.append(href)


async def role_walk(
    browser: Browser, base: str, who: str, username: str | None, findings: Findings, *more: str
) -> None:
    """Log in as *username* and walk from the start page and the paths *more*; anonymous: from *more*."""
    context = await browser.new_context()
    if username is None:
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT)
        starts = list(more)
    else:
        page = await log_in(context, base, username)
        # the administrator's pages are a 403 page for the others; *more*: pages no link leads to
        starts = [f"{base}/", f"{base}/admin/", *(f"{base}{path}" for path in more)]
    seen: set[str] = set()
    for start in starts:
        await walk(page, start, who, findings, seen)
    if who == "anonymous":  # the login form showing its errors
        for size in SIZES.values():
            await page.set_viewport_size(size)
            await page.goto(f"{base}/login")
            await page.locator("button[type=submit]").click()
            await page.wait_for_load_state()
            await check(page, who, findings, label="login with errors")
    await context.close()


@pytest.fixture
def sites(app: Flask, make_site: Callable[..., Site]) -> tuple[Site, Site, list[str]]:
    """An ended, signed conference; another with its leader round open; their projector links."""
    ended, open_ = make_site(Stage.SIGNED), make_site(Stage.ROUND_OPEN)
    with app.app_context():
        create_user(CLERK, PASSWORD, full_name="Văn thư", title="Văn thư", role=Role.CLERK)
        tokens = [
            rotate_display_token(db.session.get_one(Conference, site.conference_id))
            for site in (ended, open_)
        ]
        db.session.commit()
    return ended, open_, [f"/display/{token}" for token in tokens]


async def walk_everything(
    app: Flask, base: str, ended: Site, open_: Site, projectors: list[str], name: str
) -> Findings:
    findings = Findings()
    async with chromium(name) as (browser, pages):
        # every role on the ended conference (its rounds closed and counted, its documents signed)
        roles = {
            "representative": ended.representatives[0],
            "chair": ended.chair,
            "secretary": ended.secretary,
            "trustee": f"giukhoa{ended.conference_id}.1",
            "archivist": ended.archivist,
            "clerk": CLERK,
            "admin": ended.admin,
            "anonymous": None,  # last: it opens a verification link the others found
        }
        trustee_pages = [f"/conferences/{ended.conference_id}/trustees"]
        for who, username in roles.items():
            anonymous = ["/login", "/verify", "/no-such-page", projectors[0]]
            more = {"trustee": trustee_pages, "anonymous": [f"{base}{p}" for p in anonymous]}.get(who, [])
            more += sorted(findings.public)[:1] if who == "anonymous" else []  # the QR code's page
            await role_walk(browser, base, who, username, findings, *more)
        # an open round: the chair's console, then the ballot, its review step and the receipt
        await role_walk(browser, base, "chair (round open)", open_.chair, findings)
        await role_walk(browser, base, "projector (round open)", None, findings, f"{base}{projectors[1]}")
        url = f"{base}/conferences/{open_.conference_id}"
        for size_name, size in SIZES.items():
            rep = await log_in(
                await browser.new_context(viewport=size), base, open_.representatives[SIZES_INDEX[size_name]]
            )
            pages.append(rep)
            await rep.goto(url)
            await check(rep, "representative (round open)", findings)
            await rep.get_by_role("link", name="Bỏ phiếu", exact=True).click()
            await expect(rep.locator('[data-step="choose"]')).to_be_visible()
            await check(rep, "representative", findings, label="ballot")
            await rep.locator("label.choice").first.click()
            await rep.get_by_role("button", name="Xem lại phiếu").click()
            await expect(rep.locator(".chosen")).to_be_visible()
            await check(rep, "representative", findings, label="ballot review")
            await vote(rep, url, None)
            await check(rep, "representative", findings, label="receipt")
        # the round closed, waiting for the trustees to decrypt it
        with app.app_context():
            round_ = db.session.scalars(
                sa.select(Round)
                .join(Election)
                .where(Election.conference_id == open_.conference_id, Round.closed_at.is_(None))
            ).one()
            close_round(round_, now=later(30))
            db.session.commit()
            closed = f"/rounds/{round_.id}"
        trustee = f"giukhoa{open_.conference_id}.1"
        await role_walk(browser, base, "trustee (round closed)", trustee, findings, closed)
        await role_walk(browser, base, "projector (round closed)", None, findings, f"{base}{projectors[1]}")
        await role_walk(browser, base, "chair (round closed)", open_.chair, findings)
    return findings


SIZES_INDEX = {"phone": 5, "desktop": 6}


async def axe_on_broken_page(name: str) -> Findings:
    findings = Findings()
    async with chromium(name) as (browser, _pages):
        page = await (await browser.new_context(viewport=SIZES["phone"])).new_page()
        await page.set_content(
            '<html><body><main><img src="x.png"><p style="color:#bbb">faint</p>'
            '<p style="width:500px">wide</p></main></body></html>'
        )
        await check(page, "nobody", findings, label="broken")
    return findings


def test_the_measure_can_fail(request: pytest.FixtureRequest) -> None:
    """The vendored axe runs and reports a missing alt text, low contrast and a page wider than the phone."""
    findings = asyncio.run(axe_on_broken_page(request.node.name))
    report = findings.report()
    assert "image-alt" in report and "color-contrast" in report and "html-has-lang" in report, report
    assert len(findings.too_wide) == 1, report


def test_every_page_passes_axe_and_fits(
    app: Flask, live_server: str, sites: tuple[Site, Site, list[str]], request: pytest.FixtureRequest
) -> None:
    ended, open_, projectors = sites
    findings = asyncio.run(walk_everything(app, live_server, ended, open_, projectors, request.node.name))
    pages = sum(len(shapes) for shapes in findings.checked.values())
    roles = len(findings.checked)
    print(f"axe {TAGS}: {pages} pages × {len(SIZES)} sizes, {roles} roles/states, {findings.runs} runs")
    for who, shapes in findings.checked.items():
        print(f"  {who}: {len(shapes)} pages: {' '.join(sorted(shapes))}")
    assert not findings.violations and not findings.too_wide, findings.report()
    assert (
        pages > 30
        and {"anonymous", "clerk", "admin", "trustee", "projector (round open)"} <= findings.checked.keys()
    )
