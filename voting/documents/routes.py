"""Issuing the documents, signing them, replacing them, the archive, the register and downloads."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from voting.auth.access import role_required, user
from voting.auth.models import Role
from voting.conferences.access import can_see, load_conference
from voting.conferences.services import attendance
from voting.confirm import ask_confirmation, is_confirmed
from voting.documents import approval as approval_services
from voting.documents import services
from voting.documents.access import load_document
from voting.documents.approval import find_approval
from voting.documents.archive import archive as search_archive
from voting.documents.archive import conference_zip, version_filename
from voting.documents.forms import (
    ArchiveFilterForm,
    IssueMinutesForm,
    RecordApprovalForm,
    RegisterFilterForm,
    ReplaceDocumentForm,
)
from voting.documents.kinds import DocumentKind, closing_kind, kind_entry, kind_of_slug
from voting.documents.models import DocumentFile
from voting.documents.numbering import ascii_slug
from voting.documents.questions import issue_document_question, issue_minutes_question, replace_question
from voting.documents.register import DEFAULT_FILE_CODE, RegisterLine, register_csv
from voting.documents.register import register as register_lines
from voting.documents.search import cluster_choices, clusters_named
from voting.elections.models import Office
from voting.elections.services import get_election
from voting.errors import InvalidState
from voting.extensions import db
from voting.formatting import utc_now
from voting.forms import ConfirmForm
from voting.security import framed_by_self

bp = Blueprint("documents", __name__)

#: documents listed per archive page
ARCHIVE_PAGE_SIZE = 50


def _links() -> dict[str, Any]:
    """Return the printed links' base and whether it may be a loopback address (demo, tests)."""
    return {
        "base_url": str(current_app.config.get("PUBLIC_BASE_URL") or services.DEFAULT_VERIFY_BASE_URL),
        "loopback_allowed": bool(current_app.config.get("LOOPBACK_LINKS_ALLOWED")),
    }


@bp.post("/conferences/<int:conference_id>/minutes")
@role_required(Role.CHAIR)
def issue(conference_id: int) -> Response:
    """Close the conference and issue its approved minutes (and the counting or handover minutes left)."""
    conference = load_conference(conference_id, Role.CHAIR)
    form = IssueMinutesForm()
    if not form.validate_on_submit():
        for error in form.overrun_reason.errors:
            flash(str(error), "danger")
        return redirect(url_for("console.console", conference_id=conference.id))
    if not is_confirmed():
        question = issue_minutes_question(find_approval(conference))
        label = _("Kết thúc hội nghị và phát hành biên bản")
        return ask_confirmation(question, label, url_for("console.console", conference_id=conference.id))
    try:
        document = services.issue_minutes(
            conference,
            by=user(),
            now=utc_now(),
            overrun_reason=form.overrun_reason.data or "",
            **_links(),
        )
    except InvalidState as refused:  # no approval yet, or events on another day without a reason
        db.session.rollback()
        flash(refused.message_in(_), "danger")
        return redirect(url_for("console.console", conference_id=conference.id))
    db.session.commit()
    flash(_("Đã phát hành biên bản hội nghị số %(number)s.", number=document.number), "success")
    return redirect(url_for("console.console", conference_id=conference.id))


@bp.get("/conferences/<int:conference_id>/minutes/draft")
@role_required(Role.CHAIR, Role.SECRETARY)
def draft(conference_id: int) -> str:
    """Show the draft minutes in large type to be read aloud, and the show of hands on them."""
    conference = load_conference(conference_id, Role.CHAIR, Role.SECRETARY)
    present = len(attendance(conference).present)
    approval = find_approval(conference)
    counts = (
        {"agreed": approval.agreed, "disagreed": approval.disagreed, "abstained": approval.abstained}
        if approval is not None
        else {"agreed": present, "disagreed": 0, "abstained": 0}
    )
    return render_template(
        "documents/draft.html",
        conference=conference,
        lines=services.draft_minutes_text(conference),
        approval=approval,
        present=present,
        form=RecordApprovalForm(present, formdata=None, data=counts),
        minutes=services.find_document(conference, closing_kind()),
    )


@bp.get("/conferences/<int:conference_id>/minutes/draft.pdf")
@role_required(Role.CHAIR, Role.SECRETARY)
def draft_pdf(conference_id: int) -> Response:
    """Send the draft minutes as a PDF watermarked "DỰ THẢO", shown in the browser."""
    conference = load_conference(conference_id, Role.CHAIR, Role.SECRETARY)
    return send_pdf_inline(services.draft_minutes_pdf(conference), f"du-thao-bien-ban-{conference.id}.pdf")


