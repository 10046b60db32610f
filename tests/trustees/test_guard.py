"""No secret round is cast electronically before the trustees have made the election key."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.elections.helpers import change_rules, check_in_all
from tests.helpers import OPENED_AT
from tests.trustees.helpers import run_ceremony
from voting.conferences.models import Conference
from voting.elections.models import Office, RoundMethod
from voting.elections.rules import VoteForm
from voting.elections.services import open_round
from voting.errors import InvalidState


@pytest.fixture
def conference(make_conference: Callable[..., Conference]) -> Conference:
    """A conference with every unit present and no election key yet."""
    made = make_conference(election_key=False)
    check_in_all(made)
    return made


def test_a_secret_electronic_round_waits_for_the_key(conference: Conference) -> None:
    with pytest.raises(InvalidState, match="Chưa có khóa bầu cử"):
        open_round(conference, Office.LEADER, now=OPENED_AT)
    run_ceremony(conference)
    assert open_round(conference, Office.LEADER, now=OPENED_AT).method is RoundMethod.ENCRYPTED


def test_a_paper_round_needs_no_key(conference: Conference) -> None:
    assert open_round(conference, Office.LEADER, now=OPENED_AT, on_paper=True).is_paper


def test_an_open_vote_needs_no_key(conference: Conference) -> None:
    change_rules(conference, vote_form=VoteForm.OPEN)
    assert open_round(conference, Office.LEADER, now=OPENED_AT).method is RoundMethod.ELECTRONIC
