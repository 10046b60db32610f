"""The review step of a plaintext ballot is a page of its own (post/redirect/get), the choice sealed."""

from __future__ import annotations

import base64
import json
import re
import zlib
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.elections.helpers import open_vote_round
from tests.factories import Site, Stage
from tests.helpers import post, text
from voting.auth.models import User
from voting.conferences.models import Conference
from voting.elections.review import open_choice, seal_choice
from voting.extensions import db

MakeSite = Callable[..., Site]
Login = Callable[[str], FlaskClient]


def _open_vote_round(app: Flask, site: Site) -> tuple[int, int, str]:
    """Open a leader round of an open (named) vote; return its id, a candidate's id and name."""
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        round_ = open_vote_round(conference)
        candidate = round_.candidates[0].unit
        db.session.commit()
        return round_.id, candidate.id, candidate.name


def _unit_id(app: Flask, username: str) -> int:
    with app.app_context():
        account = db.session.scalar(sa.select(User).where(User.username == username))
        assert account is not None and account.unit_id is not None
        return account.unit_id


def _session_payload(browser: FlaskClient) -> str:
    """Return the decoded payload of the browser's (signed, not encrypted) session cookie."""
    cookie = browser.get_cookie("session")
    assert cookie is not None
    data = cookie.value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    if cookie.value.startswith("."):  # itsdangerous compresses larger payloads
        raw = zlib.decompress(raw)
    return raw.decode()


def test_review_is_a_get_after_the_ballot_and_back_after_casting_shows_the_receipt(
    app: Flask, make_site: MakeSite, login: Login
) -> None:
    site = make_site(Stage.CREATED)
    round_id, candidate_id, name = _open_vote_round(app, site)
    rep = login(site.representatives[3])
    assert rep.get(f"/rounds/{round_id}/review").headers["Location"].endswith(f"/rounds/{round_id}/ballot")
    chose = post(rep, f"/rounds/{round_id}/ballot", {"choice": str(candidate_id)})
    assert chose.status_code == 302 and chose.headers["Location"] == f"/rounds/{round_id}/review"
    held = json.loads(_session_payload(rep))[f"review-{round_id}"]
    assert held != str(candidate_id) and name not in held  # sealed: the cookie is only signed
    unit_id = _unit_id(app, site.representatives[3])
    assert open_choice(app.config["SECRET_KEY"], round_id, unit_id, held) == str(candidate_id)
    review = rep.get(f"/rounds/{round_id}/review")
    assert review.status_code == 200 and name in text(review) and "Xác nhận phiếu bầu" in text(review)
    again = rep.get(f"/rounds/{round_id}/ballot")
    assert re.search(rf'value="{candidate_id}"\s+checked|checked[^>]*value="{candidate_id}"', text(again))
    cast = post(rep, f"/rounds/{round_id}/cast", {"choice": str(candidate_id)})
    assert cast.headers["Location"] == f"/rounds/{round_id}/receipt"
    assert f"review-{round_id}" not in _session_payload(rep)  # forgotten once cast
    back = rep.get(f"/rounds/{round_id}/review")  # the browser's Back from the receipt
    assert back.status_code == 302 and back.headers["Location"] == f"/rounds/{round_id}/receipt"


def test_a_sealed_choice_opens_only_for_its_round_and_unit() -> None:
    sealed = seal_choice("secret", 7, 3, "42")
    assert open_choice("secret", 7, 3, sealed) == "42"
    assert open_choice("secret", 8, 3, sealed) is None  # another round
    assert open_choice("secret", 7, 4, sealed) is None  # another unit
    assert open_choice("other", 7, 3, sealed) is None  # another key
    assert open_choice("secret", 7, 3, sealed[:-2] + "AA") is None  # tampered
    assert open_choice("secret", 7, 3, None) is None
