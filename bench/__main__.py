"""Run every benchmark and print the figures: ``.venv/bin/python -m bench`` (or ``make bench``).

SQLite always; PostgreSQL too when ``BENCH_DATABASE_URL`` names a database whose name contains
"bench" (it is emptied first). Traffic goes to 127.0.0.1 only, in bounded bursts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from bench import binhxet_minutes, browser_crypto, cast, crypto, emulation, inprocess, province, report, seed
from bench.client import Run
from bench.server import Gunicorn
from bench.sessions import real_logins, signed_session
from bench.web import Voter, cast_burst, cast_paced, page_weight, poll, ttfb
from voting import create_app
from voting.extensions import db


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--workers", type=int, default=4, help="gunicorn workers (default 4, as in the README)"
    )
    parser.add_argument("--concurrency", type=int, default=50, help="clients casting at once (default 50)")
    parser.add_argument(
        "--rates",
        type=lambda text: [float(rate) for rate in text.split(",")],
        default=[25.0, 50.0, 100.0],
        help="paced casting: ballots arriving per second, comma-separated (default 25,50,100)",
    )
    parser.add_argument(
        "--clusters", type=int, default=50, help="clusters voting today (x10 units; default 50)"
    )
    parser.add_argument("--poll-clients", type=int, default=200)
    parser.add_argument("--poll-seconds", type=float, default=12.0, help="length of each polling phase")
    parser.add_argument("--ballots", type=int, default=100_000, help="ballots in the counted round")
    parser.add_argument(
        "--only",
        choices=["sqlite", "postgresql", "crypto", "province", "emulation"],
        help="run on one database only, or only the encrypted ballots' computation (no database), "
        "or only the province archive (both databases)",
    )
    parser.add_argument(
        "--province",
        type=lambda text: [int(size) for size in text.split(",")],
        default=[10_000, 100_000],
        help="documents in the province archive, comma-separated (default 10000,100000)",
    )
    parser.add_argument(
        "--only-phase",
        choices=["cast"],
        help="one phase only: cast = the cast at 10 and 500 candidates against its floors (bench/cast.py)",
    )
    parser.add_argument("--pairs", type=int, default=3, help="interleaved bursts per kind in the cast phase")
    parser.add_argument(
        "--province-databases",
        type=lambda text: text.split(","),
        default=["sqlite", "postgresql"],
        help="where to seed the province archive (default sqlite,postgresql; PostgreSQL: BENCH_DATABASE_URL)",
    )
    return parser.parse_args()


def prepare_database(url: str) -> Flask:
    """Create the app on an empty database built from the migrations."""
    if url.startswith("postgresql"):
        name = sa.engine.make_url(url).database or ""
        if "bench" not in name:
            raise SystemExit(f"refusing to empty database {name!r}: its name must contain 'bench'")
    app = create_app({"SECRET_KEY": os.environ["SECRET_KEY"], "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        metadata = sa.MetaData()
        metadata.reflect(db.engine)
        metadata.drop_all(db.engine)
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
            if connection.dialect.name == "postgresql":  # a migration's function outlives the tables
                connection.execute(sa.text("DROP FUNCTION IF EXISTS audit_append"))
        upgrade()
    return app


def run_database(label: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Seed one database, run the HTTP and in-process benchmarks on it, return the figures."""
    print(f"\n=== {label} ===", flush=True)
    app = prepare_database(url)
    out: dict[str, Any] = {"label": label, "load": [os.getloadavg()[0]]}
    with app.app_context():
        start = time.perf_counter()
        day = seed.seed_day(
            clusters=args.clusters, units_per_cluster=10, archive_clusters=20, archive_years=10
        )
        small_id = inprocess.seed_small_conference()
        large_id = inprocess.seed_large_conference()
        out["seed_s"] = time.perf_counter() - start
        print(
            f"seeded {len(day.voters)} voters, 20 clusters x 10 years of archive in {out['seed_s']:.1f} s",
            flush=True,
        )
        voters = [Voter(*signed_session(app, v[0]), *v[1:]) for v in day.voters]
        chairs = {cid: signed_session(app, uid)[0] for uid, cid in day.chairs}
        large = db.session.get(inprocess.Conference, large_id)
        assert large is not None
        large_chair = signed_session(app, large.chair_id)
        archivist = signed_session(app, day.archivist_id)[0]
        rep_usernames = [f"bdb{n}-2" for n in range(max(1, args.clusters - 7), args.clusters + 1)]
        db.session.remove()

    # LUANLUU_DEMO: the minutes issued over HTTP may print the loopback verification link.
    env = {"DATABASE_URL": url, "SECRET_KEY": os.environ["SECRET_KEY"], "LUANLUU_DEMO": "1"}
    real = Gunicorn("wsgi:app", env, args.workers)
    floor = Gunicorn("bench.floor:app", env, args.workers)
    try:
        asyncio.run(
            http_phase(
                app,
                out,
                args,
                real,
                floor,
                voters,
                chairs,
                archivist,
                day,
                large_id,
                large_chair,
                rep_usernames,
            )
        )
    finally:
        real.stop()
        floor.stop()

    out["load"].append(os.getloadavg()[0])
    with app.app_context():
        out["minutes_8"] = inprocess.time_minutes(small_id, "8 units")
        out["minutes_60"] = inprocess.time_minutes(large_id, "60 units, 3 rounds per election")
        out["signatures"] = inprocess.time_signatures(small_id)
        start = time.perf_counter()
        round_id = inprocess.seed_big_round(args.ballots)
        print(f"seeded {args.ballots} ballots in {time.perf_counter() - start:.1f} s", flush=True)
        out["count"] = inprocess.time_count(round_id)
        db.session.remove()
        db.engine.dispose()
    out["load"].append(os.getloadavg()[0])
    return out


