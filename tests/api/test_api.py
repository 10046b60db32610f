"""The read-only JSON API: authentication, role rules, and every route against the OpenAPI document."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.eg import close_round, open_round
from tests.elections.helpers import check_in_all, vote
from tests.factories import Site, Stage
from tests.helpers import PASSWORD, later, post
from voting.api.openapi import openapi_document
from voting.auth.models import ApiToken, Role, User
from voting.auth.services import create_user
from voting.auth.tokens import create_token, revoke_token
from voting.clusters.services import add_unit, create_cluster
from voting.conferences.models import Conference
from voting.elections.ballots import BallotType
from voting.elections.models import Office, RoundStatus
from voting.elections.services import void_round
from voting.extensions import db
from voting.formatting import utc_now

SPEC = openapi_document()


def check(response: Any, path: str) -> Any:
    """Validate a response against the OpenAPI schema of its path and status; return its JSON."""
    operation = SPEC["paths"][path]["get"]
    assert str(response.status_code) in operation["responses"], (path, response.status_code)
    schema = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
    body = response.get_json()
    jsonschema.validate(body, {**schema, "components": SPEC["components"]})
    return body


@pytest.fixture
def finished(make_site: Callable[..., Site]) -> Site:
    """A conference played to its end: every unit elected the second one leader, the third deputy."""
    return make_site(Stage.MINUTES_ISSUED)


def test_every_api_route_is_in_the_openapi_document(app: Flask) -> None:
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
    }
    assert routes == set(SPEC["paths"])
    jsonschema.Draft202012Validator.check_schema({"components": SPEC["components"]})


def test_openapi_document_is_public(client: FlaskClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.get_json()["openapi"].startswith("3.")


def test_anonymous_gets_401_not_a_redirect(client: FlaskClient, site: Site) -> None:
    response = client.get("/api/v1/conferences")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    check(response, "/api/v1/conferences")


def test_chair_reads_everything_through_the_session(
    login: Callable[[str], FlaskClient], finished: Site
) -> None:
    chair = login(finished.chair)
    leader_name = finished.unit_names[1]
    listed = check(chair.get("/api/v1/conferences"), "/api/v1/conferences")
    assert [c["id"] for c in listed["conferences"]] == [finished.conference_id]
    detail = check(
        chair.get(f"/api/v1/conferences/{finished.conference_id}"), "/api/v1/conferences/{conference_id}"
    )
    assert detail["attendance"]["is_quorate"] and len(detail["attendance"]["present"]) == 8
    leader = detail["elections"][0]
    assert leader["is_certified"] and leader["elected_unit"] == leader_name
    round_id = leader["rounds"][0]["id"]
    check(chair.get(f"/api/v1/rounds/{round_id}"), "/api/v1/rounds/{round_id}")
    turnout = check(chair.get(f"/api/v1/rounds/{round_id}/turnout"), "/api/v1/rounds/{round_id}/turnout")
    assert turnout["voted"] == turnout["base"] == 8
    results = check(chair.get(f"/api/v1/rounds/{round_id}/results"), "/api/v1/rounds/{round_id}/results")
    assert results["counts"][0] == {
        "unit_id": results["counts"][0]["unit_id"],
        "unit": leader_name,
        "votes": 8,
        "percent": "100,00",
    }
    chain = check(
        chair.get(f"/api/v1/clusters/{finished.cluster_id}/flag-holders"),
        "/api/v1/clusters/{cluster_id}/flag-holders",
    )
    assert chain["handovers"][0]["to_unit"] == leader_name
    document_id = detail["documents"][0]["id"]
    meta = check(chair.get(f"/api/v1/documents/{document_id}"), "/api/v1/documents/{document_id}")
    pdf = chair.get(meta["download_url"])
    assert pdf.status_code == 200 and pdf.headers["X-Content-SHA256"] == meta["sha256"]
    assert check(chair.get("/api/v1/documents"), "/api/v1/documents")[
        "error"
    ]  # chairs don't list the archive


def test_results_are_hidden_while_the_round_is_open(login: Callable[[str], FlaskClient], site: Site) -> None:
    chair = login(site.chair)
    reps = [login(username) for username in site.representatives[:6]]
    for rep in reps:
        post(rep, f"/conferences/{site.conference_id}/check-in")
    post(chair, f"/conferences/{site.conference_id}/elections/leader/rounds")
    detail = chair.get(f"/api/v1/conferences/{site.conference_id}").get_json()
    round_id = detail["elections"][0]["rounds"][0]["id"]
    response = reps[0].get(f"/api/v1/rounds/{round_id}/results")
    assert response.status_code == 409
    check(response, "/api/v1/rounds/{round_id}/results")
    turnout = check(reps[0].get(f"/api/v1/rounds/{round_id}/turnout"), "/api/v1/rounds/{round_id}/turnout")
    assert turnout == {"round_id": round_id, "status": "open", "voted": 0, "base": 6}


def test_token_authentication_and_revocation(app: Flask, client: FlaskClient, finished: Site) -> None:
    with app.app_context():
        archivist = db.session.query(User).filter_by(username=finished.archivist).one()
        record, token = create_token(archivist, "bảng tin", now=utc_now())
        db.session.commit()
        token_id = record.id
    headers = {"Authorization": f"Bearer {token}"}
    listed = check(client.get("/api/v1/documents?year=2016", headers=headers), "/api/v1/documents")
    numbers = [d["number"] for d in listed["documents"]]
    assert "01/BB-CTĐ1" in numbers and len(numbers) == len(set(numbers))
    empty = check(client.get("/api/v1/documents?year=2015", headers=headers), "/api/v1/documents")
    assert empty["documents"] == [] and empty["next"] is None
    assert check(client.get("/api/v1/documents?year=x", headers=headers), "/api/v1/documents")["error"]
    assert client.get("/api/v1/documents", headers={"Authorization": "Bearer wrong"}).status_code == 401
    # A token works only on the API, never as a login for the pages.
    assert client.get("/archive", headers=headers).status_code == 302
    with app.app_context():
        revoke_token(db.session.get(ApiToken, token_id), now=utc_now())  # type: ignore[arg-type]
        db.session.commit()
    assert client.get("/api/v1/documents", headers=headers).status_code == 401


def test_other_clusters_are_forbidden(
    app: Flask, login: Callable[[str], FlaskClient], finished: Site
) -> None:
    with app.app_context():
        cluster = create_cluster(name="Cụm thi đua số 1", parent_body="Công an tỉnh X", code="C1", city="X")
        create_user(
            "rep_other",
            PASSWORD,
            full_name="Đại biểu",
            role=Role.REPRESENTATIVE,
            unit=add_unit(cluster, "Phòng A"),
        )
        db.session.commit()
    other = login("rep_other")
    assert check(other.get("/api/v1/conferences"), "/api/v1/conferences")["conferences"] == []
    response = other.get(f"/api/v1/conferences/{finished.conference_id}")
    assert response.status_code == 403
    check(response, "/api/v1/conferences/{conference_id}")
    assert other.get(f"/api/v1/clusters/{finished.cluster_id}/flag-holders").status_code == 403
    assert other.get("/api/v1/rounds/999999").status_code == 404


def test_cli_creates_a_token_that_works(app: Flask, client: FlaskClient, site: Site) -> None:
    arguments = ["admin", "create-token", site.archivist, "--name", "bảng tin"]
    result = app.test_cli_runner().invoke(args=arguments)
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("ll_")
    response = client.get("/api/v1/documents", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.query(ApiToken).one().token_hash != token  # only the hash is stored


def test_results_of_a_paper_round_awaiting_its_count_are_refused_in_json(
    app: Flask, login: Callable[[str], FlaskClient], site: Site
) -> None:
    with app.app_context():
        conference = db.session.get_one(Conference, site.conference_id)
        check_in_all(conference)
        round_ = open_round(conference, Office.LEADER, now=later(0), on_paper=True)
        close_round(round_, now=later(10))
        db.session.commit()
        round_id = round_.id
    response = login(site.chair).get(f"/api/v1/rounds/{round_id}/results")
    assert response.status_code == 409 and response.is_json
    assert "Ban kiểm phiếu" in check(response, "/api/v1/rounds/{round_id}/results")["error"]


def test_every_refusal_is_answered_in_json(login: Callable[[str], FlaskClient], site: Site) -> None:
    chair = login(site.chair)
    unknown_round = chair.get("/api/v1/rounds/999999/results")
    assert (
        unknown_round.status_code == 404
        and check(unknown_round, "/api/v1/rounds/{round_id}/results")["error"]
    )
    for response, code in (
        (chair.get("/api/v1/no-such-thing"), 404),
        (chair.post("/api/v1/conferences"), 405),
        (chair.get("/api/v1/documents?year=x"), 403),
    ):
        assert response.status_code == code and response.is_json, (response.status_code, response.data[:80])
        assert response.get_json()["error"]
    # The pages keep their HTML error pages.
    page = chair.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_openapi_enumerations_come_from_the_code() -> None:
    schemas = SPEC["components"]["schemas"]
    assert schemas["Round"]["properties"]["status"]["enum"] == [status.value for status in RoundStatus]
    assert "voided" in schemas["Round"]["properties"]["status"]["enum"]
    assert schemas["Round"]["properties"]["office"]["enum"] == [office.value for office in Office]
    assert schemas["Results"]["properties"]["ballot_type"]["enum"] == [kind.value for kind in BallotType]


def test_a_voided_round_and_its_count_match_the_openapi_document(
    app: Flask, login: Callable[[str], FlaskClient], site: Site
) -> None:
    with app.app_context():
        conference = db.session.get_one(Conference, site.conference_id)
        units = check_in_all(conference)
        round_ = open_round(conference, Office.LEADER, now=later(0))
        vote(round_, [units[1]] * 6)
        close_round(round_, now=later(10))
        void_round(round_, reason="Phát hiện sai sót", by=conference.chair, now=later(11))
        db.session.commit()
        round_id = round_.id
    chair = login(site.chair)
    assert check(chair.get(f"/api/v1/rounds/{round_id}"), "/api/v1/rounds/{round_id}")["status"] == "voided"
    results = check(chair.get(f"/api/v1/rounds/{round_id}/results"), "/api/v1/rounds/{round_id}/results")
    assert results["ballot_type"] == "choose_one"
    assert results["winners"] == [] and results["elected_unit"] is None
    assert "đã bị hủy" in results["decision"]
