"""The trustees' page, the chair's start button and the key ceremony's JSON endpoints.

The page's script (static/js/trustee.js, on eg.js) runs each step in the trustee's browser; the
JSON endpoints under ``/ceremony/`` take the public results (CSRF in the X-CSRFToken header) and
answer every refusal as ``{"error": message}``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from voting.auth.access import role_required, user
from voting.auth.models import Role, User
from voting.conferences.models import Conference
from voting.conferences.services import is_committee_member
from voting.extensions import db
from voting.formatting import utc_now
from voting.trustees import services
from voting.trustees.forms import StartCeremonyForm
from voting.trustees.keys import latest_ceremony
from voting.trustees.models import CeremonyTrustee, KeyCeremony
from voting.trustees.record import browser_state
from voting.views import answer_in_json

bp = Blueprint("trustees", __name__)
API = "/ceremony/"
bp.record_once(lambda state: answer_in_json(state.app, API))

#: who may hold a key share (a representative votes, so never); the seat itself is checked per ceremony
TRUSTEE_ROLES = (Role.CHAIR, Role.SECRETARY, Role.COUNTER)


def _is_trustee(ceremony: KeyCeremony | None, account: User) -> bool:
    return ceremony is not None and db.session.get(CeremonyTrustee, (ceremony.id, account.id)) is not None


def _load(conference_id: int) -> tuple[Conference, KeyCeremony | None]:
    """Return a conference and its latest ceremony to its staff, committee or trustees, else 404/403."""
    conference = db.session.get(Conference, conference_id) or abort(404)
    ceremony = latest_ceremony(conference)
    account = user()
    staff = account.id in (conference.chair_id, conference.secretary_id)
    if not (staff or is_committee_member(account, conference) or _is_trustee(ceremony, account)):
        abort(403)
    return conference, ceremony


def candidates(conference: Conference) -> list[User]:
    """Return whom the chair may name as trustees: the committee, the secretary, every active counter."""
    committee = services.committee_trustees(conference)
    others = db.session.scalars(
        sa.select(User)
        .where(sa.or_(User.role == Role.COUNTER, User.id == conference.secretary_id), User.is_enabled)
        .order_by(User.full_name)
    )
    seen = {person.id for person in committee}
    return committee + [person for person in others if person.id not in seen]


@bp.get("/conferences/<int:conference_id>/trustees")
@role_required(*TRUSTEE_ROLES)
def page(conference_id: int) -> str:
    """Show the ceremony's progress; a trustee's browser runs their steps from here."""
    conference, ceremony = _load(conference_id)
    form = None
    if conference.chair_id == user().id and services.start_refusal(conference) is None:
        form = StartCeremonyForm(
            candidates(conference), services.committee_trustees(conference), formdata=None
        )
    return render_template(
        "trustees/page.html",
        conference=conference,
        ceremony=ceremony,
        state=browser_state(ceremony, user()) if ceremony else None,
        form=form,
    )


@bp.post("/conferences/<int:conference_id>/trustees/start")
@role_required(Role.CHAIR)
def start(conference_id: int) -> Response:
    """Start the key ceremony, or start it again after a failure."""
    conference = db.session.get(Conference, conference_id) or abort(404)
    if conference.chair_id != user().id:
        abort(403)
    form = StartCeremonyForm(candidates(conference), [])
    if not form.validate_on_submit():
        abort(400)
    chosen = {person.id: person for person in candidates(conference)}
    if any(person_id not in chosen for person_id in form.trustees.data or []):
        abort(400)
    # None named (the console's button): the counting committee.
    trustees = [chosen[person_id] for person_id in form.trustees.data or []] or None
    services.start_ceremony(conference, trustees, form.threshold.data, by=user(), now=utc_now())
    db.session.commit()
    flash(
        gettext("Đã bắt đầu phiên tạo khóa; mỗi người giữ khóa mở trang “Người giữ khóa” trên máy của mình."),
        "success",
    )
    return redirect(url_for("trustees.page", conference_id=conference.id))


@bp.get(f"{API}conferences/<int:conference_id>/state")
@role_required(*TRUSTEE_ROLES)
def state(conference_id: int) -> Response:
    """Return the latest ceremony's state, for the page that polls it."""
    _, ceremony = _load(conference_id)
    response = jsonify(_state_of(ceremony) if ceremony else None)
    response.cache_control.no_store = True
    return response


def _post(ceremony_id: int, step: Any) -> Response:
    """Hand a trustee's JSON post to a service step; commit only if it was taken."""
    ceremony = db.session.get(KeyCeremony, ceremony_id) or abort(404)
    services.trustee_of(ceremony, user())  # who posts is refused before what they post is read
    body = request.get_json(silent=True)
    if body is None:
        abort(400, gettext("Cần gửi dữ liệu JSON."))
    step(ceremony, user(), body, now=utc_now())
    db.session.commit()
    return jsonify(_state_of(ceremony))


def _state_of(ceremony: KeyCeremony) -> dict[str, Any]:
    """Return the ceremony's state for the current user, its status in their language."""
    state_ = browser_state(ceremony, user())
    state_["status_label"] = gettext(state_["status_label"])
    return state_


@bp.post(f"{API}<int:ceremony_id>/phase1")
@role_required(*TRUSTEE_ROLES)
def phase1(ceremony_id: int) -> Response:
    """Take a trustee's commitments and communication key (step 1)."""
    return _post(ceremony_id, services.post_phase1)


@bp.post(f"{API}<int:ceremony_id>/shares")
@role_required(*TRUSTEE_ROLES)
def shares(ceremony_id: int) -> Response:
    """Take a trustee's encrypted shares (step 2)."""
    return _post(ceremony_id, services.post_shares)


@bp.post(f"{API}<int:ceremony_id>/confirmation")
@role_required(*TRUSTEE_ROLES)
def confirmation(ceremony_id: int) -> Response:
    """Take a trustee's check of the shares they received (step 3)."""
    return _post(ceremony_id, services.post_confirmation)
