"""The cast against its floors, at 10 and 500 candidates: ``python -m bench --only-phase cast``.

Four ballots: an open (named) vote with 10 and with 500 candidates (``POST /rounds/<id>/cast``), and
an encrypted secret ballot with 8 and with 60 candidates (``POST /eg/rounds/<id>/ballot``, posted
as each browser would, encrypted beforehand with the Python prover). Each is cast in bursts by
every voter (every 10th twice, as a double click) against the real app and three floors
(``bench/floor.py``): bare, authenticated, authenticated + audit append. The bursts are interleaved
(bare, authenticated, audited, real; the order rotates each pair) and every ratio is taken within
a pair, so the machine's other load moves both sides of it. On SQLite, the real cast also runs on
one and on two workers, interleaved, for the second worker's gain.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from flask import Flask

from bench import seed
from bench.client import Reply, Run, burst, request
from bench.server import Gunicorn
from bench.sessions import signed_session
from bench.web import Voter, ballot_body
from voting.auth.models import Role
from voting.crypto import verifier
from voting.elections import encrypted
from voting.elections.models import Office
from voting.elections.rules import DEFAULTS, RulesChange, VoteForm, set_rules
from voting.elections.services import open_round
from voting.extensions import db
from voting.trustees.offline import play_ceremony

#: the kinds of server a burst is sent to, in the first pair's order
KINDS = ("bare", "auth", "audit", "real")
KIND_LABELS = {
    "bare": "bare floor",
    "auth": "authenticated floor",
    "audit": "authenticated floor + audit append",
    "real": "real cast",
}


@dataclass(frozen=True)
class Scenario:
    """One ballot to cast: *clusters* conferences of *units* units (all but the outgoing leader stand)."""

    key: str
    label: str
    prefix: str  # of the seeded clusters' codes and usernames
    clusters: int
    units: int
    is_secret: bool

    @property
    def candidates(self) -> int:
        return self.units - 1


SCENARIOS = (
    Scenario("open10", "open vote, 10 candidates", "P", 50, 11, False),
    Scenario("open500", "open vote, 500 candidates", "Q", 1, 501, False),
    Scenario("secret8", "secret ballot, 8 candidates", "S", 50, 9, True),
    Scenario("secret60", "secret ballot, 60 candidates", "T", 1, 61, True),
)


def scenarios(clusters: int) -> list[Scenario]:
    """Return the scenarios, the small ballots in *clusters* conferences (``--clusters``, default 50)."""
    return [replace(s, clusters=clusters) if s.clusters > 1 else s for s in SCENARIOS]


@dataclass
class Figures:
    """One scenario's bursts: per kind, each pair's run; the stored rows of the real bursts."""

    scenario: Scenario
    voters: int
    runs: dict[str, list[Run]] = field(default_factory=dict)
    rows: list[tuple[int, int, int]] = field(default_factory=list)
    verify_ms: list[float] = field(default_factory=list)  # the server's check of one ballot, in-process


def seed_scenario(app: Flask, scenario: Scenario, rng: random.Random) -> tuple[list[Voter], list[float]]:
    """Seed the scenario's conferences with their rounds open; return the voters and the proof timings."""
    voters: list[Voter] = []
    timings: list[float] = []
    with seed.cheap_seeding():
        base = 1000 * (SCENARIOS.index(next(s for s in SCENARIOS if s.key == scenario.key)) + 1)
        for number in range(base + 1, base + scenario.clusters + 1):
            cluster, units, chair, secretary, reps = seed.make_cluster(
                number, scenario.units, scenario.prefix
            )
            conference = seed.start_conference(cluster, units, chair, secretary, reps, seed.LIVE_YEAR, 0)
            if scenario.is_secret:
                assert secretary.unit is not None
                counter = seed.make_account(
                    f"{scenario.prefix.lower()}kp{number}", "Lê Văn Kiểm", Role.COUNTER, secretary.unit
                )
                play_ceremony(conference, [chair, secretary, counter], by=chair, now=conference.starts_at)
            else:
                change = replace(RulesChange(**DEFAULTS), vote_form=VoteForm.OPEN)  # type: ignore[arg-type]
                set_rules(conference, change, by=chair, now=conference.starts_at)
            # every unit checked in (a minute apart, from the start) before the round opens
            opened = conference.starts_at + timedelta(minutes=scenario.units + 1)
            round_ = open_round(conference, Office.LEADER, now=opened)
            candidates = [candidate.unit_id for candidate in round_.candidates]
            ballots: list[dict[str, Any]] = (
                seed.encrypted_ballots(round_, units, rng) if scenario.is_secret else [{}] * len(units)
            )
            if scenario.is_secret and number == base + 1:
                manifest = encrypted.manifest_of(round_)
                for ballot in ballots[:6]:  # CPU time, as the server's is measured (the machine is shared)
                    start = time.process_time()
                    verifier.verify_ballot(manifest, ballot, [])
                    timings.append(1000 * (time.process_time() - start))
                del timings[0]  # the first check warms caches up, as the workers' warm-up burst does
            voters += [
                Voter("", "", conference.id, round_.id, unit.id, candidates, ballot)
                for unit, ballot in zip(units, ballots, strict=True)
            ]
            user_ids = [rep.id for rep in reps]
            db.session.commit()
            voters[-len(units) :] = [
                replace(voter, cookie=cookie, csrf=token)
                for voter, (cookie, token) in zip(
                    voters[-len(units) :], (signed_session(app, uid) for uid in user_ids), strict=True
                )
            ]
    return voters, timings


