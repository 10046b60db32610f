"""The secretary's delegates and texts reach the data the minutes are built from."""

from __future__ import annotations

from collections.abc import Callable

from tests.factories import Stage
from tests.helpers import CHECK_IN_AT
from voting.conferences.models import Conference
from voting.conferences.notes import add_delegate, save_notes
from voting.documents.collect import minutes_data
from voting.documents.minutes_data import DelegateMinutes


def test_minutes_data_carries_delegates_of_present_units_and_the_texts(
    make_conference: Callable[..., Conference],
) -> None:
    conference = make_conference(Stage.HANDED_OVER, present=7)
    units = conference.cluster.units
    absent = units[7]
    by = conference.secretary
    add_delegate(
        conference, units[0], full_name="Lê Văn Bình", title="Phó trưởng phòng", by=by, now=CHECK_IN_AT
    )
    add_delegate(conference, absent, full_name="Vắng Mặt", title="", by=by, now=CHECK_IN_AT)
    save_notes(
        conference,
        report="Báo cáo.",
        discussion="Thảo luận.",
        conclusions="Kết luận.",
        by=by,
        now=CHECK_IN_AT,
    )
    data = minutes_data(conference, number="04/BB-X", ended_at=CHECK_IN_AT, approvals=7)
    # the factory's chair checked the units in: the one delegate is the one the secretary added
    assert data.delegates[units[0].name] == [DelegateMinutes("Lê Văn Bình", "Phó trưởng phòng")]
    assert data.delegates[units[1].name] == []
    assert absent.name not in data.delegates  # only the units present are printed
    assert (data.report_summary, data.discussion, data.conclusions) == ("Báo cáo.", "Thảo luận.", "Kết luận.")
