"""The suy tôn screens through the web: the chair creates, opens, closes and certifies; units vote up to k."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.eg import ballot_request_of, post_json, web_decrypt
from tests.factories import Site
from tests.helpers import confirm, later, post, text
from voting.auth.models import User
from voting.clusters.models import Cluster
from voting.crypto.prover import encrypt_ballot
from voting.elections.award_models import BallotMark
from voting.elections.models import Ballot, Election, EncryptedBallot, Participation, Round
from voting.emulation.demo import demo_content
from voting.emulation.table import create_table
from voting.extensions import db

Login = Callable[[str], FlaskClient]
FLAG = "Cờ thi đua của Bộ Công an"


def award_form(**changes: object) -> dict[str, str]:
    """Return the creation form's data: 2 units from 50% up, every member unit standing."""
    data = {"title": "Bằng khen của Bộ trưởng", "seats": "2", "threshold_numerator": "1"}
    data |= {"threshold_denominator": "2", "threshold_inclusive": "y"}
    return data | {key: str(value) for key, value in changes.items()}


def check_in(reps: list[FlaskClient], conference_id: int) -> None:
    for rep in reps:
        assert post(rep, f"/conferences/{conference_id}/check-in").status_code == 302


def count(model: type[object]) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def create_and_open(app: Flask, chair: FlaskClient, conference_id: int, **changes: object) -> int:
    """Create an award vote and open its first round; return the round's id."""
    created = post(chair, f"/conferences/{conference_id}/awards", award_form(**changes))
    assert created.status_code == 302, text(created)
    with app.app_context():
        election_id = db.session.scalar(sa.select(Election.id).where(Election.award_title.is_not(None)))
    opened = post(chair, f"/awards/{election_id}/rounds")
    assert opened.status_code == 302, text(opened)
    with app.app_context():
        round_id = db.session.scalar(sa.select(Round.id).where(Round.election_id == election_id))
        assert round_id is not None
        return round_id


def test_only_the_chair_creates_award_votes_and_bad_settings_are_shown(
    site: Site, login: Login, app: Flask
) -> None:
    chair, secretary = login(site.chair), login(site.secretary)
    url = f"/conferences/{site.conference_id}/awards"
    refused = post(chair, url, award_form(candidates_top=5))  # the top 5 of a ranking not made yet
    assert refused.status_code == 409 and "Chưa có kết quả chấm điểm năm 2016" in text(refused)
    assert post(chair, url, award_form(title="")).status_code == 400
    assert post(secretary, url, award_form()).status_code == 403
    assert login(site.representatives[0]).get(url).status_code == 403
    with app.app_context():
        assert count(Election) == 0
    created = post(chair, url, award_form(title=FLAG, seats=1), follow_redirects=True)
    assert created.status_code == 200 and "Đã tạo cuộc bỏ phiếu suy tôn" in text(created)
    assert FLAG in text(secretary.get(url)) and "Chọn tối đa 1 đơn vị" in text(secretary.get(url))


def test_plaintext_suy_ton_day_through_the_web(
    make_site: Callable[..., Site], login: Login, app: Flask
) -> None:
    site = make_site(election_key=False)  # no key: the secret ballot is kept as marks, not encrypted
    chair, reps = login(site.chair), [login(name) for name in site.representatives]
    check_in(reps, site.conference_id)
    round_id = create_and_open(app, chair, site.conference_id)
    ballot = reps[0].get(f"/awards/rounds/{round_id}/ballot")
    assert "Chọn tối đa 2 đơn vị" in text(ballot) and text(ballot).count('type="checkbox"') == 8
    a, b, c = (str(unit_id) for unit_id in site.units[1:4])
    too_many = post(reps[0], f"/awards/rounds/{round_id}/ballot", {"choices": [a, b, c]})
    assert too_many.status_code == 409 and "tối đa 2 đơn vị" in text(too_many)
    with app.app_context():
        assert (count(Ballot), count(BallotMark), count(Participation)) == (0, 0, 0)
    for rep, marked in zip(reps, [[a, b]] * 4 + [[a, c]] * 3 + [[]], strict=True):
        cast = post(rep, f"/awards/rounds/{round_id}/ballot", {"choices": marked})
        assert cast.status_code == 302 and cast.location.endswith(f"/awards/rounds/{round_id}/receipt")
    receipt = text(reps[0].get(f"/awards/rounds/{round_id}/receipt"))
    assert re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", receipt)
    url = f"/awards/rounds/{round_id}/close"
    asked = post(chair, url)
    assert asked.status_code == 409 and "Không thể mở lại vòng này" in text(asked)
    assert confirm(chair, url).status_code == 302
    page = text(chair.get(f"/conferences/{site.conference_id}/awards"))
    assert "4/8 đơn vị có mặt = 50,00% ≥ 50%: được đề nghị" in page
    receipts = text(chair.get(f"/rounds/{round_id}"))  # the published receipts name the units marked
    assert f"{site.unit_names[1]}, {site.unit_names[2]}" in receipts and "Phiếu trống" in receipts
    with app.app_context():
        election_id = db.session.scalar(sa.select(Round.election_id).where(Round.id == round_id))
    assert post(chair, f"/awards/{election_id}/certify").status_code == 409  # asked first
    certified = confirm(chair, f"/awards/{election_id}/certify", follow_redirects=True)
    assert "Đã chứng nhận kết quả suy tôn" in text(certified)
    assert f"Đơn vị được đề nghị:</strong> {site.unit_names[1]}, {site.unit_names[2]}" in text(certified)


