"""Every route × every role, generated from the URL map: a route without a declared rule fails.

A view declares who may use it with ``@role_required(...)`` (which sets ``view.allowed_roles``); the few
views without it (login, static files, the API and the projector display) are declared in ``DECLARED``
below. The matrix then checks, for every rule of the URL map and every role (anonymous included):
anonymous users get the login page (401 from the API), roles outside the rule get 403, every state-changing
route refuses a POST without a CSRF token (400), and allowed roles get an answer that is not a refusal.
A second cluster checks isolation: no cluster-bound account sees or changes another cluster's things.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import csrf_token
from voting.auth.models import Role, User
from voting.auth.services import create_user
from voting.clusters.models import Cluster, Unit
from voting.clusters.services import add_unit, create_cluster
from voting.conferences.models import CommitteeMember, Conference
from voting.conferences.services import check_in, create_conference
from voting.demo import PASSWORD, create_demo, play_demo
from voting.display.services import rotate_display_token
from voting.documents.models import Document, DocumentFile, DocumentVersion
from voting.elections.models import Election, Office, Round
from voting.elections.services import open_round
from voting.extensions import db

ALL = frozenset(Role)
#: roles whose accounts belong to one cluster (through their unit or their conference)
CLUSTER_BOUND = (Role.CHAIR, Role.SECRETARY, Role.REPRESENTATIVE, Role.COUNTER)
#: roles that see every cluster by design (the archive and the administration)
GLOBAL = frozenset({Role.ARCHIVIST, Role.ADMIN})
#: roles that have a part in a conference (voting.auth.access.can_see; counters through the committee)
CONFERENCE_ROLES = frozenset({Role.CHAIR, Role.SECRETARY, Role.REPRESENTATIVE, Role.COUNTER}) | GLOBAL


@dataclass(frozen=True)
class Access:
    """Who may use a route, and what an anonymous visitor gets."""

    allowed: frozenset[Role]
    #: 302 = sent to the login page, 401 = API refusal, 200 = public
    anonymous: int = 302
    #: roles allowed by role but refused on another cluster's objects by design exceptions (see below)
    cross_cluster_allowed: frozenset[Role] = frozenset()


PUBLIC = Access(ALL, anonymous=200)
#: Routes without ``@role_required``: each must be declared here, or the first test fails.
DECLARED: dict[str, Access] = {
    "static": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": Access(ALL),
    "conferences.index": Access(ALL),
    "api.spec": PUBLIC,
    "api.conferences": Access(ALL, anonymous=401),
    "api.conference": Access(CONFERENCE_ROLES, anonymous=401),
    "api.round_": Access(CONFERENCE_ROLES, anonymous=401),
    "api.round_turnout": Access(CONFERENCE_ROLES, anonymous=401),
    "api.round_results": Access(CONFERENCE_ROLES, anonymous=401),
    "api.document": Access(CONFERENCE_ROLES, anonymous=401),
    "api.document_list": Access(GLOBAL, anonymous=401),
    # Which unit held the rotating flag is the cluster's public history: staff of any cluster may read it.
    "api.flag_holders": Access(
        ALL, anonymous=401, cross_cluster_allowed=frozenset({Role.CHAIR, Role.SECRETARY, Role.COUNTER})
    ),
    # The projector screen: the unguessable token in the URL is the key (rotated by the chair).
    "display.show": PUBLIC,
    "display.state": PUBLIC,
    # Anyone holding a printed document may check it: upload the PDF or follow its QR code.
    "signing.verify": PUBLIC,
    "signing.verify_link": PUBLIC,
}
#: Routes whose allowed roles may still get 403 for a given object, and why.
OBJECT_LEVEL: dict[str, str] = {
    "signing.sign": "only the account whose signature block is next may sign",
}
#: Known gaps between a route's declaration and what it does, pinned so that a fix shows up here.
KNOWN_GAPS: dict[tuple[str, Role], str] = {}
#: Design exceptions to cluster isolation for routes declared with @role_required.
CROSS_CLUSTER_EXCEPTIONS: dict[str, frozenset[Role]] = {
    "handovers.chain": frozenset({Role.CHAIR, Role.SECRETARY}),
}


def access_for(app: Flask, endpoint: str) -> Access | None:
    """Return the declared access of an endpoint, from its view or from ``DECLARED``."""
    roles = getattr(app.view_functions[endpoint], "allowed_roles", None)
    if roles is not None:
        return Access(
            frozenset(roles), cross_cluster_allowed=CROSS_CLUSTER_EXCEPTIONS.get(endpoint, frozenset())
        )
    return DECLARED.get(endpoint)


def test_every_route_declares_who_may_use_it(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    undeclared = sorted(e for e in endpoints if access_for(app, e) is None)
    assert not undeclared, (
        f"routes without an access rule: {undeclared}. Decorate the view with @role_required(...) "
        "or declare it in tests/security/test_authorization.py DECLARED."
    )
    named = set(DECLARED) | set(OBJECT_LEVEL) | set(CROSS_CLUSTER_EXCEPTIONS) | {e for e, _ in KNOWN_GAPS}
    stale = sorted(named - endpoints)
    assert not stale, f"DECLARED names routes that no longer exist: {stale}"
    doubled = sorted(e for e in DECLARED if hasattr(app.view_functions.get(e), "allowed_roles"))
    assert not doubled, f"declared twice (view and DECLARED): {doubled}"


# -- the two clusters ------------------------------------------------------------------------------------

USERNAMES = {
    Role.REPRESENTATIVE: "daibieu2",
    Role.CHAIR: "chutri",
    Role.SECRETARY: "thuky",
    Role.COUNTER: "kiemphieu",
    Role.ARCHIVIST: "luutru",
    Role.ADMIN: "quantri",
}
OTHER_USERNAMES = {
    Role.REPRESENTATIVE: "b-daibieu1",
    Role.CHAIR: "b-chutri",
    Role.SECRETARY: "b-thuky",
    Role.COUNTER: "b-kiemphieu",
}


@dataclass(frozen=True)
class World:
    """The ids that fill a URL's arguments, for one cluster."""

    values: dict[str, Any]


