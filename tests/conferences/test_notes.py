"""Tests of what the secretary records for the minutes: delegates and texts (no client)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from tests.factories import Stage, representative
from tests.helpers import CHECK_IN_AT
from voting.audit.models import AuditEntry
from voting.conferences.models import Conference, Delegate
from voting.conferences.notes import MAX_NOTE, Person, add_delegate, delegates_of, remove_delegate, save_notes
from voting.conferences.services import check_in
from voting.errors import InvalidState, NotEligible
from voting.extensions import db

MakeConference = Callable[..., Conference]


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_save_notes_stores_nfc_text_with_unix_line_ends(conference: Conference) -> None:
    decomposed = "Tho\u0302\u0301ng nhất phương hướng\r\n\r\nnăm 2017  "
    save_notes(
        conference,
        report="Báo cáo",
        discussion=decomposed,
        conclusions="Kết luận",
        by=conference.secretary,
        now=CHECK_IN_AT,
    )
    assert conference.discussion == "Thống nhất phương hướng\n\nnăm 2017"
    assert (conference.report_summary, conference.conclusions) == ("Báo cáo", "Kết luận")
    assert conference.notes_saved_at == CHECK_IN_AT


def test_save_notes_refuses_an_over_long_section(conference: Conference) -> None:
    with pytest.raises(InvalidState):
        save_notes(
            conference,
            report="x" * (MAX_NOTE + 1),
            discussion="",
            conclusions="",
            by=conference.secretary,
            now=CHECK_IN_AT,
        )
    assert conference.notes_saved_at is None


def test_nothing_changes_once_the_minutes_are_issued(make_conference: MakeConference) -> None:
    ended = make_conference(Stage.MINUTES_ISSUED)
    with pytest.raises(InvalidState, match="đã phát hành"):
        save_notes(ended, report="", discussion="Sửa", conclusions="", by=ended.secretary, now=CHECK_IN_AT)
    with pytest.raises(InvalidState, match="đã phát hành"):
        add_delegate(
            ended, ended.cluster.units[0], full_name="Lê Văn B", title="", by=ended.secretary, now=CHECK_IN_AT
        )
    assert ended.discussion == ""


def test_delegates_are_the_representative_who_checked_in_then_those_added(conference: Conference) -> None:
    units = conference.cluster.units
    own = representative(units[0])
    check_in(conference, units[0], by=own, now=CHECK_IN_AT)
    check_in(conference, units[1], by=conference.chair, now=CHECK_IN_AT)  # the chair is no delegate
    add_delegate(
        conference,
        units[0],
        full_name=" Lê  Văn Bình ",
        title="Phó trưởng phòng",
        by=conference.secretary,
        now=CHECK_IN_AT,
    )
    add_delegate(
        conference, units[1], full_name="Trần Thu", title="", by=conference.secretary, now=CHECK_IN_AT
    )
    assert delegates_of(conference) == {
        units[0].id: [Person(own.full_name, own.title), Person("Lê Văn Bình", "Phó trưởng phòng")],
        units[1].id: [Person("Trần Thu", "")],
    }
    assert actions().count("delegate.added") == 2


def test_a_delegate_is_listed_once_per_unit(conference: Conference) -> None:
    unit = conference.cluster.units[0]
    add_delegate(
        conference, unit, full_name="Lê Văn Bình", title="", by=conference.secretary, now=CHECK_IN_AT
    )
    with pytest.raises(InvalidState, match="đã có trong danh sách"):
        add_delegate(
            conference, unit, full_name="Lê Văn Bình", title="Khác", by=conference.secretary, now=CHECK_IN_AT
        )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Delegate)) == 1


def test_a_unit_of_another_cluster_has_no_delegates_here(
    conference: Conference, make_conference: MakeConference
) -> None:
    other = make_conference().cluster.units[0]
    with pytest.raises(NotEligible):
        add_delegate(
            conference, other, full_name="Lê Văn Bình", title="", by=conference.secretary, now=CHECK_IN_AT
        )


def test_a_blank_name_is_refused_and_the_database_holds_it_too(conference: Conference) -> None:
    unit = conference.cluster.units[0]
    with pytest.raises(InvalidState):
        add_delegate(conference, unit, full_name="   ", title="", by=conference.secretary, now=CHECK_IN_AT)
    db.session.add(
        Delegate(
            conference_id=conference.id,
            unit_id=unit.id,
            full_name="",
            added_at=CHECK_IN_AT,
            added_by_id=conference.secretary.id,
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_remove_delegate_takes_them_off_and_is_audited(conference: Conference) -> None:
    unit = conference.cluster.units[2]
    delegate = add_delegate(
        conference, unit, full_name="Lê Văn Bình", title="", by=conference.secretary, now=CHECK_IN_AT
    )
    remove_delegate(delegate, by=conference.secretary, now=CHECK_IN_AT)
    assert delegates_of(conference) == {}
    assert actions()[-2:] == ["delegate.added", "delegate.removed"]
