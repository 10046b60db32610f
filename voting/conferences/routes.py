"""The start page of each role and the units' check-in."""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from voting.auth.access import role_required, user
from voting.auth.models import Role
from voting.conferences import services
from voting.conferences.access import load_conference
from voting.conferences.models import CommitteeMember, Conference
from voting.errors import AlreadyCheckedIn
from voting.extensions import db, login_manager
from voting.formatting import to_local, utc_now
from voting.forms import ConfirmForm

bp = Blueprint("conferences", __name__)


@bp.get("/")
def index() -> str | Response:
    """Send each role to where its work is."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    account = user()
    get_locale()  # remember a ?lang= now: the roles below are sent on before anything is translated
    if account.role is Role.ARCHIVIST:
        return redirect(url_for("documents.archive"))
    if account.role is Role.CHAIR:  # their conferences and what each waits for (the console's start)
        return redirect(url_for("console.start"))
    query = sa.select(Conference).order_by(Conference.year.desc())
    if account.role is Role.SECRETARY:
        query = query.where(Conference.secretary_id == account.id)
    elif account.role is Role.REPRESENTATIVE:
        assert account.unit is not None
        query = query.where(Conference.cluster_id == account.unit.cluster_id)
    elif account.role is Role.COUNTER:
        query = query.join(CommitteeMember, CommitteeMember.conference_id == Conference.id).where(
            CommitteeMember.user_id == account.id
        )
    conferences = list(db.session.scalars(query))
    if account.role is Role.REPRESENTATIVE and conferences:
        return redirect(url_for("console.show", conference_id=conferences[0].id))
    return render_template("conferences/index.html", conferences=conferences)


@bp.get("/j/<int:conference_id>")
def join(conference_id: int) -> Response:
    """Take a delegate from the short join link (QR code, projector) through login to the conference.

    The link names only the conference's number, which every page's address shows anyway: whoever
    opens it must log in, and an account with no part in the conference is refused as on its pages.
    """
    if not current_user.is_authenticated:
        return cast(Response, login_manager.unauthorized())  # to the login page, then back here
    role = user().role
    load_conference(conference_id, role)  # 404, or 403 for an account with no part in it
    if role is Role.REPRESENTATIVE:
        return redirect(url_for("console.show", conference_id=conference_id))
    if role in (Role.CHAIR, Role.SECRETARY):
        return redirect(url_for("console.console", conference_id=conference_id))
    return redirect(url_for(".index"))


@bp.post("/conferences/<int:conference_id>/check-in")
@role_required(Role.REPRESENTATIVE)
def check_in(conference_id: int) -> Response:
    """Check the representative's unit in."""
    conference = load_conference(conference_id, Role.REPRESENTATIVE)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    unit = user().unit
    assert unit is not None
    try:
        services.check_in(conference, unit, by=user(), now=utc_now())
    except AlreadyCheckedIn:  # a second tab, a second tap: the page, saying when
        db.session.rollback()
        existing = services.find_check_in(conference, unit)
        at = to_local(existing.checked_in_at).strftime("%H:%M") if existing else ""
        flash(_("Đơn vị đã điểm danh lúc %(at)s.", at=at), "info")
        return redirect(url_for("console.show", conference_id=conference_id))
    db.session.commit()
    flash(f"{unit.name} đã điểm danh.", "success")
    return redirect(url_for("console.show", conference_id=conference.id))
