"""Issuing, replacing and finding documents."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from voting.documents.models import DocumentKind
from voting.forms import Form


class RecordApprovalForm(Form):
    """The show of hands on the minutes after their draft was read aloud."""

    agreed = IntegerField(_l("Số đơn vị đồng ý"), validators=[InputRequired(), NumberRange(min=0)])
    disagreed = IntegerField(_l("Số đơn vị không đồng ý"), validators=[InputRequired(), NumberRange(min=0)])
    abstained = IntegerField(
        _l("Số đơn vị không biểu quyết"), validators=[InputRequired(), NumberRange(min=0)]
    )

    def __init__(self, present: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.present = present
        for field in (self.agreed, self.disagreed, self.abstained):
            field.validators = [
                InputRequired(_l("Nhập số đơn vị.")),
                NumberRange(
                    0, present, _l("Số đơn vị phải từ 0 đến %(present)s (số đơn vị có mặt).", present=present)
                ),
            ]

    def validate(self, extra_validators: Any = None) -> bool:
        """Check the three counts together: their sum cannot exceed the units present."""
        if not super().validate(extra_validators):
            return False
        total = (self.agreed.data or 0) + (self.disagreed.data or 0) + (self.abstained.data or 0)
        if total > self.present:
            self.abstained.errors = [
                _l(
                    "Tổng ba số (%(total)s) vượt quá số đơn vị có mặt (%(present)s).",
                    total=total,
                    present=self.present,
                )
            ]
            return False
        return True


class IssueMinutesForm(Form):
    """Close the conference and issue the approved minutes; a reason when it ran over its date."""

    overrun_reason = TextAreaField(
        _l("Lý do hội nghị kéo dài sang ngày khác (nếu có)"), validators=[Optional(), Length(max=1000)]
    )


class ReplaceDocumentForm(Form):
    """Issue a document that replaces another, with the reason."""

    reason = TextAreaField(_l("Lý do thay thế"), validators=[InputRequired(), Length(5, 1000)])


class ArchiveFilterForm(Form):
    """Search the archive by cluster, year, kind, unit and text (a GET form, no CSRF)."""

    class Meta:
        csrf = False

    cluster_name = StringField(_l("Tên cụm thi đua"), validators=[Optional(), Length(max=160)])
    cluster = SelectField(_l("Cụm thi đua"), coerce=int, validators=[Optional()])
    year = IntegerField(_l("Năm"), validators=[Optional(), NumberRange(1945, 2200)])
    kind = SelectField(_l("Loại tài liệu"), validators=[Optional()])
    unit = StringField(_l("Đơn vị"), validators=[Optional(), Length(max=160)])
    text = StringField(_l("Nội dung"), validators=[Optional(), Length(max=200)])

    def __init__(self, clusters: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cluster.choices = [(0, _l("Tất cả"))] + clusters
        self.kind.choices = [("", _l("Tất cả"))] + [(k.value, _l(k.label)) for k in DocumentKind]


class RegisterFilterForm(Form):
    """Choose the register's cluster (found by a typed name, as in the archive) and year (GET, no CSRF)."""

    class Meta:
        csrf = False

    cluster_name = StringField(_l("Tên cụm thi đua"), validators=[Optional(), Length(max=160)])
    cluster = SelectField(_l("Cụm thi đua"), coerce=int, validators=[Optional()])
    year = IntegerField(_l("Năm"), validators=[Optional(), NumberRange(1945, 2200)])

    def __init__(self, clusters: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cluster.choices = [(0, _l("Tất cả"))] + clusters