def _ids(conference: Conference, token: str) -> World:
    election = db.session.scalar(sa.select(Election).where(Election.conference_id == conference.id))
    round_ = db.session.scalar(sa.select(Round).where(Round.election_id == election.id)) if election else None
    document = db.session.scalar(sa.select(Document).where(Document.conference_id == conference.id))
    file_id = document and db.session.scalar(
        sa.select(DocumentFile.id).join(DocumentVersion).where(DocumentVersion.document_id == document.id)
    )
    unit = conference.cluster.units[-1]
    representative = db.session.scalar(sa.select(User).where(User.unit_id == unit.id))
    assert round_ is not None and representative is not None
    return World(
        {
            "conference_id": conference.id,
            "cluster_id": conference.cluster_id,
            "election_id": round_.election_id,
            "round_id": round_.id,
            "document_id": document.id if document else 999_999,
            "unit_id": unit.id,
            "user_id": representative.id,
            "office": Office.LEADER.value,
            "slug": "counting",  # a kind of document issued on its own
            "token": token,
            "filename": "style.css",
            "code": "KHONG-CO-MA",
            "file_id": file_id or 999_999,
        }
    )


def _create_counter(username: str, unit: Unit) -> User | None:
    """Create a counting-committee account, if the schema has that role yet (issue 3 adds it)."""
    try:
        with db.session.begin_nested():
            return create_user(
                username, PASSWORD, full_name=f"Kiểm phiếu {username}", role=Role.COUNTER, unit=unit
            )
    except sa.exc.IntegrityError:
        return None


def _has_account(app: Flask, username: str) -> bool:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.username == username)) is not None


def _build_worlds() -> tuple[World, World]:
    """Cluster A: the demo 2016 conference played to its end. Cluster B: a conference with a round open."""
    conference, _ = create_demo()
    play_demo(conference)
    counter = _create_counter("kiemphieu", conference.cluster.units[2])
    if counter is not None:  # appointed to the counting committee during the (now ended) conference
        db.session.add(
            CommitteeMember(
                conference_id=conference.id,
                user_id=counter.id,
                is_head=True,
                approvals=8,
                added_at=datetime(2016, 11, 11, 2, 0),
            )
        )
    a = _ids(conference, rotate_display_token(conference))

    cluster = create_cluster(
        name="Cụm thi đua số 9", parent_body="Công an tỉnh Bắc Ninh", code="CTĐ9", city="Bắc Ninh"
    )
    units = [
        add_unit(cluster, name) for name in ("Phòng Tham mưu", "Phòng Hậu cần", "Phòng Cảnh sát cơ động")
    ]
    chair = create_user("b-chutri", PASSWORD, full_name="Chủ trì B", role=Role.CHAIR, unit=units[0])
    secretary = create_user("b-thuky", PASSWORD, full_name="Thư ký B", role=Role.SECRETARY, unit=units[0])
    _create_counter("b-kiemphieu", units[1])
    reps = [
        create_user(
            f"b-daibieu{n}", PASSWORD, full_name=f"Đại biểu B{n}", role=Role.REPRESENTATIVE, unit=unit
        )
        for n, unit in enumerate(units, start=1)
    ]
    other = create_conference(
        cluster,
        year=2017,
        starts_at=datetime(2017, 12, 1, 1, 0),
        place="Hội trường B",
        chair=chair,
        secretary=secretary,
        outgoing_leader=units[0],
    )
    for unit, rep in zip(units, reps, strict=True):
        check_in(other, unit, by=rep, now=datetime(2017, 12, 1, 1, 5))
    open_round(other, Office.LEADER, now=datetime(2017, 12, 1, 1, 10))
    b = _ids(other, rotate_display_token(other))
    db.session.commit()
    return a, b


@pytest.fixture
def worlds(app: Flask) -> tuple[World, World]:
    with app.app_context():
        return _build_worlds()


