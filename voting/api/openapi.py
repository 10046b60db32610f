"""The OpenAPI 3.1 description of the read-only API (its schemas are JSON Schema 2020-12).

Enumerations are generated from the code's enums, so a new value (a round status, a ballot type)
appears here without editing this file.
"""

from __future__ import annotations

import enum
from typing import Any

from voting.api.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE
from voting.elections.ballots import BallotType
from voting.elections.models import Office, RoundStatus

STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
NULLABLE_STR = {"type": ["string", "null"]}


def _enum(values: type[enum.StrEnum]) -> dict[str, Any]:
    return {"type": "string", "enum": [member.value for member in values]}


def _object(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": list(properties), "properties": properties}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


SCHEMAS: dict[str, Any] = {
    "Error": _object(error=STR),
    "ConferenceSummary": _object(
        id=INT,
        title=STR,
        year=INT,
        cluster=_object(id=INT, name=STR, code=STR),
        starts_at=STR,
        ended_at=NULLABLE_STR,
        place=STR,
        url=STR,
    ),
    "Round": _object(
        id=INT,
        office=_enum(Office),
        number=INT,
        status=_enum(RoundStatus),
        opened_at=STR,
        closed_at=NULLABLE_STR,
        base=INT,
        candidates=_array(_object(id=INT, name=STR)),
        url=STR,
    ),
    "Handover": _object(
        conference_id=INT,
        year_held=INT,
        from_unit=STR,
        to_unit=STR,
        handed_over_at=STR,
        giver=_object(name=STR, title=STR),
        receiver=_object(name=STR, title=STR),
    ),
    "Document": _object(
        id=INT,
        conference_id=INT,
        kind=STR,
        number=STR,
        filename=STR,
        sha256={"type": "string", "pattern": "^[0-9a-f]{64}$"},
        size=INT,
        issued_at=STR,
        download_url=STR,
        # Decree 30 Art 18: a replaced document stays listed, verifiable and downloadable
        status={"type": "string", "enum": ["in_force", "replaced"]},
        replaces={"oneOf": [_ref("DocumentLink"), {"type": "null"}]},
        replaced_by={"oneOf": [_ref("DocumentLink"), {"type": "null"}]},
        reason=STR,
    ),
    "DocumentLink": _object(id=INT, number=STR, url=STR),
}
SCHEMAS["ConferenceDetail"] = {
    "allOf": [
        _ref("ConferenceSummary"),
        _object(
            attendance=_object(members=INT, present=_array(STR), needed=INT, is_quorate=BOOL),
            elections=_array(
                _object(
                    office=_enum(Office),
                    is_certified=BOOL,
                    elected_unit=NULLABLE_STR,
                    rounds=_array(_ref("Round")),
                )
            ),
            handover={"oneOf": [_ref("Handover"), {"type": "null"}]},
            documents=_array(_ref("Document")),
        ),
    ]
}
SCHEMAS["Turnout"] = _object(round_id=INT, status=_enum(RoundStatus), voted=INT, base=INT)
SCHEMAS["Results"] = _object(
    round_id=INT,
    base=INT,
    returned=INT,
    blank=INT,
    counts=_array(_object(unit_id=INT, unit=STR, votes=INT, percent=STR)),
    ballot_type=_enum(BallotType),
    winners=_array(STR),  # the units elected; one on today's ballot types
    elected_unit=NULLABLE_STR,  # the elected unit of a single-winner ballot
    runoff_candidates=_array(STR),
    decision=STR,
)


def _get(
    summary: str, schema: dict[str, Any], *, params: tuple[str, ...] = (), extra: tuple[int, ...] = ()
) -> Any:
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
        "401": {"description": "Not logged in", "content": {"application/json": {"schema": _ref("Error")}}},
    }
    for code in (403, 404, *extra):
        responses[str(code)] = {
            "description": "Refused",
            "content": {"application/json": {"schema": _ref("Error")}},
        }
    parameters = [{"name": p, "in": "path", "required": True, "schema": INT} for p in params]
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


#: the query parameters of every list, and what its answer says beside the items
PAGE_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "required": False,
        "description": "1 for the first page",
        "schema": {"type": "integer", "minimum": 1, "default": 1},
    },
    {
        "name": "per_page",
        "in": "query",
        "required": False,
        "description": "items per page",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
    },
]
PAGE_FIELDS = {
    "page": INT,
    "per_page": INT,
    "next": {**NULLABLE_STR, "description": "the next page's URL; null on the last page"},
    "previous": {**NULLABLE_STR, "description": "the previous page's URL; null on the first page"},
}


def _list(summary: str, *, params: tuple[str, ...] = (), query: list[Any] | None = None, **items: Any) -> Any:
    """Return a paginated list operation: the items (by key) with the page's navigation."""
    operation = _get(summary, _object(**items, **PAGE_FIELDS), params=params, extra=(400,))
    operation["get"]["parameters"] += [*(query or []), *PAGE_PARAMETERS]
    operation["get"]["description"] = (
        f"A page at a time ({DEFAULT_PER_PAGE} items unless per_page says, at most {MAX_PER_PAGE}); "
        "follow next until it is null."
    )
    return operation


def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI document served at ``/api/openapi.json``."""
    document_query = [
        {"name": "cluster", "in": "query", "required": False, "schema": INT},
        {"name": "year", "in": "query", "required": False, "schema": INT},
    ]
    documents = _list(
        "Issued documents (archivist, administrator)",
        query=document_query,
        documents=_array(_ref("Document")),
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Luân Lưu API",
            "version": "1",
            "description": "Read-only; same role rules as the pages.",
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/api/v1/conferences": _list(
                "Conferences the caller has a part in", conferences=_array(_ref("ConferenceSummary"))
            ),
            "/api/v1/conferences/{conference_id}": _get(
                "A conference", _ref("ConferenceDetail"), params=("conference_id",)
            ),
            "/api/v1/rounds/{round_id}": _get("A round", _ref("Round"), params=("round_id",)),
            "/api/v1/rounds/{round_id}/turnout": _get(
                "Turnout (k of n)", _ref("Turnout"), params=("round_id",)
            ),
            "/api/v1/rounds/{round_id}/results": _get(
                "Count of a closed round", _ref("Results"), params=("round_id",), extra=(409,)
            ),
            "/api/v1/clusters/{cluster_id}/flag-holders": _list(
                "Holders of the rotating flag",
                params=("cluster_id",),
                cluster_id=INT,
                handovers=_array(_ref("Handover")),
            ),
            "/api/v1/documents": documents,
            "/api/v1/documents/{document_id}": _get("A document", _ref("Document"), params=("document_id",)),
        },
    }
