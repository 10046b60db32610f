"""The secretary's page for the minutes: delegates by unit, and the texts saved as they are typed."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from voting.auth.access import role_required, user
from voting.auth.models import Role
from voting.clusters.services import member_units
from voting.conferences import notes
from voting.conferences.access import load_conference
from voting.conferences.forms import AddDelegateForm, SaveNotesForm
from voting.conferences.models import Conference, Delegate
from voting.conferences.services import attendance
from voting.errors import VotingError
from voting.extensions import db
from voting.formatting import format_datetime, utc_now
from voting.forms import ConfirmForm, show_refusal

bp = Blueprint("notes", __name__, url_prefix="/conferences")


def _page(
    conference: Conference,
    notes_form: SaveNotesForm | None = None,
    delegate_form: AddDelegateForm | None = None,
) -> str:
    """Render the page with the given (possibly refused) forms, fresh ones otherwise."""
    units = member_units(conference.cluster_id)
    if notes_form is None:
        notes_form = SaveNotesForm(
            formdata=None,
            data={
                "report": conference.report_summary,
                "discussion": conference.discussion,
                "conclusions": conference.conclusions,
            },
        )
    return render_template(
        "conferences/notes.html",
        conference=conference,
        notes_form=notes_form,
        delegate_form=delegate_form or AddDelegateForm(units, formdata=None),
        people=notes.delegates_of(conference),
        added=notes.delegate_list(conference),
        present={unit.id for unit in attendance(conference).present},
        form=ConfirmForm(),
        can_edit=user().role is Role.SECRETARY and not conference.is_ended,
    )


@bp.get("/<int:conference_id>/notes")
@role_required(Role.CHAIR, Role.SECRETARY)
def show(conference_id: int) -> str:
    """Show the delegates and the texts of the minutes."""
    return _page(load_conference(conference_id, Role.CHAIR, Role.SECRETARY))


def _wants_json() -> bool:
    """Return whether the page's script (not a plain form submit) sent the request."""
    return request.accept_mimetypes.best == "application/json"


@bp.post("/<int:conference_id>/notes")
@role_required(Role.SECRETARY)
def save(conference_id: int) -> Response | tuple[str | Response, int]:
    """Save the three texts: JSON for the page's autosave, redirect for a plain submit."""
    conference = load_conference(conference_id, Role.SECRETARY)
    form = SaveNotesForm()
    if not form.validate_on_submit():
        if _wants_json():
            messages = [str(e) for errors in form.errors.values() for e in errors]
            return jsonify(error=" ".join(messages)), 400
        return _page(conference, notes_form=form), 400
    now = utc_now()
    try:
        notes.save_notes(
            conference,
            report=form.report.data or "",
            discussion=form.discussion.data or "",
            conclusions=form.conclusions.data or "",
            by=user(),
            now=now,
        )
    except VotingError as error:
        db.session.rollback()
        message = show_refusal(form, error)
        if _wants_json():
            return jsonify(error=message), error.status_code
        return _page(conference, notes_form=form), error.status_code
    db.session.commit()
    saved = gettext("Đã lưu lúc %(time)s.", time=format_datetime(now))
    if _wants_json():
        return jsonify(saved=saved)
    flash(saved, "success")
    return redirect(url_for("notes.show", conference_id=conference.id))


@bp.post("/<int:conference_id>/delegates")
@role_required(Role.SECRETARY)
def add_delegate(conference_id: int) -> Response | tuple[str, int]:
    """Add a delegate of a member unit."""
    conference = load_conference(conference_id, Role.SECRETARY)
    units = member_units(conference.cluster_id)
    form = AddDelegateForm(units)
    if not form.validate_on_submit():
        return _page(conference, delegate_form=form), 400
    unit = next(u for u in units if u.id == form.unit.data)
    try:
        delegate = notes.add_delegate(
            conference,
            unit,
            full_name=form.full_name.data or "",
            title=form.title.data or "",
            by=user(),
            now=utc_now(),
        )
    except VotingError as error:
        db.session.rollback()
        show_refusal(form, error, "full_name")
        return _page(conference, delegate_form=form), error.status_code
    db.session.commit()
    flash(gettext("Đã thêm đại biểu %(name)s.", name=delegate.full_name), "success")
    return redirect(url_for("notes.show", conference_id=conference.id, _anchor="delegates"))


@bp.post("/<int:conference_id>/delegates/<int:delegate_id>/delete")
@role_required(Role.SECRETARY)
def remove_delegate(conference_id: int, delegate_id: int) -> Response:
    """Take a delegate off the list."""
    conference = load_conference(conference_id, Role.SECRETARY)
    delegate = db.session.get(Delegate, delegate_id)
    if delegate is None or delegate.conference_id != conference.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    notes.remove_delegate(delegate, by=user(), now=utc_now())
    db.session.commit()
    flash(gettext("Đã bỏ đại biểu %(name)s.", name=delegate.full_name), "success")
    return redirect(url_for("notes.show", conference_id=conference.id, _anchor="delegates"))
