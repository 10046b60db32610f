"""Issuing the minutes, the archive and downloads."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from voting.auth.access import can_see, load_conference, role_required, user
from voting.auth.models import Role
from voting.clusters.models import Cluster
from voting.conferences.services import attendance
from voting.documents import services
from voting.documents.forms import ArchiveFilterForm, IssueMinutesForm
from voting.documents.models import Document
from voting.extensions import db
from voting.formatting import utc_now

bp = Blueprint("documents", __name__)


@bp.post("/conferences/<int:conference_id>/minutes")
@role_required(Role.CHAIR)
def issue(conference_id: int) -> Response:
    """Close the conference and issue its minutes."""
    conference = load_conference(conference_id, Role.CHAIR)
    form = IssueMinutesForm(present=len(attendance(conference).present))
    if not form.validate_on_submit():
        for error in form.approvals.errors:
            flash(str(error), "danger")
        return redirect(url_for("conferences.console", conference_id=conference.id))
    document = services.issue_minutes(
        conference, by=user(), now=utc_now(), approvals=form.approvals.data or 0
    )
    db.session.commit()
    flash(f"Đã phát hành biên bản hội nghị số {document.number}.", "success")
    return redirect(url_for("conferences.console", conference_id=conference.id))


@bp.get("/archive")
@role_required(Role.ARCHIVIST, Role.ADMIN)
def archive() -> str:
    """List issued documents by cluster and year."""
    clusters = db.session.execute(sa.select(Cluster.id, Cluster.name).order_by(Cluster.name)).tuples()
    form = ArchiveFilterForm([(id_, name) for id_, name in clusters], formdata=request.args)
    entries = []
    if form.validate():
        entries = services.archive(cluster_id=form.cluster.data or None, year=form.year.data)
    return render_template("documents/archive.html", form=form, entries=entries)


@bp.get("/documents/<int:document_id>/download")
@role_required(Role.ARCHIVIST, Role.ADMIN, Role.CHAIR, Role.SECRETARY, Role.REPRESENTATIVE)
def download(document_id: int) -> Response:
    """Send the exact bytes that were issued."""
    document = db.session.get(Document, document_id) or abort(404)
    if not can_see(user(), document.conference):
        abort(403)
    response = send_file(
        io.BytesIO(document.content),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=document.filename,
        etag=document.sha256,
        max_age=0,
    )
    response.headers["X-Content-SHA256"] = document.sha256
    return response
