"""Confirmation of irreversible actions: a POST acts only when it says ``confirmed=1``.

The page's dialog (static/confirm.js, on a form with ``data-confirm``) adds the field once the person
has read what will happen; without the script, or from any other client, the view answers with a
page that says the same and re-posts the same fields confirmed. One click never acts.
"""

from __future__ import annotations

from flask import render_template, request
from werkzeug.wrappers import Response

from voting.forms import ConfirmForm

#: the form field that says the person confirmed
FIELD = "confirmed"
#: fields never copied into the confirmation page's form (it carries its own token and field)
NOT_COPIED = {"csrf_token", FIELD}


def is_confirmed() -> bool:
    """Return whether the posted form carries the confirmation."""
    return request.form.get(FIELD) == "1"


def ask_confirmation(question: str, label: str, back: str) -> Response:
    """Answer an unconfirmed POST (409, nothing done) with *question* and a button that re-posts it confirmed.

    *label* names the action on the button; *back* is where "Quay lại" leads, nothing posted.
    """
    fields = [
        (name, value) for name, values in request.form.lists() if name not in NOT_COPIED for value in values
    ]
    body = render_template(
        "confirm.html",
        question=question,
        label=label,
        back=back,
        action=request.path,
        fields=fields,
        field=FIELD,
        form=ConfirmForm(),
    )
    return Response(body, status=409, mimetype="text/html")
