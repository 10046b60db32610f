"""Issuing the three documents, correcting them, archiving, searching and exporting them."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa

from voting.audit.services import record
from voting.auth.models import User
from voting.clusters.models import Cluster
from voting.conferences.models import Conference
from voting.conferences.services import attendance
from voting.documents import collect
from voting.documents.models import Document, DocumentFile, DocumentKind, DocumentVersion, new_verify_code
from voting.documents.pdf import (
    add_signature_fields,
    build_conference_minutes,
    build_counting_minutes,
    build_handover_minutes,
)
from voting.documents.pdf import conference as conf_pdf
from voting.documents.pdf import counting as count_pdf
from voting.documents.pdf import handover as hand_pdf
from voting.elections.models import Election, Office
from voting.elections.services import get_election
from voting.errors import AlreadyIssued, InvalidState, NotFound
from voting.extensions import db
from voting.formatting import nfc
from voting.handovers.services import find_handover
from voting.i18n import N_

#: where the QR code of a document points when the deployment sets no VERIFY_BASE_URL
DEFAULT_VERIFY_BASE_URL = "http://127.0.0.1:5000"
RECIPIENTS = collect.RECIPIENTS


def document_number(sequence: int, cluster: Cluster) -> str:
    """Return the printed number: "01/BB-CTĐ4"."""
    return f"{sequence:02d}/BB-{cluster.code}"


def verify_url(base_url: str, code: str) -> str:
    """Return the verification link printed on a version."""
    return f"{base_url.rstrip('/')}/verify/{code}"


def next_sequence(conference: Conference) -> int:
    """Return the next number in the conference's document sequence."""
    last = db.session.scalar(
        sa.select(sa.func.max(Document.sequence)).where(Document.conference_id == conference.id)
    )
    return (last or 0) + 1


def find_document(
    conference: Conference, kind: DocumentKind, election: Election | None = None
) -> Document | None:
    """Return the conference's document of a kind (for counting minutes: of an election), if any."""
    query = sa.select(Document).where(Document.conference_id == conference.id, Document.kind == kind)
    if election is not None:
        query = query.where(Document.election_id == election.id)
    return db.session.scalar(query.order_by(Document.sequence).limit(1))


def _search_text(data: Any) -> str:
    """Return every text of the data, casefolded NFC, for the archive search."""
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
    return nfc(" ".join(parts)).casefold()


def _json(data: Any) -> str:
    def default(value: Any) -> str:
        if isinstance(value, date | datetime):
            return value.isoformat()
        raise TypeError(type(value))

    return json.dumps(dataclasses.asdict(data), ensure_ascii=False, sort_keys=True, default=default)


def _slots(kind: DocumentKind, conference: Conference, data: Any) -> list[dict[str, Any]]:
    """Return the signature blocks in signing order; the first one certifies the document."""

    chair, secretary = conference.chair, conference.secretary

    def slot(field: str, label: str, name: str, title: str, user: User | None) -> dict[str, Any]:
        return {
            "field": field,
            "label": label,
            "name": name,
            "title": title,
            "user_id": user.id if user is not None else None,
        }

    if kind is DocumentKind.CONFERENCE_MINUTES:
        return [
            slot(conf_pdf.SECRETARY_FIELD, "Thư ký", secretary.full_name, secretary.title, secretary),
            slot(conf_pdf.CHAIR_FIELD, "Chủ tọa", chair.full_name, chair.title, chair),
        ]
    if kind is DocumentKind.COUNTING_MINUTES:
        head = collect.committee_head(conference)
        if head is not None:
            return [slot(count_pdf.HEAD_FIELD, "Trưởng Ban kiểm phiếu", head.full_name, head.title, head)]
        return [slot(count_pdf.HEAD_FIELD, "Chủ tọa", chair.full_name, chair.title, chair)]
    h = data.handover
    # A side signs through the account that bears its name (the outgoing chair usually hands over);
    # otherwise with its own PKCS#12 file, uploaded at the chair's signing page.
    giver = chair if nfc(h.giver_name) == nfc(chair.full_name) else _account_named(h.giver_name)
    return [
        slot(hand_pdf.GIVER_FIELD, "Đại diện bên giao", h.giver_name, h.giver_title, giver),
        slot(
            hand_pdf.RECEIVER_FIELD,
            "Đại diện bên nhận",
            h.receiver_name,
            h.receiver_title,
            _account_named(h.receiver_name),
        ),
        slot(hand_pdf.WITNESS_FIELD, "Chứng kiến – Chủ tọa", chair.full_name, chair.title, chair),
    ]


