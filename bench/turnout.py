"""Only the live-turnout polling of the bench: ``.venv/bin/python -m bench.turnout``.

The full bench (``python -m bench``) runs this phase among the others; this runs it alone, in about a
minute per database, for issue 18's target: an unchanged poll (a 304) costs at most 1.5× the floor's
poll (bare Flask, one COUNT, no session). SQLite always; PostgreSQL too when ``BENCH_DATABASE_URL``
names a database whose name contains "bench" (it is emptied first).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import tempfile

from bench import seed
from bench.__main__ import prepare_database
from bench.server import Gunicorn
from bench.sessions import signed_session
from bench.web import Polling, poll
from voting.extensions import db

PHASES = (
    ("turnout_etag", "real, browsers revalidate (If-None-Match): 304s"),
    ("turnout_plain", "real, no revalidation: 200s"),
    ("turnout_floor", "floor (bare Flask, one COUNT)"),
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.turnout", description=__doc__)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--clusters", type=int, default=20, help="clusters voting today (x10 units)")
    parser.add_argument("--poll-clients", type=int, default=200)
    parser.add_argument("--poll-seconds", type=float, default=12.0, help="length of each polling phase")
    return parser.parse_args()


async def polls(
    real: Gunicorn,
    floor: Gunicorn,
    watchers: list[tuple[str, str]],
    floor_watchers: list[tuple[str, str]],
    seconds: float,
) -> dict[str, Polling]:
    """Run the three polling phases one after the other, as the full bench does."""
    out = {}
    for key, server, clients, revalidate in (
        ("turnout_etag", real, watchers, True),
        ("turnout_plain", real, watchers, False),
        ("turnout_floor", floor, floor_watchers, False),
    ):
        out[key] = await poll(server, clients, interval=2.0, duration=seconds, revalidate=revalidate)
    return out


def run(label: str, url: str, args: argparse.Namespace) -> dict[str, Polling]:
    """Seed today's conferences on one database and poll their live state; return each phase."""
    app = prepare_database(url)
    with app.app_context():
        day = seed.seed_day(clusters=args.clusters, units_per_cluster=10, archive_clusters=0, archive_years=0)
        voters = [(signed_session(app, v[0])[0], v[1], v[2]) for v in day.voters]
        chairs = [(signed_session(app, uid)[0], cid) for uid, cid in day.chairs]
        db.session.remove()
        db.engine.dispose()
    watchers = [
        (f"/conferences/{cid}/turnout", cookie) for cookie, cid, _ in voters[: args.poll_clients - 20]
    ]
    watchers += [(f"/conferences/{cid}/turnout", cookie) for cookie, cid in chairs[:20]]
    floor_watchers = [(f"/turnout/{round_id}", "") for _, _, round_id in voters[: args.poll_clients]]
    env = {"DATABASE_URL": url, "SECRET_KEY": os.environ["SECRET_KEY"]}
    real, floor = Gunicorn("wsgi:app", env, args.workers), Gunicorn("bench.floor:app", env, args.workers)
    try:
        asyncio.run(polls(real, floor, watchers, floor_watchers, 3.0))  # every worker warm first
        out = asyncio.run(polls(real, floor, watchers, floor_watchers, args.poll_seconds))
    finally:
        real.stop()
        floor.stop()
    print(
        f"\n=== {label}: {len(watchers)} clients polling every 2 s for {args.poll_seconds:.0f} s, "
        f"{args.workers} workers ==="
    )
    for key, name in PHASES:
        polling = out[key]
        print(
            f"- {name}: {len(polling.run.latencies)} req; p50 {polling.run.pct(50):.1f} ms, "
            f"p95 {polling.run.pct(95):.1f} ms; 304s {polling.not_modified}; "
            f"server CPU {polling.cpu_ms_per_request:.2f} ms/request; "
            f"statuses {dict(sorted(polling.run.statuses.items()))}"
        )
    ratio = out["turnout_etag"].cpu_ms_per_request / max(out["turnout_floor"].cpu_ms_per_request, 1e-9)
    print(f"- a 304 costs {ratio:.2f}× the floor's poll (target ≤ 1.5×)")
    return out


def main() -> None:
    args = parse_args()
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    with tempfile.TemporaryDirectory(prefix="luanluu-bench-") as tmp:
        run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args)
    pg = os.environ.get("BENCH_DATABASE_URL", "")
    if pg:
        run("PostgreSQL", pg.replace("postgresql://", "postgresql+psycopg://", 1), args)


if __name__ == "__main__":
    main()
