"""A throwaway PostgreSQL cluster, gunicorn with several workers and a cookie-keeping HTTP client.

The fixtures that use them are in ``conftest.py``.
"""

from __future__ import annotations

import glob
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from tests.eg import open_round
from tests.helpers import CHECK_IN_AT, OPENED_AT, REQUIRE_TOOLS, STARTS_AT, in_year
from tests.trustees.helpers import run_ceremony
from voting import create_app
from voting.conferences.models import Conference
from voting.conferences.services import check_in, create_conference
from voting.demo import create_demo
from voting.elections import encrypted
from voting.elections.models import Office
from voting.extensions import db

ROOT = Path(__file__).resolve().parents[2]
SECRET = "faults-secret-key-0123456789abcdef"
WORKERS = 4


def postgres_bin() -> Path:
    """Return PostgreSQL's bin folder, or skip (fail under CI) when it is absent."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    ok = candidates and shutil.which("su") and _has_postgres_user()
    if not ok:
        message = "PostgreSQL server binaries (/usr/lib/postgresql/*/bin) and a postgres user are needed"
        if REQUIRE_TOOLS:
            pytest.fail(message + "; LUANLUU_REQUIRE_TOOLS=1 forbids skipping", pytrace=False)
        pytest.skip(message)
    return Path(candidates[-1]).parent


def _has_postgres_user() -> bool:
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return os.geteuid() == 0


def children(pid: int) -> list[int]:
    """Return the pids of a process's children, read from /proc."""
    found = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.split("/")[2]))
    return found


def _is_running(pid: int) -> bool:
    """Return whether a process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PgCluster:
    """A PostgreSQL server that the tests own: they may stop and restart it."""

    bin: Path
    data: Path
    port: int
    databases: list[str] = field(default_factory=list)
    #: extra server settings given on the command line (``-c name=value``)
    settings: dict[str, str] = field(default_factory=dict)
    #: where the Unix socket goes (default: the data folder, which pg_rewind cannot copy it from)
    sockets: Path | None = None

    def _as_postgres(self, *args: str, timeout: float = 60) -> None:
        command = " ".join(f"'{a}'" for a in args)
        subprocess.run(
            ["su", "postgres", "-s", "/bin/sh", "-c", command],
            check=True,
            timeout=timeout,
            capture_output=True,
        )

    def initdb(self) -> None:
        """Create the cluster's data folder (trust for local connections, UTF-8)."""
        self._as_postgres(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        )

    def start(self) -> None:
        settings = {"listen_addresses": "127.0.0.1", "fsync": "off", "max_connections": "60", **self.settings}
        options = f"-p {self.port} -k {self.sockets or self.data}" + "".join(
            f" -c {name}={value}" for name, value in settings.items()
        )
        self._as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.data / "log"),
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        self.stop("fast")
        self.start()

    def kill(self) -> None:
        """SIGKILL the server and every process it started at once, as a machine losing power would."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        os.kill(postmaster, signal.SIGSTOP)  # it starts no new process while its children are gathered
        killed = [postmaster, *children(postmaster)]
        for pid in killed:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while any(_is_running(pid) for pid in killed) and time.monotonic() < deadline:
            time.sleep(0.02)
        if Path(f"/proc/{postmaster}").exists():
            # Left unreaped (a container's init that does not reap): its pid would look like a live server
            # to the next postgres started on this folder, which a rebooted machine would not have.
            (self.data / "postmaster.pid").unlink()

    def sql(self, statement: str, database: str = "postgres") -> list[tuple[object, ...]]:
        """Run one statement on this server alone (autocommit) and return its rows."""
        dsn = f"host=127.0.0.1 port={self.port} user=postgres dbname={database} connect_timeout=5"
        with psycopg.connect(dsn, autocommit=True) as connection:
            cursor = connection.execute(statement)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        return self.url(name)


@dataclass(frozen=True)
class Scenario:
    """A conference of the demo cluster with all 8 units checked in and its leader round open."""

    url: str
    conference_id: int
    round_id: int
    candidate_ids: list[int]
    #: the round's manifest, which the ballot page gives the browser to encrypt against
    manifest: dict[str, Any]


class Stage:
    """One database with the demo cluster; each test opens a new year's conference in it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url})
        self.year = 2016
        with self.app.app_context():
            upgrade()
            create_demo()
            db.session.commit()

    def new_conference(self) -> Scenario:
        """Create next year's conference, check every unit in and open the leader round."""
        self.year += 1
        with self.app.app_context():
            demo = db.session.scalar(sa.select(Conference).where(Conference.year == 2016))
            assert demo is not None
            conference = create_conference(
                demo.cluster,
                year=self.year,
                starts_at=in_year(STARTS_AT, self.year),
                place=demo.place,
                chair=demo.chair,
                secretary=demo.secretary,
                outgoing_leader=demo.cluster.units[0],
            )
            for number, unit in enumerate(conference.cluster.units):
                check_in(
                    conference,
                    unit,
                    by=conference.chair,
                    now=in_year(CHECK_IN_AT, self.year) + timedelta(minutes=number),
                )
            run_ceremony(conference, now=in_year(CHECK_IN_AT, self.year))
            round_ = open_round(conference, Office.LEADER, now=in_year(OPENED_AT, self.year))
            db.session.commit()
            scenario = Scenario(
                self.url,
                conference.id,
                round_.id,
                [c.unit_id for c in round_.candidates],
                encrypted.manifest_of(round_),
            )
            db.session.remove()
        return scenario

    def close(self) -> None:
        with self.app.app_context():
            db.engine.dispose()


