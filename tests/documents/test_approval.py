"""The draft minutes, their approval by show of hands and the dates they print (no HTTP client)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import Stage, approve_minutes
from tests.helpers import ENDED_AT, hanoi, require_tool
from voting.audit.models import AuditEntry
from voting.auth.models import Role, User
from voting.conferences.models import Conference
from voting.conferences.services import check_in
from voting.documents.approval import find_approval, minutes_dates, record_approval
from voting.documents.services import draft_minutes_pdf, draft_minutes_text, issue_minutes
from voting.errors import InvalidState
from voting.extensions import db
from voting.formatting import nfc

MakeConference = Callable[..., Conference]


def pdf_text(content: bytes) -> str:
    """Return the text pdftotext extracts, NFC, whitespace collapsed."""
    raw = subprocess.run(
        [require_tool("pdftotext"), "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(nfc(raw).split())


def test_show_of_hands_is_recorded_audited_and_bounded_by_the_present_units(
    make_conference: MakeConference, make_user: Callable[..., User]
) -> None:
    conference = make_conference(Stage.HANDED_OVER, present=6)
    with pytest.raises(InvalidState, match="từ 0 đến 6"):
        approve_minutes(conference, 5, disagreed=1, abstained=1)
    other_chair = make_user(Role.CHAIR)
    with pytest.raises(InvalidState, match="chủ tọa hoặc thư ký"):
        record_approval(conference, agreed=6, disagreed=0, abstained=0, by=other_chair, now=ENDED_AT)
    approval = approve_minutes(conference, 4, disagreed=1, abstained=1)
    assert (approval.present, approval.agreed, approval.disagreed, approval.abstained) == (6, 4, 1, 1)
    assert approval.is_adopted
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "minutes.approved").order_by(AuditEntry.id.desc())
    ).first()
    assert entry is not None and json.loads(entry.details) == {
        "present": 6,
        "agreed": 4,
        "disagreed": 1,
        "abstained": 1,
    }


def test_database_refuses_counts_above_the_present_units(make_conference: MakeConference) -> None:
    conference = make_conference(Stage.HANDED_OVER)
    approval = approve_minutes(conference, 8)
    approval.disagreed = 1
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_draft_is_watermarked_unnumbered_unsigned_and_says_the_vote_is_to_come(
    make_conference: MakeConference,
) -> None:
    conference = make_conference(Stage.HANDED_OVER)
    content = draft_minutes_pdf(conference)
    assert b"/AcroForm" not in content and b"/Sig" not in content  # no signature fields
    text = pdf_text(content)
    pages = text.count("DỰ THẢO – trang")
    assert pages >= 2 and text.count("DỰ") >= 2 * pages  # the footer, and the watermark across each page
    assert "/BB-" not in text  # no number
    assert "Nhật ký hệ thống khi lập biên bản" not in text  # the audit anchor belongs to the issued minutes
    assert "được …/8 đơn vị có mặt biểu quyết thông qua" in text
    approve_minutes(conference, 7, disagreed=1)
    text = pdf_text(draft_minutes_pdf(conference))
    assert "được 7/8 đơn vị có mặt (87,50%) biểu quyết thông qua" in text
    assert "Không đồng ý: 1 đơn vị; không biểu quyết: 0 đơn vị." in text


def test_issued_minutes_print_the_draft_that_was_read_and_the_recorded_approval(
    make_conference: MakeConference,
) -> None:
    conference = make_conference(Stage.HANDED_OVER)
    approve_minutes(conference, 6, disagreed=1, abstained=1, now=ENDED_AT)
    read_aloud = draft_minutes_text(conference)
    # Issued the next morning: the minutes stay dated by the meeting, not by the click.
    document = issue_minutes(conference, by=conference.chair, now=ENDED_AT + timedelta(hours=20))
    issued = pdf_text(document.content)
    body = [line for line in read_aloud if line.startswith(("Thời gian", "Biên bản đã", "Hội nghị kết thúc"))]
    assert len(body) == 3
    for line in body:
        assert " ".join(line.split()) in issued
    assert "Hà Nội, ngày 11 tháng 11 năm 2016" in issued
    assert "Hội nghị kết thúc vào 11 giờ 30 phút, ngày 11 tháng 11 năm 2016" in issued
    assert "6/8 đơn vị có mặt (75,00%)" in issued
    assert conference.ended_at == ENDED_AT


def test_events_on_another_day_need_a_reason_which_the_minutes_print(make_conference: MakeConference) -> None:
    conference = make_conference(Stage.HANDED_OVER)
    next_day = hanoi(9, 0, day=conference.held_on + timedelta(days=1))
    approve_minutes(conference, 8, now=next_day)
    dates = minutes_dates(conference)
    assert dates.other_days == [conference.held_on + timedelta(days=1)] and dates.ended_at == next_day
    with pytest.raises(InvalidState, match="12-11-2016"):
        issue_minutes(conference, by=conference.chair, now=next_day, overrun_reason="")
    document = issue_minutes(
        conference,
        by=conference.chair,
        now=next_day,
        overrun_reason="Mất điện, hội nghị họp tiếp sáng hôm sau",
    )
    text = pdf_text(document.content)
    assert "Hội nghị diễn ra trong hai ngày. Lý do: Mất điện, hội nghị họp tiếp sáng hôm sau." in text
    assert "Hà Nội, ngày 12 tháng 11 năm 2016" in text
    approval = find_approval(conference)
    assert approval is not None and approval.overrun_reason.startswith("Mất điện")


def test_approval_is_final_once_issued_and_must_match_attendance(make_conference: MakeConference) -> None:
    conference = make_conference(Stage.HANDED_OVER, present=7)
    approve_minutes(conference, 7)
    latecomer = conference.cluster.units[7]
    check_in(conference, latecomer, by=conference.chair, now=ENDED_AT - timedelta(minutes=5))
    with pytest.raises(InvalidState, match="7 → 8"):
        issue_minutes(conference, by=conference.chair, now=ENDED_AT)
    approve_minutes(conference, 8)
    issue_minutes(conference, by=conference.chair, now=ENDED_AT)
    with pytest.raises(InvalidState, match="đã được phát hành"):
        approve_minutes(conference, 6)
