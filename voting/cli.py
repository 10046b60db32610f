"""Command-line administration: clusters, units, accounts, conferences, the demo, exports."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from voting.audit.cli import audit
from voting.auth.cli import throttles
from voting.auth.models import ApiToken, Role, User
from voting.auth.services import create_user, end_access
from voting.auth.tokens import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, create_token, revoke_token, tokens_of
from voting.clusters.models import Cluster, Unit
from voting.clusters.services import add_unit, create_cluster
from voting.conferences.services import create_conference
from voting.demo import PASSWORD, create_demo, create_live_conference, play_demo
from voting.documents.archive import export_documents
from voting.errors import VotingError
from voting.extensions import db
from voting.formatting import format_datetime, to_local, to_utc_naive, utc_now
from voting.signing.cli import pki, verify_command
from voting.signing.demo import DEMO_CA_PASSPHRASE, DEMO_PIN, DEMO_PKCS12_PASSWORD


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(admin)
    app.cli.add_command(demo)
    app.cli.add_command(documents)
    app.cli.add_command(audit)
    app.cli.add_command(pki)
    app.cli.add_command(verify_command)


def _cluster(code: str) -> Cluster:
    cluster = db.session.scalar(sa.select(Cluster).where(Cluster.code == code))
    if cluster is None:
        raise click.BadParameter(f"không có cụm mã {code}", param_hint="--cluster")
    return cluster


def _unit(cluster: Cluster, name: str, hint: str) -> Unit:
    unit = db.session.scalar(sa.select(Unit).where(Unit.cluster_id == cluster.id, Unit.name == name))
    if unit is None:
        raise click.BadParameter(f"{cluster.name} không có đơn vị {name}", param_hint=hint)
    return unit


def _user(username: str, hint: str) -> User:
    account = db.session.scalar(sa.select(User).where(User.username == username))
    if account is None:
        raise click.BadParameter(f"không có tài khoản {username}", param_hint=hint)
    return account


def _commit(message: str) -> None:
    """Commit the command's work and say what was done."""
    db.session.commit()
    click.echo(message)


@click.group(cls=AppGroup)
def admin() -> None:
    """Create clusters, units, accounts and conferences; see and clear login throttles."""


admin.add_command(throttles)


@admin.command("create-cluster")
@click.option("--name", required=True, help='e.g. "Cụm thi đua số 4"')
@click.option("--parent-body", required=True, help='e.g. "Công an thành phố Hà Nội"')
@click.option("--code", required=True, help='short code for document numbers, e.g. "CTĐ4"')
@click.option("--city", required=True, help='city of the date line, e.g. "Hà Nội"')
def create_cluster_command(name: str, parent_body: str, code: str, city: str) -> None:
    """Create an emulation cluster."""
    with _domain_errors():
        cluster = create_cluster(name=name, parent_body=parent_body, code=code, city=city)
    _commit(f"Đã tạo {cluster.name} (mã {cluster.code}).")


@admin.command("add-unit")
@click.option("--cluster", "code", required=True, help="cluster code")
@click.argument("name")
def add_unit_command(code: str, name: str) -> None:
    """Add a member unit to a cluster."""
    with _domain_errors():
        unit = add_unit(_cluster(code), name)
    _commit(f"Đã thêm {unit.name}.")


@admin.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--full-name", required=True)
@click.option("--title", default="", help="position printed after the name")
@click.option("--cluster", "code", help="cluster code, with --unit")
@click.option("--unit", "unit_name", help="the unit a representative speaks for")
@click.password_option(help="at least 8 characters")
def create_user_command(
    username: str,
    role: str,
    full_name: str,
    title: str,
    code: str | None,
    unit_name: str | None,
    password: str,
) -> None:
    """Create an account."""
    unit = _unit(_cluster(code), unit_name, "--unit") if code and unit_name else None
    with _domain_errors():
        account = create_user(
            username, password, full_name=full_name, title=title, role=Role(role), unit=unit
        )
    _commit(f"Đã tạo tài khoản {account.username} ({account.role.label}).")


@admin.command("create-conference")
@click.option("--cluster", "code", required=True, help="cluster code")
@click.option("--year", type=int, required=True, help="the year under review")
@click.option("--starts-at", type=click.DateTime(["%Y-%m-%d %H:%M"]), required=True, help="Vietnam time")
@click.option("--place", required=True)
@click.option("--chair", required=True, help="username of the chair")
@click.option("--secretary", required=True, help="username of the secretary")
@click.option("--outgoing-leader", required=True, help="name of this year's leader unit")
@click.option("--outgoing-deputy", help="name of this year's deputy unit")
@click.option("--directing-leader", default="", help="senior leader attending (Đại biểu dự và chỉ đạo)")
def create_conference_command(
    code: str,
    year: int,
    starts_at: datetime,
    place: str,
    chair: str,
    secretary: str,
    outgoing_leader: str,
    outgoing_deputy: str | None,
    directing_leader: str,
) -> None:
    """Create a cluster's year-end conference."""
    cluster = _cluster(code)
    with _domain_errors():
        conference = create_conference(
            cluster,
            year=year,
            starts_at=to_utc_naive(starts_at),
            place=place,
            chair=_user(chair, "--chair"),
            secretary=_user(secretary, "--secretary"),
            outgoing_leader=_unit(cluster, outgoing_leader, "--outgoing-leader"),
            outgoing_deputy=_unit(cluster, outgoing_deputy, "--outgoing-deputy") if outgoing_deputy else None,
            directing_leader=directing_leader,
        )
    _commit(f"Đã tạo {conference.title} (số {conference.id}).")


