"""App-wide error pages and template helpers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context, jsonify, render_template, request, send_from_directory
from flask.sansio.app import App
from flask_babel import format_decimal, gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from voting.errors import VotingError
from voting.extensions import db, login_manager
from voting.formatting import format_datetime, format_points, share, to_local
from voting.forms import ConfirmForm
from voting.i18n import N_

ERROR_TITLES = {
    400: N_("Yêu cầu không hợp lệ"),
    403: N_("Không có quyền truy cập"),
    404: N_("Không tìm thấy"),
    405: N_("Không làm được theo cách này"),
    409: N_("Không thể thực hiện"),
    413: N_("Tệp quá lớn"),
    422: N_("Không thể thực hiện"),
    429: N_("Xin đợi một lát"),
    500: N_("Lỗi hệ thống"),
}

#: what a page says when the refusal carries no message of its own (never Werkzeug's English text)
ERROR_MESSAGES = {
    400: N_("Trang không hiểu được yêu cầu vừa gửi. Hãy quay lại trang trước và thử lại."),
    403: N_("Tài khoản của bạn không được xem trang này hoặc làm việc này."),
    404: N_("Không có trang này: địa chỉ có thể đã gõ sai, hoặc thứ bạn tìm không còn nữa."),
    405: N_("Trang này không nhận yêu cầu theo cách vừa gửi. Hãy dùng các nút trên trang."),
    409: N_("Việc này không hợp với tình trạng hiện tại của hội nghị."),
    413: N_("Tệp hoặc dữ liệu gửi lên vượt quá giới hạn cho phép."),
    429: N_("Có quá nhiều yêu cầu trong thời gian ngắn. Hãy đợi một lát rồi thử lại."),
    500: N_(
        "Đã có lỗi ngoài dự kiến và không có gì được ghi lại. Hãy thử lại; nếu vẫn lỗi, hãy báo quản trị."
    ),
}


#: where the app keeps the path prefixes whose refusals are answered in JSON
JSON_PREFIXES = "luanluu.json_error_prefixes"

CSRF_MESSAGE = N_("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại.")


def favicon() -> Response:
    """Send the icon browsers ask for at /favicon.ico whatever the page links (the SVG and PNG in static)."""
    return send_from_directory(
        Path(current_app.static_folder or "") / "icons", "favicon.ico", mimetype="image/vnd.microsoft.icon"
    )


def init_app(app: Flask) -> None:
    """Register error handlers and template helpers."""
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("Vui lòng đăng nhập để tiếp tục.")
    login_manager.localize_callback = gettext
    login_manager.login_message_category = "info"

    @app.errorhandler(VotingError)
    def refused(error: VotingError) -> tuple[str | Response, int]:
        db.session.rollback()
        return _error_page(error.status_code, error.message_in(gettext))

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> tuple[str | Response, int]:
        return _error_page(400, gettext(CSRF_MESSAGE))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str | Response, int] | HTTPException:
        if error.code is None or error.code < 400 or error.code >= 500:
            return error
        return _error_page(error.code, _description(error))

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> tuple[str | Response, int]:
        db.session.rollback()
        return _error_page(500, gettext(ERROR_MESSAGES[500]))

    @app.context_processor
    def globals_() -> dict[str, Any]:
        # formdata=None: the logout button never reads the posted body, which may be the
        # too-large one that a 413 page is answering.
        return {"logout_form": ConfirmForm(formdata=None)}

    app.jinja_env.globals["tr"] = gettext  # a plain translating function for Python-built texts
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["percent_of"] = format_share
    app.jinja_env.filters["local"] = to_local
    app.jinja_env.filters["points"] = format_points_local


def format_number(value: float | Decimal, digits: int = 0) -> str:
    """Return a number as the reader's language writes it: "1.234,5" in Vietnamese, "1,234.5" in English."""
    return str(format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else "")))


def format_points_local(value: Decimal) -> str:
    """Return points as the reader's language writes them, no trailing zeros: "7,5" or "7.5", "10", "0,25".

    No thousands separator: the sheet's inputs show the same text, and parse it back.
    """
    if not has_app_context():  # a script or a document outside the app: the Vietnamese way
        return format_points(value)
    return str(format_decimal(value.quantize(Decimal("0.01")), format="0.##"))


class LocalPoints(Decimal):
    """Points that print in the reader's language: a refusal's value, formatted when the page shows it."""

    def __str__(self) -> str:
        return format_points_local(self)


def format_share(part: int, whole: int) -> str:
    """Return part/whole as a percentage with two decimals in the reader's language ("62,50", "62.50")."""
    return format_number(share(part, whole), 2)


def answer_in_json(app: App, prefix: str) -> None:
    """Answer every refusal of a request under *prefix* as JSON, ``{"error": message}``, not as a page."""
    app.extensions.setdefault(JSON_PREFIXES, set()).add(prefix)


def _description(error: HTTPException) -> str:
    """Return the refusal's own message in the reader's language, else the app's words for its code."""
    description = error.description or ""
    if not description or description == type(error).description:
        return str(gettext(ERROR_MESSAGES.get(error.code or 400, ERROR_MESSAGES[400])))
    # abort(404, N_("…")) passes a catalogue msgid; a text already translated passes unchanged
    return str(gettext(description))


def _error_page(code: int, message: str) -> tuple[str | Response, int]:
    """Render the error page with a readable message (JSON under the prefixes that asked for it)."""
    if request.path.startswith(tuple(current_app.extensions.get(JSON_PREFIXES, ()))):
        return jsonify(error=message), code
    title = gettext(ERROR_TITLES.get(code, N_("Lỗi")))
    return render_template("errors/error.html", code=code, title=title, message=message), code
