"""The production stack of ``deploy/`` for the tests of this package: nginx and gunicorn, once per test.

The hall's certificate comes from the in-app CA; the stack runs on the test database with the demo
conference committed. Each module that uses ``https_stack`` holds one test, so the stack starts once
per module.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.deploy import stack
from tests.faults.support import free_port
from tests.helpers import Demo, require_tool
from voting.signing.demo import DEMO_CA_PASSPHRASE

#: the demo makes the in-app CA (so that `make run` can sign at once); the hall's certificate comes from it
PASSPHRASE = DEMO_CA_PASSPHRASE


def _cli(app: Flask, *args: str) -> None:
    """Run a command in its own app context, whose session (and SQLite's lock) ends with it."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args), env={"LUANLUU_CA_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, result.output


@pytest.fixture
def https_stack(app: Flask, demo: Demo, database_url: str, tmp_path: Path) -> Iterator[stack.Stack]:
    """Issue the hall's certificate from the demo's CA, start gunicorn and nginx; stop both afterwards."""
    nginx = require_tool("nginx", package="nginx")
    tls = tmp_path / "tls"
    tls.mkdir()
    paths = ["--cert-out", str(tls / "luanluu.crt"), "--key-out", str(tls / "luanluu.key")]
    _cli(app, "pki", "tls", "localhost", "127.0.0.1", *paths)
    _cli(app, "pki", "export-ca", "--der", "--out", str(tls / "luanluu-ca.crt"))
    _cli(app, "pki", "export-ca", "--out", str(tmp_path / "ca.pem"))
    started_at = time.monotonic()
    running = stack.start(nginx, tmp_path, database_url, (free_port(), free_port()))
    try:
        running.wait_ready(running.trust())
        print(f"\nnginx + gunicorn -w {stack.WORKERS} ready in {time.monotonic() - started_at:.1f} s")
        yield running
    finally:
        running.stop()
