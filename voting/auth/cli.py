"""``flask admin throttles``: see and lift the waits that failed logins have earned."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from voting.auth.throttle import ThrottlePolicy, clear_throttles, current_throttles, purge_throttles
from voting.extensions import db
from voting.formatting import format_datetime, utc_now


@click.group("throttles")
def throttles() -> None:
    """See and clear the login throttles (failed attempts per account and client)."""


@throttles.command("list")
@with_appcontext
def list_command() -> None:
    """List every account and client with failed attempts, those that must wait first."""
    now = utc_now()
    rows = current_throttles(now=now)
    if not rows:
        click.echo("Không có lượt đăng nhập sai nào đang được đếm.")
    for row in rows:
        until = "không phải chờ"
        if row.blocked_until is not None and row.blocked_until > now:
            until = f"chờ đến {format_datetime(row.blocked_until)}"
        click.echo(
            f"#{row.id}\t{row.username}\t{row.client}\t{row.attempts} lần\t"
            f"lần cuối {format_datetime(row.last_attempt_at)}\t{until}"
        )


@throttles.command("clear")
@click.option("--username", help="only this account name")
@click.option("--client", help='only this client: an address, or "device:…" as listed')
@click.option("--all", "everything", is_flag=True, help="every throttle")
@with_appcontext
def clear_command(username: str | None, client: str | None, everything: bool) -> None:
    """Lift the waits of an account and/or client (or of everyone with --all)."""
    if not (username or client or everything):
        raise click.UsageError("name --username, --client or --all")
    deleted = clear_throttles(username=username, client=client)
    db.session.commit()
    click.echo(f"Đã gỡ {deleted} mục chặn đăng nhập.")


@throttles.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete the series that have been quiet for a day and have no wait left (the app also does it)."""
    policy: ThrottlePolicy = current_app.config["LOGIN_THROTTLE"]
    deleted = purge_throttles(now=utc_now(), policy=policy)
    db.session.commit()
    click.echo(f"Đã xóa {deleted} mục cũ.")
