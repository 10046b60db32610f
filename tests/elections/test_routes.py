"""Through the web interface: rule settings, voiding, paper counts (four eyes), decisions, receipts, audit."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.eg import ballot_request_of, post_json, web_decrypt, web_vote
from tests.factories import Site
from tests.helpers import PASSWORD, confirm, csrf_token, post, text
from voting.audit.models import AuditEntry
from voting.auth.models import Role
from voting.auth.services import create_user
from voting.crypto.prover import encrypt_ballot
from voting.elections.models import Election, EncryptedBallot, Round
from voting.elections.rules import DEFAULTS
from voting.extensions import db

Login = Callable[[str], FlaskClient]
#: the units voted for, by their index in the cluster (the first is the outgoing leader)
LEADER, SECOND = 1, 2


def rules_form(**changes: object) -> dict[str, str]:
    """Return the rules form's data: the defaults with *changes* (booleans as checkboxes)."""
    data: dict[str, str] = {}
    for name, value in {**DEFAULTS, **changes}.items():
        if isinstance(value, bool):
            if value:
                data[name] = "y"
        else:
            data[name] = str(getattr(value, "value", value))
    return data


def check_in(reps: list[FlaskClient], conference_id: int) -> None:
    for rep in reps:
        assert post(rep, f"/conferences/{conference_id}/check-in").status_code == 302


def open_leader_round(chair: FlaskClient, conference_id: int, **data: str) -> int:
    response = post(
        chair, f"/conferences/{conference_id}/elections/leader/rounds", data, follow_redirects=True
    )
    assert response.status_code == 200, text(response)
    close = re.findall(r"/rounds/(\d+)/close", text(response))
    assert close, "the console offers no round to close"
    return int(close[-1])


def cast(rep: FlaskClient, round_id: int, value: str) -> str:
    """Vote as the ballot page's script does (a unit id, "blank", "for" or "against"); return the tracker."""
    return web_vote(rep, round_id, value if value in ("blank", "for", "against") else f"unit:{value}")


def close(app: Flask, chair: FlaskClient, login: Login, round_id: int) -> str:
    """Close a round, have a quorum of trustees decrypt it, and return the chair's console."""
    closed = confirm(chair, f"/rounds/{round_id}/close", follow_redirects=True)
    assert closed.status_code == 200, text(closed)
    web_decrypt(app, login, round_id)
    return text(chair.get(re.sub(r"/rounds/.*", "", closed.request.path) or "/"))


@pytest.fixture
def people(site: Site, login: Login) -> tuple[FlaskClient, list[FlaskClient]]:
    return login(site.chair), [login(username) for username in site.representatives]


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"vote_form": "open"}, "Biểu quyết công khai (ghi danh từng đơn vị)"),
        ({"vote_form": "consensus"}, "Hiệp thương (chủ tọa ghi nhận"),
        ({"ballot_type": "approve"}, "Đồng ý / Không đồng ý với một đơn vị được đề cử"),
        ({"quorum_numerator": 3, "quorum_denominator": 4}, "ít nhất 75% số đơn vị thành viên"),
        (
            {"threshold_numerator": 2, "threshold_denominator": 3},
            "Trúng cử khi đạt trên 2/3 số đơn vị có mặt",
        ),
        ({"threshold_base": "members"}, "quá bán (trên 50%) số đơn vị thành viên"),
        ({"threshold_inclusive": True}, "Trúng cử khi đạt từ 50% trở lên số đơn vị có mặt"),
        ({"threshold_base": "valid"}, "quá bán (trên 50%) số phiếu hợp lệ"),
        ({"leader_excludes_outgoing": False}, "Ứng cử Cụm trưởng: tất cả đơn vị thành viên."),
        (
            {"deputy_excludes_outgoing_leader": True},
            "trừ đơn vị Cụm trưởng mới và đơn vị Cụm trưởng đương nhiệm",
        ),
        ({"self_vote_allowed": False}, "Đơn vị không được bầu cho chính mình."),
        ({"max_rounds": 2}, "Tối đa 2 vòng bầu"),
    ],
)
def test_every_rule_setting_is_saved_and_shown(
    site: Site, login: Login, changes: dict[str, object], shown: str
) -> None:
    chair = login(site.chair)
    response = post(
        chair, f"/conferences/{site.conference_id}/rules", rules_form(**changes), follow_redirects=True
    )
    assert response.status_code == 200 and "Đã lưu quy chế bầu cử" in text(response)
    assert shown in text(response)  # the console shows the rules in force
    secretary = login(site.secretary)
    assert post(secretary, f"/conferences/{site.conference_id}/rules", rules_form()).status_code == 403


