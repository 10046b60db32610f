"""The start page of each role and the units' check-in."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from voting.auth.access import role_required, user
from voting.auth.models import Role
from voting.conferences import services
from voting.conferences.access import load_conference
from voting.conferences.models import CommitteeMember, Conference
from voting.errors import AlreadyCheckedIn
from voting.extensions import db
from voting.formatting import to_local, utc_now
from voting.forms import ConfirmForm

bp = Blueprint("conferences", __name__)


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
    elif account.role is Role.COUNTER:
        query = query.join(CommitteeMember, CommitteeMember.conference_id == Conference.id).where(
            CommitteeMember.user_id == account.id
        )
    conferences = list(db.session.scalars(query))
    if account.role is Role.REPRESENTATIVE and conferences:
        return redirect(url_for("console.show", conference_id=conferences[0].id))
    return render_template("conferences/index.html", conferences=conferences)


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
