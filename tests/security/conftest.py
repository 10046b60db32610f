"""Security tests start and end with an empty login-throttling store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from voting.auth.security import limiter


@pytest.fixture(autouse=True)
def _reset_limiter(app: Flask) -> Iterator[None]:
    """Forget failed logins counted by earlier tests (all test clients share 127.0.0.1)."""
    with app.app_context():
        limiter.reset()
    yield
    with app.app_context():
        limiter.reset()
