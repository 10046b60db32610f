"""``flask audit verify``: check the hash chain of the audit log."""

from __future__ import annotations

import click

from voting.audit.services import verify


@click.group()
def audit() -> None:
    """Work with the tamper-evident audit log."""


@audit.command("verify")
@click.option(
    "--expect",
    metavar="HASH",
    help="A head hash printed in a document (the minutes print it): the log must still extend it.",
)
def verify_command(expect: str | None) -> None:
    """Check every entry's hash; exit 1 naming the first entry that was changed, removed or moved."""
    result = verify(expect.strip().lower() if expect else None)
    if not result.is_intact:
        where = f"mục #{result.first_bad_id}: " if result.first_bad_id is not None else ""
        click.echo(f"Nhật ký KHÔNG toàn vẹn: {where}{result.problem}.", err=True)
        raise SystemExit(1)
    anchored = " và vẫn nối tiếp mã băm đã in" if expect else ""
    click.echo(f"Nhật ký toàn vẹn{anchored}: {result.checked} mục; mã băm cuối {result.head}.")
