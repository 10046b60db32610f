"""Print the figures of a benchmark run as plain text and Markdown tables (for the README)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from bench.client import Run

#: the encrypted cast endpoint answers a cast ballot with 200 and its tracker (a double click: 409)
ACCEPTED = 200


def _ok(flag: bool) -> str:
    return "ok" if flag else "MISSED"


def _run_line(run: Run) -> str:
    return (
        f"{len(run.latencies)} req in {run.wall:.2f} s = {run.throughput:.0f} req/s, "
        f"server CPU {run.cpu_ms:.1f} ms/req; "
        f"p50 {run.pct(50):.1f} ms, p95 {run.pct(95):.1f} ms, p99 {run.pct(99):.1f} ms; "
        f"statuses {dict(sorted(run.statuses.items()))}, errors {run.errors}"
    )


def _percentiles(run: Run) -> str:
    return f"{run.pct(50):.0f} / {run.pct(95):.0f} / {run.pct(99):.0f}"


def print_report(info: dict[str, str], args: argparse.Namespace, results: list[dict[str, Any]]) -> None:
    print("\n## Machine")
    for key, value in info.items():
        print(f"- {key}: {value}")
    print(
        f"- gunicorn: {args.workers} sync workers; {args.concurrency} concurrent casting clients; "
        f"{args.poll_clients} turnout clients every 2 s for {args.poll_seconds:.0f} s"
    )
    for out in results:
        _print_database(out, args)


def _print_database(out: dict[str, Any], args: argparse.Namespace) -> None:
    label = out["label"]
    print(f"\n## {label}")
    print(
        "- load average (1 min) at start / after HTTP / at end: "
        + " / ".join(f"{x:.1f}" for x in out["load"])
        + f" on {os.cpu_count()} CPUs (other work on the machine shows up here)"
    )
    login, ok = out["login"]
    print(
        f"- real logins (argon2 at production cost), {len(login.latencies)} at 4 concurrent: "
        f"median {1000 * _median(login.latencies):.0f} ms each, {ok} succeeded; "
        f"{len(login.latencies) / login.wall:.1f} logins/s"
    )

    (floor, floor_rows), (real, real_rows) = out["cast_floor"], out["cast_real"]
    voters = args.clusters * 10
    print(f"\n### 1. Casting ballots ({voters} units; burst: every 10th clicks twice; after a warm-up burst)")
    print(f"- burst, floor (bare Flask, two inserts): {_run_line(floor)}")
    print(f"- burst, real POST /eg/rounds/<id>/ballot: {_run_line(real)}")
    print(
        "  (the real cast is the encrypted secret ballot's: the server checks its proofs, then stores it;"
        " the ballots were encrypted beforehand with the Python prover, as each browser would)"
    )
    ratio = real.throughput / floor.throughput if floor.throughput else 0
    cpu_ratio = floor.cpu_ms / real.cpu_ms if real.cpu_ms else 0
    # What an authenticated request costs beyond the floor's (session, login session, user, extensions),
    # from the turnout polls, which do one query in both apps: a cast cannot cost less than that.
    auth_ms = out["turnout_plain"].cpu_ms_per_request - out["turnout_floor"].cpu_ms_per_request
    if floor.cpu_ms and auth_ms > 0:
        bound = floor.cpu_ms + auth_ms
        print(
            f"- an authenticated request costs {auth_ms:.1f} ms of CPU more than the floor's (turnout polls, "
            f"real minus floor): a cast doing nothing but authenticate and insert would cost "
            f"{bound:.1f} ms, at most {floor.cpu_ms / bound:.2f} of the floor's throughput"
        )
    ballots, parts, mismatched = real_rows
    accepted = real.statuses.get(ACCEPTED, 0)
    lost = max(0, accepted - ballots)
    duplicates = max(0, ballots - parts) + mismatched
    print(
        f"- throughput ratio real/floor: {ratio:.2f} (target >= 0.5: {_ok(ratio >= 0.5)}); "
        f"p95 {real.pct(95):.1f} ms (target < 100 ms: {_ok(real.pct(95) < 100)}); "
        f"CPU per cast floor/real {cpu_ratio:.2f}"
    )
    print(
        f"- ballots stored {ballots}, participations {parts}, accepted casts {accepted} of {voters} units; "
        f"lost {lost}, duplicates {duplicates}, double clicks refused {real.statuses.get(409, 0)} "
        f"({_ok(lost == 0 and duplicates == 0 and ballots == voters)})"
    )
    print(f"  (floor stored {floor_rows[0]} ballots / {floor_rows[1]} participations)")
    print(
        f"- paced arrivals (Poisson, open loop, at most {args.concurrency} in flight), "
        "latency p50 / p95 / p99 in ms, target p95 < 100 ms:"
    )
    print("  | ballots/s | floor | real | real CPU ms/cast | real stored / accepted | p95 < 100 ms |")
    print("  |---:|---|---|---:|---|---|")
    for rate, (paced, rows) in out["paced_real"].items():
        paced_floor = out["paced_floor"][rate][0]
        print(
            f"  | {rate:.0f} | {_percentiles(paced_floor)} | {_percentiles(paced)} | {paced.cpu_ms:.1f} | "
            f"{rows[0]} / {paced.statuses.get(ACCEPTED, 0)} | {_ok(paced.pct(95) < 100)} |"
        )

    print("\n### 2. Live turnout (polling every 2 s)")
    for key, name in (
        ("turnout_etag", "real, browsers revalidate (If-None-Match)"),
        ("turnout_plain", "real, no revalidation"),
        ("turnout_floor", "floor (bare Flask, one COUNT)"),
    ):
        polling = out[key]
        run = polling.run
        print(
            f"- {name}: {len(run.latencies)} req, {run.throughput:.0f} req/s; p50 {run.pct(50):.1f} ms, "
            f"p95 {run.pct(95):.1f} ms, p99 {run.pct(99):.1f} ms; 304s {polling.not_modified}; "
            f"server CPU {polling.cpu_percent:.0f}% of a core = {polling.cpu_ms_per_request:.2f} ms/request; "
            f"{polling.bytes_total / max(1, len(run.latencies)):.0f} B/response; statuses "
            f"{dict(sorted(run.statuses.items()))}"
        )
    ratio = out["turnout_etag"].cpu_ms_per_request / max(out["turnout_floor"].cpu_ms_per_request, 1e-9)
    print(
        f"- an unchanged poll (304) costs {ratio:.2f}× the floor's poll (target ≤ 1.5×; "
        "alone: python -m bench.turnout)"
    )

    print("\n### 3. Documents")
    for key, target in (("minutes_8", 300), ("minutes_60", 2000)):
        data, pdf, peak, size = out[key]
        total = data.median + pdf.median
        print(
            f"- minutes, {data.label.split(':')[0]}: data {data.median:.0f} ms + PDF {pdf.median:.0f} ms = "
            f"{total:.0f} ms median (worst {data.worst + pdf.worst:.0f} ms; target < {target} ms: "
            f"{_ok(data.worst + pdf.worst < target)}); {size / 1024:.0f} KiB; Python peak {peak:.1f} MiB"
        )
    signatures = out.get("signatures")
    if signatures is None:
        print("- signatures: not measured (this build has no voting/signing)")
    else:
        for timing in signatures:
            print(
                f"- signature, {timing.label}: median {timing.median:.0f} ms, worst {timing.worst:.0f} ms"
                + (
                    ""
                    if timing.label.startswith("validating")
                    else f" (target < 500 ms: {_ok(timing.worst < 500)})"
                )
            )
    issue_ms, status = out["issue_60"]
    print(f"- issuing the 60-unit minutes over HTTP: {issue_ms:.0f} ms (status {status})")
    print(
        f"- peak memory per worker (VmHWM): real {', '.join(f'{m:.0f}' for m in out['rss'])} MiB; "
        f"floor {', '.join(f'{m:.0f}' for m in out['rss_floor'])} MiB"
    )

    count, sql, returned, plan = out["count"]
    print("\n### 4. Counting")
    print(
        f"- count_round (the service: the decision, and everything the pages show) over {returned} ballots: "
        f"median {count.median:.1f} ms, worst {count.worst:.1f} ms (target < 100 ms: {_ok(count.worst < 100)})"  # noqa: E501
    )
    print(f"- its SQL aggregation alone: median {sql.median:.1f} ms, worst {sql.worst:.1f} ms")
    print(f"  plan: {plan}")

    weight = out["ballot_page"]
    print("\n### 5. Pages")
    print(
        f"- representative's ballot page: {weight.bytes_total / 1024:.1f} KiB in {weight.requests} requests "
        f"(targets < 60 KB, < 6: {_ok(weight.bytes_total < 60_000 and weight.requests < 6)}): "
        + ", ".join(f"{path} {size} B" for path, size in weight.parts)
    )
    print("- time to first byte, median of 7 sequential GETs (20 clusters x 10 years archived, 50 live):")
    print("  | page | TTFB ms | total ms | status | bytes |")
    print("  |---|---:|---:|---:|---:|")
    for name, (first, total, status, size) in out["pages"].items():
        print(f"  | {name} | {first:.1f} | {total:.1f} | {status} | {size} |")


def _median(values: list[float]) -> float:
    from bench.client import median

    return median(values)
