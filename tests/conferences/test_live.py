"""Live turnout: one query, and an ETag so that polls answer 304 while nothing changed."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.eg import cast_ballot, close_round, open_round
from tests.factories import Site
from tests.helpers import post
from voting.conferences.models import Conference
from voting.conferences.services import check_in
from voting.elections.live import live_turnout
from voting.elections.models import Office, Round
from voting.extensions import db
from voting.formatting import utc_now


def _check_in_all(conference: Conference) -> None:
    for unit in conference.cluster.units:
        check_in(conference, unit, by=conference.chair, now=utc_now())


def test_live_turnout_follows_the_open_round(conference: Conference) -> None:
    """No open round gives no id; an open round gives its id, base and the units that voted."""
    assert live_turnout(conference).round_id is None
    assert live_turnout(conference).as_json() == {"round_id": None}
    _check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=utc_now())
    before = live_turnout(conference)
    assert (before.round_id, before.voted, before.base) == (round_.id, 0, 8)
    cast_ballot(round_, conference.cluster.units[1], None)
    after = live_turnout(conference)
    assert after.voted == 1 and after.etag != before.etag
    close_round(round_, now=utc_now())
    assert live_turnout(conference).round_id is None


def test_turnout_answers_304_until_a_ballot_is_cast(
    app: Flask, site: Site, login: Callable[[str], FlaskClient]
) -> None:
    """A poll that sends back the ETag gets an empty 304; a new ballot changes the answer and the tag."""
    reps = [login(username) for username in site.representatives]
    for rep in reps:
        assert post(rep, f"/conferences/{site.conference_id}/check-in").status_code == 302
    chair = login(site.chair)
    assert post(chair, f"/conferences/{site.conference_id}/elections/leader/rounds").status_code == 302
    url = f"/conferences/{site.conference_id}/turnout"

    first = reps[0].get(url)
    assert first.status_code == 200 and first.json is not None and first.json["voted"] == 0
    assert "no-cache" in first.headers["Cache-Control"] and "private" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    again = chair.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""

    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        state = live_turnout(conference)
        assert state.round_id is not None
        round_ = db.session.get(Round, state.round_id)
        assert round_ is not None
        cast_ballot(round_, conference.cluster.units[2], None)
        db.session.commit()
    changed = reps[0].get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json is not None and changed.json["voted"] == 1
    assert changed.headers["ETag"] != etag
