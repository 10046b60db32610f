"""Administration of login throttles: who must wait after failed logins, and lifting the wait."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from voting.admin.forms import ClearThrottleForm
from voting.auth.access import role_required
from voting.auth.models import Role
from voting.auth.security import format_wait, login_policy
from voting.auth.throttle import clear_throttles, current_throttles
from voting.extensions import db
from voting.formatting import utc_now
from voting.forms import ConfirmForm

bp = Blueprint("throttles", __name__, url_prefix="/admin/throttles")


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> str:
    """List every account and client with failed logins, those that must wait first."""
    now, policy = utc_now(), login_policy()
    return render_template(
        "admin/throttles.html",
        free_attempts=policy.free_attempts,
        first_wait=format_wait(policy.first_delay),
        throttles=current_throttles(now=now),
        now=now,
        form=ClearThrottleForm(),
        confirm=ConfirmForm(),
    )


@bp.post("/clear")
@role_required(Role.ADMIN)
def clear() -> Response:
    """Lift one throttle: that client may try that account again at once."""
    form = ClearThrottleForm()
    if form.validate_on_submit() and clear_throttles(throttle_id=form.throttle_id.data):
        db.session.commit()
        flash(_("Đã gỡ chặn đăng nhập."), "success")
    else:
        flash(_("Mục này không còn (đã được gỡ hoặc đã hết hạn)."), "info")
    return redirect(url_for(".index"))


@bp.post("/clear-all")
@role_required(Role.ADMIN)
def clear_all() -> Response:
    """Lift every throttle."""
    if ConfirmForm().validate_on_submit():
        deleted = clear_throttles()
        db.session.commit()
        flash(_("Đã gỡ %(count)d mục chặn đăng nhập.", count=deleted), "success")
    return redirect(url_for(".index"))
