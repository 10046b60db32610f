"""Logging in and out, and the start page of each role."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from voting.auth.access import user
from voting.auth.forms import LoginForm
from voting.auth.models import Role
from voting.auth.services import authenticate
from voting.conferences.models import Conference
from voting.extensions import db
from voting.forms import ConfirmForm

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """Show the login form and log the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.index"))
    form = LoginForm()
    if form.validate_on_submit():
        account = authenticate(form.username.data or "", form.password.data or "")
        if account is None:
            form.password.errors.append("Tên đăng nhập hoặc mật khẩu không đúng.")
        else:
            db.session.commit()  # a rehashed password
            login_user(account)
            flash(f"Xin chào {account.full_name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


def _safe_next(target: str | None) -> str:
    """Return *target* if it is a path on this site, else the start page."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("auth.index")


@bp.post("/logout")
def logout() -> Response:
    """Log out and end the session."""
    if ConfirmForm().validate_on_submit():
        logout_user()
        flash("Đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
def index() -> str | Response:
    """Send each role to where its work is."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    account = user()
    if account.role is Role.ARCHIVIST:
        return redirect(url_for("documents.archive"))
    query = sa.select(Conference).order_by(Conference.year.desc())
    if account.role is Role.CHAIR:
        query = query.where(Conference.chair_id == account.id)
    elif account.role is Role.SECRETARY:
        query = query.where(Conference.secretary_id == account.id)
    elif account.role is Role.REPRESENTATIVE:
        assert account.unit is not None
        query = query.where(Conference.cluster_id == account.unit.cluster_id)
    conferences = list(db.session.scalars(query))
    if account.role is Role.REPRESENTATIVE and conferences:
        return redirect(url_for("conferences.show", conference_id=conferences[0].id))
    return render_template("auth/index.html", conferences=conferences)