def test_rules_are_shown_on_the_ballot_and_locked_after_opening(
    site: Site, people: tuple[FlaskClient, list[FlaskClient]]
) -> None:
    chair, reps = people
    post(chair, f"/conferences/{site.conference_id}/rules", rules_form(self_vote_allowed=False))
    check_in(reps, site.conference_id)
    round_id = open_leader_round(chair, site.conference_id)
    ballot = text(reps[1].get(f"/rounds/{round_id}/ballot"))
    assert "Quy chế bầu cử đang áp dụng" in ballot and "Đơn vị không được bầu cho chính mình." in ballot
    assert post(reps[1], f"/rounds/{round_id}/cast", {"choice": str(site.units[LEADER])}).status_code == 400
    request = ballot_request_of(ballot)
    assert request["zero"] == [0]  # the voter's own unit, first on the ballot: a proof of 0 is due
    own, _randomness = encrypt_ballot(request["manifest"], 0)  # a browser that ignored the rule
    refused = post_json(reps[1], f"/eg/rounds/{round_id}/ballot", {"ballot": own})
    assert refused.status_code == 409 and "chính mình" in refused.json["error"]
    locked = post(chair, f"/conferences/{site.conference_id}/rules", rules_form())
    assert locked.status_code == 409 and "không thể thay đổi" in text(locked)


def test_void_path_and_invalid_transitions(
    app: Flask, site: Site, people: tuple[FlaskClient, list[FlaskClient]]
) -> None:
    chair, reps = people
    check_in(reps, site.conference_id)
    round_id = open_leader_round(chair, site.conference_id)
    for rep in reps[:6]:
        cast(rep, round_id, str(site.units[LEADER]))
    early = confirm(chair, f"/rounds/{round_id}/void", {"reason": "Thử hủy khi đang mở"})
    assert early.status_code == 409
    confirm(chair, f"/rounds/{round_id}/close")
    again = confirm(chair, f"/rounds/{round_id}/close")
    assert again.status_code == 409 and "đã kết thúc" in text(again)
    no_reason = confirm(chair, f"/rounds/{round_id}/void", {"reason": ""}, follow_redirects=True)
    assert "Cần ghi rõ lý do" in text(no_reason)
    voided = confirm(
        chair,
        f"/rounds/{round_id}/void",
        {"reason": "Phát hiện sai sót khi điểm danh"},
        follow_redirects=True,
    )
    page = text(voided)
    assert "Đã hủy vòng 1" in page and "Lý do: Phát hiện sai sót khi điểm danh" in page
    assert f"/rounds/{round_id}/void" not in page  # a voided round cannot be voided again
    rerun = open_leader_round(chair, site.conference_id)
    assert rerun != round_id
    with app.app_context():
        election = db.session.scalar(sa.select(Election))
        assert election is not None and election.certified_at is None
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(EncryptedBallot)
                .where(EncryptedBallot.round_id == round_id)
            )
            == 6
        )
    rep_void = post(reps[0], f"/rounds/{round_id}/void", {"reason": "Không có quyền"})
    assert rep_void.status_code == 403


