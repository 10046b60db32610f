"""Issuing documents and replacing them; each kind's particulars come from its entry in ``kinds``."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa

from voting.audit.services import record
from voting.auth.models import User
from voting.conferences.models import Conference
from voting.conferences.services import attendance
from voting.config import LOOPBACK_BASE_URL, is_loopback_url
from voting.documents import collect
from voting.documents.approval import approval_fields, check_dates, find_approval, minutes_dates
from voting.documents.kinds import KINDS, DocumentKind, Stamp, closing_kind, kind_entry
from voting.documents.minutes_data import ConferenceMinutes
from voting.documents.models import Document, DocumentFile, DocumentVersion, new_verify_code
from voting.documents.numbering import (
    document_filename,
    document_number,
    next_sequence,
    register_year,
    verify_url,
)
from voting.documents.pdf import BuiltPdf, add_signature_fields
from voting.documents.pdf.conference import conference_minutes_text
from voting.elections.models import Election
from voting.errors import AlreadyIssued, InvalidState, NotFound
from voting.extensions import db
from voting.formatting import fold, nfc, to_local
from voting.i18n import N_

#: where the QR code of a document points when the deployment sets no PUBLIC_BASE_URL
DEFAULT_VERIFY_BASE_URL = LOOPBACK_BASE_URL


def check_base_url(base_url: str, *, loopback_allowed: bool) -> None:
    """Refuse a verification link only this machine can open, unless the demo or tests allow it."""
    if not loopback_allowed and is_loopback_url(base_url):
        raise InvalidState(
            N_(
                "Chưa thể phát hành văn bản: địa chỉ công khai của hệ thống (%(url)s) chỉ mở được trên chính "
                "máy chủ, nên mã QR và liên kết xác minh in trên văn bản sẽ không dùng được. Quản trị viên "
                "cần đặt PUBLIC_BASE_URL là địa chỉ mạng nội bộ của hệ thống rồi khởi động lại."
            ),
            url=base_url,
        )


def find_document(
    conference: Conference, kind: DocumentKind, election: Election | None = None
) -> Document | None:
    """Return the conference's document in force of a kind (of a per-election kind: of *election*)."""
    query = sa.select(Document).where(
        Document.conference_id == conference.id, Document.kind == kind, Document.replaced_at.is_(None)
    )
    if election is not None:
        query = query.where(Document.election_id == election.id)
    return db.session.scalar(query.order_by(Document.sequence).limit(1))


def issuable(conference: Conference) -> list[tuple[DocumentKind, Election | None]]:
    """Return the documents that may be issued on their own now and are not yet, in numbering order."""
    found = []
    for kind, entry in KINDS.items():
        if entry.closes_conference:
            continue
        for election in entry.subjects(conference):
            if entry.is_ready(conference, election) and find_document(conference, kind, election) is None:
                found.append((kind, election))
    return found


def waiting(conference: Conference) -> list[tuple[DocumentKind, InvalidState]]:
    """Return the documents the conference will have but cannot issue yet, each with the reason."""
    found = []
    for kind, entry in KINDS.items():
        refused = entry.refusal(conference)
        if refused is not None and find_document(conference, kind) is None:
            found.append((kind, refused))
    return found


def _search_text(data: Any) -> str:
    """Return every text of the data, folded (no diacritics, đ as d), for the archive's full-text search."""
    parts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            parts.append(value)

    walk(dataclasses.asdict(data))
    return fold(" ".join(parts))


def _json(data: Any) -> str:
    def default(value: Any) -> str:
        if isinstance(value, date | datetime):
            return value.isoformat()
        raise TypeError(type(value))

    return json.dumps(dataclasses.asdict(data), ensure_ascii=False, sort_keys=True, default=default)


def _store_version(
    document: Document,
    *,
    version: int,
    reason: str,
    by: User,
    now: datetime,
    base_url: str,
    replaces: Document | None = None,
) -> DocumentVersion:
    """Build the PDF of a version with empty signature fields and store it as revision 0."""
    entry = kind_entry(document.kind)
    code = new_verify_code()
    stamp = Stamp(document.number, now, verify_url(base_url, code), version)
    data = entry.collect(document.conference, document.election, stamp)
    if replaces is not None:  # printed under the number: the builders take it as data
        data = dataclasses.replace(data, replaces=replaces_line(replaces))
    built = entry.build(data)
    content = add_signature_fields(built.content, built.spots)
    row = DocumentVersion(
        document=document,
        version=version,
        reason=reason,
        verify_code=code,
        data_json=_json(data),
        search_text=_search_text(data),
        slots=entry.signers(document.conference, data),
        issued_at=now,
        issued_by_id=by.id,
    )
    db.session.add(row)
    db.session.add(
        DocumentFile(
            version=row,
            revision=0,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            content=content,
            created_at=now,
        )
    )
    return row


