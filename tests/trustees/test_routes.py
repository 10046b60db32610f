"""The trustees' page, the chair's start button and the ceremony's JSON endpoints, through the client."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site
from tests.helpers import csrf_token, post, text
from tests.trustees.helpers import key_holders
from voting.auth.models import Role, User
from voting.conferences.models import Conference
from voting.crypto import prover
from voting.extensions import db
from voting.trustees.keys import current_ceremony, election_key_of
from voting.trustees.models import CeremonyShare, CeremonyStatus, CeremonyTrustee, KeyCeremony

Login = Callable[[str], FlaskClient]


@pytest.fixture
def site(make_site: Callable[..., Site]) -> Site:
    """A committed 8-unit conference without an election key yet."""
    return make_site(election_key=False)


@pytest.fixture
def holders(app: Flask, site: Site) -> list[tuple[int, str]]:
    """Three counter accounts the chair may name as trustees: (id, username)."""
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        people = [(person.id, person.username) for person in key_holders(conference)]
        db.session.commit()
    return people


def start(chair: FlaskClient, site: Site, holders: list[tuple[int, str]], **extra: Any) -> Any:
    data = {"trustees": [str(person_id) for person_id, _ in holders], **extra}
    return post(chair, f"/conferences/{site.conference_id}/trustees/start", data)


def api(browser: FlaskClient, url: str, body: Any, *, token: bool = True) -> Any:
    headers = {"X-CSRFToken": csrf_token(browser)} if token else {}
    return browser.post(url, data=json.dumps(body), content_type="application/json", headers=headers)


def state(browser: FlaskClient, site: Site) -> dict[str, Any]:
    response = browser.get(f"/ceremony/conferences/{site.conference_id}/state")
    assert response.status_code == 200
    return dict(response.get_json())


def count(app: Flask, model: type[Any]) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_the_console_shows_the_key_and_the_start_button(login: Login, site: Site) -> None:
    page = text(login(site.chair).get(f"/conferences/{site.conference_id}/console"))
    assert "Chưa tạo khóa bầu cử" in page
    assert f'action="/conferences/{site.conference_id}/trustees/start"' in page
    secretary = text(login(site.secretary).get(f"/conferences/{site.conference_id}/console"))
    assert "Chưa tạo khóa bầu cử" in secretary and "/trustees/start" not in secretary


def test_the_console_button_names_the_committee_and_refuses_a_committee_of_fewer_than_three(
    app: Flask, login: Login, site: Site
) -> None:
    chair = login(site.chair)
    response = post(chair, f"/conferences/{site.conference_id}/trustees/start")
    assert response.status_code == 409
    assert "Cần ít nhất 3 người giữ khóa" in text(response)
    assert count(app, KeyCeremony) == 0


def test_only_the_chair_of_the_conference_starts(
    app: Flask, login: Login, site: Site, make_site: Callable[..., Site], holders: list[tuple[int, str]]
) -> None:
    assert start(login(site.secretary), site, holders).status_code == 403
    assert start(login(holders[0][1]), site, holders).status_code == 403
    other = make_site(election_key=False)
    assert start(login(other.chair), site, holders).status_code == 403
    no_token = login(site.chair).post(
        f"/conferences/{site.conference_id}/trustees/start", data={"trustees": [str(holders[0][0])]}
    )
    assert no_token.status_code == 400
    assert count(app, KeyCeremony) == 0


def test_the_chair_names_trustees_on_the_page_and_each_browser_plays_its_steps(
    app: Flask, login: Login, site: Site, holders: list[tuple[int, str]]
) -> None:
    chair = login(site.chair)
    form = text(chair.get(f"/conferences/{site.conference_id}/trustees"))
    assert 'name="trustees"' in form and 'name="threshold"' in form
    response = start(chair, site, holders)
    assert response.status_code == 302
    browsers = {username: login(username) for _, username in holders}
    page = text(browsers[holders[0][1]].get(f"/conferences/{site.conference_id}/trustees"))
    assert "<noscript>" in page and "cần JavaScript" in page
    assert 'src="/static/js/trustee.js"' in page and re.search(r'data-csrf="[^"]+"', page)
    assert "<script>" not in page  # the CSP forbids inline code: data- attributes carry everything
    players: dict[str, prover.Trustee] = {}
    for username, browser in browsers.items():
        now = state(browser, site)
        assert now["status"] == "collecting"
        players[username] = prover.Trustee(now["ceremony"], now["me"])
        answer = api(browser, f"/ceremony/{now['id']}/phase1", players[username].phase1())
        assert answer.status_code == 200, answer.get_json()
    for username, browser in browsers.items():
        now = state(browser, site)
        assert now["status"] == "sharing"
        assert (
            api(browser, f"/ceremony/{now['id']}/shares", players[username].phase2(now["phase1"])).status_code
            == 200
        )
    for username, browser in browsers.items():
        now = state(browser, site)
        assert now["status"] == "confirming" and len(now["shares"]) == 2
        assert all(share["to"] == now["me"] for share in now["shares"])
        confirmation = players[username].phase3(now["phase1"], now["shares"])
        assert api(browser, f"/ceremony/{now['id']}/confirmation", confirmation).status_code == 200
    final = state(chair, site)
    assert final["status"] == "done" and final["me"] is None and "shares" not in final
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        key = election_key_of(conference)
        assert key is not None and key.election_key == final["election_key"]
    console = text(chair.get(f"/conferences/{site.conference_id}/console"))
    assert key.key_fingerprint[:16] in console and "/trustees/start" not in console


@pytest.fixture
def started(
    app: Flask, login: Login, site: Site, holders: list[tuple[int, str]]
) -> tuple[int, dict[str, FlaskClient]]:
    """A ceremony started by the chair: its id and each trustee's logged-in browser."""
    assert start(login(site.chair), site, holders).status_code == 302
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        ceremony = current_ceremony(conference)
        assert ceremony is not None
        ceremony_id = ceremony.id
    return ceremony_id, {username: login(username) for _, username in holders}