def _job(
    kind: str, port: int, voter: Voter, choice: str, *, is_secret: bool
) -> Callable[[], Awaitable[Reply]]:
    form = {"choice": choice, "csrf_token": voter.csrf}
    if kind == "bare":
        return lambda: request(
            port, "POST", f"/cast/{voter.round_id}/{voter.unit_id}", form={"choice": choice}
        )
    if kind in ("auth", "audit"):
        return lambda: request(port, "POST", f"/{kind}/cast/{voter.round_id}", cookie=voter.cookie, form=form)
    if is_secret:
        return lambda: request(
            port,
            "POST",
            f"/eg/rounds/{voter.round_id}/ballot",
            cookie=voter.cookie,
            headers={"X-CSRFToken": voter.csrf},
            json_body=ballot_body(voter),
        )
    return lambda: request(port, "POST", f"/rounds/{voter.round_id}/cast", cookie=voter.cookie, form=form)


async def cast_once(
    kind: str, server: Gunicorn, voters: list[Voter], *, is_secret: bool, concurrency: int
) -> Run:
    """Cast every voter's ballot (every 10th twice, right behind) and measure the server's CPU."""
    rng = random.Random(7)  # noqa: S311 - reproducible choices, not secrets
    jobs = []
    for index, voter in enumerate(voters):
        job = _job(
            kind, server.port, voter, rng.choice([*map(str, voter.candidates), "blank"]), is_secret=is_secret
        )
        jobs += [job, job] if index % 10 == 0 else [job]
    cpu = server.cpu_seconds()
    run = await burst(jobs, concurrency)
    run.cpu = server.cpu_seconds() - cpu
    return run


