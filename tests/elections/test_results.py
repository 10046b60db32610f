"""The one owner of a round's count: the count, or why there is none yet (open, awaiting paper, voided)."""

from __future__ import annotations

import pytest

from tests.eg import close_round, open_round
from tests.elections.helpers import check_in_all, make_counters, vote
from tests.helpers import later
from voting.conferences.models import Conference
from voting.documents.collect import election_minutes
from voting.documents.kinds import DocumentKind
from voting.documents.services import issue_document
from voting.elections.models import Office, Round
from voting.elections.paper import PaperEntry, add_committee_member, confirm_paper_count, enter_paper_count
from voting.elections.results import Pending, count_of, count_round, round_view
from voting.elections.services import certify, void_round
from voting.errors import InvalidState


def paper_round_closed(conference: Conference) -> Round:
    """Check everyone in and close a paper round of the leader election."""
    check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=later(0), on_paper=True)
    return close_round(round_, now=later(10))


def test_an_open_round_has_no_count_only_its_turnout(conference: Conference) -> None:
    units = check_in_all(conference)
    round_ = open_round(conference, Office.LEADER, now=later(0))
    vote(round_, [units[1]] * 3)
    view = round_view(round_)
    assert view.voted == 3 and view.result is None and view.pending is Pending.OPEN
    with pytest.raises(InvalidState, match="đang mở"):
        count_round(round_)


def test_a_paper_round_waits_for_the_confirmed_count(conference: Conference) -> None:
    round_ = paper_round_closed(conference)
    members = make_counters(2)
    for member in members:
        add_committee_member(
            conference, member, is_head=False, approvals=8, by=conference.chair, now=later(0)
        )
    waiting = count_of(round_)
    assert waiting.result is None and waiting.paper is None
    assert waiting.pending is Pending.AWAITING_PAPER_COUNT
    units = conference.cluster.units
    votes = {c.unit_id: 0 for c in round_.candidates} | {units[1].id: 6}
    entry = PaperEntry(issued=8, returned=8, valid=8, invalid=0, blank=2, votes=votes)
    entered = enter_paper_count(round_, entry, by=members[0], now=later(15))
    assert count_of(round_).pending is Pending.AWAITING_PAPER_COUNT and count_of(round_).paper is entered
    assert round_view(round_).is_awaiting_paper_count
    confirm_paper_count(round_, by=members[1], now=later(16))
    counted = count_of(round_)
    assert counted.pending is None and counted.result is not None and counted.result.elected == units[1]
    assert counted.result.adopted_at == later(16)


def test_a_paper_round_voided_before_its_count_is_on_the_minutes_without_figures(
    conference: Conference,
) -> None:
    """Voiding a paper round the committee never counted must not break the minutes."""
    round_ = paper_round_closed(conference)
    void_round(round_, reason="Phát hiện phiếu in sai mẫu", by=conference.chair, now=later(12))
    assert count_of(round_).pending is Pending.VOIDED
    with pytest.raises(InvalidState, match="đã bị hủy"):
        count_round(round_)
    units = conference.cluster.units
    rerun = open_round(conference, Office.LEADER, now=later(20))
    vote(rerun, [units[1]] * 6 + [None, None])
    close_round(rerun, now=later(30))
    election = certify(rerun.election, by=conference.chair, now=later(31))

    voided, counted = election_minutes(conference, election).rounds
    assert not voided.is_counted and voided.rows == []
    assert "đã bị hủy" in voided.decision and "Phát hiện phiếu in sai mẫu" in voided.decision
    assert counted.is_counted and counted.rows[0].votes == 6
    document = issue_document(
        conference, DocumentKind.COUNTING_MINUTES, election, by=conference.chair, now=later(40)
    )
    assert document.content.startswith(b"%PDF")
