"""What each conference waits for, as the chair's start page says it (``console.start.waiting_for``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests import eg
from tests.factories import Stage, approve_minutes
from tests.helpers import ENDED_AT, later
from voting.conferences.models import Conference
from voting.console.start import waiting_for
from voting.elections import services
from voting.elections.models import Office

MakeConference = Callable[..., Conference]


def sentence(conference: Conference) -> str:
    """Return what the conference waits for, in Vietnamese (the catalogue's source)."""
    return waiting_for(conference).sentence(lambda message, **params: message % params if params else message)


@pytest.mark.parametrize(
    ("stage", "expected", "endpoint"),
    [
        (Stage.CREATED, "Điểm danh: có mặt 0/8 đơn vị, cần ít nhất 6.", "console.console"),
        (Stage.CHECKED_IN, "Mở vòng 1 bầu Cụm trưởng.", "console.console"),
        (Stage.ROUND_OPEN, "Vòng 1 bầu Cụm trưởng đang mở: 0/8 đơn vị đã bỏ phiếu.", "console.console"),
        (Stage.LEADER_CERTIFIED, "Mở vòng 1 bầu Cụm phó.", "console.console"),
        (Stage.DEPUTY_CERTIFIED, "Ghi nhận việc bàn giao cờ luân lưu.", "console.console"),
        (Stage.HANDED_OVER, "Đọc dự thảo biên bản và ghi nhận biểu quyết thông qua.", "documents.draft"),
        (Stage.MINUTES_ISSUED, "Ký văn bản: còn 4/4 văn bản chưa ký đủ.", "signing.conference_documents"),
        (Stage.SIGNED, "Đã kết thúc; các văn bản đã ký và phát hành.", "signing.conference_documents"),
    ],
    ids=str,
)
def test_each_stage_waits_for_its_next_step(
    make_conference: MakeConference, stage: Stage, expected: str, endpoint: str
) -> None:
    conference = make_conference(stage)
    waiting = waiting_for(conference)
    assert (sentence(conference), waiting.endpoint) == (expected, endpoint)
    assert waiting.is_done == (stage is Stage.SIGNED)


def test_approved_minutes_wait_to_be_issued(make_conference: MakeConference) -> None:
    conference = make_conference(Stage.HANDED_OVER)
    approve_minutes(conference, 8, now=ENDED_AT)
    assert (sentence(conference), waiting_for(conference).endpoint) == (
        "Phát hành biên bản hội nghị.",
        "console.console",
    )


def test_a_secret_ballot_waits_for_the_key_then_for_the_trustees_to_decrypt(
    make_conference: MakeConference,
) -> None:
    conference = make_conference(Stage.CHECKED_IN, election_key=False)
    assert sentence(conference) == "Những người giữ khóa tạo khóa bầu cử (bỏ phiếu kín)."
    assert waiting_for(conference).endpoint == "trustees.page"

    round_ = eg.open_round(conference, Office.LEADER, now=later(0), by=conference.chair)
    units = list(conference.cluster.units)
    for unit in units:
        eg.cast_ballot(round_, unit, units[1], now=later(1))
    services.close_round(round_, now=later(10))  # closed, not decrypted yet
    assert sentence(conference) == "Người giữ khóa giải mã kết quả vòng 1 bầu Cụm trưởng."
    assert waiting_for(conference).endpoint == "trustees.page"
