"""Encrypting a ballot in the browser: eg.js (with @noble/curves) in headless Chromium.

``python -m bench.browser_crypto [--runs 7]``, or part of ``make bench`` (and of ``--only crypto``).
A ballot of n candidates has n + 1 options (the blank one), each an ElGamal ciphertext with its 0/1
proof, plus the sum proof; the timings are taken inside the page (performance.now), so they leave out
Playwright's round trips. Choose-up-to-k ballots (suy tôn: 2 of 8 and 5 of 60 units, no blank option,
each marking k options: the (k + 1)-branch sum-range proof) are timed the same way.

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
#: (units, k) of the choose-up-to-k ballots timed
K_OF_N = ((8, 2), (60, 5))
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

TIME_ENCRYPTIONS = """([manifest, runs]) => {
  var start = performance.now();
  LuanLuuEG.prepare(manifest);
  var times = [performance.now() - start];
  for (var n = 0; n < runs; n++) {
    var start = performance.now();
    var size = manifest.options.length, k = manifest.max_choices;
    var choice = k ? Array.from({length: k}, function (_, i) { return (n + i) % size; }) : n % size;
    LuanLuuEG.encryptBallot(manifest, choice);
    times.push(performance.now() - start);
  }
  return times;
}"""


def manifest_of(candidates: int, k: int | None = None) -> dict[str, Any]:
    """Return a manifest of *candidates* units and the blank option, under a random election key.

    With *k*, a choose-up-to-k manifest of the units alone (a blank ballot marks none).
    """
    units = [f"unit:{n}" for n in range(1, candidates + 1)]
    manifest = {
        "version": v.VERSION,
        "conference": 1,
        "round": 1,
        "key": "00" * 32,
        "election_key": v.base(prover.random_scalar()).hex(),
        "options": units + ["blank"] if k is None else units,
    }
    return manifest if k is None else {**manifest, "max_choices": k}


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


async def _measure(chromium: str, runs: int) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    manifests = {f"{n} candidates ({n + 1} options)": manifest_of(n) for n in CANDIDATES}
    manifests.update({f"{k} of {n} units": manifest_of(n, k) for n, k in K_OF_N})
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        try:
            for label, manifest in manifests.items():
                prepare, encrypt = [], []
                for _ in range(3):
                    times = await _times(browser, manifest, runs)
                    prepare.append(times[0])
                    encrypt.extend(times[1:])
                results[label] = {
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


def measure(runs: int = 7) -> dict[str, dict[str, Any]] | None:
    """Time ballot encryption in Chromium (8 and 60 candidates, 2 of 8, 5 of 60); None without Chromium."""
    path = chromium_path()
    return None if path is None else asyncio.run(_measure(path, runs))


def print_report(results: dict[str, dict[str, Any]] | None) -> None:
    """Print the figures as a Markdown list."""
    print("\n### Ballot encryption in the browser (eg.js, @noble/curves, headless Chromium)")
    if results is None:
        print("- skipped: Chromium is not installed (apt-get install chromium, or set $CHROMIUM)")
        return
    for label, out in results.items():
        prepare, encrypt = out["prepare"], out["encrypt"]
        print(
            f"- {label}: encryption median "
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