def _issue(
    conference: Conference,
    kind: DocumentKind,
    election: Election | None,
    *,
    by: User,
    now: datetime,
    base_url: str,
    replaces: Document | None = None,
    reason: str = "",
) -> Document:
    """Number, build and store a new document once its prerequisites hold; refuse a second one."""
    entry = kind_entry(kind)
    if find_document(conference, kind, election) is not None:
        raise AlreadyIssued(N_("%(label)s đã được phát hành và không thể tạo lại."), label=entry.label)
    entry.check(conference, election)
    year = register_year(conference)
    sequence = next_sequence(conference.cluster_id, year)
    document = Document(
        conference=conference,
        kind=kind,
        election=election,
        cluster_id=conference.cluster_id,
        register_year=year,
        sequence=sequence,
        number=document_number(sequence, conference.cluster, entry.form_code),
        filename=document_filename(entry.file_stem, conference, election, sequence if replaces else None),
        issued_at=now,
        issued_by_id=by.id,
        # the id, not the relationship: its backref would reach the old row before this one is added
        replaces_id=replaces.id if replaces is not None else None,
        reason=reason,
    )
    try:
        with db.session.begin_nested():
            db.session.add(document)
            _store_version(
                document, version=1, reason="", by=by, now=now, base_url=base_url, replaces=replaces
            )
            db.session.flush()
    except sa.exc.IntegrityError:
        raise AlreadyIssued(N_("%(label)s đã được phát hành."), label=entry.label) from None
    if replaces is None:
        record_document_action("document issued", by, conference, document, now)
    else:
        record_document_action(
            "document replaced", by, conference, document, now, replaces=replaces.number, reason=reason
        )
    return document


def record_document_action(
    action: str, by: User | None, conference: Conference, document: Document, now: datetime, **details: Any
) -> None:
    """Append the document's action to the audit log."""
    record(
        action,
        actor=by,
        conference=conference,
        now=now,
        details={"document": document.number, "kind": document.kind.value, **details},
    )


def issue_document(
    conference: Conference,
    kind: DocumentKind,
    election: Election | None = None,
    *,
    by: User,
    now: datetime,
    base_url: str = DEFAULT_VERIFY_BASE_URL,
    loopback_allowed: bool = True,
) -> Document:
    """Issue a document of a kind issued on its own (of *election* for a per-election kind)."""
    check_base_url(base_url, loopback_allowed=loopback_allowed)
    entry = kind_entry(kind)
    if entry.closes_conference:
        raise ValueError(f"{kind.value} is issued by closing the conference (issue_minutes)")
    if entry.per_election != (election is not None):
        raise ValueError(
            f"{kind.value} is issued {'per election' if entry.per_election else 'per conference'}"
        )
    return _issue(conference, kind, election, by=by, now=now, base_url=base_url)


