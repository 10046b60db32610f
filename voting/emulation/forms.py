"""Forms of the criteria table and the scoring."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateTimeLocalField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from voting.clusters.models import Unit
from voting.emulation.models import Criterion, ItemKind, Stage
from voting.emulation.ranking import TIE_RULE_LABELS
from voting.emulation.scoring import STAGE_LABELS, Entry
from voting.emulation.table import parse_points
from voting.errors import InvalidInput
from voting.forms import Form
from voting.i18n import N_

ITEM_KIND_LABELS = {
    ItemKind.CRITERION: N_("Tiêu chí"),
    ItemKind.BONUS: N_("Điểm thưởng"),
    ItemKind.PENALTY: N_("Điểm trừ"),
}


class CreateTableForm(Form):
    """A new, empty criteria table."""

    year = IntegerField(_l("Năm"), validators=[DataRequired(_l("Nhập năm.")), NumberRange(2000, 2100)])
    title = StringField(_l("Tên bảng"), validators=[DataRequired(_l("Nhập tên bảng.")), Length(max=200)])


class ImportTableForm(Form):
    """A criteria table from a CSV or XLSX file."""

    year = IntegerField(_l("Năm"), validators=[DataRequired(_l("Nhập năm.")), NumberRange(2000, 2100)])
    title = StringField(_l("Tên bảng"), validators=[DataRequired(_l("Nhập tên bảng.")), Length(max=200)])
    file = FileField(_l("Tệp CSV hoặc XLSX"), validators=[FileRequired(_l("Chọn tệp."))])


class AddSectionForm(Form):
    """A section at the end of the table."""

    code = StringField(_l("Mã phần"), validators=[DataRequired(_l("Nhập mã phần.")), Length(max=20)])
    title = StringField(_l("Tên phần"), validators=[DataRequired(_l("Nhập tên phần.")), Length(max=300)])


class AddItemForm(Form):
    """A criterion, bonus or penalty item at the end of the table."""

    kind = SelectField(
        _l("Loại"), choices=[(kind.value, _l(label)) for kind, label in ITEM_KIND_LABELS.items()]
    )
    section_code = SelectField(_l("Thuộc phần"), validators=[Optional()])
    code = StringField(_l("Mã"), validators=[DataRequired(_l("Nhập mã.")), Length(max=20)])
    text = TextAreaField(_l("Nội dung"), validators=[DataRequired(_l("Nhập nội dung.")), Length(max=4000)])
    max_points = StringField(
        _l("Điểm tối đa"), validators=[DataRequired(_l("Nhập điểm tối đa.")), Length(max=12)]
    )

    def __init__(self, section_codes: list[str], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.section_code.choices = [("", "—"), *((code, code) for code in section_codes)]


class AddTieRuleForm(Form):
    """A tie rule after the others."""

    kind = SelectField(
        _l("Khi bằng điểm, xếp trên đơn vị có"),
        choices=[(k.value, _l(v)) for k, v in TIE_RULE_LABELS.items()],
    )
    subject_code = StringField(_l("Mã phần hoặc tiêu chí (nếu quy tắc nêu)"), validators=[Length(max=20)])


class RemoveItemForm(Form):
    """Which item to remove."""

    item_id = HiddenField(validators=[DataRequired()])


class StartScoringForm(Form):
    """The deadline of every stage (Vietnam time)."""

    self_deadline = DateTimeLocalField(
        _l(STAGE_LABELS[Stage.SELF]), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    cross_deadline = DateTimeLocalField(
        _l(STAGE_LABELS[Stage.CROSS]), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    review_deadline = DateTimeLocalField(
        _l(STAGE_LABELS[Stage.REVIEW]), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    second_review_deadline = DateTimeLocalField(
        _l(STAGE_LABELS[Stage.SECOND_REVIEW]), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )


class AssignForm(Form):
    """One unit cross-checks another."""

    checker = SelectField(_l("Đơn vị chấm"), coerce=int)
    checked = SelectField(_l("Chấm chéo cho đơn vị"), coerce=int)

    def __init__(self, units: list[Unit], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.checker.choices = self.checked.choices = [(unit.id, unit.name) for unit in units]


class CloseStageForm(Form):
    """Which stage to close."""

    stage = HiddenField(validators=[DataRequired()])


class ScoreSheetForm(Form):
    """A unit's points and explanations: inputs ``points_<id>`` and ``explanation_<id>`` per item."""


class EvidenceForm(Form):
    """A file for one item's self-score."""

    item_id = HiddenField(validators=[DataRequired()])
    file = FileField(_l("Tệp minh chứng (PDF, JPEG, PNG)"), validators=[FileRequired(_l("Chọn tệp."))])


@dataclass
class SheetInput:
    """What was typed on a score sheet: the entries that parse, and each bad input's message by name."""

    entries: list[Entry]
    errors: dict[str, str]
    typed: dict[str, str]


def read_sheet(data: Mapping[str, str], items: list[Criterion]) -> SheetInput:
    """Read the items' points and explanations from a posted sheet; an empty points input is skipped."""
    entries: list[Entry] = []
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    for item in items:
        points, explanation = data.get(f"points_{item.id}", ""), data.get(f"explanation_{item.id}", "")
        typed[f"points_{item.id}"], typed[f"explanation_{item.id}"] = points, explanation
        if not points.strip():
            continue
        if len(explanation) > 4000:
            errors[f"explanation_{item.id}"] = N_("Giải trình quá dài (tối đa 4000 ký tự).")
            continue
        try:
            entries.append(Entry(item, parse_points(points), explanation))
        except InvalidInput as error:
            errors[f"points_{item.id}"] = error.template
    return SheetInput(entries, errors, typed)
