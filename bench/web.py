"""HTTP benchmarks against gunicorn: casting ballots, live turnout, page weight and time to first byte."""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

from bench.client import Reply, Run, burst, median, request
from bench.server import Gunicorn


@dataclass(frozen=True)
class Voter:
    """A representative's session, ready to cast in an open round."""

    cookie: str
    csrf: str
    conference_id: int
    round_id: int
    unit_id: int
    candidates: list[int]
    ballot: dict[str, Any]  # encrypted beforehand with the Python prover, as the browser would


def ballot_body(voter: Voter) -> bytes:
    """Return the JSON the ballot page's script posts: {"ballot": ...}."""
    return json.dumps({"ballot": voter.ballot}).encode()


def _choice(voter: Voter, rng: random.Random) -> str:
    return rng.choice([*map(str, voter.candidates), "blank"])


def _cast_jobs(
    server: Gunicorn, voters: list[Voter], *, floor: bool, double_every: int, seed: int
) -> list[Any]:
    """Return one job per cast (every n-th voter's twice, as a double click), in voter order."""
    rng = random.Random(seed)  # noqa: S311 - reproducible choices, not secrets
    jobs = []
    for index, voter in enumerate(voters):
        choice = _choice(voter, rng)
        if floor:

            def job(v: Voter = voter, c: str = choice) -> Any:
                return request(server.port, "POST", f"/cast/{v.round_id}/{v.unit_id}", form={"choice": c})
        else:  # the secret round is encrypted: the ballot page's script posts the ballot as JSON

            def job(v: Voter = voter, body: bytes = ballot_body(voter)) -> Any:
                return request(
                    server.port,
                    "POST",
                    f"/eg/rounds/{v.round_id}/ballot",
                    cookie=v.cookie,
                    headers={"X-CSRFToken": v.csrf},
                    json_body=body,
                )

        jobs.append(job)
        if double_every and index % double_every == 0:
            jobs.append(job)  # right behind the first: both are in flight together
    return jobs


async def cast_burst(
    server: Gunicorn, voters: list[Voter], *, concurrency: int, floor: bool, double_every: int, seed: int = 7
) -> Run:
    """Cast every voter's ballot once (every n-th twice) from *concurrency* clients sending back to back."""
    jobs = _cast_jobs(server, voters, floor=floor, double_every=double_every, seed=seed)
    return await burst(jobs, concurrency)


async def cast_paced(
    server: Gunicorn, voters: list[Voter], *, rate: float, concurrency: int, floor: bool, seed: int = 7
) -> Run:
    """Cast every voter's ballot once, arriving at *rate* a second (open loop), *concurrency* at most at once.

    A hall of representatives does not press "cast" back to back: ballots arrive over a minute or
    so. Arrivals follow a Poisson process, so bunches happen; a late arrival waits for a free client.
    """
    jobs = _cast_jobs(server, voters, floor=floor, double_every=0, seed=seed)
    rng = random.Random(seed)  # noqa: S311 - reproducible arrivals, not secrets
    run, slots = Run(), asyncio.Semaphore(concurrency)

    async def arrive(job: Any, at: float) -> None:
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        async with slots:
            try:
                run.add(await job())
            except OSError:
                run.errors += 1

    start = arrival = time.perf_counter()
    tasks = []
    for job in jobs:
        arrival += rng.expovariate(rate)
        tasks.append(arrive(job, arrival))
    await asyncio.gather(*tasks)
    run.wall = time.perf_counter() - start
    return run


@dataclass
class Polling:
    """The outcome of clients polling an endpoint on a fixed interval."""

    run: Run
    cpu_percent: float  # server CPU (all workers) as a share of one core
    cpu_ms_per_request: float
    not_modified: int
    bytes_total: int


async def poll(
    server: Gunicorn, clients: list[tuple[str, str]], *, interval: float, duration: float, revalidate: bool
) -> Polling:
    """Let each (path, cookie) client GET its path every *interval* seconds for *duration* seconds."""
    run = Run()
    counters = {"304": 0, "bytes": 0}
    deadline = time.perf_counter() + duration

    async def client(path: str, cookie: str, offset: float) -> None:
        etag = None
        await asyncio.sleep(offset)
        while time.perf_counter() < deadline:
            tick = time.perf_counter()
            headers = {"Accept": "application/json"}
            if revalidate and etag:
                headers["If-None-Match"] = etag
            try:
                reply = await request(server.port, "GET", path, cookie=cookie or None, headers=headers)
            except OSError:
                run.errors += 1
            else:
                run.add(reply)
                counters["bytes"] += len(reply.body)
                counters["304"] += reply.status == 304
                etag = reply.headers.get("etag", etag)
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - tick)))

    rng = random.Random(3)  # noqa: S311 - reproducible start offsets, not secrets
    cpu_before, start = server.cpu_seconds(), time.perf_counter()
    await asyncio.gather(*(client(path, cookie, rng.uniform(0, interval)) for path, cookie in clients))
    run.wall = time.perf_counter() - start
    cpu = server.cpu_seconds() - cpu_before
    count = len(run.latencies) or 1
    return Polling(run, 100 * cpu / run.wall, 1000 * cpu / count, counters["304"], counters["bytes"])


@dataclass
class PageWeight:
    """What a browser fetches to show a page."""

    requests: int
    bytes_total: int
    parts: list[tuple[str, int]] = field(default_factory=list)


ASSET = re.compile(rb'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="(/[^"]+)"')
CSS_URL = re.compile(rb"url\(['\"]?(/[^)'\"]+)")


async def page_weight(port: int, path: str, cookie: str) -> PageWeight:
    """Fetch a page and everything it loads from the app (stylesheets, scripts, images, fonts)."""
    page = await request(port, "GET", path, cookie=cookie)
    assert page.status == 200, f"{path} answered {page.status}"
    weight = PageWeight(1, len(page.body), [(path, len(page.body))])
    pending = [m.decode() for m in ASSET.findall(page.body)]
    seen: set[str] = set()
    while pending:
        asset = pending.pop(0)
        if asset in seen:
            continue
        seen.add(asset)
        reply = await request(port, "GET", asset, cookie=cookie)
        weight.requests += 1
        weight.bytes_total += len(reply.body)
        weight.parts.append((asset, len(reply.body)))
        if asset.endswith(".css"):
            pending += [m.decode() for m in CSS_URL.findall(reply.body)]
    return weight


async def ttfb(port: int, path: str, cookie: str, *, repeat: int = 7) -> tuple[float, float, int, int]:
    """Return (median TTFB ms, median total ms, status, bytes) of a GET repeated sequentially."""
    replies: list[Reply] = [await request(port, "GET", path, cookie=cookie or None) for _ in range(repeat)]
    return (
        1000 * median([r.ttfb for r in replies]),
        1000 * median([r.total for r in replies]),
        replies[-1].status,
        len(replies[-1].body),
    )
