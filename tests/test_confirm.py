"""Irreversible actions act only when confirmed; unconfirmed, they answer with the question, in numbers."""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.eg import cast_ballot, close_round
from tests.factories import Site, Stage, approve_minutes
from tests.helpers import confirm, post, text
from voting.conferences.models import Conference
from voting.documents.models import Document, DocumentKind
from voting.documents.services import find_document
from voting.elections.models import Election, Office, Round, RoundStatus
from voting.elections.services import get_election
from voting.extensions import db
from voting.formatting import utc_now

MakeSite = Callable[..., Site]
Login = Callable[[str], FlaskClient]


def _round(app: Flask) -> Round:
    with app.app_context():
        round_ = db.session.scalar(sa.select(Round).order_by(Round.id.desc()))
        assert round_ is not None
        db.session.expunge(round_)
        return round_


def _status(app: Flask, round_id: int) -> RoundStatus:
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert round_ is not None
        return round_.status


def _hidden(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


def _vote(app: Flask, site: Site, round_id: int, voters: int, *, close: bool = False) -> None:
    """Have the first *voters* units vote for the second unit of the cluster (then close the round)."""
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert round_ is not None
        conference = round_.election.conference
        units = sorted(conference.cluster.units, key=lambda unit: unit.id)
        for unit in units[:voters]:
            cast_ballot(round_, unit, units[1], now=utc_now())
        if close:
            close_round(round_, now=utc_now())
        db.session.commit()


def test_closing_a_round_asks_how_many_have_not_voted(app: Flask, make_site: MakeSite, login: Login) -> None:
    site = make_site(Stage.ROUND_OPEN)
    round_id = _round(app).id
    _vote(app, site, round_id, 3)
    chair = login(site.chair)
    console = text(chair.get(f"/conferences/{site.conference_id}/console"))
    assert 'data-confirm="Còn 5/8 đơn vị chưa bỏ phiếu. Kết thúc vòng 1 và kiểm phiếu?' in console
    asked = post(chair, f"/rounds/{round_id}/close")
    page = text(asked)
    assert asked.status_code == 409 and "Còn 5/8 đơn vị chưa bỏ phiếu" in page
    assert _hidden(page).get("confirmed") == "1" and f'action="/rounds/{round_id}/close"' in page
    assert _status(app, round_id) is RoundStatus.OPEN  # one click does nothing
    done = confirm(chair, f"/rounds/{round_id}/close")
    assert done.status_code == 302 and _status(app, round_id) is RoundStatus.CLOSED


def test_certifying_asks_who_is_elected_with_how_many_votes(
    app: Flask, make_site: MakeSite, login: Login
) -> None:
    site = make_site(Stage.ROUND_OPEN)
    round_id = _round(app).id
    _vote(app, site, round_id, 6, close=True)
    chair = login(site.chair)
    with app.app_context():
        election = db.session.scalar(sa.select(Election).where(Election.office == Office.LEADER))
        assert election is not None
        election_id, winner = (
            election.id,
            sorted(election.conference.cluster.units, key=lambda u: u.id)[1].name,
        )
    question = f"Chứng nhận kết quả: {winner} trúng cử Cụm trưởng năm 2017 với 6/8 phiếu. Không thể hoàn tác."
    assert question in text(chair.get(f"/conferences/{site.conference_id}/console"))
    asked = post(chair, f"/elections/{election_id}/certify")
    assert asked.status_code == 409 and question in text(asked)
    with app.app_context():
        assert db.session.get(Election, election_id).certified_at is None  # type: ignore[union-attr]
    assert "Đã chứng nhận" in text(confirm(chair, f"/elections/{election_id}/certify", follow_redirects=True))
    with app.app_context():
        assert db.session.get(Election, election_id).certified_at is not None  # type: ignore[union-attr]


def test_voiding_asks_and_keeps_the_reason(app: Flask, make_site: MakeSite, login: Login) -> None:
    site = make_site(Stage.ROUND_OPEN)
    round_id = _round(app).id
    _vote(app, site, round_id, 4, close=True)
    chair = login(site.chair)
    reason = {"reason": "Phát hiện sai sót khi điểm danh"}
    asked = post(chair, f"/rounds/{round_id}/void", reason)
    page = text(asked)
    assert asked.status_code == 409 and "Hủy vòng 1: 4/8 phiếu đã bỏ sẽ không được tính" in page
    assert _hidden(page)["reason"] == reason["reason"]  # the confirmation re-posts what was typed
    assert _status(app, round_id) is RoundStatus.CLOSED
    assert confirm(chair, f"/rounds/{round_id}/void", reason).status_code == 302
    assert _status(app, round_id) is RoundStatus.VOIDED


def test_issuing_the_minutes_asks_with_the_show_of_hands(
    app: Flask, make_site: MakeSite, login: Login
) -> None:
    site = make_site(Stage.HANDED_OVER)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        approve_minutes(conference, 7, abstained=1)
        db.session.commit()
    chair = login(site.chair)
    url = f"/conferences/{site.conference_id}/minutes"
    data = {"overrun_reason": "Biểu quyết lại khi kiểm thử"}
    asked = post(chair, url, data)
    assert asked.status_code == 409 and "được 7/8 đơn vị biểu quyết thông qua" in text(asked)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None and find_document(conference, DocumentKind.CONFERENCE_MINUTES) is None
    assert "Đã phát hành biên bản hội nghị" in text(confirm(chair, url, data, follow_redirects=True))


def test_issuing_a_document_asks_first(app: Flask, make_site: MakeSite, login: Login) -> None:
    site = make_site(Stage.LEADER_CERTIFIED)
    chair = login(site.chair)
    url = f"/conferences/{site.conference_id}/documents/counting/leader"
    assert 'data-confirm="Phát hành Biên bản kiểm phiếu bầu Cụm trưởng?' in text(
        chair.get(f"/conferences/{site.conference_id}/documents")
    )
    asked = post(chair, url)
    assert asked.status_code == 409 and "nhận số tiếp theo trong sổ đăng ký" in text(asked)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0
    assert "Đã phát hành Biên bản kiểm phiếu" in text(confirm(chair, url, follow_redirects=True))


def test_replacing_a_document_asks_first(app: Flask, make_site: MakeSite, login: Login) -> None:
    site = make_site(Stage.MINUTES_ISSUED)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        minutes = find_document(conference, DocumentKind.CONFERENCE_MINUTES)
        assert minutes is not None and get_election(conference, Office.LEADER) is not None
        minutes_id, number = minutes.id, minutes.number
    secretary = login(site.secretary)
    url, reason = f"/documents/{minutes_id}/replace", {"reason": "Sửa chức danh thư ký"}
    asked = post(secretary, url, reason)
    assert asked.status_code == 409 and f"Văn bản số {number} sẽ được ghi là đã bị thay thế" in text(asked)
    with app.app_context():
        assert db.session.get(Document, minutes_id).replaced_by is None  # type: ignore[union-attr]
    confirm(secretary, url, reason)
    with app.app_context():
        assert db.session.get(Document, minutes_id).replaced_by is not None  # type: ignore[union-attr]
