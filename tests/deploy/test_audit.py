"""scripts/audit_dependencies.py: fails on a known vulnerability, says so when nothing could be audited."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"


def _script(monkeypatch: pytest.MonkeyPatch, reports: dict[str, dict[str, object] | None]) -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "audit", lambda _path, service: (0, reports[service], "ConnectionError"))
    monkeypatch.setattr("sys.argv", ["audit_dependencies.py", "requirements.txt"])
    return module


OFFLINE = {"dependencies": [{"name": "flask", "skip_reason": "Dependency not found on PyPI"}]}


def test_no_reachable_service_says_not_audited_without_failing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _script(monkeypatch, {"pypi": OFFLINE, "osv": None}).main() == 0
    assert "NOT AUDITED" in capsys.readouterr().out


def test_a_known_vulnerability_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    found = {"dependencies": [{"name": "jinja2", "version": "2.10", "vulns": [{"id": "PYSEC-2019-217"}]}]}
    assert _script(monkeypatch, {"pypi": OFFLINE, "osv": found}).main() == 1
    assert "jinja2 2.10: PYSEC-2019-217" in capsys.readouterr().out


def test_a_clean_audit_passes(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    clean = {"dependencies": [{"name": "flask", "version": "3.1.3", "vulns": []}]}
    assert _script(monkeypatch, {"pypi": clean, "osv": None}).main() == 0
    assert "1 of 1 pinned packages audited, 0 not found, 0 known vulnerabilities" in capsys.readouterr().out
