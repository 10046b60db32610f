"""Domain errors: each carries a message a person can read."""

from __future__ import annotations


class VotingError(Exception):
    """A business rule refused an action; ``str(error)`` says why in Vietnamese."""

    status_code = 409


class NotFound(VotingError):
    """The thing asked for does not exist."""

    status_code = 404


class QuorumNotMet(VotingError):
    """Too few units are checked in."""


class RoundNotOpen(VotingError):
    """The round is not open for ballots."""


class AlreadyVoted(VotingError):
    """The unit has already cast its ballot in this round."""


class NotEligible(VotingError):
    """The unit may not vote in this round."""


class InvalidChoice(VotingError):
    """The choice is not a candidate of the round."""


class InvalidState(VotingError):
    """The action does not fit the current state of the conference."""


class AlreadyIssued(VotingError):
    """The document has been issued and is final."""
