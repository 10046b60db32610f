"""The projector view: opened with a display link, no account, read-only."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from voting.auth.access import role_required
from voting.auth.models import Role
from voting.conferences.access import load_conference
from voting.console.live import live_response, live_state, live_state_by_token
from voting.display import services
from voting.documents.services import draft_minutes_text
from voting.extensions import db
from voting.forms import ConfirmForm
from voting.security import embeddable

bp = Blueprint("display", __name__)


@bp.post("/conferences/<int:conference_id>/display-link")
@role_required(Role.CHAIR)
def rotate_link(conference_id: int) -> Response:
    """Create (or replace) the projector's display link."""
    conference = load_conference(conference_id, Role.CHAIR)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.rotate_display_token(conference)
    db.session.commit()
    flash(_("Đã tạo liên kết màn chiếu mới; liên kết cũ không còn dùng được."), "success")
    return redirect(url_for("console.console", conference_id=conference.id))


@bp.get("/display/<token>")
@embeddable
def show(token: str) -> str:
    """Show the conference title, the current round, turnout and, after closing, the result."""
    conference = services.conference_for_display(token) or abort(404)
    return render_template(
        "display/show.html",
        screen=services.screen(conference),
        token=token,
        live=live_state(conference.id),
    )


@bp.get("/display/<token>/draft")
@embeddable
def draft(token: str) -> str:
    """Show the draft minutes in large type while they are read aloud (the same link, no account)."""
    conference = services.conference_for_display(token) or abort(404)
    return render_template(
        "display/draft.html", conference=conference, lines=draft_minutes_text(conference), token=token
    )


@bp.get("/display/<token>/state")
def state(token: str) -> Response:
    """Return what the projector polls (the same live state as the console's), or a 304."""
    return live_response(live_state_by_token(token) or abort(404), request)
