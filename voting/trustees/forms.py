"""The chair's form that starts (or restarts) the key ceremony."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectMultipleField
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from voting.auth.models import User
from voting.forms import Form


class StartCeremonyForm(Form):
    """Name the trustees (the counting committee by default) and how many of them decrypt together."""

    trustees = SelectMultipleField(
        _l("Người giữ khóa"),
        choices=[],
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    threshold = IntegerField(
        _l("Số người cần có mặt để giải mã (để trống: quá nửa)"),
        validators=[Optional(), NumberRange(min=2, max=50)],
    )

    def __init__(self, candidates: list[User], chosen: list[User], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.trustees.choices = [
            (person.id, f"{person.full_name} ({_l(person.role.label)})") for person in candidates
        ]
        if not self.is_submitted():
            self.trustees.data = [person.id for person in chosen]