def test_paper_round_with_four_eyes(app: Flask, site: Site, login: Login) -> None:
    with app.app_context():
        for n in (1, 2, 3):
            create_user(f"kiemphieu{n}", PASSWORD, full_name=f"Kiểm Phiếu {n}", role=Role.COUNTER)
        db.session.commit()
        counter_ids = {
            n: db.session.scalar(sa.text(f"SELECT id FROM users WHERE username = 'kiemphieu{n}'"))
            for n in (1, 2, 3)
        }
    chair, reps = login(site.chair), [login(username) for username in site.representatives]
    check_in(reps, site.conference_id)
    committee_url = f"/conferences/{site.conference_id}/committee"
    for n in (1, 2):
        added = post(
            chair,
            committee_url,
            {"member": str(counter_ids[n]), "approvals": "8", **({"is_head": "y"} if n == 1 else {})},
            follow_redirects=True,
        )
        assert "Đã bổ sung" in text(added)
    outsider = login("kiemphieu3")
    assert outsider.get(committee_url).status_code == 403
    round_id = open_leader_round(chair, site.conference_id, on_paper="y")
    assert "phiếu giấy" in text(reps[2].get(f"/conferences/{site.conference_id}"))
    assert post(reps[2], f"/rounds/{round_id}/cast", {"choice": "blank"}).status_code in (302, 409)
    confirm(chair, f"/rounds/{round_id}/close")

    first, second = login("kiemphieu1"), login("kiemphieu2")
    assert committee_url in text(first.get("/"))  # a member's start page leads to the committee
    assert committee_url not in text(outsider.get("/"))
    candidates = site.units[1:]  # all but the outgoing leader
    votes = {f"votes_{uid}": "0" for uid in candidates}
    bad = {
        "issued": "8",
        "returned": "8",
        "valid": "8",
        "invalid": "1",
        "blank": "0",
        **votes,
        f"votes_{site.units[LEADER]}": "7",
    }
    refused = post(first, f"/rounds/{round_id}/paper", bad)
    assert refused.status_code == 409 and "hợp lệ + không hợp lệ" in text(refused)
    good = {
        **bad,
        "valid": "7",
        "invalid": "1",
        "blank": "1",
        f"votes_{site.units[LEADER]}": "5",
        f"votes_{site.units[SECOND]}": "1",
    }
    assert "cần một thành viên khác" in text(
        post(first, f"/rounds/{round_id}/paper", good, follow_redirects=True)
    )
    console = text(chair.get(f"/conferences/{site.conference_id}/console"))
    assert "chờ Ban kiểm phiếu nhập và xác nhận" in console and "62,50" not in console
    self_confirm = post(first, f"/rounds/{round_id}/paper/confirm")
    assert self_confirm.status_code == 409 and "không tự xác nhận" in text(self_confirm)
    assert post(outsider, f"/rounds/{round_id}/paper/confirm").status_code == 403
    confirmed = post(second, f"/rounds/{round_id}/paper/confirm", follow_redirects=True)
    assert "Đã xác nhận kết quả kiểm phiếu vòng 1" in text(confirmed)
    console = text(chair.get(f"/conferences/{site.conference_id}/console"))
    assert "5/8 đơn vị có mặt = 62,50% &gt; 50%: trúng cử" in console
    assert "phiếu phát ra 8, thu vào 8, hợp lệ 7, không hợp lệ 1, phiếu trống 1" in console


def test_tie_after_the_last_round_then_a_drawing_of_lots(
    app: Flask, site: Site, people: tuple[FlaskClient, list[FlaskClient]], login: Login
) -> None:
    chair, reps = people
    post(chair, f"/conferences/{site.conference_id}/rules", rules_form(max_rounds=1))
    check_in(reps, site.conference_id)
    round_id = open_leader_round(chair, site.conference_id)
    for i, rep in enumerate(reps):
        cast(rep, round_id, str(site.units[LEADER if i < 4 else SECOND]))
    page = close(app, chair, login, round_id)
    assert "đã hết 1 vòng bầu" in page and "Chủ tọa ghi nhận quyết định" in page
    refused = post(chair, f"/conferences/{site.conference_id}/elections/leader/rounds")
    assert refused.status_code == 409
    no_witness = post(
        chair,
        f"/conferences/{site.conference_id}/elections/leader/decision",
        {"method": "lots", "statement": "Bốc thăm"},
    )
    assert no_witness.status_code == 409 and "chứng kiến" in text(no_witness)
    decided = post(
        chair,
        f"/conferences/{site.conference_id}/elections/leader/decision",
        {
            "method": "lots",
            "statement": "Hội nghị thống nhất bốc thăm",
            "witnesses": "Thiếu tướng Đinh Văn Toản",
        },
        follow_redirects=True,
    )
    assert "Đã ghi nhận quyết định" in text(decided) and "Mã ngẫu nhiên bốc thăm" in text(decided)
    election_id = int(re.search(r"/elections/(\d+)/certify", text(decided)).group(1))  # type: ignore[union-attr]
    assert "Đã chứng nhận" in text(confirm(chair, f"/elections/{election_id}/certify", follow_redirects=True))


def test_round_page_publishes_trackers_and_the_decryption(
    app: Flask, site: Site, people: tuple[FlaskClient, list[FlaskClient]], login: Login
) -> None:
    chair, reps = people
    check_in(reps, site.conference_id)
    round_id = open_leader_round(chair, site.conference_id)
    codes = [cast(rep, round_id, str(site.units[LEADER]) if i < 6 else "blank") for i, rep in enumerate(reps)]
    while_open = text(reps[0].get(f"/rounds/{round_id}"))
    assert codes[0] not in while_open and "8/8 đơn vị đã bỏ phiếu" in while_open
    confirm(chair, f"/rounds/{round_id}/close")
    awaiting = text(reps[0].get(f"/rounds/{round_id}"))
    assert all(code in awaiting for code in codes)  # the bulletin board: every tracker, once closed
    assert "Đã có 0/2 phần giải mã cần thiết" in awaiting and "Chưa gửi phần giải mã" in awaiting
    web_decrypt(app, login, round_id)
    page = text(reps[0].get(f"/rounds/{round_id}"))
    assert "đã được giải mã bởi 2 người giữ khóa" in page
    assert "75,00" in page and page.count("<td><code>") == 8, page
    assert login(site.archivist).get(f"/rounds/{round_id}").status_code == 200


