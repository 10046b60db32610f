"""The representative's conference page, the chair's console, live turnout and the audit log."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.wrappers import Response

from voting.audit.services import verify
from voting.auth.access import role_required, user
from voting.auth.models import Role
from voting.conferences.access import load_conference
from voting.conferences.models import Conference
from voting.conferences.services import find_check_in
from voting.console.audit_log import log_rows
from voting.console.forms import ChairForms
from voting.console.overview import overview
from voting.documents.approval import find_approval
from voting.documents.forms import IssueMinutesForm
from voting.elections.forms import RefusedOnConsole
from voting.elections.live import live_turnout
from voting.elections.services import has_voted, is_eligible, turnout
from voting.extensions import db
from voting.forms import ConfirmForm, show_refusal
from voting.views import ERROR_TITLES

bp = Blueprint("console", __name__, url_prefix="/conferences")


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
        "console/show.html",
        state=state,
        unit=unit,
        check_in=find_check_in(conference, unit),
        current=current,
        is_eligible=current is not None and is_eligible(current, unit),
        has_voted=current is not None and has_voted(current, unit),
        voted=turnout(current) if current is not None else 0,
        form=ConfirmForm(),
    )


@bp.get("/<int:conference_id>/console")
@role_required(Role.CHAIR, Role.SECRETARY)
def console(conference_id: int) -> str:
    """Show the chair attendance, quorum, rounds, counts, handover and minutes."""
    conference = load_conference(conference_id, Role.CHAIR, Role.SECRETARY)
    return _console_page(conference, ChairForms())


@bp.app_errorhandler(RefusedOnConsole)
def refused_on_console(refused: RefusedOnConsole) -> tuple[str, int]:
    """Show the console again with the refused form in its place: the error by its field, the typing kept."""
    db.session.rollback()
    conference = load_conference(refused.conference_id, Role.CHAIR)
    form = refused.form
    if refused.error is not None:
        show_refusal(form, refused.error, refused.field)
    # Summed up above the page too: the form may no longer be on it (the round was closed meanwhile).
    messages = [str(error) for field in form for error in field.errors] + [str(e) for e in form.form_errors]
    title = gettext(ERROR_TITLES.get(refused.status_code, ERROR_TITLES[409]))
    return _console_page(conference, ChairForms(form), (title, messages)), refused.status_code


def _console_page(
    conference: Conference, forms: ChairForms, refusal: tuple[str, list[str]] | None = None
) -> str:
    """Render the console with the chair's forms and, after a refusal, its title and messages."""
    state = overview(conference)
    return render_template(
        "console/console.html",
        state=state,
        form=ConfirmForm(),
        forms=forms,
        # formdata=None: a refused form's POST must not fill the other forms of the page.
        minutes_form=IssueMinutesForm(formdata=None),
        approval=find_approval(conference),
        refusal=refusal,
        is_chair=user().role is Role.CHAIR,
    )


@bp.get("/<int:conference_id>/turnout")
@role_required(Role.CHAIR, Role.SECRETARY, Role.REPRESENTATIVE)
def turnout_state(conference_id: int) -> Response:
    """Return the open round's turnout (k of n units voted) for the pages that poll it."""
    conference = load_conference(conference_id, Role.CHAIR, Role.SECRETARY, Role.REPRESENTATIVE)
    state = live_turnout(conference)
    response = jsonify(state.as_json())
    # Browsers revalidate every poll (no-cache) and get a bodiless 304 while nothing changed.
    response.set_etag(state.etag)
    response.cache_control.no_cache = True
    response.cache_control.private = True
    return response.make_conditional(request)


@bp.get("/<int:conference_id>/audit")
@role_required(Role.CHAIR, Role.ARCHIVIST, Role.ADMIN)
def audit_log(conference_id: int) -> str:
    """List the conference's audit entries and whether the whole chain verifies."""
    conference = load_conference(conference_id, Role.CHAIR, Role.ARCHIVIST, Role.ADMIN)
    return render_template(
        "console/audit_log.html",
        conference=conference,
        rows=log_rows(conference),
        verification=verify(),
    )