def _account_named(name: str) -> User | None:
    """Return the one enabled account with exactly this full name, if there is exactly one."""
    accounts = list(db.session.scalars(sa.select(User).where(User.full_name == nfc(name.strip())).limit(2)))
    return accounts[0] if len(accounts) == 1 else None


def _store_version(
    document: Document,
    *,
    version: int,
    reason: str,
    by: User,
    now: datetime,
    make: Callable[[str, int], Any],
    build: Callable[[Any], Any],
    base_url: str,
) -> DocumentVersion:
    """Build the PDF of a version with empty signature fields and store it as revision 0."""
    code = new_verify_code()
    data = make(verify_url(base_url, code), version)
    built = build(data)
    content = add_signature_fields(built.content, built.spots)
    row = DocumentVersion(
        document=document,
        version=version,
        reason=reason,
        verify_code=code,
        data_json=_json(data),
        search_text=_search_text(data),
        slots=_slots(document.kind, document.conference, data),
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
    *,
    election: Election | None,
    by: User,
    now: datetime,
    make: Callable[[str, str, int], Any],
    build: Callable[[Any], Any],
    base_url: str,
) -> Document:
    """Number, build and store a new document; refuse a second one of the same kind."""
    if find_document(conference, kind, election) is not None:
        raise AlreadyIssued(N_("%(label)s đã được phát hành và không thể tạo lại."), label=kind.label)
    cluster = conference.cluster
    sequence = next_sequence(conference)
    number = document_number(sequence, cluster)
    document = Document(
        conference=conference,
        kind=kind,
        election_id=election.id if election else None,
        sequence=sequence,
        number=number,
        filename=_filename(kind, conference, election),
        issued_at=now,
        issued_by_id=by.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(document)
            _store_version(
                document,
                version=1,
                reason="",
                by=by,
                now=now,
                make=lambda url, v: make(number, url, v),
                build=build,
                base_url=base_url,
            )
            db.session.flush()
    except sa.exc.IntegrityError:
        raise AlreadyIssued(N_("%(label)s đã được phát hành."), label=kind.label) from None
    record_document_action("document issued", by, conference, document, now)
    return document


def _filename(kind: DocumentKind, conference: Conference, election: Election | None) -> str:
    stem = {
        DocumentKind.CONFERENCE_MINUTES: "bien-ban-hoi-nghi",
        DocumentKind.COUNTING_MINUTES: "bien-ban-kiem-phieu",
        DocumentKind.HANDOVER_MINUTES: "bien-ban-ban-giao-co",
    }[kind]
    office = f"-{ascii_slug(election.office.label)}" if election is not None else ""
    return f"{stem}{office}-{ascii_slug(conference.cluster.code)}-{conference.year}.pdf"


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


def issue_counting_minutes(
    election: Election, *, by: User, now: datetime, base_url: str = DEFAULT_VERIFY_BASE_URL
) -> Document:
    """Issue the Biên bản kiểm phiếu of a certified election."""

    if not election.is_certified:
        raise InvalidState(N_("Cần chứng nhận kết quả bầu %(label)s trước."), label=election.office.label)
    return _issue(
        election.conference,
        DocumentKind.COUNTING_MINUTES,
        election=election,
        by=by,
        now=now,
        make=lambda number, url, v: collect.counting_data(
            election, number=number, issued_at=now, verify_url=url, version=v
        ),
        build=build_counting_minutes,
        base_url=base_url,
    )


def issue_handover_minutes(
    conference: Conference, *, by: User, now: datetime, base_url: str = DEFAULT_VERIFY_BASE_URL
) -> Document:
    """Issue the Biên bản bàn giao cờ luân lưu once the handover is recorded."""

    handover = find_handover(conference)
    if handover is None:
        raise InvalidState(N_("Cần ghi nhận việc bàn giao cờ luân lưu trước."))
    return _issue(
        conference,
        DocumentKind.HANDOVER_MINUTES,
        election=None,
        by=by,
        now=now,
        make=lambda number, url, v: collect.handover_data(
            handover, number=number, issued_at=now, verify_url=url, version=v
        ),
        build=build_handover_minutes,
        base_url=base_url,
    )


def issue_minutes(
    conference: Conference,
    *,
    by: User,
    now: datetime,
    approvals: int,
    base_url: str = DEFAULT_VERIFY_BASE_URL,
) -> Document:
    """Close the conference and issue its minutes, after any counting or handover minutes not yet issued."""

    if find_document(conference, DocumentKind.CONFERENCE_MINUTES) is not None:
        raise AlreadyIssued(N_("Biên bản hội nghị đã được phát hành và không thể tạo lại."))
    elections = []
    for office in Office:
        election = get_election(conference, office)
        if election is None or not election.is_certified:
            raise InvalidState(N_("Cần chứng nhận kết quả bầu %(label)s trước."), label=office.label)
        elections.append(election)
    if find_handover(conference) is None:
        raise InvalidState(N_("Cần ghi nhận việc bàn giao cờ luân lưu trước."))
    present = len(attendance(conference).present)
    if not 0 <= approvals <= present:
        raise InvalidState(N_("Số đơn vị biểu quyết thông qua phải từ 0 đến %(present)s."), present=present)
    if approvals * 2 <= present:
        raise InvalidState(N_("Biên bản chỉ được phát hành khi quá bán số đơn vị có mặt thông qua."))

    # The documents are numbered in the order of the conference: counts, handover, then the minutes
    # (annexes already issued during the conference keep their numbers).
    for election in elections:
        if find_document(conference, DocumentKind.COUNTING_MINUTES, election) is None:
            issue_counting_minutes(election, by=by, now=now, base_url=base_url)
    if find_document(conference, DocumentKind.HANDOVER_MINUTES) is None:
        issue_handover_minutes(conference, by=by, now=now, base_url=base_url)
    document = _issue(
        conference,
        DocumentKind.CONFERENCE_MINUTES,
        election=None,
        by=by,
        now=now,
        make=lambda number, url, v: collect.minutes_data(
            conference, number=number, ended_at=now, approvals=approvals, verify_url=url, version=v
        ),
        build=build_conference_minutes,
        base_url=base_url,
    )
    conference.ended_at = now
    conference.approvals = approvals
    db.session.flush()
    return document


def correct_document(
    document: Document, *, reason: str, by: User, now: datetime, base_url: str = DEFAULT_VERIFY_BASE_URL
) -> DocumentVersion:
    """Issue a corrected version built from the current data; the old one stays, marked superseded."""

    reason = nfc(reason.strip())
    if len(reason) < 5:
        raise InvalidState(N_("Cần ghi rõ lý do đính chính (ít nhất 5 ký tự)."))
    conference, old = document.conference, document.current_version
    number = document.number
    if document.kind is DocumentKind.CONFERENCE_MINUTES:
        assert conference.ended_at is not None
        ended_at, approvals = conference.ended_at, conference.approvals or 0
        make: Callable[[str, int], Any] = lambda url, v: collect.minutes_data(  # noqa: E731
            conference, number=number, ended_at=ended_at, approvals=approvals, verify_url=url, version=v
        )
        build: Callable[[Any], Any] = build_conference_minutes
    elif document.kind is DocumentKind.COUNTING_MINUTES:
        election = document.election
        assert election is not None
        make = lambda url, v: collect.counting_data(  # noqa: E731
            election, number=number, issued_at=now, verify_url=url, version=v
        )
        build = build_counting_minutes
    else:
        handover = find_handover(conference)
        assert handover is not None
        make = lambda url, v: collect.handover_data(  # noqa: E731
            handover, number=number, issued_at=now, verify_url=url, version=v
        )
        build = build_handover_minutes
    updated = db.session.execute(
        sa.update(DocumentVersion)
        .where(DocumentVersion.id == old.id, DocumentVersion.superseded_at.is_(None))
        .values(superseded_at=now)
        .execution_options(synchronize_session=False)
    )
    if cast("sa.CursorResult[Any]", updated).rowcount != 1:  # an UPDATE's result is a CursorResult
        raise InvalidState(N_("Phiên bản này đã được đính chính."))
    db.session.refresh(old)
    version = _store_version(
        document,
        version=old.version + 1,
        reason=reason,
        by=by,
        now=now,
        make=make,
        build=build,
        base_url=base_url,
    )
    db.session.flush()
    db.session.refresh(document)
    record_document_action(
        "document corrected", by, conference, document, now, version=version.version, reason=reason
    )
    return version


def get_document(document_id: int) -> Document:
    """Return a document or raise NotFound."""
    document = db.session.get(Document, document_id)
    if document is None:
        raise NotFound(N_("Không có tài liệu này."))
    return document


def ascii_slug(text: str) -> str:
    """Return a file-name-safe ASCII form of a Vietnamese text."""
    text = text.replace("Đ", "D").replace("đ", "d")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()
