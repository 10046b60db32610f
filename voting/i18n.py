"""Interface language: Vietnamese by default, English on request, remembered in the session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, has_request_context, request, session
from flask_babel import get_locale, gettext

from voting.extensions import babel

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def select_locale() -> str:
    """Return the language asked for by ``?lang=``, else the one remembered, else Vietnamese."""
    if not has_request_context():
        return DEFAULT_LANGUAGE  # the CLI, a service test: Vietnamese, as the documents
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    return remembered if remembered in LANGUAGES else DEFAULT_LANGUAGE


def compile_catalogues() -> None:
    """Compile each committed ``.po`` into the ``.mo`` Flask-Babel reads, when it is newer."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the session-remembered language."""
    compile_catalogues()
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def language() -> dict[str, str]:
        return {"current_language": str(get_locale() or DEFAULT_LANGUAGE)}


#: a translating function: Flask-Babel's ``gettext`` on pages, ``vietnamese`` for documents
Translate = Callable[..., str]


def vietnamese(message: str, **params: object) -> str:
    """Return a catalogue msgid filled in as it is, in Vietnamese: what documents say in every language."""
    return message % params if params else message


def N_(message: str) -> str:  # noqa: N802 - the usual name of the marker
    """Mark a message for the catalogue without translating it (translated where shown)."""
    return message


#: labels defined as plain Vietnamese on models (offices, roles, document kinds), marked here so the
#: catalogue has them; templates show them with ``_(label)``
MODEL_LABELS = (
    N_("Cụm trưởng"),
    N_("Cụm phó"),
    N_("Quản trị"),
    N_("Chủ trì (chủ tọa)"),
    N_("Thư ký"),
    N_("Đại biểu đơn vị"),
    N_("Cán bộ lưu trữ"),
    N_("Thành viên Ban kiểm phiếu"),
    N_("Văn thư"),
    N_("Bốc thăm"),
    N_("Đã phát hành"),  # a version's status once the clerk applied the agency's signature
)


#: WTForms' own messages (it ships no Vietnamese), keyed by its English text, as catalogue msgids; the
#: English msgstr of each is WTForms' text (its plural where it has one: no form asks for one character)
WTFORMS_MESSAGES = {
    "This field is required.": N_("Vui lòng điền mục này."),
    "Field must be at least %(min)d character long.": N_("Cần ít nhất %(min)d ký tự."),
    "Field must be at least %(min)d characters long.": N_("Cần ít nhất %(min)d ký tự."),
    "Field cannot be longer than %(max)d character.": N_("Không được dài quá %(max)d ký tự."),
    "Field cannot be longer than %(max)d characters.": N_("Không được dài quá %(max)d ký tự."),
    "Field must be exactly %(max)d character long.": N_("Cần đúng %(max)d ký tự."),
    "Field must be exactly %(max)d characters long.": N_("Cần đúng %(max)d ký tự."),
    "Field must be between %(min)d and %(max)d characters long.": N_("Cần từ %(min)d đến %(max)d ký tự."),
    "Number must be at least %(min)s.": N_("Số phải từ %(min)s trở lên."),
    "Number must be at most %(max)s.": N_("Số không được lớn hơn %(max)s."),
    "Number must be between %(min)s and %(max)s.": N_("Số phải từ %(min)s đến %(max)s."),
    "Field must be equal to %(other_name)s.": N_("Phải trùng với mục %(other_name)s."),
    "Invalid input.": N_("Giá trị không hợp lệ."),
    "Invalid email address.": N_("Địa chỉ thư điện tử không hợp lệ."),
    "Invalid URL.": N_("Địa chỉ URL không hợp lệ."),
    "Invalid value, must be one of: %(values)s.": N_("Giá trị phải là một trong: %(values)s."),
    "Invalid value, can't be any of: %(values)s.": N_("Giá trị không được là: %(values)s."),
    "Not a valid choice.": N_("Lựa chọn không hợp lệ."),
    "Invalid Choice: could not coerce.": N_("Lựa chọn không hợp lệ."),
    "Invalid choice(s): one or more data inputs could not be coerced.": N_("Lựa chọn không hợp lệ."),
    "'%(value)s' is not a valid choice for this field.": N_("Lựa chọn không hợp lệ."),
    "'%(value)s' are not valid choices for this field.": N_("Lựa chọn không hợp lệ."),
    "Not a valid integer value.": N_("Cần nhập một số nguyên."),
    "Not a valid decimal value.": N_("Cần nhập một số."),
    "Not a valid float value.": N_("Cần nhập một số."),
    "Not a valid date value.": N_("Ngày không hợp lệ."),
    "Not a valid datetime value.": N_("Ngày giờ không hợp lệ."),
    "Not a valid time value.": N_("Giờ không hợp lệ."),
}


class WTFormsTranslations:
    """WTForms' translations object: its English messages, read through the app's catalogue."""

    def gettext(self, string: str) -> str:
        """Return WTForms' message *string* in the reader's language (unknown ones unchanged)."""
        msgid = WTFORMS_MESSAGES.get(string)
        return string if msgid is None else str(gettext(msgid))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Return the singular or plural message in the reader's language (Vietnamese has one form)."""
        return self.gettext(singular if n == 1 else plural)
