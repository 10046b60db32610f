"""Loading a document for the current user: 404 if there is none, 403 if it is not theirs to see."""

from __future__ import annotations

from flask import abort

from voting.auth.access import user
from voting.auth.models import Role
from voting.conferences.access import can_see
from voting.documents.models import Document
from voting.extensions import db

#: every role with a part in a conference may open its documents
ALL_ROLES = tuple(Role)


def load_document(document_id: int) -> Document:
    """Return a document of a conference the current user may see, else 404/403."""
    document = db.session.get(Document, document_id) or abort(404)
    if not can_see(user(), document.conference):
        abort(403)
    return document
