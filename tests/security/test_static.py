"""Static security checks: ruff's security rules (flake8-bandit, S) on the application code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_security_rules_are_clean_on_voting() -> None:
    # S101 (assert) stays ignored as in pyproject.toml: asserts narrow types, they guard nothing.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            *"ruff check --no-cache --select S --ignore S101 --output-format concise voting/".split(),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