@admin.command("create-token")
@click.argument("username")
@click.option("--name", required=True, help="what the token is for")
@click.option(
    "--days",
    type=int,
    default=DEFAULT_TOKEN_DAYS,
    show_default=True,
    help=f"valid for (at most {MAX_TOKEN_DAYS})",
)
def create_token_command(username: str, name: str, days: int) -> None:
    """Create an API token acting as USERNAME; it is printed once."""
    with _domain_errors():
        record, token = create_token(_user(username, "USERNAME"), name, now=utc_now(), days=days)
    _commit(
        f"Mã truy cập API #{record.id} cho {username}, hết hạn {format_datetime(record.expires_at)} "
        f"(chỉ hiện một lần):\n{token}"
    )


@admin.command("list-tokens")
@click.argument("username", required=False)
def list_tokens_command(username: str | None) -> None:
    """List API tokens (of USERNAME, or of every account): number, account, name, expiry, state."""
    now = utc_now()
    for record in tokens_of(_user(username, "USERNAME") if username else None):
        state = "đang dùng" if record.is_live(now) else "đã thu hồi" if record.revoked_at else "đã hết hạn"
        click.echo(
            f"#{record.id}\t{record.user.username}\t{record.name}\t"
            f"hết hạn {format_datetime(record.expires_at)}\t{state}"
        )


@admin.command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token_command(token_id: int) -> None:
    """Revoke the API token numbered TOKEN_ID (see list-tokens)."""
    record = db.session.get(ApiToken, token_id)
    if record is None:
        raise click.BadParameter(f"không có mã truy cập số {token_id}", param_hint="TOKEN_ID")
    revoke_token(record, now=utc_now())
    _commit(f"Đã thu hồi mã truy cập #{record.id} ({record.name}) của {record.user.username}.")


@admin.command("end-access")
@click.argument("username")
def end_access_command(username: str) -> None:
    """Log USERNAME out of every browser and revoke all of its API tokens."""
    end_access(_user(username, "USERNAME"), now=utc_now())
    _commit(f"Đã kết thúc mọi phiên đăng nhập và mã truy cập API của {username}.")


@click.command()
@with_appcontext
@click.option("--finished", is_flag=True, help="only play the 2016 conference to its end (no live one)")
def demo(finished: bool) -> None:
    """Create the demo cluster, play its 2016 conference, prepare today's; twice changes nothing."""
    with _domain_errors():
        conference, logins = create_demo()
        play_demo(conference, base_url=current_app.config["PUBLIC_BASE_URL"])
        live = None if finished else create_live_conference(conference, to_local(utc_now()).date())
    db.session.commit()
    click.echo(f"{conference.cluster.name} – {conference.title} ({conference.held_on:%d-%m-%Y}, đã kết thúc)")
    if live is not None:
        click.echo(f"Hội nghị hôm nay (today's conference): {live.title} ({live.held_on:%d-%m-%Y})")
    click.echo(f"Mật khẩu mọi tài khoản demo (demo password): {PASSWORD}")
    for login in logins:
        click.echo(f"  {login.username:<10} {login.role.label:<20} {login.who}")
    click.echo(
        f"Mã PIN ký số demo (demo signing PIN) của chutri, thuky: {DEMO_PIN}; "
        f"mật khẩu CA demo: {DEMO_CA_PASSPHRASE}; mật khẩu PKCS#12 bên nhận: {DEMO_PKCS12_PASSWORD}"
    )
    click.echo(f"Văn thư (vanthu) ký số cơ quan; mã PIN thiết bị SoftHSM2 của cơ quan: {DEMO_PIN}")


@click.group(cls=AppGroup)
def documents() -> None:
    """Work with the archive of issued documents."""


@documents.command("export")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--cluster", "code", help="cluster code")
@click.option("--year", type=int)
def export_command(out_dir: Path, code: str | None, year: int | None) -> None:
    """Write the archived PDFs and a SHA256SUMS manifest to a folder."""
    with _domain_errors():
        paths = export_documents(out_dir, cluster_code=code, year=year)
    click.echo(f"Đã ghi {len(paths)} tài liệu và SHA256SUMS vào {out_dir}.")


@contextmanager
def _domain_errors() -> Iterator[None]:
    """Turn a refused business rule into a command-line error without a traceback."""
    try:
        yield
    except VotingError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
