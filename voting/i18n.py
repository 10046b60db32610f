"""Interface language: Vietnamese by default, English on request, remembered in the session."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request, session
from flask_babel import get_locale

from voting.extensions import babel

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def select_locale() -> str:
    """Return the language asked for by ``?lang=``, else the one remembered, else Vietnamese."""
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
