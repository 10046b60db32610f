"""Administration screens: clusters, units, accounts, conferences and the CSV import."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from voting.admin import services
from voting.admin.forms import (
    ChangeRoleForm,
    CreateClusterForm,
    CreateConferenceForm,
    CreateUserForm,
    ImportForm,
    UnitNameForm,
)
from voting.auth import tokens
from voting.auth.access import role_required, user
from voting.auth.models import ApiToken, Role, User
from voting.auth.services import create_user, end_access, live_sessions
from voting.clusters.models import Cluster, Unit
from voting.clusters.services import add_unit, create_cluster
from voting.conferences.models import Conference
from voting.conferences.services import create_conference
from voting.errors import VotingError
from voting.extensions import db
from voting.formatting import to_utc_naive, utc_now
from voting.forms import ConfirmForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _cluster(cluster_id: int) -> Cluster:
    return db.session.get(Cluster, cluster_id) or abort(404)


def _accounts(role: Role) -> list[tuple[int, str]]:
    rows = db.session.scalars(
        sa.select(User).where(User.role == role, User.is_enabled).order_by(User.username)
    )
    return [(u.id, f"{u.full_name} ({u.username})") for u in rows]


def _conference_form(cluster: Cluster) -> CreateConferenceForm:
    units = [(u.id, u.name) for u in cluster.units if u.is_active]
    return CreateConferenceForm(
        chairs=_accounts(Role.CHAIR), secretaries=_accounts(Role.SECRETARY), units=units
    )


def _unit_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(Unit.id, Unit.name, Cluster.name)
        .join(Cluster)
        .where(Unit.is_active)
        .order_by(Cluster.name, Unit.position)
    )
    return [(id_, f"{cluster} – {name}") for id_, name, cluster in rows]


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> str:
    """List clusters and offer to create one."""
    clusters = db.session.scalars(sa.select(Cluster).order_by(Cluster.parent_body, Cluster.name)).all()
    return render_template("admin/index.html", clusters=clusters, form=CreateClusterForm())


@bp.post("/clusters")
@role_required(Role.ADMIN)
def create_cluster_view() -> str | Response:
    """Create a cluster."""
    form = CreateClusterForm()
    if not form.validate_on_submit():
        clusters = db.session.scalars(sa.select(Cluster).order_by(Cluster.name)).all()
        return render_template("admin/index.html", clusters=clusters, form=form)
    cluster = create_cluster(
        name=form.name.data or "",
        parent_body=form.parent_body.data or "",
        code=form.code.data or "",
        city=form.city.data or "",
    )
    db.session.commit()
    flash(_("Đã tạo %(name)s.", name=cluster.name), "success")
    return redirect(url_for(".cluster", cluster_id=cluster.id))


@bp.get("/clusters/<int:cluster_id>")
@role_required(Role.ADMIN)
def cluster(cluster_id: int) -> str:
    """Show a cluster's units, conferences and the import."""
    current = _cluster(cluster_id)
    conferences = db.session.scalars(
        sa.select(Conference).where(Conference.cluster_id == current.id).order_by(Conference.year.desc())
    ).all()
    return render_template(
        "admin/cluster.html",
        cluster=current,
        conferences=conferences,
        unit_form=UnitNameForm(),
        conference_form=_conference_form(current),
        import_form=ImportForm(),
        form=ConfirmForm(),
    )


@bp.post("/clusters/<int:cluster_id>/units")
@role_required(Role.ADMIN)
def add_unit_view(cluster_id: int) -> Response:
    """Add a unit to a cluster."""
    current = _cluster(cluster_id)
    form = UnitNameForm()
    if form.validate_on_submit():
        unit = add_unit(current, form.name.data or "")
        db.session.commit()
        flash(_("Đã thêm %(name)s.", name=unit.name), "success")
    else:
        flash(_("Nhập tên đơn vị (tối đa 160 ký tự)."), "danger")
    return redirect(url_for(".cluster", cluster_id=current.id))


@bp.post("/units/<int:unit_id>/rename")
@role_required(Role.ADMIN)
def rename_unit(unit_id: int) -> Response:
    """Rename a unit."""
    unit = db.session.get(Unit, unit_id) or abort(404)
    form = UnitNameForm()
    if form.validate_on_submit():
        services.rename_unit(unit, form.name.data or "")
        db.session.commit()
        flash(_("Đã đổi tên thành %(name)s.", name=unit.name), "success")
    else:
        flash(_("Nhập tên đơn vị (tối đa 160 ký tự)."), "danger")
    return redirect(url_for(".cluster", cluster_id=unit.cluster_id))


