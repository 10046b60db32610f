"""A throwaway PostgreSQL cluster and gunicorn with several workers, driven over 127.0.0.1.

The cluster is created in a temporary folder (initdb as the ``postgres`` user), listens on a free port of
127.0.0.1 only and is removed afterwards, so CI's shared server is never disturbed. Each test gets a
fresh database prepared in-process (migrations, the demo, check-ins, an open round) and its own
gunicorn (``-w 4``), which is always stopped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.support import (
    Browser,
    Gunicorn,
    PgCluster,
    Scenario,
    Stage,
    free_port,
    postgres_bin,
)
from voting.demo import PASSWORD


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """Start a throwaway PostgreSQL cluster on a free port of 127.0.0.1; remove it afterwards."""
    pg_bin = postgres_bin()
    data = Path(tempfile.mkdtemp(prefix="luanluu-faults-pg-"))
    shutil.chown(data, "postgres")
    cluster = PgCluster(pg_bin, data, free_port())
    try:
        cluster.initdb()
        cluster.start()
    except subprocess.CalledProcessError as error:
        shutil.rmtree(data, ignore_errors=True)
        raise RuntimeError(f"the throwaway PostgreSQL did not start: {error.stderr!r}") from error
    try:
        yield cluster
    finally:
        try:
            cluster.stop("immediate")
        finally:
            shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module")
def stage(pg_cluster: PgCluster, request: pytest.FixtureRequest) -> Iterator[Stage]:
    name = "faults_" + re.sub(r"[^a-z0-9]+", "_", request.module.__name__.lower())[-40:]
    prepared = Stage(pg_cluster.create_database(name))
    yield prepared
    prepared.close()


@pytest.fixture
def scenario(stage: Stage) -> Scenario:
    return stage.new_conference()


@pytest.fixture(scope="module")
def server(stage: Stage) -> Iterator[Gunicorn]:
    gunicorn = Gunicorn(stage.url)
    try:
        yield gunicorn
    finally:
        gunicorn.stop()


@pytest.fixture(scope="module")
def representatives(server: Gunicorn) -> list[Browser]:
    """The 8 representatives, logged in once for the module."""
    browsers = []
    for number in range(1, 9):
        browser = Browser(server.port)
        browser.login(f"daibieu{number}", PASSWORD)
        browsers.append(browser)
    return browsers


@pytest.fixture(scope="module")
def chair(server: Gunicorn) -> Browser:
    browser = Browser(server.port)
    browser.login("chutri", PASSWORD)
    return browser
