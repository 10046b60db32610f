"""Administration forms; choices come from explicit arguments."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateTimeLocalField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional, Regexp

from voting.auth.models import Role
from voting.forms import Form

USERNAME = Regexp(r"^[A-Za-z0-9_.]+$", message=_l("Chỉ gồm chữ không dấu, số, dấu chấm và gạch dưới."))


class CreateClusterForm(Form):
    """A new cluster."""

    name = StringField(_l("Tên cụm"), validators=[DataRequired(), Length(max=120)])
    parent_body = StringField(_l("Cơ quan cấp trên"), validators=[DataRequired(), Length(max=160)])
    code = StringField(_l("Mã cụm (dùng trong số văn bản)"), validators=[DataRequired(), Length(max=20)])
    city = StringField(_l("Địa danh ghi trên văn bản"), validators=[DataRequired(), Length(max=80)])


class UnitNameForm(Form):
    """Add or rename a unit."""

    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(), Length(max=160)])


class CreateUserForm(Form):
    """A new account."""

    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=64), USERNAME])
    full_name = StringField(_l("Họ tên"), validators=[DataRequired(), Length(max=120)])
    title = StringField(_l("Chức vụ"), validators=[Length(max=120)])
    role = SelectField(_l("Vai trò"), choices=[(r.value, _l(r.label)) for r in Role])
    unit = SelectField(_l("Đơn vị (bắt buộc với đại biểu)"), coerce=int)
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(min=8, max=256)])

    def __init__(self, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.unit.choices = [(0, "—")] + units


class ChangeRoleForm(Form):
    """Give an account another role."""

    role = SelectField(_l("Vai trò"), choices=[(r.value, _l(r.label)) for r in Role])


class CreateConferenceForm(Form):
    """A cluster's year-end conference."""

    year = IntegerField(_l("Năm tổng kết"), validators=[DataRequired(), NumberRange(1945, 2200)])
    starts_at = DateTimeLocalField(
        _l("Thời gian bắt đầu"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    place = StringField(_l("Địa điểm"), validators=[DataRequired(), Length(max=255)])
    directing_leader = StringField(_l("Đại biểu dự và chỉ đạo"), validators=[Length(max=255)])
    chair = SelectField(_l("Chủ trì (chủ tọa)"), coerce=int)
    secretary = SelectField(_l("Thư ký"), coerce=int)
    outgoing_leader = SelectField(_l("Đơn vị Cụm trưởng năm tổng kết"), coerce=int)
    outgoing_deputy = SelectField(_l("Đơn vị Cụm phó năm tổng kết"), coerce=int, validators=[Optional()])

    def __init__(
        self,
        *,
        chairs: list[tuple[int, str]],
        secretaries: list[tuple[int, str]],
        units: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.chair.choices = chairs
        self.secretary.choices = secretaries
        self.outgoing_leader.choices = units
        self.outgoing_deputy.choices = [(0, "—")] + units


class ImportForm(Form):
    """A CSV file of units and representatives."""

    file = FileField(_l("Tệp CSV (UTF-8), các cột như trên"), validators=[FileRequired()])


class ClearThrottleForm(Form):
    """Lift one login throttle (a hidden id on its row's button)."""

    throttle_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])


class IssueCertificateForm(Form):
    """The CA passphrase, typed by the administrator to issue or renew a signing certificate."""

    ca_passphrase = PasswordField(_l("Mật khẩu bảo vệ khóa CA"), validators=[DataRequired(), Length(max=256)])


class CreateAuthorityForm(Form):
    """The organisation's root CA: its name and the passphrase that seals its key."""

    name = StringField(_l("Tên CA"), validators=[DataRequired(), Length(max=64)])
    organization = StringField(_l("Cơ quan"), validators=[Length(max=64)])
    passphrase = PasswordField(
        _l("Mật khẩu bảo vệ khóa CA (ít nhất 12 ký tự)"), validators=[DataRequired(), Length(min=12, max=256)]
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu"),
        validators=[DataRequired(), EqualTo("passphrase", message=_l("Hai mật khẩu không khớp."))],
    )


class RegisterCertificateForm(Form):
    """A person's own signing certificate (.cer/.pem), as the administrator registers it."""

    certificate = FileField(
        _l("Tệp chứng thư số (.cer, .crt, .pem)"), validators=[FileRequired(_l("Chọn tệp chứng thư số."))]
    )
    matches_subject = BooleanField(
        _l(
            "Tôi đã đối chiếu các trường chủ thể với người này: chấp nhận cả chứng thư gia hạn "
            "cùng chủ thể, cùng tổ chức cấp"
        )
    )


class AgencyCertificateForm(Form):
    """The issuing body's certificate (its key stays on the token), its name and its seal image."""

    agency_name = StringField(
        _l("Tên cơ quan ghi trên chữ ký số"), validators=[DataRequired(), Length(max=160)]
    )
    certificate = FileField(
        _l("Chứng thư số của cơ quan (PEM, .pem/.crt)"),
        validators=[FileRequired(_l("Chọn tệp chứng thư số."))],
    )
    seal = FileField(_l("Ảnh con dấu (PNG màu đỏ, nền trong suốt; để trống: giữ ảnh cũ)"))


class ImportTrustFileForm(Form):
    """A CA certificate or a CRL file (PEM or DER) for the trust list."""

    file = FileField(_l("Tệp (PEM hoặc DER)"), validators=[FileRequired()])


class RevokeCredentialForm(IssueCertificateForm):
    """The CA passphrase, to revoke an in-app signer certificate: the CA's key signs the new CRL."""
