"""Issuing the minutes and filtering the archive."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional


class IssueMinutesForm(FlaskForm):
    """The show-of-hands approval of the minutes, then issuing them."""

    approvals = IntegerField("Số đơn vị biểu quyết thông qua biên bản", validators=[InputRequired()])

    def __init__(self, present: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.approvals.validators = [
            InputRequired("Nhập số đơn vị biểu quyết thông qua."),
            NumberRange(0, present, f"Số đơn vị phải từ 0 đến {present} (số đơn vị có mặt)."),
        ]
        if self.approvals.data is None and not self.is_submitted():
            self.approvals.data = present


class ArchiveFilterForm(FlaskForm):
    """Filter the archive by cluster and year (a GET form, no CSRF)."""

    class Meta:
        csrf = False

    cluster = SelectField("Cụm thi đua", coerce=int, validators=[Optional()])
    year = IntegerField("Năm", validators=[Optional(), NumberRange(1945, 2200)])

    def __init__(self, clusters: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cluster.choices = [(0, "Tất cả")] + clusters