def issue_minutes(
    conference: Conference,
    *,
    by: User,
    now: datetime,
    overrun_reason: str = "",
    base_url: str = DEFAULT_VERIFY_BASE_URL,
    loopback_allowed: bool = True,
) -> Document:
    """Close the conference and issue its approved minutes, after every other document not issued yet."""
    check_base_url(base_url, loopback_allowed=loopback_allowed)
    minutes = closing_kind()
    if find_document(conference, minutes) is not None:
        raise AlreadyIssued(N_("Biên bản hội nghị đã được phát hành và không thể tạo lại."))
    kind_entry(minutes).check(conference, None)
    approval = find_approval(conference)
    if approval is None:
        raise InvalidState(N_("Cần đọc dự thảo biên bản và ghi nhận kết quả biểu quyết thông qua trước."))
    present = len(attendance(conference).present)
    if approval.present != present:
        raise InvalidState(
            N_("Số đơn vị có mặt đã thay đổi sau khi biểu quyết (%(then)s → %(now)s); hãy ghi nhận lại."),
            then=approval.present,
            now=present,
        )
    if not approval.is_adopted:
        raise InvalidState(N_("Biên bản chỉ được phát hành khi quá bán số đơn vị có mặt thông qua."))
    approval.overrun_reason = check_dates(conference, overrun_reason)

    # The documents are numbered in the order of the conference: counts, handover, then the minutes
    # (annexes already issued during the conference keep their numbers).
    for kind, election in issuable(conference):
        _issue(conference, kind, election, by=by, now=now, base_url=base_url)
    # Dated by the recorded events: the meeting ended when the minutes were approved.
    conference.ended_at = approval.recorded_at
    conference.approvals = approval.agreed
    document = _issue(conference, minutes, None, by=by, now=now, base_url=base_url)
    if approval.overrun_reason:
        record_document_action(
            "minutes.overrun", by, conference, document, now, reason=approval.overrun_reason
        )
    db.session.flush()
    return document


def draft_minutes_data(conference: Conference) -> ConferenceMinutes:
    """Collect the draft minutes as they stand: no number, dated by the events so far."""
    data = collect.minutes_data(
        conference,
        number="",
        ended_at=minutes_dates(conference).ended_at,
        **approval_fields(conference),
        is_draft=True,
    )
    # The audit log's head is an anchor only in the issued minutes: issuing adds entries after it.
    return dataclasses.replace(data, audit_count=0, audit_head="")


def draft_minutes_pdf(conference: Conference) -> bytes:
    """Build the draft minutes watermarked "DỰ THẢO", without number or signature fields."""
    built: BuiltPdf = kind_entry(closing_kind()).build(draft_minutes_data(conference))
    return built.content


def draft_minutes_text(conference: Conference) -> list[str]:
    """Return the draft minutes' text paragraph by paragraph, for the page they are read aloud from."""
    return conference_minutes_text(draft_minutes_data(conference))


def replaces_line(old: Document) -> str:
    """Return the line a replacement prints: "Thay thế Biên bản kiểm phiếu số 01/BB-CTĐ4 ngày 11/11/2016"."""
    return f"Thay thế {old.kind.label} số {old.number} ngày {printed_date(old):%d/%m/%Y}"


def printed_date(document: Document) -> date:
    """Return the date the version in force prints (the issue day in Vietnam for rows without data)."""
    issued_on = json.loads(document.current_version.data_json).get("issued_on") if document.versions else None
    return date.fromisoformat(issued_on) if issued_on else to_local(document.issued_at).date()


def replace_document(
    document: Document,
    *,
    reason: str,
    by: User,
    now: datetime,
    base_url: str = DEFAULT_VERIFY_BASE_URL,
    loopback_allowed: bool = True,
) -> Document:
    """Issue a document under the next number that replaces *document* (Decree 30 Art 18).

    The replacement is built from the current data and names the document it replaces; the old one
    keeps its number, its files and its verification links, marked replaced.
    """
    entry = kind_entry(document.kind)  # an unknown kind fails here, before anything is touched
    check_base_url(base_url, loopback_allowed=loopback_allowed)
    reason = nfc(reason.strip())
    if len(reason) < 5:
        raise InvalidState(N_("Cần ghi rõ lý do thay thế (ít nhất 5 ký tự)."))
    entry.check(document.conference, document.election)
    updated = db.session.execute(
        sa.update(Document)
        .where(Document.id == document.id, Document.replaced_at.is_(None))
        .values(replaced_at=now)
        .execution_options(synchronize_session=False)
    )
    if cast("sa.CursorResult[Any]", updated).rowcount != 1:  # an UPDATE's result is a CursorResult
        raise InvalidState(N_("Văn bản này đã được thay thế."))
    db.session.refresh(document)
    replacement = _issue(
        document.conference,
        document.kind,
        document.election,
        by=by,
        now=now,
        base_url=base_url,
        replaces=document,
        reason=reason,
    )
    db.session.flush()
    db.session.refresh(document)
    return replacement


def get_document(document_id: int) -> Document:
    """Return a document or raise NotFound."""
    document = db.session.get(Document, document_id)
    if document is None:
        raise NotFound(N_("Không có tài liệu này."))
    return document