def test_audit_log_is_for_the_chair_and_the_archivist(
    app: Flask, site: Site, people: tuple[FlaskClient, list[FlaskClient]], login: Login
) -> None:
    chair, reps = people
    check_in(reps[:2], site.conference_id)
    page = text(chair.get(f"/conferences/{site.conference_id}/audit"))
    assert "Chuỗi mã băm toàn vẹn" in page
    assert f"{site.unit_names[0]} đã điểm danh." in page and f"{site.unit_names[1]} đã điểm danh." in page
    assert '{"' not in page and "unit_id" not in page  # sentences, not the stored JSON
    numbers = re.findall(r"<tr>\s*<td>(\d+)</td>", page)
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)] and len(numbers) >= 3, numbers
    assert login(site.archivist).get(f"/conferences/{site.conference_id}/audit").status_code == 200
    assert reps[0].get(f"/conferences/{site.conference_id}/audit").status_code == 403
    assert login(site.secretary).get(f"/conferences/{site.conference_id}/audit").status_code == 403
    with app.app_context():
        db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == 2).values(actor_username="ai-do"))
        db.session.commit()
    assert "bị phá vỡ tại mục #2" in text(chair.get(f"/conferences/{site.conference_id}/audit"))


def test_csv_exports_for_the_chair_and_the_archivist(
    app: Flask, site: Site, people: tuple[FlaskClient, list[FlaskClient]], login: Login
) -> None:
    chair, reps = people
    check_in(reps, site.conference_id)
    round_id = open_leader_round(chair, site.conference_id)
    codes = [cast(rep, round_id, str(site.units[LEADER])) for rep in reps[:6]]
    base = f"/conferences/{site.conference_id}/exports"
    receipts_while_open = chair.get(f"{base}/receipts.csv").get_data(as_text=True)
    assert not any(code in receipts_while_open for code in codes)
    assert "leader,1,encrypted,open" in chair.get(f"{base}/turnout.csv").get_data(as_text=True)
    close(app, chair, login, round_id)
    archivist = login(site.archivist)
    counts = archivist.get(f"{base}/counts.csv")
    assert counts.mimetype == "text/csv" and counts.get_data(as_text=True).startswith("\ufeffoffice,round")
    leader = site.unit_names[LEADER]
    assert f'leader,1,closed,{leader},6,0,"75,00",8,yes' in counts.get_data(as_text=True)
    receipts = archivist.get(f"{base}/receipts.csv").get_data(as_text=True)
    assert all(f"leader,1,{code},\r" in receipts for code in codes)  # trackers, no choice
    assert "leader,1,encrypted,closed" in archivist.get(f"{base}/turnout.csv").get_data(as_text=True)
    assert reps[0].get(f"{base}/counts.csv").status_code == 403
    assert chair.get(f"{base}/other.csv").status_code == 404  # only the three exports exist


def test_failed_logins_are_in_the_audit_log(app: Flask, client: FlaskClient) -> None:
    token = csrf_token(client, "/login")
    data = {"username": "khach", "password": "sai-mat-khau", "csrf_token": token}
    response = client.post("/login", data=data)
    assert response.status_code == 200
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "login.failed"))
        assert entry is not None and '"username":"khach"' in entry.details
        assert "sai-mat-khau" not in entry.details


def field_html(page: str, field_id: str) -> str:
    """Return the HTML of the form field whose input has this id: its label, input, hint and errors."""
    for match in re.finditer(r'<(div|fieldset) class="field[^"]*">.*?</\1>', page, re.S):
        if f'id="{field_id}"' in match.group(0):
            return match.group(0)
    raise AssertionError(f"no field with the input {field_id} on the page")


def tie_after_the_last_round(
    app: Flask, chair: FlaskClient, reps: list[FlaskClient], site: Site, login: Login
) -> int:
    """Play one allowed round that ties 4-4, so that the chair's decision is due; return the round."""
    post(chair, f"/conferences/{site.conference_id}/rules", rules_form(max_rounds=1))
    check_in(reps, site.conference_id)
    round_id = open_leader_round(chair, site.conference_id)
    for i, rep in enumerate(reps):
        cast(rep, round_id, str(site.units[LEADER if i < 4 else SECOND]))
    close(app, chair, login, round_id)
    return round_id


