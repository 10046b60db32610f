"""What the secretary records for the minutes: the texts and the delegates."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from voting.clusters.models import Unit
from voting.conferences.notes import MAX_NOTE
from voting.forms import Form


class SaveNotesForm(Form):
    """The report, the discussion and the directing leader's conclusions, saved as they are typed."""

    report = TextAreaField(_l("Báo cáo tổng kết phong trào thi đua"), validators=[Length(max=MAX_NOTE)])
    discussion = TextAreaField(_l("Thảo luận"), validators=[Length(max=MAX_NOTE)])
    conclusions = TextAreaField(
        _l("Kết luận của đồng chí chỉ đạo hội nghị"), validators=[Length(max=MAX_NOTE)]
    )


class AddDelegateForm(Form):
    """A delegate of a member unit, by name and title."""

    unit = SelectField(_l("Đơn vị"), coerce=int, validators=[InputRequired()])
    full_name = StringField(_l("Họ và tên"), validators=[InputRequired(), Length(2, 120)])
    title = StringField(_l("Chức vụ"), validators=[Length(max=255)])

    def __init__(self, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.unit.choices = [(unit.id, unit.name) for unit in units]
