"""Audit the pinned runtime requirements with pip-audit; say plainly when nothing could be audited.

Exit 1 when a known vulnerability is found (upgrade the pin, or write the decision in README
*Production* and pass its id with --ignore-vuln here). Exit 0, with a clear message, when no
vulnerability service answers: an offline mirror must not fail CI, but must not look like a pass.

    .venv/bin/python scripts/audit_dependencies.py [requirements.txt]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

#: vulnerability ids reviewed and accepted, each with its reason in README "Production"
ACCEPTED: list[str] = []
SERVICES = ("pypi", "osv")


def audit(requirements: Path, service: str) -> tuple[int, dict[str, object] | None, str]:
    """Run pip-audit with one vulnerability service; return its exit code, its report and its errors."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        ignored = [argument for vuln in ACCEPTED for argument in ("--ignore-vuln", vuln)]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip_audit",
                "--requirement",
                str(requirements),
                # Every pin is exact (==): nothing to resolve, nothing to install.
                "--no-deps",
                "--disable-pip",
                "--vulnerability-service",
                service,
                "--progress-spinner",
                "off",
                "--format",
                "json",
                "--output",
                str(report),
                *ignored,
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        data = json.loads(report.read_text()) if report.exists() and report.stat().st_size else None
    return result.returncode, data, result.stderr


def main() -> int:
    requirements = Path(sys.argv[1] if len(sys.argv) > 1 else "requirements.txt")
    for service in SERVICES:
        code, report, errors = audit(requirements, service)
        if report is None:
            last = (errors.strip().splitlines() or ["?"])[-1]
            print(f"pip-audit ({service}): no answer: {last[:160]}")
            continue
        dependencies = report["dependencies"]
        assert isinstance(dependencies, list)
        audited = [d for d in dependencies if "skip_reason" not in d]
        if not audited:
            print(f"pip-audit ({service}): the vulnerability data is not reachable from here; 0 audited")
            continue
        found = [(d["name"], d["version"], v["id"]) for d in audited for v in d.get("vulns", [])]
        for name, version, vuln in found:
            print(f"pip-audit ({service}): {name} {version}: {vuln}")
        skipped = len(dependencies) - len(audited)
        print(
            f"pip-audit ({service}): {len(audited)} of {len(dependencies)} pinned packages audited, "
            f"{skipped} not found, {len(found)} known vulnerabilities"
        )
        return 1 if found or code not in (0, 1) else 0
    print(
        "pip-audit: NOT AUDITED. No vulnerability service (PyPI's JSON API, OSV) answered from this "
        "machine. Run `scripts/audit_dependencies.py` where one is reachable before deploying."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
