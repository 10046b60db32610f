"""The whole 2016 conference through the web interface: 8 representatives, the chair, the archivist."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.eg import post_json, run_ceremony, web_decrypt, web_vote
from tests.helpers import Demo, confirm, post, text, wall_clock
from voting.conferences.models import Conference
from voting.demo import UNITS
from voting.elections.models import EncryptedBallot, Participation
from voting.extensions import db

LEADER_CHOICES = ["Phòng Công tác chính trị"] * 4 + ["Phòng Hậu cần"] * 3 + [None]
RUNOFF_CHOICES = ["Phòng Công tác chính trị"] * 6 + ["Phòng Hậu cần"] * 2
DEPUTY_CHOICES = ["Phòng Hậu cần"] * 6 + ["Phòng Tổ chức cán bộ", None]


def open_round_id(browser: FlaskClient, conference_id: int) -> int:
    """Return the id of the open round from the representative's page."""
    html = text(browser.get(f"/conferences/{conference_id}"))
    match = re.search(r'href="/rounds/(\d+)/ballot"', html)
    assert match, "the representative's page offers no ballot"
    return int(match.group(1))


def vote(browser: FlaskClient, conference_id: int, units: dict[str, int], choice: str | None) -> str:
    """Vote as a representative's browser does (encrypted on the ballot page); return the tracker."""
    round_id = open_round_id(browser, conference_id)
    return web_vote(browser, round_id, "blank" if choice is None else f"unit:{units[choice]}")


def close_and_decrypt(
    app: Flask,
    chair: FlaskClient,
    login: Callable[[str], FlaskClient],
    console: str,
    round_id: int,
    expected: str,
) -> str:
    """Close a round (its count waits for the trustees), have a quorum decrypt it, return the console."""
    chair_action(chair, f"/rounds/{round_id}/close", "chờ đủ số người giữ khóa giải mã")
    web_decrypt(app, login, round_id)
    page = text(chair.get(console))
    assert expected in page, page
    return page


def chair_action(chair: FlaskClient, url: str, expected: str) -> str:
    """Post a button of the console, confirmed as its dialog does (where it asks), and follow it."""
    response = confirm(chair, url, follow_redirects=True)
    assert response.status_code == 200, text(response)
    assert expected in text(response), text(response)
    return text(response)


