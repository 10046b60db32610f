"""Reading a conference's audit log (the chair and the archivist)."""

from __future__ import annotations

from flask import Blueprint, render_template

from voting.audit.services import ACTION_LABELS, conference_log, verify
from voting.auth.access import load_conference, role_required
from voting.auth.models import Role

bp = Blueprint("audit", __name__)


@bp.get("/conferences/<int:conference_id>/audit")
@role_required(Role.CHAIR, Role.ARCHIVIST, Role.ADMIN)
def log(conference_id: int) -> str:
    """List the conference's audit entries and whether the whole chain verifies."""
    conference = load_conference(conference_id, Role.CHAIR, Role.ARCHIVIST, Role.ADMIN)
    return render_template(
        "audit/log.html",
        conference=conference,
        entries=conference_log(conference),
        labels=ACTION_LABELS,
        verification=verify(),
    )
