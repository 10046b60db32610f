"""The representative's page between rounds, and a check-in sent twice (a second tab)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.eg import cast_ballot, close_round
from tests.factories import Site, Stage
from tests.helpers import later, post, text
from voting.conferences.models import Conference
from voting.elections.models import Election, Round, RoundStatus
from voting.extensions import db


def test_after_a_round_without_majority_the_representative_is_told_a_runoff_is_coming(
    app: Flask, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    """4 to 4 of 8 elects nobody: the page names the runoff's units instead of only "wait for the chair"."""
    site = make_site(Stage.ROUND_OPEN)
    with app.app_context():
        conference = db.session.get_one(Conference, site.conference_id)
        round_ = db.session.scalars(
            sa.select(Round)
            .join(Election)
            .where(Election.conference == conference, Round.status == RoundStatus.OPEN)
        ).one()
        units = list(conference.cluster.units)
        first, second = units[1], units[2]
        for index, unit in enumerate(units):
            cast_ballot(round_, unit, second if index in (1, 5, 6, 7) else first, now=later(index + 1))
        close_round(round_, now=later(12))
        db.session.commit()
    page = text(login(site.representatives[0]).get(f"/conferences/{site.conference_id}"))
    now = page.split('data-live-region="now"')[1].split("</section>")[0]
    assert "Sắp bầu lại giữa:" in now and site.unit_names[1] in now and site.unit_names[2] in now
    assert site.unit_names[3] not in now
    assert "Chờ chủ tọa mở vòng bầu lại" in now


def test_a_second_tabs_check_in_says_when_the_unit_checked_in(
    make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> None:
    """The second check-in is not a 409 page: the conference page, with when the unit checked in."""
    site = make_site()
    rep = login(site.representatives[0])
    url = f"/conferences/{site.conference_id}/check-in"
    assert post(rep, url).status_code == 302
    again = post(rep, url)
    assert again.status_code == 302 and again.headers["Location"].endswith(
        f"/conferences/{site.conference_id}"
    )
    page = text(rep.get(again.headers["Location"]))
    assert "Đơn vị đã điểm danh lúc" in page and "409" not in page