class Gunicorn:
    """gunicorn serving the app with several workers on a free port of 127.0.0.1."""

    def __init__(self, database_url: str, *, preload: bool = False, **settings: str) -> None:
        """Start it with extra environment *settings*; *preload* imports the app once in the master."""
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET, **settings}
        env.pop("LUANLUU_HTTPS", None)
        self.log = tempfile.NamedTemporaryFile(prefix="luanluu-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(WORKERS),
                "-b",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "5",
                "--timeout",
                "30",
                *(["--preload"] if preload else []),
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            self.wait_ready()
        except RuntimeError:
            self.stop()  # not left running (nor its log open) to fail the next test with a ResourceWarning
            raise

    def wait_ready(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.output()}")
            try:
                if Browser(self.port).get("/login").status == 200 and len(self.workers()) == WORKERS:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready in {seconds} s: {self.output()}")

    def workers(self) -> list[int]:
        """Return the pids of the worker processes (children of the master)."""
        return children(self.process.pid)

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()
        os.unlink(self.log.name)


@dataclass
class Answer:
    status: int
    location: str
    body: str


class Browser:
    """A minimal cookie-keeping HTTP client over http.client (stdlib), for 127.0.0.1 only."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.token = ""
        #: sent with every request (e.g. the X-Forwarded-For a proxy would add)
        self.headers: dict[str, str] = {}

    def _connect(self) -> http.client.HTTPConnection:
        """Open the connection of one request (HTTPS clients override this)."""
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def _request(
        self, method: str, path: str, form: dict[str, str] | None = None, json_body: object = None
    ) -> Answer:
        connection = self._connect()
        headers = {**self.headers, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if json_body is not None:  # as the pages' scripts post: JSON, the CSRF token in a header
            body = json.dumps(json_body)
            headers["Content-Type"] = "application/json"
            headers["X-CSRFToken"] = self.token
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return Answer(response.status, response.getheader("Location") or "", text)
        finally:
            connection.close()

    def get(self, path: str) -> Answer:
        answer = self._request("GET", path)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', answer.body)
        if match:
            self.token = match.group(1)
        return answer

    def post(self, path: str, form: dict[str, str] | None = None) -> Answer:
        return self._request("POST", path, {**(form or {}), "csrf_token": self.token})

    def post_json(self, path: str, body: object) -> Answer:
        return self._request("POST", path, json_body=body)

    def login(self, username: str, password: str) -> None:
        self.get("/login")
        answer = self.post("/login", {"username": username, "password": password})
        assert answer.status == 302, (username, answer.status, answer.body[-500:])
        self.get("/password")  # a page with a form: the session's CSRF token


def database_counts(url: str, round_id: int) -> tuple[int, int]:
    """Return (encrypted ballots, participations) of a round, read straight from PostgreSQL."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as connection:
        ballots = connection.execute(
            "SELECT count(*) FROM encrypted_ballots WHERE round_id = %s", (round_id,)
        ).fetchone()
        taking_part = connection.execute(
            "SELECT count(*) FROM participations WHERE round_id = %s", (round_id,)
        ).fetchone()
    assert ballots is not None and taking_part is not None
    return int(ballots[0]), int(taking_part[0])


def audit_verify(url: str) -> subprocess.CompletedProcess[str] | None:
    """Run ``flask --app wsgi audit verify`` on a database; None while the command does not exist."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "audit", "verify"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if "No such command" in result.stderr:
        return None
    return result
