"""The flag handover form."""

from __future__ import annotations

from wtforms import DateTimeLocalField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from voting.forms import Form


class RecordHandoverForm(Form):
    """What the chair records when the flag changes hands."""

    handed_over_at = DateTimeLocalField(
        "Thời gian bàn giao", format="%Y-%m-%dT%H:%M", validators=[DataRequired("Nhập ngày giờ bàn giao.")]
    )
    giver_name = StringField("Người giao (họ tên)", validators=[DataRequired(), Length(max=120)])
    giver_title = StringField("Chức vụ người giao", validators=[DataRequired(), Length(max=120)])
    receiver_name = StringField("Người nhận (họ tên)", validators=[DataRequired(), Length(max=120)])
    receiver_title = StringField("Chức vụ người nhận", validators=[DataRequired(), Length(max=120)])
    witnesses = TextAreaField(
        "Người chứng kiến (mỗi người một dòng)", validators=[DataRequired(), Length(max=2000)]
    )
    flag_condition = TextAreaField(
        "Tình trạng cờ",
        default="Cờ còn nguyên vẹn, màu sắc tươi, không rách, không bong chỉ.",
        validators=[DataRequired(), Length(max=2000)],
    )
    files_handed_over = TextAreaField("Hồ sơ, tài liệu bàn giao kèm theo", validators=[Length(max=4000)])
