"""The forms of the suy tôn screens: creating an award vote, and the choose-up-to-k ballot."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from voting.clusters.models import Unit
from voting.forms import Form


class CreateAwardVoteForm(Form):
    """An award vote: its title, k, who stands, and its threshold (the rules' by default)."""

    title = StringField(
        _l("Danh hiệu suy tôn"),
        validators=[DataRequired(_l("Cần ghi tên danh hiệu.")), Length(max=200)],
        description=_l("Ví dụ: Cờ thi đua của Bộ Công an"),
    )
    seats = IntegerField(
        _l("Số đơn vị được chọn tối đa (k)"), validators=[InputRequired(), NumberRange(1, 100)], default=1
    )
    candidates_top = IntegerField(
        _l("Đề cử các đơn vị xếp hạng từ 1 đến"),
        validators=[Optional(), NumberRange(1, 500)],
        description=_l("Để trống: tất cả đơn vị thành viên"),
    )
    threshold_numerator = IntegerField(
        _l("Ngưỡng đề nghị: tử số"), validators=[InputRequired(), NumberRange(1, 100)]
    )
    threshold_denominator = IntegerField(_l("mẫu số"), validators=[InputRequired(), NumberRange(1, 100)])
    threshold_inclusive = BooleanField(_l("Đạt đúng tỷ lệ là đủ (từ tỷ lệ đó trở lên, ≥)"))


class ChooseUpToKForm(Form):
    """The suy tôn ballot: a checkbox per candidate unit; no mark is a blank ballot."""

    choices = SelectMultipleField(
        _l("Đơn vị được chọn"),
        choices=[],
        coerce=str,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[Optional()],
    )

    def __init__(self, candidates: list[Unit], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices.choices = [(str(unit.id), unit.name) for unit in candidates]