def test_encrypted_suy_ton_ballots_through_the_web(site: Site, login: Login, app: Flask) -> None:
    chair, reps = login(site.chair), [login(name) for name in site.representatives]
    check_in(reps, site.conference_id)
    round_id = create_and_open(app, chair, site.conference_id, seats=1)
    page = text(reps[0].get(f"/awards/rounds/{round_id}/ballot"))
    request = ballot_request_of(page)
    assert request["manifest"]["max_choices"] == 1 and 'type="checkbox"' in page
    two, _randomness = encrypt_ballot(dict(request["manifest"], max_choices=2), [0, 1])
    two["ctx"] = request["ctx"]  # a page that let two boxes through: its proofs say "up to 2"
    refused = post_json(reps[0], f"/eg/rounds/{round_id}/ballot", {"ballot": two})
    assert refused.status_code == 409
    with app.app_context():
        assert count(EncryptedBallot) == 0
    for index, rep in enumerate(reps):
        marks = [] if index == 7 else [1 if index < 5 else 2]  # unit 2: 5 of 8; unit 3: 2; a blank
        ballot, _randomness = encrypt_ballot(
            ballot_request_of(text(rep.get(f"/awards/rounds/{round_id}/ballot")))["manifest"], marks
        )
        assert post_json(rep, f"/eg/rounds/{round_id}/ballot", {"ballot": ballot}).status_code == 200
    assert confirm(chair, f"/awards/rounds/{round_id}/close").status_code == 302
    web_decrypt(app, login, round_id)
    page = text(chair.get(f"/conferences/{site.conference_id}/awards"))
    assert f"{site.unit_names[1]} đạt 5/8 đơn vị có mặt = 62,50% ≥ 50%: được đề nghị." in page


@pytest.mark.parametrize("who", ["secretary", "representative"])
def test_only_the_chair_runs_award_votes(site: Site, login: Login, app: Flask, who: str) -> None:
    chair = login(site.chair)
    assert post(chair, f"/conferences/{site.conference_id}/awards", award_form()).status_code == 302
    with app.app_context():
        election_id = db.session.scalar(sa.select(Election.id))
    other = login(site.secretary if who == "secretary" else site.representatives[0])
    assert post(other, f"/awards/{election_id}/rounds").status_code == 403
    assert post(other, f"/awards/{election_id}/certify").status_code == 403


def test_the_conference_pages_follow_an_open_award_round(
    site: Site, login: Login, app: Flask, client: FlaskClient
) -> None:
    chair, reps = login(site.chair), [login(name) for name in site.representatives]
    check_in(reps, site.conference_id)
    round_id = create_and_open(app, chair, site.conference_id)
    assert chair.get(f"/rounds/{round_id}").status_code == 200  # the round page: turnout, board, decryption
    console = chair.get(f"/conferences/{site.conference_id}/console")
    assert console.status_code == 200 and "Bỏ phiếu suy tôn" in text(console)
    show = text(reps[0].get(f"/conferences/{site.conference_id}"))
    assert f'href="/awards/rounds/{round_id}/ballot"' in show
    office_ballot = reps[0].get(f"/rounds/{round_id}/ballot")  # the office ballot hands over to the award's
    assert office_ballot.status_code == 302 and office_ballot.location.endswith(
        f"/awards/rounds/{round_id}/ballot"
    )
    page = text(post(chair, f"/conferences/{site.conference_id}/display-link", follow_redirects=True))
    link = re.search(r'href="https?://[^/"]+(/display/[A-Za-z0-9_-]+)"', page)
    assert link is not None
    assert client.get(link.group(1)).status_code == 200
    assert client.get(link.group(1) + "/state").status_code == 200


def test_the_ranking_leads_to_the_award_votes_of_its_year(site: Site, login: Login, app: Flask) -> None:
    with app.app_context():
        cluster = db.session.get(Cluster, site.cluster_id)
        chair = db.session.scalar(sa.select(User).where(User.username == site.chair))
        assert cluster is not None and chair is not None
        ids = [
            create_table(cluster, year, "Bảng tiêu chí", content=demo_content(), by=chair, now=later(0)).id
            for year in (2016, 2017)
        ]
        db.session.commit()
    browser = login(site.chair)
    found = browser.get(f"/emulation/tables/{ids[0]}/awards")
    assert found.status_code == 302 and found.location.endswith(f"/conferences/{site.conference_id}/awards")
    assert browser.get(f"/emulation/tables/{ids[1]}/awards").status_code == 404  # no conference of 2017
