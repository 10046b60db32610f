"""The projector view: a secret link, no account, turnout while open and the count after closing."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.eg import close_round, open_round, web_decrypt, web_vote
from tests.elections.helpers import check_in_all
from tests.factories import Site
from tests.helpers import confirm, later, post, text
from voting.conferences.models import Conference
from voting.display.services import rotate_display_token
from voting.elections.models import Office, Round
from voting.extensions import db


def display_link(chair: FlaskClient, conference_id: int) -> str:
    page = text(post(chair, f"/conferences/{conference_id}/display-link", follow_redirects=True))
    match = re.search(r'href="https?://[^/"]+(/display/[A-Za-z0-9_-]+)"', page)
    assert match, "the console shows no display link"
    return match.group(1)


def test_projector_follows_the_round(
    app: Flask, client: FlaskClient, login: Callable[[str], FlaskClient], site: Site
) -> None:
    chair = login(site.chair)
    link = display_link(chair, site.conference_id)
    screen = client.get(link)  # no account needed
    assert screen.status_code == 200 and "Chưa mở vòng bầu nào" in text(screen)
    version = client.get(link + "/state").get_json()["shape"]

    reps = [login(username) for username in site.representatives]
    for rep in reps:
        post(rep, f"/conferences/{site.conference_id}/check-in")
    post(chair, f"/conferences/{site.conference_id}/elections/leader/rounds")
    opened = client.get(link + "/state").get_json()
    assert opened["shape"] != version and opened["voted"] == 0
    page = text(client.get(link))
    assert "Đang bỏ phiếu" in page and "data-live-voted>0</strong>/8" in page

    round_id = int(
        re.search(
            r"/rounds/(\d+)/close", text(chair.get(f"/conferences/{site.conference_id}/console"))
        ).group(1)
    )  # type: ignore[union-attr]
    leader, leader_name = str(site.units[1]), site.unit_names[1]
    for rep in reps[:5]:
        web_vote(rep, round_id, f"unit:{leader}")
    assert client.get(link + "/state").get_json()["voted"] == 5
    assert leader_name not in text(client.get(link)).split("<main")[1]  # no partial counts

    confirm(chair, f"/rounds/{round_id}/close")
    assert leader_name not in text(client.get(link)).split("<main")[1]  # until the trustees decrypt
    web_decrypt(app, login, round_id)
    page = text(client.get(link))
    assert leader_name in page and "5 (62,50%)" in page and "trúng cử" in page

    # A new link replaces the old one.
    new_link = display_link(chair, site.conference_id)
    assert new_link != link
    assert client.get(link).status_code == 404 and client.get(link + "/state").status_code == 404
    assert client.get(new_link).status_code == 200


def test_only_the_chair_makes_display_links(login: Callable[[str], FlaskClient], site: Site) -> None:
    url = f"/conferences/{site.conference_id}/display-link"
    assert post(login(site.representatives[0]), url).status_code == 403
    assert post(login(site.secretary), url).status_code == 403


def test_unknown_display_token_is_404(client: FlaskClient, site: Site) -> None:
    assert client.get("/display/not-a-token").status_code == 404


def test_projector_may_be_framed_only_where_configured(app: Flask, client: FlaskClient, site: Site) -> None:
    with app.app_context():
        token = rotate_display_token(db.session.get(Conference, site.conference_id))  # type: ignore[arg-type]
        db.session.commit()
    assert "frame-ancestors 'none'" in client.get(f"/display/{token}").headers["Content-Security-Policy"]
    app.config["DISPLAY_FRAME_ANCESTORS"] = "https://hoitruong.intranet"
    try:
        framed = client.get(f"/display/{token}").headers["Content-Security-Policy"]
        assert "frame-ancestors https://hoitruong.intranet" in framed
        login_page = client.get("/login").headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in login_page
    finally:
        app.config.pop("DISPLAY_FRAME_ANCESTORS")


def test_projector_shows_a_closed_paper_round_awaiting_the_committees_count(
    app: Flask, client: FlaskClient, site: Site
) -> None:
    """Closing a paper round leaves the projector on "closed, awaiting the count", never a 409."""
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        check_in_all(conference)
        token = rotate_display_token(conference)
        round_id = open_round(conference, Office.LEADER, now=later(0), on_paper=True).id
        db.session.commit()
    link = f"/display/{token}"
    open_version = client.get(link + "/state").get_json()["shape"]
    with app.app_context():
        close_round(db.session.get_one(Round, round_id), now=later(10))
        db.session.commit()

    page = client.get(link)
    assert page.status_code == 200
    main = text(page).split("<main")[1]
    assert "chờ Ban kiểm phiếu" in main and "Đang bỏ phiếu" not in main
    state = client.get(link + "/state")
    assert state.status_code == 200 and state.get_json()["shape"] != open_version
