"""The register of outgoing documents (sổ đăng ký văn bản đi, Decree 30 Art 15 and Annex IV): one line
per number a cluster issued in a calendar year, on screen and as CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy import orm

from voting.clusters.models import Cluster
from voting.documents.kinds import is_agency_slot, kind_entry
from voting.documents.models import Document
from voting.documents.services import printed_date
from voting.extensions import db
from voting.formatting import spreadsheet_cell

#: "Lưu" closes every document's Nơi nhận: the office's copy (VT) and the conference's file
FILED = "Lưu: VT, Hồ sơ."
#: the file (hồ sơ) each conference's documents go to; a deployment may set its own pattern
DEFAULT_FILE_CODE = "{cluster}/HNTK/{year}"
#: the CSV's header, in the register's column order
COLUMNS = [
    "Số, ký hiệu",
    "Ngày tháng",
    "Tên loại",
    "Trích yếu nội dung",
    "Người ký",
    "Nơi nhận",
    "Hồ sơ",
    "Thời hạn bảo quản",
    "Ghi chú",
]


@dataclass(frozen=True)
class RegisterLine:
    """One number of the register and what it records."""

    document: Document
    cluster: Cluster
    year: int
    number: str
    dated_on: date
    kind: str
    summary: str
    signers: list[str]
    recipients: list[str]
    file_code: str
    retention: str
    note: str

    def row(self) -> list[str]:
        """Return the line as CSV cells."""
        return [
            self.number,
            f"{self.dated_on:%d/%m/%Y}",
            self.kind,
            self.summary,
            "; ".join(self.signers),
            "; ".join(self.recipients),
            self.file_code,
            self.retention,
            self.note,
        ]


def _note(document: Document) -> str:
    parts = []
    if document.replaces is not None:
        parts.append(f"Thay thế số {document.replaces.number}: {document.reason}")
    if document.replaced_by is not None:
        parts.append(f"Đã bị thay thế bởi số {document.replaced_by.number}")
    return "; ".join(parts)


def register_line(
    document: Document, cluster: Cluster, *, file_code: str = DEFAULT_FILE_CODE, retention: Mapping[str, str]
) -> RegisterLine:
    """Return the register's line for one document."""
    entry = kind_entry(document.kind)
    version = document.current_version if document.versions else None
    data = json.loads(version.data_json) if version is not None else {}
    # the persons who sign; the agency's signature (the clerk's seal) is the issuing, not a signer
    slots = [slot for slot in (version.slots if version is not None else []) if not is_agency_slot(slot)]
    signers = [f"{slot['name']} ({slot['label']})" for slot in slots]
    return RegisterLine(
        document=document,
        cluster=cluster,
        year=document.register_year,
        number=document.number,
        dated_on=printed_date(document),
        kind=entry.label,
        summary=entry.summary(document.conference, document.election),
        signers=signers,
        recipients=[*data.get("recipients", []), FILED],
        file_code=file_code.format(cluster=cluster.code, year=document.conference.year),
        retention=retention.get(document.kind.value, entry.retention),
        note=_note(document),
    )


def register(
    *,
    cluster_id: int | None = None,
    cluster_ids: Collection[int] | None = None,
    year: int | None = None,
    file_code: str = DEFAULT_FILE_CODE,
    retention: Mapping[str, str] | None = None,
) -> list[RegisterLine]:
    """Return the register's lines, newest year first, then by cluster and number.

    *cluster_ids* keeps the lines of those clusters only (the clusters a typed name finds).
    """
    query = (
        sa.select(Document, Cluster)
        .join(Cluster, Document.cluster_id == Cluster.id)
        .order_by(Document.register_year.desc(), Cluster.name, Document.sequence)
        # what every line reads, loaded in bulk: a constant number of statements however long the register
        .options(
            orm.joinedload(Document.conference),
            orm.joinedload(Document.election),
            orm.selectinload(Document.versions),
            orm.selectinload(Document.replaces),
            orm.selectinload(Document.replaced_by),
        )
    )
    if cluster_id is not None:
        query = query.where(Document.cluster_id == cluster_id)
    if cluster_ids is not None:
        query = query.where(Document.cluster_id.in_(cluster_ids))
    if year is not None:
        query = query.where(Document.register_year == year)
    return [
        register_line(document, cluster, file_code=file_code, retention=retention or {})
        for document, cluster in db.session.execute(query).tuples()
    ]


def register_csv(lines: Iterable[RegisterLine]) -> str:
    """Return the register as CSV with a byte-order mark, so spreadsheets read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Cụm thi đua", "Năm", *COLUMNS])
    for line in lines:
        writer.writerow([spreadsheet_cell(cell) for cell in (line.cluster.name, str(line.year), *line.row())])
    return "\ufeff" + out.getvalue()
