"""Plain dictionaries for the JSON API, built from models and service results."""

from __future__ import annotations

from typing import Any

from flask import url_for

from voting.conferences.models import Conference
from voting.console.overview import Overview
from voting.documents.models import Document
from voting.elections.counting import RoundResult
from voting.elections.models import Round
from voting.formatting import to_local
from voting.handovers.models import FlagHandover


def iso(moment: Any) -> str | None:
    """Return a stored UTC timestamp as ISO 8601 in Vietnam time."""
    return to_local(moment).isoformat() if moment is not None else None


def conference_summary(conference: Conference) -> dict[str, Any]:
    return {
        "id": conference.id,
        "title": conference.title,
        "year": conference.year,
        "cluster": {
            "id": conference.cluster.id,
            "name": conference.cluster.name,
            "code": conference.cluster.code,
        },
        "starts_at": iso(conference.starts_at),
        "ended_at": iso(conference.ended_at),
        "place": conference.place,
        "url": url_for("api.conference", conference_id=conference.id),
    }


def round_summary(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.id,
        "office": round_.election.office.value,
        "number": round_.number,
        "status": round_.status.value,
        "opened_at": iso(round_.opened_at),
        "closed_at": iso(round_.closed_at),
        "base": round_.base,
        "candidates": [{"id": c.unit.id, "name": c.unit.name} for c in round_.candidates],
        "url": url_for("api.round_", round_id=round_.id),
    }


def conference_detail(state: Overview) -> dict[str, Any]:
    attendance = state.attendance
    return {
        **conference_summary(state.conference),
        "attendance": {
            "members": len(attendance.members),
            "present": [unit.name for unit in attendance.present],
            "needed": attendance.needed,
            "is_quorate": attendance.is_quorate,
        },
        "elections": [
            {
                "office": view.office.value,
                "is_certified": bool(view.election and view.election.is_certified),
                "elected_unit": (
                    view.election.elected_unit.name if view.election and view.election.elected_unit else None
                ),
                "rounds": [round_summary(rv.round) for rv in view.rounds],
            }
            for view in state.elections
        ],
        "handover": handover(state.handover) if state.handover else None,
        "documents": [document(state.minutes)] if state.minutes else [],
    }


def results(result: RoundResult) -> dict[str, Any]:
    return {
        "round_id": result.round.id,
        "base": result.base,
        "returned": result.returned,
        "blank": result.blank,
        "counts": [
            {"unit_id": c.unit.id, "unit": c.unit.name, "votes": c.votes, "percent": c.percent}
            for c in result.counts
        ],
        "ballot_type": result.ballot_type.value,
        "winners": [unit.name for unit in result.winners],
        "elected_unit": result.elected.name if result.elected else None,
        "runoff_candidates": [unit.name for unit in result.runoff],
        "decision": result.decision,
    }


def handover(record: FlagHandover) -> dict[str, Any]:
    return {
        "conference_id": record.conference_id,
        "year_held": record.conference.year + 1,
        "from_unit": record.from_unit.name,
        "to_unit": record.to_unit.name,
        "handed_over_at": iso(record.handed_over_at),
        "giver": {"name": record.giver_name, "title": record.giver_title},
        "receiver": {"name": record.receiver_name, "title": record.receiver_title},
    }


def document(record: Document) -> dict[str, Any]:
    return {
        "id": record.id,
        "conference_id": record.conference_id,
        "kind": record.kind.value,
        "number": record.number,
        "filename": record.filename,
        "sha256": record.sha256,
        "size": record.size,
        "issued_at": iso(record.issued_at),
        "download_url": url_for("documents.download", document_id=record.id),
        "status": "replaced" if record.is_replaced else "in_force",
        "replaces": _document_link(record.replaces),
        "replaced_by": _document_link(record.replaced_by),
        "reason": record.reason,
    }


def _document_link(record: Document | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {"id": record.id, "number": record.number, "url": url_for("api.document", document_id=record.id)}
