"""A round as the pages show it: its turnout while open, its count once it can be counted."""

from __future__ import annotations

from dataclasses import dataclass

from voting.elections.counting import paper_count
from voting.elections.models import PaperCount, Round
from voting.elections.services import RoundResult, count_round, threshold_votes, turnout
from voting.errors import VotingError


@dataclass(frozen=True)
class RoundView:
    """A round with its turnout while open, or its count once closed (and counted)."""

    round: Round
    voted: int
    result: RoundResult | None  # None while open, or while a paper count waits: never partial counts
    paper: PaperCount | None = None

    @property
    def threshold(self) -> int:
        """Return the fewest votes that elect."""
        return self.result.threshold_votes if self.result else threshold_votes(self.round.base)

    @property
    def is_awaiting_paper_count(self) -> bool:
        """Return whether a closed paper round waits for the committee's confirmed count."""
        return (
            self.round.is_paper
            and not self.round.is_open
            and not self.round.is_voided
            and self.result is None
        )


def round_view(round_: Round) -> RoundView:
    """Count a round if it can be counted; a paper round waits for its confirmed entry."""
    result = None
    if not round_.is_open:
        try:
            result = count_round(round_)
        except VotingError:  # a paper count not yet confirmed
            result = None
    return RoundView(round_, turnout(round_), result, paper_count(round_) if round_.is_paper else None)
