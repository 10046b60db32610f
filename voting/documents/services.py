"""Issuing the minutes, archiving them and exporting the archive."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from voting.auth.models import User
from voting.clusters.models import Cluster
from voting.conferences.models import Conference
from voting.conferences.services import attendance
from voting.documents.minutes_data import (
    ConferenceMinutes,
    CountRow,
    ElectionMinutes,
    HandoverMinutes,
    RoundMinutes,
)
from voting.documents.models import Document, DocumentKind
from voting.elections.models import Office
from voting.elections.services import count_round, get_election
from voting.errors import AlreadyIssued, InvalidState
from voting.extensions import db
from voting.formatting import to_local
from voting.handovers.models import FlagHandover
from voting.handovers.services import find_handover

#: the standing recipients of a cluster's minutes, before "Lưu: VT, Hồ sơ."
RECIPIENTS = ["Hội đồng Thi đua - Khen thưởng Công an thành phố (để báo cáo)", "Các đơn vị trong Cụm"]


@dataclass(frozen=True)
class ArchiveEntry:
    """A document as the archive lists it."""

    document: Document
    cluster: Cluster
    year: int


def document_number(sequence: int, cluster: Cluster) -> str:
    """Return the printed number: "01/BB-CTĐ4"."""
    return f"{sequence:02d}/BB-{cluster.code}"


def minutes_data(conference: Conference, *, ended_at: datetime, approvals: int) -> ConferenceMinutes:
    """Collect everything the Biên bản hội nghị prints from the database."""
    present = attendance(conference)
    elections = []
    for office in Office:
        election = get_election(conference, office)
        if election is None:
            continue
        rounds = []
        for round_ in election.rounds:
            result = count_round(round_)
            rounds.append(
                RoundMinutes(
                    number=round_.number,
                    rows=[CountRow(c.unit.name, c.votes, c.percent) for c in result.counts],
                    issued=round_.base,
                    returned=result.returned,
                    valid=result.returned,
                    invalid=0,
                    blank=result.blank,
                    base=round_.base,
                    elected_unit=result.elected.name if result.elected else None,
                    decision=result.decision,
                )
            )
        elections.append(
            ElectionMinutes(
                office=office.label,
                term_year=conference.year + 1,
                rounds=rounds,
                elected_unit=election.elected_unit.name if election.elected_unit else None,
            )
        )
    handover = find_handover(conference)
    cluster = conference.cluster
    return ConferenceMinutes(
        parent_body=cluster.parent_body,
        cluster_name=cluster.name,
        number=document_number(next_sequence(conference), cluster),
        city=cluster.city,
        issued_on=to_local(ended_at).date(),
        subject=conference.title,
        started_at=to_local(conference.starts_at),
        ended_at=to_local(ended_at),
        place=conference.place,
        directing_leader=conference.directing_leader,
        units_present=[unit.name for unit in present.present],
        units_total=len(present.members),
        chair_name=conference.chair.full_name,
        chair_title=conference.chair.title,
        secretary_name=conference.secretary.full_name,
        secretary_title=conference.secretary.title,
        report_summary=conference.report_summary,
        elections=elections,
        handover=_handover_minutes(handover) if handover else None,
        approvals=approvals,
        recipients=RECIPIENTS,
    )


def _handover_minutes(handover: FlagHandover) -> HandoverMinutes:
    """Copy a handover record into document data."""
    return HandoverMinutes(
        handed_over_at=to_local(handover.handed_over_at),
        from_unit=handover.from_unit.name,
        to_unit=handover.to_unit.name,
        giver_name=handover.giver_name,
        giver_title=handover.giver_title,
        receiver_name=handover.receiver_name,
        receiver_title=handover.receiver_title,
        witnesses=handover.witnesses,
        flag_condition=handover.flag_condition,
        files_handed_over=handover.files_handed_over,
    )


def next_sequence(conference: Conference) -> int:
    """Return the next number in the conference's document sequence."""
    last = db.session.scalar(
        sa.select(sa.func.max(Document.sequence)).where(Document.conference_id == conference.id)
    )
    return (last or 0) + 1