def _rows_then_wipe(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        rows = seed.ballot_rows()
        seed.wipe_live_ballots()
        db.session.remove()
    return rows


async def measure(
    app: Flask,
    scenario: Scenario,
    voters: list[Voter],
    servers: dict[str, Gunicorn],
    *,
    pairs: int,
    concurrency: int,
) -> Figures:
    """Warm every server up with one burst, then run *pairs* interleaved bursts of each kind."""
    figures = Figures(scenario, len(voters), {kind: [] for kind in KINDS})
    for kind in KINDS:
        await cast_once(kind, servers[kind], voters, is_secret=scenario.is_secret, concurrency=concurrency)
        _rows_then_wipe(app)
    for pair in range(pairs):
        order = KINDS[pair % len(KINDS) :] + KINDS[: pair % len(KINDS)]
        for kind in order:
            run = await cast_once(
                kind, servers[kind], voters, is_secret=scenario.is_secret, concurrency=concurrency
            )
            figures.runs[kind].append(run)
            rows = _rows_then_wipe(app)
            if kind == "real":
                figures.rows.append(rows)
    return figures


async def measure_workers(
    app: Flask, voters: list[Voter], one: Gunicorn, two: Gunicorn, *, pairs: int, concurrency: int
) -> list[tuple[Run, Run]]:
    """Cast the same burst on one worker and on two, interleaved; return each pair's runs."""
    for server in (one, two):
        await cast_once("real", server, voters, is_secret=False, concurrency=concurrency)
        _rows_then_wipe(app)
    out = []
    for pair in range(pairs):
        runs: dict[int, Run] = {}
        for workers, server in ((1, one), (2, two)) if pair % 2 == 0 else ((2, two), (1, one)):
            runs[workers] = await cast_once("real", server, voters, is_secret=False, concurrency=concurrency)
            _rows_then_wipe(app)
        out.append((runs[1], runs[2]))
    return out


def run_database(app: Flask, url: str, env: dict[str, str], args: Any) -> dict[str, Any]:
    """Seed every scenario on a prepared database and measure it; return the figures."""
    rng = random.Random(7)  # noqa: S311 - reproducible choices, not secrets
    seeded: dict[str, tuple[list[Voter], list[float]]] = {}
    start = time.perf_counter()
    with app.app_context():
        for scenario in scenarios(args.clusters):
            seeded[scenario.key] = seed_scenario(app, scenario, rng)
        db.session.remove()
    print(f"seeded the cast scenarios in {time.perf_counter() - start:.0f} s", flush=True)
    out: dict[str, Any] = {"scenarios": []}
    real = Gunicorn("wsgi:app", env, args.workers)
    floor = Gunicorn("bench.floor:app", env, args.workers)
    servers = {"bare": floor, "auth": floor, "audit": floor, "real": real}
    try:
        for scenario in scenarios(args.clusters):
            voters, timings = seeded[scenario.key]
            figures = asyncio.run(
                measure(app, scenario, voters, servers, pairs=args.pairs, concurrency=args.concurrency)
            )
            figures.verify_ms = timings
            out["scenarios"].append(figures)
            print(f"{scenario.label} done", flush=True)
    finally:
        real.stop()
        floor.stop()
    if url.startswith("sqlite"):
        one, two = Gunicorn("wsgi:app", env, 1), Gunicorn("wsgi:app", env, 2)
        try:
            out["workers"] = asyncio.run(
                measure_workers(
                    app, seeded["open10"][0], one, two, pairs=args.pairs, concurrency=args.concurrency
                )
            )
        finally:
            one.stop()
            two.stop()
        print("one and two workers done", flush=True)
    return out


def _spread(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.median(values):.2f} [{min(values):.2f}–{max(values):.2f}]"


def _ok(flag: bool) -> str:
    return "ok" if flag else "MISSED"


def print_report(label: str, out: dict[str, Any], args: Any) -> None:
    """Print the cast's figures as Markdown tables."""
    print(f"\n## {label}: the cast against its floors ({args.workers} workers, {args.pairs} pairs)")
    print(
        "| ballot | voters | bare floor | authenticated floor | + audit | real "
        "| real/auth | real/(auth+audit) | real/bare |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    cpu: dict[str, float] = {}
    for figures in out["scenarios"]:
        runs = figures.runs
        tput = {kind: [run.throughput for run in runs[kind]] for kind in KINDS}
        ratio = {
            kind: [r / f for r, f in zip(tput["real"], tput[kind], strict=True) if f]
            for kind in ("auth", "audit", "bare")
        }
        cells = " | ".join(f"{statistics.median(tput[kind]):.0f}/s" for kind in KINDS)
        print(
            f"| {figures.scenario.label} | {figures.voters} | {cells} | {_spread(ratio['auth'])} | "
            f"{_spread(ratio['audit'])} | {_spread(ratio['bare'])} |"
        )
        cpu[figures.scenario.key] = statistics.median(run.cpu_ms for run in runs["real"])
    print("\nServer CPU per request (ms, median of the pairs), and the real cast's rows:")
    print(
        "| ballot | bare | auth | auth+audit | real | proof check (in-process) | real − proof check "
        "| auth/(real − proof) | stored / lost / duplicates |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for figures in out["scenarios"]:
        ms = {kind: statistics.median(run.cpu_ms for run in figures.runs[kind]) for kind in KINDS}
        verify = statistics.median(figures.verify_ms) if figures.verify_ms else 0.0
        rest = ms["real"] - verify
        stored, parts, mismatched = figures.rows[-1] if figures.rows else (0, 0, 0)
        statuses = dict(sorted(figures.runs["real"][-1].statuses.items())) if figures.runs["real"] else {}
        print(
            f"| {figures.scenario.label} | {ms['bare']:.1f} | {ms['auth']:.1f} | {ms['audit']:.1f} "
            f"| {ms['real']:.1f} | "
            f"{verify:.1f} | {rest:.1f} | {ms['auth'] / rest if rest > 0 else 0:.2f} | "
            f"{stored} / {max(0, figures.voters - stored)} / {max(0, stored - parts) + mismatched} "
            f"(statuses {statuses}) |"
        )
    if "open10" in cpu and "open500" in cpu:
        growth = cpu["open500"] / cpu["open10"] - 1
        print(
            "\n- real CPU per cast, open vote, 500 vs 10 candidates: "
            f"{cpu['open500']:.1f} vs {cpu['open10']:.1f} ms "
            f"({100 * growth:+.0f}%; target within ±20%: {_ok(abs(growth) <= 0.2)})"
        )
    for figures in out["scenarios"]:
        runs = figures.runs
        ratios = [
            r.throughput / a.throughput
            for r, a in zip(runs["real"], runs["auth"], strict=True)
            if a.throughput
        ]
        if not figures.scenario.is_secret:
            med = statistics.median(ratios) if ratios else 0
            print(
                f"- {figures.scenario.label}: real/authenticated floor {med:.2f} "
                f"(target >= 0.6: {_ok(med >= 0.6)})"
            )
    workers = out.get("workers")
    if workers:
        gains = [two.throughput / one.throughput for one, two in workers if one.throughput]
        print(
            f"- SQLite, open vote, 10 candidates: 2 workers / 1 worker throughput {_spread(gains)} "
            f"({', '.join(f'{one.throughput:.0f}→{two.throughput:.0f}/s' for one, two in workers)}; "
            f"target >= 1.5: {_ok(bool(gains) and statistics.median(gains) >= 1.5)})"
        )
