"""Shared test helpers."""

from __future__ import annotations

import os
import shutil

import pytest

#: CI sets this so that a missing system tool fails the run instead of skipping.
REQUIRE_TOOLS = os.environ.get("LUANLUU_REQUIRE_TOOLS") == "1"


def require_tool(name: str) -> str:
    """Return the path of a system tool, or skip (fail under CI) when it is absent."""
    path = shutil.which(name)
    if path is None:
        message = f"system tool {name!r} is not installed (apt-get install poppler-utils / postgresql)"
        if REQUIRE_TOOLS:
            pytest.fail(message + "; LUANLUU_REQUIRE_TOOLS=1 forbids skipping", pytrace=False)
        pytest.skip(message)
    return path
