"""Read-only JSON API, ``/api/v1``, with session or bearer-token authentication."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Request, abort, jsonify, request
from flask_login import current_user
from sqlalchemy import orm
from werkzeug.wrappers import Response

from voting.api import serializers
from voting.api.openapi import openapi_document
from voting.api.pagination import paged, requested_page
from voting.auth.access import user
from voting.auth.models import Role, User
from voting.auth.tokens import user_for_token
from voting.conferences.access import can_see, visible_to
from voting.conferences.models import Conference
from voting.console.overview import overview
from voting.documents.archive import archive
from voting.documents.models import Document
from voting.elections.live import turnout
from voting.elections.models import Round
from voting.elections.results import count_round
from voting.extensions import csrf, db, login_manager
from voting.formatting import utc_now
from voting.handovers.access import load_cluster_for_holders
from voting.handovers.services import holder_chain
from voting.i18n import N_
from voting.views import answer_in_json

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)  # read-only: GET only
# Refusals of every kind (a domain error, 403, 404, 405, an unknown path) are answered in JSON.
bp.record_once(lambda state: answer_in_json(state.app, f"{bp.url_prefix}/"))


def load_user_from_token(req: Request) -> User | None:
    """Authenticate API requests that carry ``Authorization: Bearer <token>``."""
    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.startswith("Bearer "):
        return None
    return user_for_token(header.removeprefix("Bearer ").strip(), now=utc_now())


# A call rather than a decorator: Flask-Login is untyped, and its decorator would untype the function.
login_manager.request_loader(load_user_from_token)


@bp.before_request
def require_login() -> Response | None:
    """Answer 401 (not a redirect) to unauthenticated API calls, except the OpenAPI document."""
    if request.endpoint != "api.spec" and not current_user.is_authenticated:
        response = jsonify(error="Cần đăng nhập hoặc mã truy cập API (Authorization: Bearer …).")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="luanluu"'
        return response
    return None


def _conference(conference_id: int) -> Conference:
    conference = db.session.get(Conference, conference_id) or abort(404, N_("Không tìm thấy hội nghị."))
    if not can_see(user(), conference):
        abort(403, N_("Không có quyền xem hội nghị này."))
    return conference


def _round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id) or abort(404, N_("Không tìm thấy vòng bầu."))
    _conference(round_.election.conference_id)
    return round_


@bp.get("/openapi.json")
def spec() -> Response:
    """Return the OpenAPI 3 description of this API."""
    return jsonify(openapi_document())


@bp.get("/v1/conferences")
def conferences() -> Response:
    """List the conferences the caller has a part in, newest first."""
    page = requested_page()
    rows = db.session.scalars(
        sa.select(Conference)
        .where(visible_to(user()))  # can_see, in SQL: only the page's rows are loaded
        .order_by(Conference.year.desc(), Conference.id)
        .options(orm.joinedload(Conference.cluster))
        .limit(page.fetch)
        .offset(page.offset)
    )
    listed, links = paged(page, list(rows))
    return jsonify(conferences=[serializers.conference_summary(c) for c in listed], **links)


@bp.get("/v1/conferences/<int:conference_id>")
def conference(conference_id: int) -> Response:
    """Return a conference with attendance, elections, rounds, handover and documents."""
    return jsonify(serializers.conference_detail(overview(_conference(conference_id))))


@bp.get("/v1/rounds/<int:round_id>")
def round_(round_id: int) -> Response:
    """Return a round and its candidates."""
    return jsonify(serializers.round_summary(_round(round_id)))


@bp.get("/v1/rounds/<int:round_id>/turnout")
def round_turnout(round_id: int) -> Response:
    """Return how many units have voted (k of n); never partial counts."""
    current = _round(round_id)
    return jsonify(
        round_id=current.id, status=current.status.value, voted=turnout(current), base=current.base
    )


@bp.get("/v1/rounds/<int:round_id>/results")
def round_results(round_id: int) -> Response:
    """Return the count of a closed round; 409, saying why, while there is none (open, or on paper)."""
    return jsonify(serializers.results(count_round(_round(round_id))))


@bp.get("/v1/clusters/<int:cluster_id>/flag-holders")
def flag_holders(cluster_id: int) -> Response:
    """Return who held the rotating flag, oldest first."""
    page = requested_page()
    cluster = load_cluster_for_holders(cluster_id)
    listed, links = paged(page, holder_chain(cluster)[page.offset : page.offset + page.fetch])
    return jsonify(cluster_id=cluster.id, handovers=[serializers.handover(h) for h in listed], **links)


@bp.get("/v1/documents")
def document_list() -> Response:
    """List issued documents (archivist, administrator), filtered by ``cluster`` and ``year``, by page."""
    if user().role not in (Role.ARCHIVIST, Role.ADMIN):
        abort(403, N_("Chỉ cán bộ lưu trữ và quản trị xem được danh mục tài liệu."))
    filters: dict[str, Any] = {}
    for name in ("cluster", "year"):
        value = request.args.get(name)
        if value is not None:
            if not value.isdigit():
                abort(400, f"Tham số {name} phải là số.")
            filters[f"{name}_id" if name == "cluster" else name] = int(value)
    page = requested_page()
    listed, links = paged(page, archive(**filters, limit=page.fetch, offset=page.offset))
    return jsonify(documents=[serializers.document(e.document) for e in listed], **links)


@bp.get("/v1/documents/<int:document_id>")
def document(document_id: int) -> Response:
    """Return a document's metadata and download link."""
    record = db.session.get(Document, document_id) or abort(404, N_("Không tìm thấy tài liệu."))
    _conference(record.conference_id)
    return jsonify(serializers.document(record))
