"""The representative's conference page, the chair's console, live turnout and the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from voting.audit.services import verify
from voting.auth.access import polled, role_required, user
from voting.auth.models import Role
from voting.auth.security import check_login_session, session_claims
from voting.conferences.access import load_conference
from voting.conferences.models import Conference
from voting.conferences.services import find_check_in
from voting.console.audit_log import log_rows
from voting.console.forms import ChairForms
from voting.console.live import LiveState, live_response, live_state, live_state_for_session
from voting.console.overview import overview
from voting.console.start import waiting_for
from voting.documents import questions as document_questions
from voting.documents.approval import find_approval
from voting.documents.forms import IssueMinutesForm
from voting.elections import questions
from voting.elections.forms import RefusedOnConsole
from voting.elections.services import has_voted, is_eligible, turnout
from voting.extensions import db, login_manager
from voting.forms import ConfirmForm, show_refusal
from voting.views import ERROR_TITLES

bp = Blueprint("console", __name__, url_prefix="/conferences")

#: who polls a conference's live state (the projector polls through its display link)
LIVE_ROLES = (Role.CHAIR, Role.SECRETARY, Role.REPRESENTATIVE)


@bp.get("/")
@role_required(Role.CHAIR)
def start() -> str:
    """Show the chair's conferences, newest first, each with what it waits for and where to act."""
    query = sa.select(Conference).where(Conference.chair_id == user().id)
    conferences = list(db.session.scalars(query.order_by(Conference.starts_at.desc())))
    rows = []
    for conference in conferences:
        waiting = waiting_for(conference)
        rows.append((conference, waiting, waiting.sentence(gettext)))
    return render_template("console/start.html", rows=rows)


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
        live=live_state(conference.id),
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
        questions=questions,  # what each irreversible button asks first
        document_questions=document_questions,
        live=live_state(conference.id),
    )


@bp.get("/<int:conference_id>/turnout")
@polled(*LIVE_ROLES)
def turnout_state(conference_id: int) -> Response:
    """Return what the live pages poll (units present, turnout, the shape's fingerprint), or a 304.

    One statement checks the login session, the role and the access and reads the state; only when
    it finds nothing do the usual checks run, to answer as every page does (login, 403, 404).
    """
    claims = session_claims()
    state = live_state_for_session(conference_id, *claims, roles=LIVE_ROLES) if claims else None
    return live_response(state or _checked_live_state(conference_id), request)


def _checked_live_state(conference_id: int) -> LiveState:
    """Refuse a poll as every page does, or (an API token, a race) answer it after the usual checks."""
    check_login_session()
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if user().role not in LIVE_ROLES:
        abort(403)
    return live_state(load_conference(conference_id, *LIVE_ROLES).id)


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