async def http_phase(
    app: Flask,
    out: dict[str, Any],
    args: argparse.Namespace,
    real: Gunicorn,
    floor: Gunicorn,
    voters: list[Voter],
    chairs: dict[int, str],
    archivist: str,
    day: seed.Day,
    large_id: int,
    large_chair: tuple[str, str],
    rep_usernames: list[str],
) -> None:
    """Pages first (the ballot must still be open to the voter), then the casting bursts, then polling."""
    first = voters[0]
    chair = chairs[first.conference_id]
    out["login"] = await real_logins(real.port, rep_usernames, concurrency=4)
    out["ballot_page"] = await page_weight(real.port, f"/rounds/{first.round_id}/ballot", first.cookie)
    pages = {
        "/login (anonymous)": ("/login", ""),
        "representative: conference page": (f"/conferences/{first.conference_id}", first.cookie),
        "representative: ballot": (f"/rounds/{first.round_id}/ballot", first.cookie),
        "chair: start page (11 conferences)": ("/", chair),
        "chair: console": (f"/conferences/{first.conference_id}/console", chair),
        "chair: flag holders (10 years)": (f"/clusters/{day.archive_cluster_id}/flag-holders", chair),
        "archivist: archive, no filter (all documents)": ("/archive", archivist),
        "archivist: archive, one cluster": (f"/archive?cluster={day.archive_cluster_id}", archivist),
        "archivist: archive, one year": ("/archive?year=2020", archivist),
        "turnout JSON": (f"/conferences/{first.conference_id}/turnout", first.cookie),
    }
    out["pages"] = {name: await ttfb(real.port, path, cookie) for name, (path, cookie) in pages.items()}
    print("pages done", flush=True)

    for key, server, is_floor in (("floor", floor, True), ("real", real, False)):
        out[f"cast_{key}"], out[f"paced_{key}"] = await casting(app, server, voters, args, floor=is_floor)
        print(f"casting on the {key} done", flush=True)

    watchers = [
        (f"/conferences/{v.conference_id}/turnout", v.cookie) for v in voters[: args.poll_clients - 20]
    ]
    watchers += [(f"/conferences/{cid}/turnout", cookie) for cid, cookie in list(chairs.items())[:20]]
    floor_watchers = [(f"/turnout/{v.round_id}", "") for v in voters[: args.poll_clients]]
    for key, server, clients, revalidate in (
        ("turnout_etag", real, watchers, True),
        ("turnout_plain", real, watchers, False),
        ("turnout_floor", floor, floor_watchers, False),
    ):
        out[key] = await poll(
            server, clients, interval=2.0, duration=args.poll_seconds, revalidate=revalidate
        )
        print(f"{key} done", flush=True)

    # The heaviest thing a worker does: issue the 60-unit minutes over HTTP, then read peak memory.
    from bench.client import request

    await request(  # the show of hands on the draft comes first, untimed
        real.port,
        "POST",
        f"/conferences/{large_id}/minutes/approval",
        cookie=large_chair[0],
        form={"csrf_token": large_chair[1], "agreed": "60", "disagreed": "0", "abstained": "0"},
    )
    start = time.perf_counter()
    reply = await request(
        real.port,
        "POST",
        f"/conferences/{large_id}/minutes",
        cookie=large_chair[0],
        # confirmed=1: as the page's dialog posts it (without it the answer is the confirmation page)
        form={"csrf_token": large_chair[1], "overrun_reason": "Hội nghị thử tải kéo dài", "confirmed": "1"},
    )
    out["issue_60"] = (1000 * (time.perf_counter() - start), reply.status)
    out["rss"] = real.peak_rss_mib()
    out["rss_floor"] = floor.peak_rss_mib()


