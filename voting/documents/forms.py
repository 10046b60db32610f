"""Issuing, replacing and finding documents."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from voting.documents.models import DocumentKind


class IssueMinutesForm(FlaskForm):
    """The show-of-hands approval of the minutes, then issuing them."""

    approvals = IntegerField(_l("Số đơn vị biểu quyết thông qua biên bản"), validators=[InputRequired()])

    def __init__(self, present: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.approvals.validators = [
            InputRequired("Nhập số đơn vị biểu quyết thông qua."),
            NumberRange(0, present, f"Số đơn vị phải từ 0 đến {present} (số đơn vị có mặt)."),
        ]
        if self.approvals.data is None and not self.is_submitted():
            self.approvals.data = present


class ReplaceDocumentForm(FlaskForm):
    """Issue a document that replaces another, with the reason."""

    reason = TextAreaField(_l("Lý do thay thế"), validators=[InputRequired(), Length(5, 1000)])


class ArchiveFilterForm(FlaskForm):
    """Search the archive by cluster, year, kind, unit and text (a GET form, no CSRF)."""

    class Meta:
        csrf = False

    cluster = SelectField(_l("Cụm thi đua"), coerce=int, validators=[Optional()])
    year = IntegerField(_l("Năm"), validators=[Optional(), NumberRange(1945, 2200)])
    kind = SelectField(_l("Loại tài liệu"), validators=[Optional()])
    unit = StringField(_l("Đơn vị"), validators=[Optional(), Length(max=160)])
    text = StringField(_l("Nội dung"), validators=[Optional(), Length(max=200)])

    def __init__(self, clusters: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cluster.choices = [(0, _l("Tất cả"))] + clusters
        self.kind.choices = [("", _l("Tất cả"))] + [(k.value, k.label) for k in DocumentKind]


class RegisterFilterForm(FlaskForm):
    """Choose the register's cluster and year (a GET form, no CSRF)."""

    class Meta:
        csrf = False

    cluster = SelectField(_l("Cụm thi đua"), coerce=int, validators=[Optional()])
    year = IntegerField(_l("Năm"), validators=[Optional(), NumberRange(1945, 2200)])

    def __init__(self, clusters: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cluster.choices = [(0, _l("Tất cả"))] + clusters
