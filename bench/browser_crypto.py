"""Encrypting a ballot in the browser: eg.js (with @noble/curves) in headless Chromium.

``python -m bench.browser_crypto [--runs 7]``, or part of ``make bench`` (and of ``--only crypto``).
A ballot of n candidates has n + 1 options (the blank one), each an ElGamal ciphertext with its 0/1
proof, plus the sum proof; the timings are taken inside the page (performance.now), so they leave out
Playwright's round trips.

In each fresh page, ``LuanLuuEG.prepare`` first builds noble's tables for G and for the election key
(timed on its own: the ballot page calls it on opening, so the voter's click does not wait for it); the
encryptions that follow are the voter's ballot and its re-encryptions after a Benaloh challenge.
Chromium is Debian's (``/usr/bin/chromium``, or ``$CHROMIUM``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, async_playwright

from bench.client import median
from voting.crypto import prover
from voting.crypto import verifier as v

STATIC = Path(__file__).resolve().parents[1] / "voting" / "static"
SCRIPTS = [STATIC / "vendor" / "noble" / "noble.js", STATIC / "js" / "eg.js"]
CANDIDATES = (8, 60)
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

TIME_ENCRYPTIONS = """([manifest, runs]) => {
  var start = performance.now();
  LuanLuuEG.prepare(manifest);
  var times = [performance.now() - start];
  for (var n = 0; n < runs; n++) {
    var start = performance.now();
    LuanLuuEG.encryptBallot(manifest, n % manifest.options.length);
    times.push(performance.now() - start);
  }
  return times;
}"""


def manifest_of(candidates: int) -> dict[str, Any]:
    """Return a manifest of *candidates* units and the blank option, under a random election key."""
    return {
        "version": v.VERSION,
        "conference": 1,
        "round": 1,
        "key": "00" * 32,
        "election_key": v.base(prover.random_scalar()).hex(),
        "options": [f"unit:{n}" for n in range(1, candidates + 1)] + ["blank"],
    }


async def _times(browser: Browser, manifest: dict[str, Any], runs: int) -> list[float]:
    """Open a fresh page, load the scripts; time prepare, then *runs* encryptions in a row (ms)."""
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto("about:blank")
    for script in SCRIPTS:
        await page.add_script_tag(path=str(script))
    times: list[float] = await page.evaluate(TIME_ENCRYPTIONS, [manifest, runs])
    await context.close()
    return times


async def _measure(chromium: str, runs: int) -> dict[int, dict[str, Any]]:
    results: dict[int, dict[str, Any]] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        try:
            for candidates in CANDIDATES:
                manifest = manifest_of(candidates)
                prepare, encrypt = [], []
                for _ in range(3):
                    times = await _times(browser, manifest, runs)
                    prepare.append(times[0])
                    encrypt.extend(times[1:])
                results[candidates] = {
                    "prepare": prepare,
                    "encrypt": encrypt,
                    "version": f"Chromium {browser.version}",
                }
        finally:
            await browser.close()
    return results


def chromium_path() -> str | None:
    """Return Chromium's path, or None when it is not installed."""
    explicit = os.environ.get("CHROMIUM")
    return shutil.which(explicit or "chromium")


def measure(runs: int = 7) -> dict[int, dict[str, Any]] | None:
    """Time ballot encryption in Chromium for 8 and 60 candidates; None if there is no Chromium."""
    path = chromium_path()
    return None if path is None else asyncio.run(_measure(path, runs))


def print_report(results: dict[int, dict[str, Any]] | None) -> None:
    """Print the figures as a Markdown list."""
    print("\n### Ballot encryption in the browser (eg.js, @noble/curves, headless Chromium)")
    if results is None:
        print("- skipped: Chromium is not installed (apt-get install chromium, or set $CHROMIUM)")
        return
    for candidates, out in results.items():
        prepare, encrypt = out["prepare"], out["encrypt"]
        print(
            f"- {candidates} candidates ({candidates + 1} options): encryption median "
            f"{median(encrypt):.0f} ms (min {min(encrypt):.0f}, max {max(encrypt):.0f}, "
            f"{len(encrypt)} runs); the tables (prepare, once per page) median {median(prepare):.0f} ms "
            f"({len(prepare)} pages)"
        )
    print(f"- {next(iter(results.values()))['version']}, {os.cpu_count()} logical CPUs shared with the rest")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.browser_crypto", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="warm encryptions per page (3 pages)")
    print_report(measure(parser.parse_args().runs))


if __name__ == "__main__":
    main()