def _browser(app: Flask, username: str | None) -> tuple[FlaskClient, str]:
    """Return a client logged in as *username* (anonymous for None) and its CSRF token."""
    browser = app.test_client()
    token = csrf_token(browser, "/login")
    if username is not None:
        response = browser.post(
            "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302, username
        token = csrf_token(browser, "/password")
    return browser, token


def _routes(app: Flask, world: World) -> Iterator[tuple[str, str, str, Access]]:
    """Yield (endpoint, method, url, access) for every rule and method of the URL map."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        access = access_for(app, rule.endpoint)
        assert access is not None
        url = rule.rule
        for argument in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{argument}>", str(world.values[argument]), url)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url, access


def _send(browser: FlaskClient, method: str, url: str, token: str | None) -> Any:
    data = {"csrf_token": token} if token else {}
    response = browser.open(url, method=method, data=data if method == "POST" else None)
    response.close()
    return response


def _is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def _verdict(response: Any, expected: str) -> bool:
    status = response.status_code
    match expected:
        case "login":
            return _is_login_redirect(response)
        case "403":
            return status == 403
        case "401":
            return status == 401
        case "400":
            return status == 400
        case "refused":
            return status in (403, 404)
        case "allowed or 403":
            return status < 500 and status != 401 and not _is_login_redirect(response)
        case _:  # allowed: served, or sent on inside the site; 404/409 are answers about the object's state
            return status < 500 and status not in (401, 403) and not _is_login_redirect(response)


def test_every_route_for_every_role(app: Flask, worlds: tuple[World, World], client: FlaskClient) -> None:
    a, _b = worlds
    roles = [role for role, name in USERNAMES.items() if _has_account(app, name)]
    browsers = {role: _browser(app, USERNAMES.get(role) if role else None) for role in (None, *roles)}
    wrong: list[str] = []
    checked = 0
    for endpoint, method, url, access in _routes(app, a):
        for role, (browser, token) in browsers.items():
            if role is None:
                expected = {200: "allowed", 401: "401"}.get(access.anonymous, "login")
            elif role not in access.allowed:
                expected = "403"
            elif method == "POST":
                # Allowed roles are checked by the feature tests; here: no state change without CSRF.
                expected = "400" if endpoint != "auth.login" else "allowed"
                token = None
            elif (endpoint, role) in KNOWN_GAPS:
                expected = "403"
            elif endpoint in OBJECT_LEVEL:
                expected = "allowed or 403"
            else:
                expected = "allowed"
            response = _send(browser, method, url, token if expected != "400" else None)
            if endpoint == "auth.logout":  # a logout empties the session, and its CSRF token with it
                browsers[role] = _browser(app, USERNAMES.get(role) if role else None)
            checked += 1
            if not _verdict(response, expected):
                wrong.append(
                    f"{method} {url} as {role or 'anonymous'}: {response.status_code}, expected {expected}"
                )
    assert not wrong, "\n".join(wrong)
    assert checked > 200


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }


def _fingerprint(app: Flask) -> tuple[dict[str, int], list[Any]]:
    """Return row counts and the mutable state of users, units, conferences and rounds."""
    with app.app_context():
        state = [
            *db.session.execute(sa.select(User.id, User.role, User.is_enabled, User.password_hash)).all(),
            *db.session.execute(sa.select(Unit.id, Unit.name)).all(),
            *db.session.execute(sa.select(Round.id, Round.status)).all(),
            *db.session.execute(sa.select(Cluster.id, Cluster.name)).all(),
        ]
        counts = _row_counts()
        db.session.rollback()
        return counts, sorted(map(repr, state))


@pytest.mark.parametrize("direction", ["A users on B", "B users on A"])
def test_no_cluster_sees_or_touches_another(
    app: Flask, worlds: tuple[World, World], client: FlaskClient, direction: str
) -> None:
    a, b = worlds
    usernames, target = (USERNAMES, b) if direction == "A users on B" else (OTHER_USERNAMES, a)
    wrong: list[str] = []
    checked = 0
    for role in CLUSTER_BOUND:
        if not _has_account(app, usernames[role]):
            continue
        browser, token = _browser(app, usernames[role])
        for _endpoint, method, url, access in _routes(app, target):
            if role not in access.allowed or role in access.cross_cluster_allowed or not _has_object(url):
                continue  # refused by role (the matrix checks that), a design exception, or no object named
            before = _fingerprint(app)
            response = _send(browser, method, url, token)
            checked += 1
            if response.status_code not in (403, 404):
                wrong.append(f"{method} {url} as {role} of the other cluster: {response.status_code}")
            if method == "POST" and _fingerprint(app) != before:
                wrong.append(f"{method} {url} as {role} of the other cluster changed the database")
    assert not wrong, "\n".join(wrong)
    assert checked > 10


def _has_object(url: str) -> bool:
    """Return whether a URL names an object by id."""
    return bool(re.search(r"/\d+(/|$)", url))
