"""Login form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from voting.forms import Form


class LoginForm(Form):
    """Username and password."""

    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(max=256)])


class ChangePasswordForm(Form):
    """The current password, and the new one twice."""

    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(), Length(max=256)])
    new = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[DataRequired(), EqualTo("new", message=_l("Hai lần nhập mật khẩu mới không khớp."))],
    )
