"""``flask audit verify``: check the hash chain of the audit log."""

from __future__ import annotations

import click

from voting.audit.services import verify


@click.group()
def audit() -> None:
    """Work with the tamper-evident audit log."""


@audit.command("verify")
def verify_command() -> None:
    """Check every entry's hash; exit 1 naming the first entry that was changed, removed or moved."""
    result = verify()
    if not result.is_intact:
        click.echo(f"Nhật ký KHÔNG toàn vẹn: mục #{result.first_bad_id}: {result.problem}.", err=True)
        raise SystemExit(1)
    click.echo(f"Nhật ký toàn vẹn: {result.checked} mục; mã băm cuối {result.head}.")
