"""Domain errors: each carries a message a person can read."""

from __future__ import annotations

from collections.abc import Callable


class VotingError(Exception):
    """A business rule refused an action; ``str(error)`` says why in Vietnamese.

    Raise it with a message template and its values, ``AlreadyVoted(N_("%(unit)s đã bỏ phiếu."),
    unit=name)``, so that pages can show it in the reader's language (the template is a catalogue
    msgid; write a literal percent sign as ``%%`` when there are values). ``field`` names the input
    the refusal is about, when there is one (``field="witnesses"``): a form shows the message there.
    """

    status_code = 409

    def __init__(self, message: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.template = message
        self.params = params
        self.field = field

    def message_in(self, tr: Callable[..., str]) -> str:
        """Return the message in *tr*'s language; values that are catalogue msgids (an office) too."""
        params = {
            key: tr(value) if value and isinstance(value, str) else value
            for key, value in self.params.items()
        }
        return str(tr(self.template, **params))


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


class AlreadyCheckedIn(InvalidState):
    """The unit is already checked in (a second tab, a second tap): the page says when, not a conflict."""


class AlreadyIssued(VotingError):
    """The document has been issued and is final."""


class SigningRefused(VotingError):
    """A document cannot be signed now, by this person or with this key."""


class WrongPin(SigningRefused):
    """The PIN (or PKCS#12 password) does not open the signing key; nothing was signed."""


class NotTrustee(VotingError):
    """The account is not a trustee of this key ceremony."""

    status_code = 403


class InvalidProof(VotingError):
    """A posted cryptographic value is malformed or its proof does not verify; nothing was written."""

    status_code = 400


class InvalidInput(VotingError):
    """A value breaks a rule of the data (a score above the maximum, a refused file); nothing was written."""

    status_code = 422


class NotAssigned(VotingError):
    """The account has no part in this entry (another unit's score, a cross-check not assigned to it)."""

    status_code = 403


class ImportRefused(VotingError):
    """An imported file has bad rows; ``problems`` lists each one, and nothing was imported."""

    status_code = 422

    def __init__(self, message: str, *, problems: list[tuple[int, str, str]], count: int) -> None:
        super().__init__(message, count=count)
        #: (line number, column, message) of every bad row
        self.problems = problems
