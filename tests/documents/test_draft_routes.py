"""The draft minutes through the web: the read-aloud page, its PDF, the projector and the show of hands."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site, Stage
from tests.helpers import confirm, post, text
from voting.conferences.models import Conference
from voting.display.services import rotate_display_token
from voting.documents.approval import find_approval
from voting.extensions import db

MakeSite = Callable[..., Site]


def test_secretary_reads_the_draft_and_records_the_show_of_hands(
    app: Flask, make_site: MakeSite, login: Callable[[str], FlaskClient]
) -> None:
    site = make_site(Stage.HANDED_OVER)
    secretary = login(site.secretary)
    url = f"/conferences/{site.conference_id}/minutes/draft"
    page = text(secretary.get(url))
    assert "DỰ THẢO" in page and "Thời gian bắt đầu: 08 giờ 00 phút, ngày 11 tháng 11 năm 2016." in page
    assert "được …/8 đơn vị có mặt biểu quyết thông qua." in page
    pdf = secretary.get(url + ".pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "attachment" not in pdf.headers.get("Content-Disposition", "")

    too_many = post(secretary, f"/conferences/{site.conference_id}/minutes/approval", _counts(6, 2, 1))
    assert too_many.status_code == 302
    with app.app_context():
        assert find_approval(db.session.get(Conference, site.conference_id)) is None  # type: ignore[arg-type]
    flashed = text(secretary.get(url))
    assert "vượt quá số đơn vị có mặt (8)" in flashed
    done = post(
        secretary,
        f"/conferences/{site.conference_id}/minutes/approval",
        _counts(6, 1, 1),
        follow_redirects=True,
    )
    assert "Đã ghi nhận biểu quyết: 6/8 đơn vị đồng ý." in text(done)
    assert "được 6/8 đơn vị có mặt (75,00%) biểu quyết thông qua." in text(done)
    console = text(login(site.chair).get(f"/conferences/{site.conference_id}/console"))
    assert "6/8 đơn vị đồng ý, 1 không đồng ý, 1 không biểu quyết" in console


def test_only_the_chair_and_secretary_open_the_draft_and_record_the_vote(
    make_site: MakeSite, login: Callable[[str], FlaskClient]
) -> None:
    site = make_site(Stage.HANDED_OVER)
    representative = login(site.representatives[0])
    base = f"/conferences/{site.conference_id}/minutes"
    assert representative.get(base + "/draft").status_code == 403
    assert representative.get(base + "/draft.pdf").status_code == 403
    assert post(representative, base + "/approval", _counts(8, 0, 0)).status_code == 403
    assert login(site.archivist).get(base + "/draft").status_code == 403
    assert login(site.secretary).post(base + "/approval", data=_counts(8, 0, 0)).status_code == 400  # no CSRF


def test_projector_shows_the_draft_through_its_display_link_only(
    app: Flask, make_site: MakeSite, client: FlaskClient
) -> None:
    site = make_site(Stage.HANDED_OVER)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        token = rotate_display_token(conference)
        db.session.commit()
    page = client.get(f"/display/{token}/draft")
    assert page.status_code == 200 and "projector" in text(page)
    assert "Biên bản đã được đọc lại trước hội nghị" in text(page)
    assert client.get("/display/not-the-token/draft").status_code == 404
    # The projector page links nowhere that needs a login.
    assert "/minutes/draft" not in text(page) and "/documents/" not in text(page)


def test_chair_cannot_issue_before_the_vote_and_then_issues(
    make_site: MakeSite, login: Callable[[str], FlaskClient]
) -> None:
    site = make_site(Stage.HANDED_OVER)
    chair = login(site.chair)
    refused = confirm(chair, f"/conferences/{site.conference_id}/minutes", follow_redirects=True)
    assert "ghi nhận kết quả biểu quyết thông qua trước" in text(refused)
    post(chair, f"/conferences/{site.conference_id}/minutes/approval", _counts(8, 0, 0))
    # The factory's conference was held in 2016; the vote recorded now lies on another day.
    overrun = confirm(chair, f"/conferences/{site.conference_id}/minutes", follow_redirects=True)
    assert "cần ghi lý do hội nghị kéo dài sang ngày khác" in text(overrun)
    reason = {"overrun_reason": "Biểu quyết lại khi kiểm thử"}
    issued = confirm(chair, f"/conferences/{site.conference_id}/minutes", reason, follow_redirects=True)
    assert "Đã phát hành biên bản hội nghị số 04/BB-" in text(issued)


def _counts(agreed: int, disagreed: int, abstained: int) -> dict[str, str]:
    return {"agreed": str(agreed), "disagreed": str(disagreed), "abstained": str(abstained)}
