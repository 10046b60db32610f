"""What the chair or secretary is asked before issuing or replacing a document, in numbers.

The dialog and the no-script confirmation page ask the same question (``voting.confirm``).
"""

from __future__ import annotations

from flask_babel import gettext

from voting.documents.approval import MinutesApproval
from voting.documents.models import Document


def _(text: str, **params: object) -> str:
    """Return *text* in the reader's language (``gettext``, typed)."""
    return str(gettext(text, **params))


def issue_minutes_question(approval: MinutesApproval | None) -> str:
    """Return the question before ending the conference: the show of hands the minutes record."""
    if approval is None:  # the service refuses without it, saying why
        return _(
            "Kết thúc hội nghị và phát hành biên bản? Biên bản đã phát hành không thể sửa; "
            "không thể hoàn tác (hội nghị kết thúc)."
        )
    return _(
        "Kết thúc hội nghị và phát hành biên bản đã được %(agreed)s/%(present)s đơn vị biểu quyết thông qua? "
        "Biên bản đã phát hành không thể sửa; không thể hoàn tác.",
        agreed=approval.agreed,
        present=approval.present,
    )


def issue_document_question(title: str) -> str:
    """Return the question before issuing a document of its own: it takes the register's next number."""
    return _(
        "Phát hành %(title)s? Văn bản nhận số tiếp theo trong sổ đăng ký và không thể sửa, "
        "chỉ có thể thay thế.",
        title=title,
    )


def replace_question(document: Document) -> str:
    """Return the question before replacing a document: the old number stays, marked replaced."""
    return _(
        "Phát hành văn bản thay thế %(title)s số %(number)s? Văn bản số %(number)s sẽ được ghi là đã bị "
        "thay thế; văn bản mới nhận số mới. Không thể hoàn tác.",
        title=document.title,
        number=document.number,
    )