def seat_phase1(app: Flask, ceremony_id: int) -> list[str | None]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(CeremonyTrustee.phase1).where(CeremonyTrustee.ceremony_id == ceremony_id)
            )
        )


def first_trustee(
    site: Site, started: tuple[int, dict[str, FlaskClient]]
) -> tuple[FlaskClient, prover.Trustee]:
    """Return the first trustee's browser and, in Python, what that browser would compute."""
    browser = next(iter(started[1].values()))
    now = state(browser, site)
    return browser, prover.Trustee(now["ceremony"], now["me"])


def test_json_posts_need_the_csrf_header_and_a_json_body(
    app: Flask, site: Site, started: tuple[int, dict[str, FlaskClient]]
) -> None:
    ceremony_id = started[0]
    browser, player = first_trustee(site, started)
    post1 = player.phase1()
    refused = api(browser, f"/ceremony/{ceremony_id}/phase1", post1, token=False)
    assert refused.status_code == 400 and "error" in refused.get_json()
    not_json = browser.post(
        f"/ceremony/{ceremony_id}/phase1", data="x", headers={"X-CSRFToken": csrf_token(browser)}
    )
    assert not_json.status_code == 400 and not_json.get_json()["error"]
    assert seat_phase1(app, ceremony_id) == [None, None, None]


def test_only_that_ceremonys_trustees_may_post_or_read_it(
    app: Flask,
    login: Login,
    site: Site,
    make_user: Callable[..., User],
    started: tuple[int, dict[str, FlaskClient]],
) -> None:
    ceremony_id, browsers = started
    now = state(next(iter(browsers.values())), site)
    post1 = prover.Trustee(now["ceremony"], 1).phase1()
    with app.app_context():
        outsider = make_user(Role.COUNTER).username
    stranger = login(outsider)
    answer = api(stranger, f"/ceremony/{ceremony_id}/phase1", post1)
    assert answer.status_code == 403 and "người giữ khóa" in answer.get_json()["error"]
    assert stranger.get(f"/ceremony/conferences/{site.conference_id}/state").status_code == 403
    assert stranger.get(f"/conferences/{site.conference_id}/trustees").status_code == 403
    chair = login(site.chair)
    assert api(chair, f"/ceremony/{ceremony_id}/phase1", post1).status_code == 403
    representative = login(site.representatives[0])
    assert api(representative, f"/ceremony/{ceremony_id}/phase1", post1).status_code == 403
    assert api(stranger, "/ceremony/999999/phase1", post1).status_code == 404
    assert seat_phase1(app, ceremony_id) == [None, None, None]


def test_bad_input_is_a_4xx_with_a_message_and_nothing_written(
    app: Flask, site: Site, started: tuple[int, dict[str, FlaskClient]]
) -> None:
    ceremony_id = started[0]
    browser, player = first_trustee(site, started)
    good = player.phase1()
    forged = json.loads(json.dumps(good))
    forged["commitments"][0] = "01" + "00" * 31  # the identity: outside the group
    answer = api(browser, f"/ceremony/{ceremony_id}/phase1", forged)
    assert answer.status_code == 400 and "không hợp lệ" in answer.get_json()["error"]
    answer = api(browser, f"/ceremony/{ceremony_id}/shares", [])
    assert answer.status_code == 409 and "không ở bước này" in answer.get_json()["error"]
    assert seat_phase1(app, ceremony_id) == [None, None, None]
    assert api(browser, f"/ceremony/{ceremony_id}/phase1", good).status_code == 200
    replay = api(browser, f"/ceremony/{ceremony_id}/phase1", good)
    assert replay.status_code == 409 and "đã gửi" in replay.get_json()["error"]
    assert count(app, CeremonyShare) == 0


def test_the_chair_restarts_a_running_ceremony_from_the_console(
    app: Flask, login: Login, site: Site, started: tuple[int, dict[str, FlaskClient]]
) -> None:
    ceremony_id, _ = started
    chair = login(site.chair)
    console = text(chair.get(f"/conferences/{site.conference_id}/console"))
    assert "Bắt đầu lại phiên tạo khóa" in console
    # The committee is empty: the console's button is refused, the page's form names the trustees.
    assert post(chair, f"/conferences/{site.conference_id}/trustees/start").status_code == 409
    with app.app_context():
        first = db.session.get(KeyCeremony, ceremony_id)
        assert first is not None and first.status is CeremonyStatus.COLLECTING


def test_the_page_and_the_json_refusals_speak_english_on_request(
    login: Login, site: Site, started: tuple[int, dict[str, FlaskClient]]
) -> None:
    ceremony_id, browsers = started
    browser = next(iter(browsers.values()))
    page = text(browser.get(f"/conferences/{site.conference_id}/trustees?lang=en"))
    assert "The key ceremony" in page and "Step 1/3" in page and "needs JavaScript" in page
    assert state(browser, site)["status_label"].startswith("Step 1/3")
    answer = api(browser, f"/ceremony/{ceremony_id}/shares", [])
    assert answer.get_json()["error"].startswith("The key ceremony is not at this step")
