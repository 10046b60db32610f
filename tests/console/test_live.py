"""The live state the pages poll: one statement, an ETag, a 304 decided before loading anything more."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.eg import cast_ballot, close_round, open_round
from tests.factories import Site, Stage
from tests.helpers import later, statements
from voting.auth.models import LoginSession, User
from voting.conferences.models import Conference
from voting.conferences.services import check_in
from voting.console.live import live_state
from voting.display.services import rotate_display_token
from voting.elections.models import Office, Round, RoundStatus
from voting.extensions import db


def _state(conference: Conference) -> tuple[int, int, str]:
    state = live_state(conference.id)
    return state.present, state.voted, state.shape


def test_live_state_counts_presence_and_turnout_and_fingerprints_the_rest(conference: Conference) -> None:
    """Check-ins and ballots change the figures only; opening and closing a round change the shape."""
    start = _state(conference)
    assert start[:2] == (0, 0)
    for unit in conference.cluster.units:
        check_in(conference, unit, by=conference.chair, now=later(0))
    present = _state(conference)
    assert present == (8, 0, start[2])
    round_ = open_round(conference, Office.LEADER, now=later(1))
    opened = _state(conference)
    assert opened[:2] == (8, 0) and opened[2] != start[2]
    cast_ballot(round_, conference.cluster.units[1], None)
    assert _state(conference) == (8, 1, opened[2])
    close_round(round_, now=later(2))
    closed = _state(conference)
    assert closed[:2] == (8, 0) and closed[2] not in {start[2], opened[2]}


def test_live_state_counts_only_its_own_conference(make_conference: Callable[..., Conference]) -> None:
    """Another conference's check-ins, ballots and rounds change nothing (every count is correlated)."""
    quiet, busy = make_conference(Stage.CHECKED_IN, present=6), make_conference(Stage.ROUND_OPEN)
    before = _state(quiet)
    round_ = db.session.scalars(
        sa.select(Round).where(Round.status == RoundStatus.OPEN, Round.election.has(conference=busy))
    ).one()
    cast_ballot(round_, busy.cluster.units[1], None)
    close_round(round_, now=later(30))
    assert _state(quiet) == before == (6, 0, before[2])
    assert _state(busy)[0] == 8


@contextmanager
def _statements(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements run meanwhile (SQLite's explicit BEGIN aside: not a query)."""
    with app.app_context():
        engine = db.engine
    with statements(engine, queries_only=True) as seen:
        yield seen


def _open_round(app: Flask, site: Site) -> int:
    with app.app_context():
        conference = db.session.get_one(Conference, site.conference_id)
        round_id = db.session.scalar(
            sa.select(Round.id).where(
                Round.status == RoundStatus.OPEN, Round.election.has(conference=conference)
            )
        )
        assert round_id is not None
        return round_id


def test_the_poll_answers_304_until_a_ballot_is_cast(
    app: Flask, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    """A poll that sends back the ETag gets an empty 304; a new ballot changes the answer and the tag."""
    site = make_site(Stage.ROUND_OPEN)
    rep, chair = login(site.representatives[0]), login(site.chair)
    url = f"/conferences/{site.conference_id}/turnout"
    first = rep.get(url)
    assert first.status_code == 200 and first.json is not None
    assert (first.json["present"], first.json["voted"]) == (8, 0)
    assert "no-cache" in first.headers["Cache-Control"] and "private" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    again = chair.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""

    with app.app_context():
        round_ = db.session.get_one(Round, _open_round(app, site))
        cast_ballot(round_, round_.election.conference.cluster.units[2], None)
        db.session.commit()
    changed = rep.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json is not None and changed.json["voted"] == 1
    assert changed.headers["ETag"] != etag


def test_an_unchanged_poll_runs_one_statement(
    app: Flask, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    """The 304 is decided by one statement: login session, role, access and state (no account loaded)."""
    site = make_site(Stage.ROUND_OPEN)
    url = f"/conferences/{site.conference_id}/turnout"
    for username in (site.representatives[0], site.chair, site.secretary):
        browser = login(username)
        etag = browser.get(url).headers["ETag"]
        with _statements(app) as seen:
            assert browser.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert len(seen) == 1, seen
    with app.app_context():
        token = rotate_display_token(db.session.get_one(Conference, site.conference_id))
        db.session.commit()
    projector = app.test_client()
    etag = projector.get(f"/display/{token}/state").headers["ETag"]
    with _statements(app) as seen:
        assert projector.get(f"/display/{token}/state", headers={"If-None-Match": etag}).status_code == 304
    assert len(seen) == 1, seen  # no account: the display link is the access


def test_the_poll_refuses_who_may_not_see_the_conference(
    make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    """Another cluster's representative and another conference's chair get 403; no conference, 404."""
    site, other = make_site(Stage.ROUND_OPEN), make_site()
    url = f"/conferences/{site.conference_id}/turnout"
    assert login(other.representatives[0]).get(url).status_code == 403
    assert login(other.chair).get(url).status_code == 403
    assert login(other.secretary).get(url).status_code == 403
    assert login(site.archivist).get(url).status_code == 403  # a role that does not poll
    assert login(site.chair).get("/conferences/999999/turnout").status_code == 404
    assert login(site.chair).get(url).status_code == 200


def test_the_pages_carry_the_state_they_were_drawn_from(
    make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    """The live script starts from the page's own state, so a change right after loading is not missed."""
    site = make_site(Stage.ROUND_OPEN)
    chair = login(site.chair)
    state = chair.get(f"/conferences/{site.conference_id}/turnout").json
    assert state is not None
    console = chair.get(f"/conferences/{site.conference_id}/console").get_data(as_text=True)
    assert "data-live-voted" in console and 'data-live-bar data-base="8"' in console  # the number and the bar
    representative = login(site.representatives[0]).get(f"/conferences/{site.conference_id}")
    for html in (console, representative.get_data(as_text=True)):
        assert f'data-shape="{state["shape"]}"' in html and 'data-present="8"' in html and "live.js" in html


def test_a_poll_whose_login_session_ended_goes_to_the_login_page(
    app: Flask, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    """The poll checks the server-side session itself: ended (logout elsewhere) or disabled, no state."""
    site = make_site(Stage.ROUND_OPEN)
    rep, chair = login(site.representatives[0]), login(site.chair)
    url = f"/conferences/{site.conference_id}/turnout"
    etag = rep.get(url).headers["ETag"]
    with app.app_context():
        db.session.execute(sa.update(LoginSession).values(ended_at=later(60)))
        db.session.execute(sa.update(User).where(User.username == site.chair).values(is_enabled=False))
        db.session.commit()
    for browser in (rep, chair):
        refused = browser.get(url, headers={"If-None-Match": etag})
        assert refused.status_code == 302 and "/login" in refused.headers["Location"]
