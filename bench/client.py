"""A tiny HTTP/1.1 load client (asyncio, stdlib only) that talks to 127.0.0.1 and nothing else."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

HOST = "127.0.0.1"
USER_AGENT = "luanluu-bench/1"


@dataclass
class Reply:
    """One response: status, headers (lower-case names), body and timings in seconds."""

    status: int
    headers: dict[str, str]
    body: bytes
    ttfb: float
    total: float


async def request(
    port: int,
    method: str,
    path: str,
    *,
    cookie: str | None = None,
    headers: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    json_body: bytes | None = None,
) -> Reply:
    """Send one request on a new connection (gunicorn's sync workers close it anyway).

    The body is *form*, URL-encoded, or *json_body*, already serialized (as the pages' scripts send it).
    """
    body = urlencode(form).encode() if form is not None else json_body or b""
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {HOST}:{port}",
        f"User-Agent: {USER_AGENT}",
        "Connection: close",
    ]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    if form is not None:
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    elif json_body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        first = await reader.read(1)
        ttfb = time.perf_counter() - start
        raw = first + await reader.read()
    finally:
        writer.close()
    total = time.perf_counter() - start
    head, _, payload = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        parsed[name.strip().lower()] = value.strip()
    if parsed.get("transfer-encoding") == "chunked":
        payload = _unchunk(payload)
    return Reply(int(status_line.split()[1]), parsed, payload, ttfb, total)


def _unchunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2 :]
    return bytes(out)


@dataclass
class Run:
    """The outcome of a burst: latencies, statuses and wall time."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    wall: float = 0.0
    errors: int = 0
    cpu: float = 0.0  # server CPU seconds (all workers) spent during the run, when measured

    def add(self, reply: Reply) -> None:
        self.latencies.append(reply.total)
        self.statuses[reply.status] = self.statuses.get(reply.status, 0) + 1

    @property
    def cpu_ms(self) -> float:
        """Return the server's CPU milliseconds per request."""
        return 1000 * self.cpu / len(self.latencies) if self.latencies else 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    def pct(self, q: float) -> float:
        """Return the q-th percentile latency in milliseconds."""
        return percentile(self.latencies, q) * 1000


def percentile(values: Sequence[float], q: float) -> float:
    """Return the q-th percentile (nearest rank) of *values*; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


async def burst(jobs: Sequence[Callable[[], Awaitable[Reply]]], concurrency: int) -> Run:
    """Run every job once with at most *concurrency* in flight; time the whole burst."""
    run = Run()
    queue = list(reversed(jobs))

    async def worker() -> None:
        while queue:
            job = queue.pop()
            try:
                run.add(await job())
            except OSError:
                run.errors += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    run.wall = time.perf_counter() - start
    return run
