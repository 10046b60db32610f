"""The encrypted ballot's JSON endpoints, the trustees' decryption and the election record.

The ballot page's script (static/js/ballot.js, on eg.js) encrypts the choice in the browser and
posts only the ballot; the answer is the tracker, the same size whatever the choice, and nothing
goes into the session. Every refusal under ``/eg/`` answers as ``{"error": message}``.
"""

from __future__ import annotations

import json

import sqlalchemy.orm as sa_orm
from flask import Blueprint, Response, abort, jsonify, request

from voting.auth.access import role_required, user
from voting.auth.models import Role, User
from voting.conferences.access import load_conference
from voting.conferences.models import Conference
from voting.elections import encrypted, services
from voting.elections.board import election_record
from voting.elections.models import Election, Round
from voting.elections.routes import load_for_reading
from voting.extensions import db
from voting.formatting import utc_now
from voting.i18n import N_
from voting.transactions import writes_late
from voting.trustees.keys import election_key_of
from voting.views import answer_in_json

bp = Blueprint("secret", __name__)
API = "/eg/"
bp.record_once(lambda state: answer_in_json(state.app, API))

#: who may hold a key share (as the trustees' page says); the seat itself is checked per key
TRUSTEE_ROLES = (Role.CHAIR, Role.SECRETARY, Role.COUNTER)


def _round(round_id: int) -> Round:
    options = [sa_orm.joinedload(Round.election).joinedload(Election.conference)]
    return db.session.get(Round, round_id, options=options) or abort(404)


def _json_body() -> object:
    body = request.get_json(silent=True)
    if body is None:
        abort(400, N_("Cần gửi dữ liệu JSON."))
    return body


def _no_store(response: Response) -> Response:
    response.cache_control.no_store = True
    return response


@bp.post(f"{API}rounds/<int:round_id>/ballot")
@writes_late
@role_required(Role.REPRESENTATIVE)
def cast(round_id: int) -> Response:
    """Cast the encrypted ballot posted as {"ballot": ...}; answer its tracker."""
    unit = user().unit
    assert unit is not None  # a database constraint for representatives
    # One query: the round with its conference and rules, and this unit's check-in (the service's).
    admission = services.read_admission(round_id, unit.id) or abort(404)
    round_ = admission.round
    load_conference(round_.election.conference_id, Role.REPRESENTATIVE)
    body = _json_body()
    if not isinstance(body, dict) or set(body) != {"ballot"}:
        abort(400, N_("Cần gửi đúng một phiếu mã hóa."))
    tracker = encrypted.cast_encrypted(
        round_, unit, body["ballot"], by=user(), now=utc_now(), admission=admission
    )
    db.session.commit()
    return _no_store(jsonify(tracker=tracker))


def _trustee_index(conference: Conference, account: User) -> int:
    key = election_key_of(conference)
    index = key.index_of(account.id) if key else None
    if index is None:
        abort(403)
    return index


@bp.get(f"{API}rounds/<int:round_id>/decryption")
@role_required(*TRUSTEE_ROLES)
def decryption_state(round_id: int) -> Response:
    """Return what a trustee's browser decrypts: the round's ctx and aggregate, and who has posted."""
    round_ = _round(round_id)
    conference = round_.election.conference
    index = _trustee_index(conference, user())
    if not round_.is_encrypted or round_.is_open:
        abort(409, N_("Vòng này chưa có gì để giải mã."))
    key = encrypted.key_of(conference)
    state = encrypted.decryption_of(round_)
    return _no_store(
        jsonify(
            conference=conference.id,
            ceremony=key.ceremony_id,
            index=index,
            ctx=encrypted.ctx_of(round_, key),
            aggregate=encrypted.aggregate_of(round_),
            posted=state.posted,
            needed=state.needed,
            done=state.done,
        )
    )


@bp.post(f"{API}rounds/<int:round_id>/decryption")
@role_required(*TRUSTEE_ROLES)
def decryption(round_id: int) -> Response:
    """Take a trustee's partial decryption; answer whether the count is now published."""
    round_ = _round(round_id)
    _trustee_index(round_.election.conference, user())
    published = encrypted.post_partial_decryption(round_, user(), _json_body(), now=utc_now())
    db.session.commit()
    return _no_store(jsonify(published=published))


@bp.get("/conferences/<int:conference_id>/election-record.json")
@role_required(Role.CHAIR, Role.SECRETARY, Role.REPRESENTATIVE, Role.ARCHIVIST, Role.ADMIN, Role.COUNTER)
def record(conference_id: int) -> Response:
    """Download the conference's election record, which the standalone verifier checks on its own."""
    conference = load_for_reading(conference_id)
    body = election_record(conference)
    if body is None:
        abort(404, N_("Hội nghị chưa có khóa bầu cử."))
    return Response(
        json.dumps(body, sort_keys=True, separators=(",", ":")),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="election-record-{conference.id}.json"'},
    )
