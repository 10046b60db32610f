"""Signing with a PIN or an uploaded PKCS#12 file, and uploading a PDF to verify."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from voting.forms import Form
from voting.signing.pki import MIN_PIN_LENGTH


class SignDocumentForm(Form):
    """The signer's PIN, or their own PKCS#12 file and its password (used once, never stored)."""

    pin = PasswordField(_l("Mã PIN ký số"), validators=[Optional(), Length(max=128)])
    pkcs12 = FileField(_l("Tệp chứng thư số PKCS#12 (.p12/.pfx) của người ký"))
    pkcs12_password = PasswordField(_l("Mật khẩu tệp PKCS#12"), validators=[Optional(), Length(max=128)])


class ChangePinForm(Form):
    """The signer's current PIN and the new one, typed twice."""

    old_pin = PasswordField(_l("Mã PIN hiện tại"), validators=[DataRequired(), Length(max=128)])
    new_pin = PasswordField(
        _l("Mã PIN mới (ít nhất 6 ký tự)"),
        validators=[
            DataRequired(),
            Length(min=MIN_PIN_LENGTH, max=128, message=_l("Mã PIN phải có ít nhất 6 ký tự.")),
        ],
    )
    confirm = PasswordField(
        _l("Nhập lại mã PIN mới"),
        validators=[DataRequired(), EqualTo("new_pin", message=_l("Hai mã PIN không khớp."))],
    )


class VerifyUploadForm(Form):
    """A PDF to check against the archive."""

    pdf = FileField(_l("Tệp PDF cần kiểm tra"), validators=[FileRequired(_l("Chọn một tệp PDF."))])


class UploadSignedForm(Form):
    """The prepared revision as the signer's own tool signed it."""

    signed = FileField(
        _l("Tệp PDF đã ký bằng công cụ của mình"), validators=[FileRequired(_l("Chọn tệp PDF đã ký."))]
    )


class SealDocumentForm(Form):
    """The agency's key: on a PKCS#11 token (its label, the key's label, the PIN) or in a PKCS#12 file."""

    token_label = StringField(_l("Nhãn thiết bị ký số (token/HSM)"), validators=[Optional(), Length(max=32)])
    key_label = StringField(
        _l("Nhãn khóa của cơ quan trên thiết bị"), validators=[Optional(), Length(max=64)]
    )
    pin = PasswordField(_l("Mã PIN của thiết bị"), validators=[Optional(), Length(max=64)])
    pkcs12 = FileField(_l("Tệp PKCS#12 (.p12/.pfx) của cơ quan"))
    pkcs12_password = PasswordField(_l("Mật khẩu tệp PKCS#12"), validators=[Optional(), Length(max=128)])


class SignatureImageForm(Form):
    """A PNG of the handwritten signature, shown in the person's signature stamps."""

    image = FileField(
        _l("Ảnh chữ ký tay (PNG nền trong suốt, màu xanh)"),
        validators=[FileRequired(_l("Chọn một tệp PNG."))],
    )
