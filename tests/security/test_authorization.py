"""Every route × every role, generated from the URL map: a route without a declared rule fails.

A view declares who may use it with ``@role_required(...)`` (which sets ``view.allowed_roles``); the few
views without it (login, static files, the API and the projector display) are declared in ``DECLARED``
below. The matrix then checks, for every rule of the URL map and every role (anonymous included):
anonymous users get the login page (401 from the API), roles outside the rule get 403, every state-changing
route refuses a POST without a CSRF token (400), and allowed roles get an answer that is not a refusal.
A second cluster checks isolation: every URL naming an object of the other cluster is tried by every
cluster-bound role of this one, and none sees or changes the other cluster's things.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Factories
from tests.security.worlds import World, build_worlds, fingerprint, logged_in
from voting.auth.models import Role
from voting.handovers.access import HOLDER_ROLES

ALL = frozenset(Role)
#: roles whose accounts belong to one cluster (through their unit or their conference)
CLUSTER_BOUND = (Role.CHAIR, Role.SECRETARY, Role.REPRESENTATIVE, Role.COUNTER, Role.CLERK)
#: roles that see every cluster by design (the archive and the administration)
GLOBAL = frozenset({Role.ARCHIVIST, Role.ADMIN})
#: roles that have a part in a conference (voting.conferences.access.can_see; counters through the
#: committee, the clerk as the văn thư of the cluster's issuing body)
CONFERENCE_ROLES = (
    frozenset({Role.CHAIR, Role.SECRETARY, Role.REPRESENTATIVE, Role.COUNTER, Role.CLERK}) | GLOBAL
)


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
    # The short join link (QR code, projector): through login to the account's own page, nothing shown.
    "conferences.join": Access(ALL),
    "favicon": PUBLIC,
    "api.spec": PUBLIC,
    "api.conferences": Access(ALL, anonymous=401),
    "api.conference": Access(CONFERENCE_ROLES, anonymous=401),
    "api.round_": Access(CONFERENCE_ROLES, anonymous=401),
    "api.round_turnout": Access(CONFERENCE_ROLES, anonymous=401),
    "api.round_results": Access(CONFERENCE_ROLES, anonymous=401),
    "api.document": Access(CONFERENCE_ROLES, anonymous=401),
    "api.document_list": Access(GLOBAL, anonymous=401),
    # The same rule as the page (handovers.chain): the cluster's own people, the archive, the administration.
    "api.flag_holders": Access(frozenset(HOLDER_ROLES), anonymous=401),
    # The projector screen: the unguessable token in the URL is the key (rotated by the chair).
    "display.show": PUBLIC,
    "display.state": PUBLIC,
    "display.draft": PUBLIC,
    # Anyone holding a printed document may check it: upload the PDF or follow its QR code.
    "signing.verify": PUBLIC,
    "signing.verify_link": PUBLIC,
}
#: Routes whose allowed roles may still get 403 for a given object, and why.
OBJECT_LEVEL: dict[str, str] = {
    "signing.sign": "only the account whose signature block is next may sign",
    "signing.download_prepared": "only the account whose signature block is next gets the file to sign",
    "agency.seal": "only a clerk of the document's cluster, once the agency's signature is next",
    "secret.decryption_state": "only a trustee of the conference's election key decrypts",
}
#: Known gaps between a route's declaration and what it does, pinned so that a fix shows up here.
KNOWN_GAPS: dict[tuple[str, Role], str] = {}
#: Design exceptions to cluster isolation for routes declared with @role_required (none today: the
#: flag holders of another cluster were one, and leaked names, titles and times; issue 17).
CROSS_CLUSTER_EXCEPTIONS: dict[str, frozenset[Role]] = {}


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


# -- the two clusters (tests/security/worlds.py) ----------------------------------------------------------


@pytest.fixture
def worlds(app: Flask, factories: Factories) -> tuple[World, World]:
    with app.app_context():
        return build_worlds(factories)


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
    browsers = {role: logged_in(app, a.usernames[role] if role else None) for role in (None, *a.usernames)}
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
                browsers[role] = logged_in(app, a.usernames[role] if role else None)
            checked += 1
            if not _verdict(response, expected):
                wrong.append(
                    f"{method} {url} as {role or 'anonymous'}: {response.status_code}, expected {expected}"
                )
    assert not wrong, "\n".join(wrong)
    assert checked > 200


@pytest.mark.parametrize("direction", ["A users on B", "B users on A"])
def test_no_cluster_sees_or_touches_another(
    app: Flask, worlds: tuple[World, World], client: FlaskClient, direction: str
) -> None:
    a, b = worlds
    usernames, target = (a.usernames, b) if direction == "A users on B" else (b.usernames, a)
    wrong: list[str] = []
    checked = 0
    for role in CLUSTER_BOUND:  # every role of this cluster, whether or not its role alone lets it in
        browser, token = logged_in(app, usernames[role])
        for _endpoint, method, url, access in _routes(app, target):
            if role in access.cross_cluster_allowed or not _has_object(url):
                continue  # a design exception, or no object of the other cluster named
            before = fingerprint(app)
            response = _send(browser, method, url, token)
            checked += 1
            if response.status_code not in (403, 404):
                wrong.append(f"{method} {url} as {role} of the other cluster: {response.status_code}")
            if method == "POST" and fingerprint(app) != before:
                wrong.append(f"{method} {url} as {role} of the other cluster changed the database")
    assert not wrong, "\n".join(wrong)
    assert checked > 10


def _has_object(url: str) -> bool:
    """Return whether a URL names an object by id."""
    return bool(re.search(r"/\d+(/|$)", url))