@bp.post("/units/<int:unit_id>/toggle")
@role_required(Role.ADMIN)
def toggle_unit(unit_id: int) -> Response:
    """Deactivate an active unit or reactivate an inactive one; never delete it."""
    unit = db.session.get(Unit, unit_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        services.set_unit_active(unit, not unit.is_active)
        db.session.commit()
        flash(
            _("Đã kích hoạt lại %(name)s.", name=unit.name)
            if unit.is_active
            else _("Đã ngừng hoạt động %(name)s.", name=unit.name),
            "success",
        )
    return redirect(url_for(".cluster", cluster_id=unit.cluster_id))


@bp.post("/clusters/<int:cluster_id>/import")
@role_required(Role.ADMIN)
def import_csv(cluster_id: int) -> str | Response | tuple[str, int]:
    """Import units and representatives from CSV: all rows or none."""
    current = _cluster(cluster_id)
    form = ImportForm()
    if not form.validate_on_submit():
        flash(_("Chọn một tệp CSV."), "danger")
        return redirect(url_for(".cluster", cluster_id=current.id))
    raw = form.file.data.read()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        flash(_("Tệp phải được mã hóa UTF-8."), "danger")
        return redirect(url_for(".cluster", cluster_id=current.id))
    report = services.import_units_and_representatives(current, content)
    if report.errors:
        db.session.rollback()
        return render_template("admin/import_result.html", cluster=current, report=report), 422
    db.session.commit()
    return render_template("admin/import_result.html", cluster=current, report=report)


@bp.post("/clusters/<int:cluster_id>/conferences")
@role_required(Role.ADMIN)
def create_conference_view(cluster_id: int) -> str | Response:
    """Create a conference of the cluster."""
    current = _cluster(cluster_id)
    form = _conference_form(current)
    if not form.validate_on_submit():
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "danger")
        return redirect(url_for(".cluster", cluster_id=current.id))
    units = {u.id: u for u in current.units}
    conference = create_conference(
        current,
        year=form.year.data or 0,
        starts_at=to_utc_naive(form.starts_at.data),  # type: ignore[arg-type]
        place=form.place.data or "",
        directing_leader=form.directing_leader.data or "",
        chair=db.session.get(User, form.chair.data) or abort(400),
        secretary=db.session.get(User, form.secretary.data) or abort(400),
        outgoing_leader=units.get(form.outgoing_leader.data) or abort(400),
        outgoing_deputy=units.get(form.outgoing_deputy.data or 0),
        by=user(),
        now=utc_now(),
    )
    db.session.commit()
    flash(_("Đã tạo %(title)s.", title=conference.title), "success")
    return redirect(url_for(".cluster", cluster_id=current.id))


@bp.route("/users", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def users() -> str | Response:
    """List accounts and create one."""
    form = CreateUserForm(_unit_choices())
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit.data) if form.unit.data else None
        account = create_user(
            form.username.data or "",
            form.password.data or "",
            full_name=form.full_name.data or "",
            title=form.title.data or "",
            role=Role(form.role.data),
            unit=unit,
        )
        db.session.commit()
        flash(_("Đã tạo tài khoản %(username)s.", username=account.username), "success")
        return redirect(url_for(".users"))
    accounts = db.session.scalars(sa.select(User).order_by(User.role, User.username)).all()
    return render_template(
        "admin/users.html", accounts=accounts, form=form, confirm=ConfirmForm(), role_form=ChangeRoleForm()
    )


def _account(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.post("/users/<int:user_id>/toggle")
@role_required(Role.ADMIN)
def toggle_user(user_id: int) -> Response:
    """Disable (ending its sessions and tokens) or re-enable an account."""
    account = _account(user_id)
    if ConfirmForm().validate_on_submit():
        services.set_user_enabled(account, not account.is_enabled, by=user(), now=utc_now())
        db.session.commit()
        flash(_("Đã cập nhật tài khoản %(username)s.", username=account.username), "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/role")
@role_required(Role.ADMIN)
def change_role(user_id: int) -> Response:
    """Give an account another role; its sessions and tokens end."""
    account = _account(user_id)
    form = ChangeRoleForm()
    if form.validate_on_submit():
        try:
            services.change_role(account, Role(form.role.data), by=user(), now=utc_now())
        except VotingError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("Đã đổi vai trò của %(username)s.", username=account.username), "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/reset-password")
@role_required(Role.ADMIN)
def reset_password(user_id: int) -> str | Response:
    """Set a temporary password, end the account's sessions and tokens, and show the password once."""
    account = _account(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    password = services.reset_password(account, now=utc_now())
    db.session.commit()
    return render_template("admin/password.html", account=account, password=password)


@bp.get("/users/<int:user_id>/access")
@role_required(Role.ADMIN)
def account_access(user_id: int) -> str:
    """Show an account's open login sessions and API tokens, with buttons to end them."""
    account = _account(user_id)
    return render_template(
        "admin/access.html",
        account=account,
        sessions=live_sessions(account),
        tokens=tokens.tokens_of(account),
        now=utc_now(),
        confirm=ConfirmForm(),
    )


@bp.post("/users/<int:user_id>/end-access")
@role_required(Role.ADMIN)
def end_account_access(user_id: int) -> Response:
    """End every login session and revoke every API token of an account."""
    account = _account(user_id)
    if ConfirmForm().validate_on_submit():
        end_access(account, now=utc_now())
        db.session.commit()
        flash(
            _(
                "Đã kết thúc mọi phiên đăng nhập và mã truy cập API của %(username)s.",
                username=account.username,
            ),
            "success",
        )
    return redirect(url_for(".account_access", user_id=account.id))


@bp.post("/tokens/<int:token_id>/revoke")
@role_required(Role.ADMIN)
def revoke_token(token_id: int) -> Response:
    """Revoke one API token of any account."""
    record = db.session.get(ApiToken, token_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        tokens.revoke_token(record, now=utc_now())
        db.session.commit()
        flash(_("Đã thu hồi mã truy cập %(name)s.", name=record.name), "success")
    return redirect(url_for(".account_access", user_id=record.user_id))