def test_a_refused_decision_shows_the_rule_by_its_field_and_keeps_what_the_chair_typed(
    app: Flask, site: Site, people: tuple[FlaskClient, list[FlaskClient]], login: Login
) -> None:
    chair, reps = people
    tie_after_the_last_round(app, chair, reps, site, login)
    url = f"/conferences/{site.conference_id}/elections/leader/decision"
    typed = {"method": "lots", "statement": "Hội nghị thống nhất bốc thăm", "witnesses": ""}
    refused = post(chair, url, typed)
    assert refused.status_code == 409
    page = text(refused)
    assert 'class="decision-form"' in page and "Điểm danh" in page  # the console, not an error page
    witnesses = field_html(page, "witnesses-leader")
    assert "has-error" in witnesses and "Bốc thăm cần ghi người chứng kiến." in witnesses
    assert "Hội nghị thống nhất bốc thăm</textarea>" in field_html(page, "statement-leader")
    assert 'selected value="lots"' in field_html(page, "method-leader")
    with app.app_context():
        election = db.session.scalar(sa.select(Election))
        assert election is not None and election.decided_at is None

    # A field the form itself requires: the statement, with the witnesses typed kept.
    empty = post(chair, url, {"method": "lots", "statement": "", "witnesses": "Thiếu tướng Đinh Văn Toản"})
    assert empty.status_code == 422
    statement = field_html(text(empty), "statement-leader")
    assert "has-error" in statement and "Cần ghi lời kết luận của chủ tọa." in statement
    assert "Thiếu tướng Đinh Văn Toản</textarea>" in field_html(text(empty), "witnesses-leader")

    decided = post(chair, url, {**typed, "witnesses": "Thiếu tướng Đinh Văn Toản"}, follow_redirects=True)
    assert "Đã ghi nhận quyết định" in text(decided) and "has-error" not in text(decided)


def test_a_refused_void_keeps_the_reason_typed_next_to_its_error(
    app: Flask, site: Site, people: tuple[FlaskClient, list[FlaskClient]]
) -> None:
    chair, reps = people
    check_in(reps, site.conference_id)
    round_id = open_leader_round(chair, site.conference_id)
    for rep in reps[:6]:
        cast(rep, round_id, str(site.units[LEADER]))
    confirm(chair, f"/rounds/{round_id}/close")
    short = confirm(chair, f"/rounds/{round_id}/void", {"reason": "abc"})
    assert short.status_code == 422
    reason = field_html(text(short), f"reason-{round_id}")
    assert "Cần ghi rõ lý do hủy vòng bầu (ít nhất 5 ký tự)." in reason and 'value="abc"' in reason
    # Long enough for the form, too short for the rule once trimmed: the service refuses it.
    blank = confirm(chair, f"/rounds/{round_id}/void", {"reason": "  ab   "})
    assert blank.status_code == 409
    reason = field_html(text(blank), f"reason-{round_id}")
    assert "Cần ghi rõ lý do hủy vòng bầu." in reason and 'value="  ab   "' in reason
    assert "Lý do hủy vòng 1" in reason
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert round_ is not None and not round_.is_voided
    confirm(chair, f"/rounds/{round_id}/void", {"reason": "Phát hiện sai sót khi điểm danh"})
    # Sent again from a page opened before: the form is gone from the console, the refusal is above it.
    again = confirm(chair, f"/rounds/{round_id}/void", {"reason": "Phát hiện sai sót khi điểm danh"})
    assert again.status_code == 409
    alert = re.search(r'<p class="flash flash-danger" role="alert">(.*?)</p>', text(again), re.S)
    assert alert and "Chỉ hủy được vòng bầu đã kết thúc và chưa bị hủy." in alert.group(1)
    assert f'id="reason-{round_id}"' not in text(again)


def test_a_refused_round_opening_shows_the_rule_on_the_console(
    site: Site, people: tuple[FlaskClient, list[FlaskClient]]
) -> None:
    chair, reps = people
    refused = post(chair, f"/conferences/{site.conference_id}/elections/leader/rounds")
    assert refused.status_code == 409
    page = text(refused)
    assert "Điểm danh" in page and "Không thể thực hiện" in page
    assert "Chưa đủ số đơn vị tham dự: có 0/8 đơn vị, cần ít nhất 6 (2/3)." in page
    check_in(reps, site.conference_id)
    opened = text(chair.get(f"/conferences/{site.conference_id}/console"))
    assert 'id="on_paper-leader"' in opened and "Không thể thực hiện" not in opened
