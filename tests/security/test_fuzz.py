"""Property-based fuzzing of every form (every POST route), every GET route with a query string, every
path segment of every route, and the administrator's CSV import.

Field names come from the app's own FlaskForm classes; values are overlong, wrongly typed, NUL-laden,
decomposed (NFD), zero-width, right-to-left, missing or repeated; uploads are not PDFs. The properties:
never a 5xx, and a refused request (4xx, or a form shown again) leaves the database unchanged.
Examples per route: LUANLUU_FUZZ_EXAMPLES (default 8; a third as many for GET routes).
"""

from __future__ import annotations

import csv
import io
import os
import re
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.test import encode_multipart
from wtforms.fields.core import UnboundField

from tests.factories import Factories
from tests.security.test_authorization import access_for
from tests.security.worlds import World, build_worlds, fingerprint, logged_in
from voting.auth.models import Role
from voting.auth.throttle import clear_throttles
from voting.extensions import db

EXAMPLES = int(os.environ.get("LUANLUU_FUZZ_EXAMPLES", "8"))
ODD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "Pho\u0300ng Ha\u0323\u0302u ca\u0302\u0300n",
    "\u200b",
    "\u200d\u200c",
    "\ufeff",
    "\u202eedoc\u202c",
    "\u0645\u0631\u062d\u0628\u0627",
    "\u061c",
    "\ud7ff",
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    "99999999999999999999999999",
    "true",
    "[]",
    "{}",
    "null",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "%PDF-1.7",
    "blank",
    "leader",
    "deputy",
    "2016-11-11T08:00",
    "31/02/2016",
]
VALUES = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=40),
    st.text(min_size=500, max_size=4000),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
)
UPLOADS = st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=500).map(lambda tail: b"%PDF-1.7\n" + tail),
    st.just(b"PK\x03\x04 not a pdf"),
    st.just("Tên,Đơn vị\nA,\x00B\n".encode()),
)


def _form_fields() -> tuple[list[str], list[str]]:
    """Return the names of every field, and of every file field, of the app's FlaskForm classes."""
    names: set[str] = set()
    files: set[str] = set()
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        for klass in form.__mro__:
            for name, value in vars(klass).items():
                if isinstance(value, UnboundField):
                    (files if issubclass(value.field_class, FileField) else names).add(name)
    return sorted(names), sorted(files)


def _fill(url: str, world: World) -> str:
    for key, value in world.values.items():
        url = re.sub(rf"<(?:[a-z]+:)?{key}>", str(value), url)
    return url


PRIORITY = (
    Role.CHAIR,
    Role.REPRESENTATIVE,
    Role.ADMIN,
    Role.SECRETARY,
    Role.ARCHIVIST,
    Role.COUNTER,
    Role.CLERK,
)


def _actor(app: Flask, endpoint: str) -> Role | None:
    access = access_for(app, endpoint)
    assert access is not None
    if access.anonymous == 200:
        return None
    return next(role for role in PRIORITY if role in access.allowed)


def _rules(app: Flask, method: str) -> list[tuple[str, str]]:
    return sorted(
        {
            (rule.endpoint, rule.rule)
            for rule in app.url_map.iter_rules()
            if method in (rule.methods or set()) and rule.endpoint != "static"
        }
    )


class Browsers:
    """One logged-in client per role, logged in again when a request ended its session."""

    def __init__(self, app: Flask, usernames: dict[Role, str]) -> None:
        self.app = app
        self.usernames = usernames
        self.cache: dict[Role | None, tuple[FlaskClient, str]] = {}

    def get(self, role: Role | None) -> tuple[FlaskClient, str]:
        if role not in self.cache:
            self.cache[role] = logged_in(self.app, self.usernames[role] if role else None)
        return self.cache[role]

    def after(self, role: Role | None, response: Any, url: str) -> None:
        ended = response.headers.get("Location", "").startswith("/login") or response.status_code == 400
        if ended or url in ("/logout", "/password", "/login"):
            self.cache.pop(role, None)


