"""A live server on 127.0.0.1 for the browser tests (Chromium in ``pages.py``); screenshots on failure."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the app on a free port of 127.0.0.1 in a thread; yield its base URL.

    The app's absolute links (projector, join, verification) use that URL, as a deployment's
    ``PUBLIC_BASE_URL`` names its own address.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Remember on the test item whether its body failed, for the screenshot fixture."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call":
        item.failed_call = report.failed  # type: ignore[attr-defined]