async def casting(
    app: Flask, server: Gunicorn, voters: list[Voter], args: argparse.Namespace, *, floor: bool
) -> tuple[tuple[Run, tuple[int, int, int]], dict[float, tuple[Run, tuple[int, int, int]]]]:
    """Cast every voter's ballot in a burst, then at each paced rate; return each run with the rows stored.

    One untimed burst first, so that every worker has loaded the app and warmed its caches: a
    cold worker spends its first second importing, which would be measured as a slow cast.
    """

    def rows_then_wipe() -> tuple[int, int, int]:
        with app.app_context():
            rows = seed.ballot_rows()
            seed.wipe_live_ballots()
            db.session.remove()
        return rows

    await cast_burst(server, voters, concurrency=args.concurrency, floor=floor, double_every=10)
    rows_then_wipe()
    cpu = server.cpu_seconds()
    run = await cast_burst(server, voters, concurrency=args.concurrency, floor=floor, double_every=10)
    run.cpu = server.cpu_seconds() - cpu
    burst_result = (run, rows_then_wipe())
    paced = {}
    for rate in args.rates:
        cpu = server.cpu_seconds()
        paced_run = await cast_paced(server, voters, rate=rate, concurrency=args.concurrency, floor=floor)
        paced_run.cpu = server.cpu_seconds() - cpu
        paced[rate] = (paced_run, rows_then_wipe())
    return burst_result, paced


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpu": f"{cpu}, {os.cpu_count()} logical CPUs",
        "memory": f"{int(mem) / 2**20:.0f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def cast_phase(args: argparse.Namespace, info: dict[str, str]) -> None:
    """Run only the cast against its floors, on each database (``--only-phase cast``)."""
    with tempfile.TemporaryDirectory(prefix="luanluu-bench-") as tmp:
        pg = os.environ.get("BENCH_DATABASE_URL", "")
        targets = [] if args.only == "postgresql" else [("SQLite", f"sqlite:///{tmp}/bench.sqlite3")]
        if args.only != "sqlite" and pg:
            targets.append(("PostgreSQL", pg.replace("postgresql://", "postgresql+psycopg://", 1)))
        results = []
        for label, url in targets:
            print(f"\n=== {label} ===", flush=True)
            load = os.getloadavg()[0]
            app = prepare_database(url)
            env = {"DATABASE_URL": url, "SECRET_KEY": os.environ["SECRET_KEY"]}
            out = cast.run_database(app, url, env, args)
            with app.app_context():
                db.engine.dispose()
            results.append((f"{label} (load {load:.1f} → {os.getloadavg()[0]:.1f})", out))
    print("\n## Machine")
    for key, value in info.items():
        print(f"- {key}: {value}")
    for label, out in results:
        cast.print_report(label, out, args)