@pytest.fixture
def fuzz_world(app: Flask, factories: Factories) -> World:
    with app.app_context():
        a, b = build_worlds(factories)
    # Cluster B's conference has a round open: ballots and round actions go deep into validation.
    # Its accounts act for their roles; A's archivist and administrator for theirs.
    return World({**b.values, "document_id": a.values["document_id"]}, {**a.usernames, **b.usernames})


def _is_refusal(response: Any) -> bool:
    """Return whether a response refused the request: an error status, or a form shown again with errors."""
    if response.status_code >= 400:
        return True
    body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    return 'role="alert"' in body or "flash-danger" in body


def _check(response: Any, before: Any, app: Flask, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if _is_refusal(response):
        assert fingerprint(app) == before, (
            f"{what}: refused ({response.status_code}) but the database changed"
        )


def _post_odd_forms(app: Flask, browsers: Browsers, role: Role | None, url: str, strategy: Any) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def post_odd_form(case: tuple[dict[str, list[str]], tuple[str, bytes] | None, bool]) -> None:
        data, file, keep_token = case
        if url == "/login":
            with app.app_context():
                clear_throttles()  # every example comes from 127.0.0.1
                db.session.commit()
        browser, token = browsers.get(role)
        body: dict[str, Any] = dict(data)
        if keep_token:
            body["csrf_token"] = token
        if file is not None:
            body[file[0]] = (io.BytesIO(file[1]), "tep.pdf")
        before = fingerprint(app)
        response = browser.post(url, data=body)
        browsers.after(role, response, url)
        _check(response, before, app, f"POST {url} as {role}: {body!r:.300}")
        response.close()

    post_odd_form()


def test_fuzz_every_form(app: Flask, client: FlaskClient, fuzz_world: World) -> None:
    names, files = _form_fields()
    assert "csrf_token" not in names and len(names) > 10
    keys = st.sampled_from([*names, "csrf_token", "unknown_field"])
    form_data = st.dictionaries(keys, st.lists(VALUES, min_size=1, max_size=3), max_size=8)
    upload = st.none() if not files else st.tuples(st.sampled_from(files), UPLOADS)
    strategy = st.tuples(form_data, upload, st.booleans())
    browsers = Browsers(app, fuzz_world.usernames)
    covered = []
    for endpoint, rule in _rules(app, "POST"):
        _post_odd_forms(app, browsers, _actor(app, endpoint), _fill(rule, fuzz_world), strategy)
        covered.append(endpoint)
    assert len(covered) >= 15, covered


def _get_odd_pages(app: Flask, browsers: Browsers, role: Role | None, url: str, strategy: Any) -> None:
    @settings(
        max_examples=max(3, EXAMPLES // 3),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def get_odd_page(case: tuple[dict[str, list[str]], int]) -> None:
        params, other_id = case
        browser, _token = browsers.get(role)
        before = fingerprint(app)
        response = browser.get(url, query_string=params)
        browsers.after(role, response, url)
        _check(response, before, app, f"GET {url} {params!r:.200} as {role}")
        response.close()
        if re.search(r"/\d+(/|$)", url):  # an id out of every column's range is a 404, not a crash
            odd = re.sub(r"/\d+(/|$)", f"/{abs(other_id)}\\1", url, count=1)
            answer = browser.get(odd)
            answer.close()
            assert answer.status_code < 500, f"GET {odd}: {answer.status_code}"

    get_odd_page()


def test_fuzz_every_page_and_api_query(app: Flask, client: FlaskClient, fuzz_world: World) -> None:
    names, _files = _form_fields()
    keys = st.sampled_from([*names, "cluster", "year", "lang", "next", "page"])
    query = st.dictionaries(keys, st.lists(VALUES, min_size=1, max_size=2), min_size=1, max_size=5)
    strategy = st.tuples(query, st.integers(min_value=-(10**30), max_value=10**30))
    browsers = Browsers(app, fuzz_world.usernames)
    for endpoint, rule in _rules(app, "GET"):
        _get_odd_pages(app, browsers, _actor(app, endpoint), _fill(rule, fuzz_world), strategy)


#: what a path segment may hold instead of an id, a token or a code: control characters above all
SEGMENTS = st.one_of(
    st.sampled_from([*ODD, "\t", "\n", "\r\n", "\x1b[2J", "\x7f", "\x85", "a\x00", "%", "..", "\\"]),
    st.text(max_size=40),
    st.text(min_size=200, max_size=2000),
)


def _vary_path(
    app: Flask, browsers: Browsers, role: Role | None, method: str, rule: str, world: World
) -> None:
    arguments = re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", rule)

    @settings(
        max_examples=max(3, EXAMPLES // 2),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(argument=st.sampled_from(arguments), segment=SEGMENTS)
    @example(argument=arguments[-1], segment="x\x00y")  # psycopg refused it: 500 before issue 17
    def vary(argument: str, segment: str) -> None:
        url = _fill(re.sub(rf"<(?:[a-z]+:)?{argument}>", quote(segment, safe=""), rule), world)
        browser, token = browsers.get(role)
        before = fingerprint(app)
        response = browser.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
        browsers.after(role, response, url)
        _check(response, before, app, f"{method} {url!r:.200} as {role}")
        response.close()

    vary()


def test_fuzz_every_path_segment(app: Flask, client: FlaskClient, fuzz_world: World) -> None:
    browsers = Browsers(app, fuzz_world.usernames)
    covered = []
    for method in ("GET", "POST"):
        for endpoint, rule in _rules(app, method):
            if "<" in rule:
                _vary_path(app, browsers, _actor(app, endpoint), method, rule, fuzz_world)
                covered.append(endpoint)
    assert len(covered) >= 30, covered


#: cells of the CSV import: odd values, values just over each column's length, and one over the csv
#: module's 128 KiB field limit
CELLS = st.one_of(
    VALUES,
    st.integers(min_value=60, max_value=170).map(lambda length: "x" * length),
    st.just("H" * 200_000),
)
IMPORT_HEADER = ["unit", "username", "full_name", "title"]


def _csv(rows: list[list[str]], header: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(IMPORT_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def test_fuzz_the_csv_import(app: Flask, client: FlaskClient, fuzz_world: World) -> None:
    browsers = Browsers(app, fuzz_world.usernames)
    url = f"/admin/clusters/{fuzz_world.values['cluster_id']}/import"
    usernames = st.from_regex(r"\A[a-z][a-z0-9_.]{0,12}\Z").filter(
        lambda name: name not in fuzz_world.usernames.values()
    )
    good_row = st.tuples(
        st.sampled_from(["Phòng Mới", "Phòng Hai"]), usernames, st.just("Đại biểu"), st.just("")
    )
    rows = st.lists(
        st.one_of(st.lists(CELLS, min_size=0, max_size=6), good_row.map(list)), min_size=0, max_size=6
    )

    @settings(
        max_examples=EXAMPLES * 2, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(rows=rows, header=st.booleans(), raw=st.one_of(st.none(), st.binary(max_size=300)))
    @example(
        rows=[["Phòng Mới", "moi1", "Đại biểu", "T" * 121]], header=True, raw=None
    )  # 500 before issue 17
    @example(rows=[["Phòng Mới", "moi1", "H" * 200_000, ""]], header=True, raw=None)  # 500 before issue 17
    def import_odd_csv(rows: list[list[str]], header: bool, raw: bytes | None) -> None:
        browser, token = browsers.get(Role.ADMIN)
        content = raw if raw is not None else _csv(rows, header)
        before = fingerprint(app)
        # Encoded here, in memory: Werkzeug's test client spools a multipart body over 500 KB to a
        # temporary file it never closes, and the ResourceWarning then fails whichever test runs GC.
        boundary, body = encode_multipart({"csrf_token": token, "file": (io.BytesIO(content), "units.csv")})
        response = browser.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
        browsers.after(Role.ADMIN, response, url)
        _check(response, before, app, f"import {content[:300]!r}")
        response.close()
        if response.status_code in (302, 303):  # follow it as a browser would, so its flash is not
            browser.get(response.headers["Location"]).close()  # shown on the next example's page

    import_odd_csv()
