"""The ballot and its confirmation."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField
from wtforms.validators import DataRequired, InputRequired

from voting.clusters.models import Unit

#: the value of a blank ballot (phiếu trống)
BLANK = "blank"


def _choices(candidates: list[Unit]) -> list[tuple[str, str]]:
    """Return the radio choices: each candidate unit, then the blank ballot."""
    return [(str(unit.id), unit.name) for unit in candidates] + [
        (BLANK, "Phiếu trống (không chọn đơn vị nào)")
    ]


class BallotForm(FlaskForm):
    """Choose one candidate unit or a blank ballot."""

    choice = RadioField("Đơn vị bầu chọn", validators=[InputRequired("Hãy chọn một đơn vị hoặc phiếu trống.")])

    def __init__(self, candidates: list[Unit], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choice.choices = _choices(candidates)


class CastBallotForm(FlaskForm):
    """The review step's confirmation, carrying the choice made on the ballot."""

    choice = HiddenField(validators=[DataRequired()])

    def __init__(self, candidates: list[Unit], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._allowed = {value for value, _label in _choices(candidates)}

    def validate_choice(self, field: HiddenField) -> None:
        """Refuse a choice that is not on this round's ballot."""
        from wtforms.validators import ValidationError

        if field.data not in self._allowed:
            raise ValidationError("Lựa chọn không có trong danh sách đề cử.")
