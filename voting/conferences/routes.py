"""The representative's conference page, check-in and the chair's console."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from voting.auth.access import load_conference, role_required, user
from voting.auth.models import Role
from voting.conferences import live, services
from voting.conferences.overview import overview
from voting.documents.forms import IssueMinutesForm
from voting.elections.services import has_voted, is_eligible, turnout
from voting.extensions import db
from voting.formatting import utc_now
from voting.forms import ConfirmForm

bp = Blueprint("conferences", __name__, url_prefix="/conferences")


@bp.get("/<int:conference_id>")
@role_required(Role.REPRESENTATIVE)
def show(conference_id: int) -> str:
    """Tell the representative what to do now: check in, vote, wait or read the result."""
    conference = load_conference(conference_id, Role.REPRESENTATIVE)
    unit = user().unit
    assert unit is not None
    state = overview(conference)
    current = state.open_round
    return render_template(
        "conferences/show.html",
        state=state,
        unit=unit,
        check_in=services.find_check_in(conference, unit),
        current=current,
        is_eligible=current is not None and is_eligible(current, unit),
        has_voted=current is not None and has_voted(current, unit),
        voted=turnout(current) if current is not None else 0,
        form=ConfirmForm(),
    )


@bp.post("/<int:conference_id>/check-in")
@role_required(Role.REPRESENTATIVE)
def check_in(conference_id: int) -> Response:
    """Check the representative's unit in."""
    conference = load_conference(conference_id, Role.REPRESENTATIVE)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    unit = user().unit
    assert unit is not None
    services.check_in(conference, unit, by=user(), now=utc_now())
    db.session.commit()
    flash(f"{unit.name} đã điểm danh.", "success")
    return redirect(url_for(".show", conference_id=conference.id))


@bp.get("/<int:conference_id>/console")
@role_required(Role.CHAIR, Role.SECRETARY)
def console(conference_id: int) -> str:
    """Show the chair attendance, quorum, rounds, counts, handover and minutes."""
    conference = load_conference(conference_id, Role.CHAIR, Role.SECRETARY)
    state = overview(conference)
    return render_template(
        "conferences/console.html",
        state=state,
        form=ConfirmForm(),
        minutes_form=IssueMinutesForm(present=len(state.attendance.present)),
        is_chair=user().role is Role.CHAIR,
    )


@bp.get("/<int:conference_id>/turnout")
@role_required(Role.CHAIR, Role.SECRETARY, Role.REPRESENTATIVE)
def live_turnout(conference_id: int) -> Response:
    """Return the open round's turnout (k of n units voted) for the pages that poll it."""
    conference = load_conference(conference_id, Role.CHAIR, Role.SECRETARY, Role.REPRESENTATIVE)
    state = live.live_turnout(conference)
    response = jsonify(state.as_json())
    # Browsers revalidate every poll (no-cache) and get a bodiless 304 while nothing changed.
    response.set_etag(state.etag)
    response.cache_control.no_cache = True
    response.cache_control.private = True
    return response.make_conditional(request)
