"""The chair's forms on the console: fresh ones, or the one a rule refused, in its place."""

from __future__ import annotations

from typing import TypeVar

from voting.console.overview import ElectionView
from voting.elections.forms import DecisionForm, OpenRoundForm, VoidRoundForm
from voting.elections.models import Round

ChairForm = TypeVar("ChairForm", OpenRoundForm, VoidRoundForm, DecisionForm)


class ChairForms:
    """Give the console template each form of the chair; a refused one comes back with what was typed."""

    def __init__(self, refused: OpenRoundForm | VoidRoundForm | DecisionForm | None = None) -> None:
        self.refused = refused

    def open_round(self, view: ElectionView) -> OpenRoundForm:
        """Return the form that opens the next round of an office."""
        return self._place(OpenRoundForm(view.office, view.nominees, formdata=None))

    def void_round(self, round_: Round) -> VoidRoundForm:
        """Return the form that voids a closed round."""
        return self._place(VoidRoundForm(round_.id, formdata=None))

    def decision(self, view: ElectionView) -> DecisionForm:
        """Return the form of the chair's decision on an office."""
        return self._place(DecisionForm(view.office, view.decision_candidates, formdata=None))

    def _place(self, fresh: ChairForm) -> ChairForm:
        """Return the refused form if it belongs where *fresh* goes (with today's choices), else *fresh*."""
        refused = self.refused
        if not isinstance(refused, type(fresh)) or refused.slot != fresh.slot:
            return fresh
        for field in fresh:
            if hasattr(field, "choices"):
                refused[field.name].choices = field.choices
        return refused
