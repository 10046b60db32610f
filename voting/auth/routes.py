"""Logging in and out, and changing one's password."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from voting.audit.services import record
from voting.auth.access import role_required, user
from voting.auth.forms import ChangePasswordForm, LoginForm
from voting.auth.models import ApiToken, Role
from voting.auth.security import (
    SESSION_ID_FIELD,
    locked_out,
    login_client,
    login_policy,
    remember_device,
    tries_left_message,
)
from voting.auth.services import authenticate, change_password, end_session, start_session
from voting.auth.throttle import forget_attempts, purge_throttles, reserve_attempt
from voting.auth.tokens import revoke_token as revoke
from voting.auth.tokens import tokens_of
from voting.errors import VotingError
from voting.extensions import db
from voting.formatting import utc_now
from voting.forms import ConfirmForm
from voting.security import is_local_path

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int, dict[str, str]]:
    """Show the login form and log the user in; attempts are counted per account and client first."""
    if current_user.is_authenticated:
        return redirect(url_for("conferences.index"))
    form = LoginForm()
    notice = None
    if form.validate_on_submit():
        username, now = form.username.data or "", utc_now()
        client = login_client(username)
        attempt = reserve_attempt(username, client, now=now, policy=login_policy())
        db.session.commit()  # counted before the password is checked, for every worker
        if not attempt.is_allowed:
            return locked_out(attempt, now)
        account = authenticate(username, form.password.data or "")
        if account is None:
            record("login.failed", actor=None, now=now, details={"username": username[:64]})
            purge_throttles(now=now, policy=login_policy())
            db.session.commit()
            form.password.errors = [*form.password.errors, _("Tên đăng nhập hoặc mật khẩu không đúng.")]
            notice = tries_left_message(attempt, now)
        else:
            forget_attempts(username, client)
            token = start_session(account, now=now)
            db.session.commit()  # the login session, a rehashed password, the forgotten attempts
            _fresh_session()  # nothing set before the login (fixation) survives it
            login_user(account)
            session[SESSION_ID_FIELD] = token
            remember_device(username)
            flash(_("Xin chào %(name)s.", name=account.full_name), "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form, notice=notice)


def _fresh_session() -> None:
    """Empty the session cookie, keeping only the chosen language."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def _safe_next(target: str | None) -> str:
    """Return *target* if it is a path on this site, else the start page."""
    return target if is_local_path(target) else url_for("conferences.index")


@bp.post("/logout")
def logout() -> Response:
    """Log out and end the session."""
    if ConfirmForm().validate_on_submit():
        end_session(session.get(SESSION_ID_FIELD), now=utc_now())
        db.session.commit()
        logout_user()
        _fresh_session()
        flash("Đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@role_required(*Role)
def password() -> str | Response:
    """Change one's own password; other browsers logged in to the account are logged out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(
                user(),
                form.current.data or "",
                form.new.data or "",
                keep_token=session.get(SESSION_ID_FIELD),
                now=utc_now(),
            )
        except VotingError as error:
            db.session.rollback()
            form.new.errors = [*form.new.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản đã kết thúc."), "success")
            return redirect(url_for("conferences.index"))
    return render_template("auth/change_password.html", form=form)


@bp.get("/tokens")
@role_required(*Role)
def tokens() -> str:
    """List one's own API tokens, with a button to revoke each."""
    return render_template("auth/tokens.html", tokens=tokens_of(user()), now=utc_now(), confirm=ConfirmForm())


@bp.post("/tokens/<int:token_id>/revoke")
@role_required(*Role)
def revoke_token(token_id: int) -> Response:
    """Revoke one of one's own API tokens; another account's token is not found."""
    record = db.session.get(ApiToken, token_id)
    if record is None or record.user_id != user().id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        revoke(record, now=utc_now())
        db.session.commit()
        flash(_("Đã thu hồi mã truy cập %(name)s.", name=record.name), "success")
    return redirect(url_for("auth.tokens"))
