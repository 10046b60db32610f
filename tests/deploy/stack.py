"""The production stack of ``deploy/`` on this machine: nginx in front of gunicorn, for the HTTPS test.

The nginx site and the environment file are the ones in ``deploy/``, with only their production paths
and ports replaced (a replacement that no longer matches fails, so the test follows the files).
"""

from __future__ import annotations

import http.client
import os
import signal
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.faults.support import Browser

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SECRET = "deploy-test-secret-key-0123456789abcdef"
#: gunicorn's workers: several, as in production; 4 for the login throttle counted across them
WORKERS = 4


def render_site(site: str, *, http_port: int, https_port: int, socket: Path, tls: Path) -> str:
    """Return deploy/nginx/luanluu.conf with the test's ports and paths instead of production's."""
    replacements = [
        ("    listen [::]:80;\n", ""),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("/run/luanluu/gunicorn.sock", str(socket)),
        ("/etc/luanluu/tls", str(tls)),
        ("/srv/luanluu/", f"{ROOT}/"),
    ]
    for production, here in replacements:
        assert production in site, f"deploy/nginx/luanluu.conf no longer contains {production!r}"
        site = site.replace(production, here)
    return site


def main_config(folder: Path, site: Path) -> str:
    """Return an nginx.conf like Debian's (gzip on for the whole server) that includes the site."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the socket and the checkout
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in kinds)
    return f"""{user}daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder / "access.log"};
{temp}
    gzip on;
    include {site};
}}
"""


def environment(database_url: str, https_port: int) -> dict[str, str]:
    """Return the process environment: deploy/luanluu.env.example with the test's key and database."""
    settings = {}
    for line in (DEPLOY / "luanluu.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            settings[name] = value
    assert settings["LUANLUU_HTTPS"] == "1" and settings["TRUSTED_PROXIES"] == "1"
    settings.update(
        SECRET_KEY=SECRET,
        DATABASE_URL=database_url,
        PUBLIC_BASE_URL=f"https://127.0.0.1:{https_port}",
    )
    return {**os.environ, **settings}


@dataclass
class Stack:
    """nginx and gunicorn started by the test; ``stop`` ends both."""

    folder: Path
    nginx: subprocess.Popen[bytes]
    gunicorn: subprocess.Popen[bytes]
    http_port: int
    https_port: int

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def trust(self) -> ssl.SSLContext:
        """Return a TLS context that trusts the test's CA (``ca.pem`` in the stack's folder)."""
        return ssl.create_default_context(cafile=self.folder / "ca.pem")

    def log(self, name: str) -> str:
        path = self.folder / name
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_ready(self, context: ssl.SSLContext, seconds: float = 40) -> None:
        """Wait until a page comes through nginx from every gunicorn worker's master."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for name, process in (("nginx", self.nginx), ("gunicorn", self.gunicorn)):
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited: {self.log(name + '.out')}{self.log('error.log')}")
            try:
                if https_get(self.https_port, context, "/login").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the stack is not ready in {seconds} s: {self.log('gunicorn.out')}")

    def stop(self) -> None:
        for process in (self.nginx, self.gunicorn):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (self.nginx, self.gunicorn):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _spawn(command: list[str], output: Path, **options: Any) -> subprocess.Popen[bytes]:
    """Start a process writing its output to a file (closed here; the child keeps its own copy)."""
    with output.open("wb") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **options)


def start(nginx: str, folder: Path, database_url: str, ports: tuple[int, int]) -> Stack:
    """Start gunicorn (deploy/systemd/gunicorn.conf.py) on a socket and nginx (the site) in front."""
    http_port, https_port = ports
    socket = folder / "gunicorn.sock"
    site = folder / "luanluu.conf"
    site.write_text(
        render_site(
            (DEPLOY / "nginx" / "luanluu.conf").read_text(),
            http_port=http_port,
            https_port=https_port,
            socket=socket,
            tls=folder / "tls",
        )
    )
    (folder / "nginx.conf").write_text(main_config(folder, site))
    gunicorn = _spawn(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(DEPLOY / "systemd" / "gunicorn.conf.py"),
            "--bind",
            f"unix:{socket}",
            "--workers",
            str(WORKERS),
            "--access-logfile",
            str(folder / "gunicorn-access.log"),
            "wsgi:app",
        ],
        folder / "gunicorn.out",
        cwd=ROOT,
        env=environment(database_url, https_port),
    )
    server = _spawn([nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")], folder / "nginx.out")
    return Stack(folder, server, gunicorn, http_port, https_port)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def https_get(port: int, context: ssl.SSLContext, path: str, headers: dict[str, str] | None = None) -> Answer:
    """GET a path over HTTPS (HTTP/1.1), checking the certificate against the test's CA."""
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def http_get(port: int, path: str) -> Answer:
    """GET a path over plain HTTP."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


class HttpsBrowser(Browser):
    """The cookie-keeping client of the fault tests, over HTTPS through nginx, from a chosen address.

    *source* is the client's own address on the loopback network (127.0.0.0/8): nginx, listening on
    127.0.0.1, sees each source as a different client. The Referer is sent as a browser sends it
    (Flask-WTF checks it over HTTPS).
    """

    def __init__(self, port: int, context: ssl.SSLContext, source: str = "127.0.0.1") -> None:
        super().__init__(port)
        self.context = context
        self.source = source
        self.headers["Referer"] = f"https://127.0.0.1:{port}/login"

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=self.context, timeout=30, source_address=(self.source, 0)
        )