def run_province(args: argparse.Namespace) -> None:
    """Seed the province archive and time its pages on SQLite, and on PostgreSQL when configured."""
    with tempfile.TemporaryDirectory(prefix="luanluu-province-") as tmp:
        targets = []
        if "sqlite" in args.province_databases:
            targets.append(("SQLite", f"sqlite:///{tmp}/province.sqlite3"))
        pg = os.environ.get("BENCH_DATABASE_URL", "")
        if pg and "postgresql" in args.province_databases:
            targets.append(("PostgreSQL", pg.replace("postgresql://", "postgresql+psycopg://", 1)))
        for label, url in targets:
            app = prepare_database(url)
            province.print_report(label, province.measure(app, args.province))
            with app.app_context():
                db.engine.dispose()


def run_emulation() -> None:
    """Time the scoring day, then the bình xét documents' builders.

    The scoring day at 60 units × 40 criteria on SQLite, and on PostgreSQL when configured; the
    builders at 8 to 500 units.
    """
    with tempfile.TemporaryDirectory(prefix="luanluu-emulation-") as tmp:
        targets = [("SQLite", f"sqlite:///{tmp}/emulation.sqlite3")]
        pg = os.environ.get("BENCH_DATABASE_URL", "")
        if pg:
            targets.append(("PostgreSQL", pg.replace("postgresql://", "postgresql+psycopg://", 1)))
        for label, url in targets:
            app = prepare_database(url)
            emulation.print_report(label, emulation.measure(app))
            with app.app_context():
                db.engine.dispose()
    print("\nThe bình xét documents' builders (python -m bench.binhxet_minutes)")
    binhxet_minutes.main()


def main() -> None:
    args = parse_args()
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    if args.only == "province":
        run_province(args)
        return
    if args.only == "emulation":
        run_emulation()
        return
    info = machine()
    if args.only_phase == "cast":
        cast_phase(args, info)
        return
    figures = crypto.run()
    in_browser = browser_crypto.measure()
    if args.only == "crypto":
        crypto.print_figures(figures)
        browser_crypto.print_report(in_browser)
        return
    targets = []
    with tempfile.TemporaryDirectory(prefix="luanluu-bench-") as tmp:
        pg = os.environ.get("BENCH_DATABASE_URL", "")
        if args.only != "postgresql":
            targets.append(("SQLite", f"sqlite:///{tmp}/bench.sqlite3"))
        if args.only != "sqlite" and pg:
            targets.append(("PostgreSQL", pg.replace("postgresql://", "postgresql+psycopg://", 1)))
        elif args.only == "postgresql":
            raise SystemExit("set BENCH_DATABASE_URL=postgresql://.../<name containing 'bench'>")
        results = []
        for label, url in targets:
            result = run_database(label, url, args)
            if label == "PostgreSQL":
                with create_app(
                    {"SECRET_KEY": os.environ["SECRET_KEY"], "SQLALCHEMY_DATABASE_URI": url}
                ).app_context():
                    info["postgresql"] = str(db.session.scalar(sa.text("SHOW server_version")))
                    db.engine.dispose()
            results.append(result)
    report.print_report(info, args, results)
    crypto.print_figures(figures)
    browser_crypto.print_report(in_browser)
    run_province(args)
    run_emulation()


if __name__ == "__main__":
    main()