def test_whole_conference(app: Flask, demo: Demo, login: Callable[[str], FlaskClient]) -> None:
    """Check in, elect with a runoff, certify, hand over the flag, issue and download the minutes."""
    units, cluster_id, conference_id = demo.units, demo.cluster_id, demo.conference_id
    reps = [login(f"daibieu{n}") for n in range(1, 9)]
    chair = login("chutri")
    console = f"/conferences/{conference_id}/console"

    # Quorum is not met with five units; the chair cannot open the round.
    for rep in reps[:5]:
        checked_in = post(rep, f"/conferences/{conference_id}/check-in", follow_redirects=True)
        assert "đã điểm danh" in text(checked_in)
    assert "Chưa đủ số lượng" in text(chair.get(console))
    refused = post(chair, f"/conferences/{conference_id}/elections/leader/rounds")
    assert refused.status_code == 409 and "cần ít nhất 6" in text(refused)
    for rep in reps[5:]:
        post(rep, f"/conferences/{conference_id}/check-in")
    with app.app_context():  # the trustees make the election key, each in their browser (here, Python)
        run_ceremony(db.session.get(Conference, conference_id))  # type: ignore[arg-type]
        db.session.commit()
    assert "Đủ số lượng" in text(chair.get(console))

    # Round 1 for the leader: nobody above 50% (4/8), so a runoff between the top two.
    page = chair_action(chair, f"/conferences/{conference_id}/elections/leader/rounds", "Đã mở vòng 1")
    nominated = page.split("Danh sách đề cử:")[1].split("</p>")[0]
    assert "Phòng Công tác đảng và công tác quần chúng" not in nominated
    receipts = [
        vote(rep, conference_id, units, choice) for rep, choice in zip(reps, LEADER_CHOICES, strict=True)
    ]
    assert len(set(receipts)) == 8
    page = text(chair.get(console))
    assert "8</strong>/8 đơn vị đã bỏ phiếu" in page
    assert "50,00" not in page  # no partial counts while open

    # A second ballot from the same unit is refused with a clear message.
    round_id = int(re.search(r"/rounds/(\d+)/close", page).group(1))  # type: ignore[union-attr]
    again = post_json(reps[0], f"/eg/rounds/{round_id}/ballot", {"ballot": "blank"})
    assert again.status_code == 409 and "đã bỏ phiếu ở vòng này" in again.json["error"]
    plaintext = post(reps[0], f"/rounds/{round_id}/cast", {"choice": "blank"})
    assert plaintext.status_code == 400  # no plaintext path for a secret ballot
    assert "đã bỏ phiếu ở vòng 1" in text(reps[0].get(f"/conferences/{conference_id}"))

    page = close_and_decrypt(app, chair, login, console, round_id, "Không đơn vị nào đạt quá bán")
    assert "50,00" in page and "37,50" in page
    assert "bầu lại giữa: Phòng Công tác chính trị, Phòng Hậu cần" in page
    assert "Tỷ lệ %" in text(reps[3].get(f"/conferences/{conference_id}"))

    chair_action(chair, f"/conferences/{conference_id}/elections/leader/rounds", "Đã mở vòng 2")
    for rep, choice in zip(reps, RUNOFF_CHOICES, strict=True):
        vote(rep, conference_id, units, choice)
    round_id = int(re.search(r"/rounds/(\d+)/close", text(chair.get(console))).group(1))  # type: ignore[union-attr]
    close_and_decrypt(app, chair, login, console, round_id, "Phòng Công tác chính trị đạt 6/8")
    election_id = int(re.search(r"/elections/(\d+)/certify", text(chair.get(console))).group(1))  # type: ignore[union-attr]
    chair_action(chair, f"/elections/{election_id}/certify", "Đã chứng nhận: Phòng Công tác chính trị")

    # Deputy: the new leader is not a candidate.
    chair_action(chair, f"/conferences/{conference_id}/elections/deputy/rounds", "Đã mở vòng 1 bầu Cụm phó")
    ballot_page = text(reps[0].get(f"/rounds/{open_round_id(reps[0], conference_id)}/ballot"))
    assert "Phòng Công tác chính trị" not in ballot_page
    assert "Phòng Công tác đảng và công tác quần chúng" in ballot_page
    for rep, choice in zip(reps, DEPUTY_CHOICES, strict=True):
        vote(rep, conference_id, units, choice)
    round_id = int(re.search(r"/rounds/(\d+)/close", text(chair.get(console))).group(1))  # type: ignore[union-attr]
    close_and_decrypt(app, chair, login, console, round_id, "Phòng Hậu cần đạt 6/8")
    election_id = int(re.search(r"/elections/(\d+)/certify", text(chair.get(console))).group(1))  # type: ignore[union-attr]
    chair_action(chair, f"/elections/{election_id}/certify", "Đã chứng nhận: Phòng Hậu cần")

    # Secret ballot: 24 ballots and 24 participations, none linked.
    with app.app_context():
        assert db.session.query(EncryptedBallot).count() == db.session.query(Participation).count() == 24

    # Flag handover, then the minutes.
    form = text(chair.get(f"/conferences/{conference_id}/handover"))
    assert "Bên nhận:" in form and "Phòng Công tác chính trị" in form
    response = post(
        chair,
        f"/conferences/{conference_id}/handover",
        {
            "handed_over_at": wall_clock(10, 30).isoformat(timespec="minutes"),
            "giver_name": "Nguyễn Văn Hùng",
            "giver_title": "Trưởng phòng",
            "receiver_name": "Hoàng Quốc Việt",
            "receiver_title": "Trưởng phòng Công tác chính trị",
            "witnesses": "Thiếu tướng Đinh Văn Toản",
            "flag_condition": "Nguyên vẹn",
            "files_handed_over": "Sổ theo dõi thi đua",
        },
        follow_redirects=True,
    )
    assert "Đã ghi nhận việc bàn giao cờ luân lưu" in text(response)
    assert "10:30" in text(response)

    approval = {"agreed": "8", "disagreed": "0", "abstained": "0"}
    post(login("thuky"), f"/conferences/{conference_id}/minutes/approval", approval)
    # Played today, the 2016 conference's rounds and handover lie on another day than its date.
    refused = confirm(chair, f"/conferences/{conference_id}/minutes", {}, follow_redirects=True)
    assert "cần ghi lý do hội nghị kéo dài sang ngày khác" in text(refused)
    reason = {"overrun_reason": "Hội nghị được tổ chức lại để kiểm thử"}
    issued = confirm(chair, f"/conferences/{conference_id}/minutes", reason, follow_redirects=True)
    assert "Đã phát hành biên bản hội nghị số 04/BB-CTĐ4" in text(issued)

    # The archivist finds, downloads and checks the minutes.
    archivist = login("luutru")
    listing = text(archivist.get("/archive?year=2016"))
    assert "Cụm thi đua số 4" in listing and all(f"0{n}/BB-CTĐ4" in listing for n in range(1, 5))
    sha = re.search(r'<code class="hash">([0-9a-f]{64})</code>', listing).group(1)  # type: ignore[union-attr]
    download_url = re.search(r'href="(/documents/\d+/download)"', listing).group(1)  # type: ignore[union-attr]
    pdf = archivist.get(download_url)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == sha == pdf.headers["X-Content-SHA256"]
    assert pdf.data.startswith(b"%PDF")
    assert "Không có tài liệu" in text(archivist.get("/archive?year=2015"))
    chain = text(archivist.get(f"/clusters/{cluster_id}/flag-holders"))
    assert "2017" in chain and "Phòng Công tác chính trị" in chain

    # After the end nothing about the election changes.
    refused = post(chair, f"/conferences/{conference_id}/elections/deputy/rounds")
    assert refused.status_code == 409
    assert all(name in text(reps[1].get(f"/conferences/{conference_id}")) for name in UNITS[1:3])
