"""Forms shared across features, and how a refused rule shows on a form."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_wtf import FlaskForm

from voting.errors import VotingError
from voting.i18n import WTFormsTranslations


class Form(FlaskForm):
    """The base of every form: WTForms' own messages ("This field is required.") in the reader's language."""

    class Meta:
        def get_translations(self, form: Any) -> WTFormsTranslations:
            return WTFormsTranslations()


class ConfirmForm(Form):
    """A bare button: only the CSRF token."""


def show_refusal(form: FlaskForm, error: VotingError, field: str | None = None) -> str:
    """Put a refused rule on the form by the field it names (else *field*), else on the form; return it.

    The message is in the reader's language, as the error pages show it.
    """
    message = error.message_in(gettext)
    name = error.field or field
    if name is not None and name in form:
        form[name].errors = [*form[name].errors, message]
    else:
        form.form_errors.append(message)
    return message