def find_document(conference: Conference, kind: DocumentKind) -> Document | None:
    """Return the conference's issued document of a kind, if any."""
    return db.session.scalar(
        sa.select(Document).where(Document.conference_id == conference.id, Document.kind == kind)
    )


def issue_minutes(
    conference: Conference, *, by: User, now: datetime, approvals: int
) -> Document:
    """Close the conference and issue its minutes as final PDF bytes."""
    from voting.documents.pdf import build_conference_minutes_pdf

    if find_document(conference, DocumentKind.CONFERENCE_MINUTES) is not None:
        raise AlreadyIssued("Biên bản hội nghị đã được phát hành và không thể tạo lại.")
    for office in Office:
        election = get_election(conference, office)
        if election is None or not election.is_certified:
            raise InvalidState(f"Cần chứng nhận kết quả bầu {office.label} trước.")
    if find_handover(conference) is None:
        raise InvalidState("Cần ghi nhận việc bàn giao cờ luân lưu trước.")
    present = len(attendance(conference).present)
    if not 0 <= approvals <= present:
        raise InvalidState(f"Số đơn vị biểu quyết thông qua phải từ 0 đến {present}.")
    if approvals * 2 <= present:
        raise InvalidState("Biên bản chỉ được phát hành khi quá bán số đơn vị có mặt thông qua.")

    data = minutes_data(conference, ended_at=now, approvals=approvals)
    content = build_conference_minutes_pdf(data)
    sequence = next_sequence(conference)
    document = Document(
        conference_id=conference.id,
        kind=DocumentKind.CONFERENCE_MINUTES,
        sequence=sequence,
        number=data.number,
        filename=f"bien-ban-hoi-nghi-{ascii_slug(conference.cluster.code)}-{conference.year}.pdf",
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        issued_at=now,
        issued_by_id=by.id,
    )
    conference.ended_at = now
    conference.approvals = approvals
    try:
        with db.session.begin_nested():
            db.session.add(document)
    except sa.exc.IntegrityError:
        raise AlreadyIssued("Biên bản hội nghị đã được phát hành.") from None
    return document


def archive(*, cluster_id: int | None = None, year: int | None = None) -> list[ArchiveEntry]:
    """Return issued documents, newest year first, optionally for one cluster or year."""
    query = (
        sa.select(Document, Cluster, Conference.year)
        .join(Conference, Document.conference_id == Conference.id)
        .join(Cluster, Conference.cluster_id == Cluster.id)
        .order_by(Conference.year.desc(), Cluster.name, Document.sequence)
    )
    if cluster_id is not None:
        query = query.where(Cluster.id == cluster_id)
    if year is not None:
        query = query.where(Conference.year == year)
    return [ArchiveEntry(doc, cluster, year_) for doc, cluster, year_ in db.session.execute(query)]


def ascii_slug(text: str) -> str:
    """Return a file-name-safe ASCII form of a Vietnamese text."""
    text = text.replace("Đ", "D").replace("đ", "d")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()


def export_documents(
    out_dir: Path, *, cluster_code: str | None = None, year: int | None = None
) -> list[Path]:
    """Write the archived PDFs and a SHA256SUMS manifest (``sha256sum -c`` format) to *out_dir*."""
    cluster_id = None
    if cluster_code is not None:
        cluster_id = db.session.scalar(sa.select(Cluster.id).where(Cluster.code == cluster_code))
        if cluster_id is None:
            raise InvalidState(f"Không có cụm mã {cluster_code}.")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    manifest = []
    for entry in archive(cluster_id=cluster_id, year=year):
        name = entry.document.filename
        path = out_dir / name
        path.write_bytes(entry.document.content)
        manifest.append(f"{entry.document.sha256}  {name}\n")
        written.append(path)
    (out_dir / "SHA256SUMS").write_text("".join(manifest))
    return written