@bp.post("/conferences/<int:conference_id>/minutes/approval")
@role_required(Role.CHAIR, Role.SECRETARY)
def record_approval(conference_id: int) -> Response:
    """Record the show of hands on the minutes read aloud: agreed, disagreed, abstained."""
    conference = load_conference(conference_id, Role.CHAIR, Role.SECRETARY)
    form = RecordApprovalForm(len(attendance(conference).present))
    if not form.validate_on_submit():
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "danger")
        return redirect(url_for(".draft", conference_id=conference.id))
    approval = approval_services.record_approval(
        conference,
        agreed=form.agreed.data or 0,
        disagreed=form.disagreed.data or 0,
        abstained=form.abstained.data or 0,
        by=user(),
        now=utc_now(),
    )
    db.session.commit()
    flash(
        _(
            "Đã ghi nhận biểu quyết: %(agreed)s/%(present)s đơn vị đồng ý.",
            agreed=approval.agreed,
            present=approval.present,
        ),
        "success" if approval.is_adopted else "warning",
    )
    return redirect(url_for(".draft", conference_id=conference.id))


@bp.post("/conferences/<int:conference_id>/documents/<slug>", defaults={"office": None})
@bp.post("/conferences/<int:conference_id>/documents/<slug>/<office>")
@role_required(Role.CHAIR)
def issue_document(conference_id: int, slug: str, office: str | None) -> Response:
    """Issue a document of a kind issued on its own (counting minutes of an election, handover minutes)."""
    conference = load_conference(conference_id, Role.CHAIR)
    kind = kind_of_slug(slug)
    if kind is None or kind_entry(kind).per_election != (office is not None):
        abort(404)
    if office not in (None, *Office._value2member_map_) or not ConfirmForm().validate_on_submit():
        abort(400)
    election = (get_election(conference, Office(office)) or abort(404)) if office is not None else None
    if not is_confirmed():
        title = kind_entry(kind).title(election)
        back = url_for("signing.conference_documents", conference_id=conference.id)
        return ask_confirmation(issue_document_question(title), _("Phát hành") + " " + title, back)
    document = services.issue_document(conference, kind, election, by=user(), now=utc_now(), **_links())
    db.session.commit()
    flash(
        _("Đã phát hành %(title)s số %(number)s.", title=document.kind.label, number=document.number),
        "success",
    )
    return redirect(url_for("signing.conference_documents", conference_id=conference.id))


@bp.post("/documents/<int:document_id>/replace")
@role_required(Role.CHAIR, Role.SECRETARY)
def replace(document_id: int) -> Response:
    """Issue a replacement under the next number; the old document stays in the archive, marked replaced."""
    document = load_document(document_id)
    form = ReplaceDocumentForm()
    if not form.validate_on_submit():
        flash(_("Cần ghi rõ lý do thay thế (ít nhất 5 ký tự)."), "danger")
    elif not is_confirmed():
        back = url_for("signing.conference_documents", conference_id=document.conference_id)
        return ask_confirmation(replace_question(document), _("Phát hành văn bản thay thế"), back)
    else:
        replacement = services.replace_document(
            document, reason=form.reason.data or "", by=user(), now=utc_now(), **_links()
        )
        db.session.commit()
        flash(
            _(
                "Đã phát hành văn bản số %(new)s thay thế văn bản số %(old)s.",
                new=replacement.number,
                old=document.number,
            ),
            "success",
        )
    return redirect(url_for("signing.conference_documents", conference_id=document.conference_id))


@bp.get("/archive")
@role_required(Role.ARCHIVIST, Role.ADMIN)
def archive() -> str:
    """Search issued documents by cluster, year, kind, unit and text."""
    named, choices = _cluster_filter()
    form = ArchiveFilterForm(choices, formdata=request.args)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    entries = []
    if form.validate():
        entries = search_archive(
            cluster_id=form.cluster.data or None,
            cluster_ids=None if named is None else [id_ for id_, _name in named],
            year=form.year.data,
            kind=DocumentKind(form.kind.data) if form.kind.data else None,
            unit=form.unit.data,
            text=form.text.data,
            limit=ARCHIVE_PAGE_SIZE + 1,  # one more tells whether a next page exists
            offset=(page - 1) * ARCHIVE_PAGE_SIZE,
        )
    # The links keep the filters, but never pass url_for's own options (_external, _scheme, …).
    args: dict[str, Any] = {name: value for name, value in request.args.items() if not name.startswith("_")}
    has_next = len(entries) > ARCHIVE_PAGE_SIZE
    pages = {
        "previous": url_for(".archive", **{**args, "page": page - 1}) if page > 1 else None,
        "next": url_for(".archive", **{**args, "page": page + 1}) if has_next else None,
    }
    return render_template(
        "documents/archive.html", form=form, entries=entries[:ARCHIVE_PAGE_SIZE], page=page, pages=pages
    )


