"""Paper ballots: the counting committee, the arithmetic checks and the four-eyes confirmation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tests.eg import cast_ballot, close_round, open_round
from tests.elections.helpers import check_in_all, make_counters
from tests.helpers import OPENED_AT, later
from voting.auth.models import User
from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.elections.models import Office, Round
from voting.elections.paper import PaperEntry, add_committee_member, confirm_paper_count, enter_paper_count
from voting.elections.paper_models import PaperCount
from voting.elections.services import certify, count_round
from voting.errors import InvalidState, NotEligible
from voting.extensions import db


def committee(conference: Conference) -> list[User]:
    """Check all units in, then approve a committee of three, the first one its head."""
    check_in_all(conference)
    members = make_counters(3)
    for i, member in enumerate(members):
        add_committee_member(
            conference, member, is_head=i == 0, approvals=8, by=conference.chair, now=OPENED_AT
        )
    return members


def paper_round(conference: Conference) -> tuple[Round, list[Unit]]:
    units = list(conference.cluster.units)
    round_ = open_round(conference, Office.LEADER, now=OPENED_AT, on_paper=True)
    return round_, units


def good_entry(round_: Round, units: list[Unit]) -> PaperEntry:
    votes = {c.unit_id: 0 for c in round_.candidates}
    votes[units[1].id], votes[units[2].id] = 5, 1
    return PaperEntry(issued=8, returned=8, valid=7, invalid=1, blank=1, votes=votes)


def test_committee_members_need_the_role_a_majority_and_one_head(conference: Conference) -> None:
    check_in_all(conference)
    counters = make_counters(2)
    with pytest.raises(InvalidState, match="vai trò"):
        add_committee_member(
            conference, conference.chair, is_head=False, approvals=8, by=conference.chair, now=OPENED_AT
        )
    with pytest.raises(InvalidState, match="quá bán"):
        add_committee_member(
            conference, counters[0], is_head=True, approvals=4, by=conference.chair, now=OPENED_AT
        )
    add_committee_member(
        conference, counters[0], is_head=True, approvals=5, by=conference.chair, now=OPENED_AT
    )
    with pytest.raises(InvalidState, match="Trưởng ban"):
        add_committee_member(
            conference, counters[1], is_head=True, approvals=8, by=conference.chair, now=OPENED_AT
        )


def test_paper_round_takes_no_electronic_ballot_and_no_count_before_confirmation(
    conference: Conference,
) -> None:
    members = committee(conference)
    round_, units = paper_round(conference)
    with pytest.raises(InvalidState, match="phiếu giấy"):
        cast_ballot(round_, units[3], units[1], now=later(1))
    with pytest.raises(InvalidState, match="đã kết thúc"):
        enter_paper_count(round_, good_entry(round_, units), by=members[0], now=later(5))
    close_round(round_, now=later(10))
    with pytest.raises(InvalidState, match="chưa nhập"):
        count_round(round_)
    enter_paper_count(round_, good_entry(round_, units), by=members[0], now=later(15))
    with pytest.raises(InvalidState, match="chưa xác nhận"):
        count_round(round_)
    with pytest.raises(InvalidState, match="Chưa có đơn vị trúng cử|chưa"):
        certify(round_.election, by=conference.chair, now=later(16))


def test_four_eyes_confirmation(conference: Conference) -> None:
    members = committee(conference)
    round_, units = paper_round(conference)
    close_round(round_, now=later(10))
    enter_paper_count(round_, good_entry(round_, units), by=members[0], now=later(15))
    with pytest.raises(NotEligible, match="không tự xác nhận"):
        confirm_paper_count(round_, by=members[0], now=later(16))
    confirm_paper_count(round_, by=members[1], now=later(17))
    with pytest.raises(InvalidState, match="đã được xác nhận"):
        enter_paper_count(round_, good_entry(round_, units), by=members[2], now=later(18))
    result = count_round(round_)
    assert (result.issued, result.returned, result.valid, result.invalid, result.blank) == (8, 8, 7, 1, 1)
    assert result.elected == units[1] and "5/8 đơn vị có mặt = 62,50% > 50%" in result.decision
    assert result.ballot_form.startswith("Bỏ phiếu kín bằng phiếu giấy")
    assert result.committee is not None and result.committee.head is not None
    assert result.committee.head.name == members[0].full_name and len(result.committee.members) == 3
    assert result.adopted_at == later(17) and result.receipts == []
    certify(round_.election, by=conference.chair, now=later(20))


def test_outsiders_cannot_enter_or_confirm(conference: Conference) -> None:
    members = committee(conference)
    round_, units = paper_round(conference)
    close_round(round_, now=later(10))
    with pytest.raises(NotEligible, match="Ban kiểm phiếu"):
        enter_paper_count(round_, good_entry(round_, units), by=conference.chair, now=later(15))
    enter_paper_count(round_, good_entry(round_, units), by=members[0], now=later(15))
    with pytest.raises(NotEligible):
        confirm_paper_count(round_, by=conference.secretary, now=later(16))


def test_a_correction_replaces_the_unconfirmed_entry(conference: Conference) -> None:
    members = committee(conference)
    round_, units = paper_round(conference)
    close_round(round_, now=later(10))
    enter_paper_count(round_, good_entry(round_, units), by=members[0], now=later(15))
    corrected = good_entry(round_, units)
    corrected.votes[units[1].id], corrected.votes[units[2].id] = 4, 2
    enter_paper_count(round_, corrected, by=members[1], now=later(16))
    confirm_paper_count(round_, by=members[0], now=later(17))
    result = count_round(round_)
    assert [c.votes for c in result.counts[:2]] == [4, 2] and result.elected is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"returned": 9, "valid": 8}, "lớn hơn số phiếu phát ra"),
        ({"invalid": 2}, "hợp lệ \\+ không hợp lệ"),
        ({"blank": 2}, "Tổng số phiếu"),
        ({"issued": 9, "returned": 9, "valid": 8}, "vượt số đơn vị"),
    ],
)
def test_inconsistent_entries_are_refused_and_write_nothing(
    conference: Conference, change: dict[str, int], message: str
) -> None:
    members = committee(conference)
    round_, units = paper_round(conference)
    close_round(round_, now=later(10))
    entry = good_entry(round_, units)
    bad = PaperEntry(**{**entry.__dict__, **change})
    with pytest.raises(InvalidState, match=message):
        enter_paper_count(round_, bad, by=members[0], now=later(15))
    assert db.session.get(PaperCount, round_.id) is None


def test_database_refuses_self_confirmation(conference: Conference) -> None:
    members = committee(conference)
    round_, units = paper_round(conference)
    close_round(round_, now=later(10))
    enter_paper_count(round_, good_entry(round_, units), by=members[0], now=later(15))
    db.session.flush()
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.update(PaperCount)
            .where(PaperCount.round_id == round_.id)
            .values(confirmed_by_id=members[0].id, confirmed_at=later(16))
        )
    db.session.rollback()