def _cluster_filter() -> tuple[list[tuple[int, str]] | None, list[tuple[int, str]]]:
    """Return the clusters a typed ``cluster_name`` finds (None: no name) and the short list to offer."""
    named = clusters_named(request.args.get("cluster_name", ""))
    return named, cluster_choices(request.args.get("cluster", 0, type=int), named)


def _register_lines() -> tuple[RegisterFilterForm, list[RegisterLine]]:
    """Return the register's filter form and the lines it selects (none when the filters are invalid)."""
    named, choices = _cluster_filter()
    form = RegisterFilterForm(choices, formdata=request.args)
    if not form.validate():
        return form, []
    lines = register_lines(
        cluster_id=form.cluster.data or None,
        cluster_ids=None if named is None else [id_ for id_, _name in named],
        year=form.year.data,
        file_code=current_app.config.get("REGISTER_FILE_CODE") or DEFAULT_FILE_CODE,
        retention=current_app.config.get("DOCUMENT_RETENTION") or {},
    )
    return form, lines


@bp.get("/register")
@role_required(Role.ARCHIVIST, Role.ADMIN)
def register() -> str:
    """Show the register of outgoing documents, by cluster and year."""
    form, lines = _register_lines()
    args = {
        name: value for name, value in request.args.items() if name in ("cluster_name", "cluster", "year")
    }
    return render_template("documents/register.html", form=form, lines=lines, csv_args=args)


@bp.get("/register.csv")
@role_required(Role.ARCHIVIST, Role.ADMIN)
def register_export() -> Response:
    """Send the register's lines, as filtered, as CSV."""
    form, lines = _register_lines()
    if form.errors:
        abort(400)
    year = f"-{form.year.data}" if form.year.data else ""
    return send_file(
        io.BytesIO(register_csv(lines).encode("utf-8")),
        mimetype="text/csv",
        as_attachment=True,
        download_name=f"so-dang-ky-van-ban-di{year}.csv",
        max_age=0,
    )


@bp.get("/documents/<int:document_id>/download")
@role_required(Role.ARCHIVIST, Role.ADMIN, Role.CHAIR, Role.SECRETARY, Role.REPRESENTATIVE)
def download(document_id: int) -> Response:
    """Send the exact stored bytes of the document's current state."""
    document = load_document(document_id)
    return send_stored(document.current_file, version_filename(document.current_version))


@bp.get("/files/<int:file_id>/download")
@role_required(Role.ARCHIVIST, Role.ADMIN, Role.CHAIR, Role.SECRETARY, Role.REPRESENTATIVE)
def download_file(file_id: int) -> Response:
    """Send any stored state of any version (the unsigned original, after each signature)."""
    stored = db.session.get(DocumentFile, file_id) or abort(404)
    document = stored.version.document
    if not can_see(user(), document.conference):
        abort(403)
    name = version_filename(stored.version).replace(".pdf", f"-r{stored.revision}.pdf")
    return send_stored(stored, name)


@bp.get("/files/<int:file_id>/view")
@framed_by_self
@role_required(Role.ARCHIVIST, Role.ADMIN, Role.CHAIR, Role.SECRETARY, Role.REPRESENTATIVE, Role.COUNTER)
def view_file(file_id: int) -> Response:
    """Show a stored state in the browser (the signing page frames the exact bytes being signed)."""
    stored = db.session.get(DocumentFile, file_id) or abort(404)
    if not can_see(user(), stored.version.document.conference):
        abort(403)
    return send_stored(stored, version_filename(stored.version), inline=True)


def send_stored(stored: DocumentFile, name: str, *, inline: bool = False) -> Response:
    """Send a stored state as a PDF (a download, or *inline* to be shown), with its SHA-256 as ETag."""
    response = send_file(
        io.BytesIO(stored.content),
        mimetype="application/pdf",
        as_attachment=not inline,
        download_name=name,
        etag=stored.sha256,
        max_age=0,
    )
    response.headers["X-Content-SHA256"] = stored.sha256
    return response


def send_pdf_inline(content: bytes, name: str) -> Response:
    """Send PDF bytes to be shown in the browser, never cached."""
    response = send_file(io.BytesIO(content), mimetype="application/pdf", download_name=name, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/conferences/<int:conference_id>/archive.zip")
@role_required(Role.ARCHIVIST, Role.ADMIN, Role.CHAIR, Role.SECRETARY)
def export_zip(conference_id: int) -> Response:
    """Send one ZIP of the conference: PDFs, data.json and SHA256SUMS."""
    conference = load_conference(conference_id, Role.ARCHIVIST, Role.ADMIN, Role.CHAIR, Role.SECRETARY)
    name = f"luu-tru-{ascii_slug(conference.cluster.code)}-{conference.year}.zip"
    return send_file(
        io.BytesIO(conference_zip(conference)),
        mimetype="application/zip",
        as_attachment=True,
        download_name=name,
        max_age=0,
    )
