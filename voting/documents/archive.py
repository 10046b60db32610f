"""The archive: listing and searching documents, finding files by hash, exporting them."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from voting.audit.services import Head, still_extends
from voting.audit.services import head as audit_head
from voting.clusters.models import Cluster
from voting.conferences.models import Conference
from voting.crypto import verifier
from voting.documents.models import Document, DocumentFile, DocumentKind, DocumentVersion
from voting.documents.search import matching_documents
from voting.elections.board import election_record
from voting.errors import InvalidState
from voting.extensions import db
from voting.i18n import N_


@dataclass(frozen=True)
class ArchiveEntry:
    """A document as the archive lists it."""

    document: Document
    cluster: Cluster
    year: int


def conference_documents(conference: Conference) -> list[Document]:
    """Return the conference's documents in numbering order."""
    return list(
        db.session.scalars(
            sa.select(Document).where(Document.conference_id == conference.id).order_by(Document.sequence)
        )
    )


def find_file(sha256: str) -> DocumentFile | None:
    """Return the stored file with this SHA-256, if the archive has one."""
    return db.session.scalar(sa.select(DocumentFile).where(DocumentFile.sha256 == sha256.lower()).limit(1))


def find_version(code: str) -> DocumentVersion | None:
    """Return the version a verification link points to."""
    return db.session.scalar(sa.select(DocumentVersion).where(DocumentVersion.verify_code == code))


def audit_anchor(version: DocumentVersion) -> Head | None:
    """Return the audit log's head printed in a version (the conference minutes print one), if any."""
    data = json.loads(version.data_json)
    if not isinstance(data, dict) or not data.get("audit_head"):
        return None
    return Head(int(data.get("audit_count", 0)), str(data["audit_head"]))


def anchor_holds(version: DocumentVersion) -> bool | None:
    """Return whether the audit log still extends the head printed in a version (None: none printed)."""
    anchor = audit_anchor(version)
    return None if anchor is None else still_extends(anchor)


#: the relationships an archive row (page or API) reads: title (election), version and status
#: (versions, files), hash and size (files), replacement notes (the other document and its versions)
ROW_LOADS = (
    orm.selectinload(Document.election),
    orm.selectinload(Document.versions).selectinload(DocumentVersion.files),
    orm.selectinload(Document.replaces).selectinload(Document.versions),
    orm.selectinload(Document.replaced_by).selectinload(Document.versions),
)


def archive(
    *,
    cluster_id: int | None = None,
    cluster_ids: Collection[int] | None = None,
    year: int | None = None,
    kind: DocumentKind | None = None,
    unit: str | None = None,
    text: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[ArchiveEntry]:
    """Return documents, newest first (register year, cluster, number), filtered by cluster, year, kind,
    a unit named in them and text; *cluster_ids* keeps the documents of those clusters only."""
    query = (
        sa.select(Document, Cluster, Conference.year)
        .join(Conference, Document.conference_id == Conference.id)
        .join(Cluster, Document.cluster_id == Cluster.id)
        # newest first, in the order of an index (ix_documents_archive_order, read backwards)
        .order_by(Document.register_year.desc(), Document.cluster_id.desc(), Document.sequence.desc())
        # what every row shows, loaded in bulk: a constant number of statements whatever the page size
        .options(*ROW_LOADS)
    )
    if cluster_id is not None:
        query = query.where(Document.cluster_id == cluster_id)
    if cluster_ids is not None:
        query = query.where(Document.cluster_id.in_(cluster_ids))
    if year is not None:
        query = query.where(Conference.year == year)
    if kind is not None:
        query = query.where(Document.kind == kind)
    for needle in (unit, text):
        matching = matching_documents(needle) if needle else None
        if matching is not None:
            query = query.where(Document.id.in_(matching))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [ArchiveEntry(doc, cluster, year_) for doc, cluster, year_ in db.session.execute(query)]


def version_filename(version: DocumentVersion) -> str:
    """Return the file name of a version's latest state ("-v2" from the first correction on)."""
    name = version.document.filename
    return name if version.version == 1 else name.replace(".pdf", f"-v{version.version}.pdf")


def export_documents(
    out_dir: Path, *, cluster_code: str | None = None, year: int | None = None
) -> list[Path]:
    """Write every version's latest (signed) PDF and a SHA256SUMS manifest (``sha256sum -c``) to *out_dir*."""
    cluster_id = None
    if cluster_code is not None:
        cluster_id = db.session.scalar(sa.select(Cluster.id).where(Cluster.code == cluster_code))
        if cluster_id is None:
            raise InvalidState(N_("Không có cụm mã %(cluster_code)s."), cluster_code=cluster_code)
    out_dir.mkdir(parents=True, exist_ok=True)
    written, manifest = [], []
    for entry in archive(cluster_id=cluster_id, year=year):
        for version in entry.document.versions:
            latest = version.latest_file
            path = out_dir / version_filename(version)
            path.write_bytes(latest.content)
            manifest.append(f"{latest.sha256}  {path.name}\n")
            written.append(path)
    (out_dir / "SHA256SUMS").write_text("".join(manifest))
    return written


def _audit_anchors(documents: list[dict[str, Any]]) -> bytes:
    """Return audit-head.json: the heads printed in the documents and the log's head at export."""
    printed = [
        {"number": d["number"], "version": v["version"], "count": v["data"]["audit_count"], "hash": h}
        for d in documents
        for v in d["versions"]
        if isinstance(v["data"], dict) and (h := v["data"].get("audit_head"))
    ]
    now = audit_head()
    anchors = {
        "printed_in_documents": printed,
        "head_at_export": {"count": now.count, "hash": now.hash},
        "check": "flask --app wsgi audit verify --expect HASH",
    }
    return json.dumps(anchors, ensure_ascii=False, indent=2).encode()


def conference_zip(conference: Conference) -> bytes:
    """Return one ZIP of a conference: every version's PDF, data.json and a SHA256SUMS manifest.

    With encrypted rounds, also the election record (election-record.json, whose SHA-256 the
    minutes print) and the standalone verifier that checks it (verifier.pyz, a zipapp).
    """
    buffer = io.BytesIO()
    manifest, documents = [], []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive_zip:
        for document in conference_documents(conference):
            versions = []
            for version in document.versions:
                latest = version.latest_file
                name = version_filename(version)
                archive_zip.writestr(name, latest.content)
                manifest.append(f"{latest.sha256}  {name}")
                versions.append(
                    {
                        "version": version.version,
                        "file": name,
                        "sha256": latest.sha256,
                        "status": version.status,
                        "reason": version.reason,
                        "issued_at": version.issued_at.isoformat(),
                        "superseded_at": version.superseded_at.isoformat() if version.superseded_at else None,
                        "signatures": [
                            {
                                "field": f.signature_field,
                                "signer": f.signer_name,
                                "title": f.signer_title,
                                "signed_at": f.created_at.isoformat(),
                                "sha256_after": f.sha256,
                            }
                            for f in version.signatures
                        ],
                        "data": json.loads(version.data_json),
                    }
                )
            documents.append(
                {
                    "number": document.number,
                    "kind": document.kind.value,
                    "title": document.title,
                    "register_year": document.register_year,
                    "replaces": document.replaces.number if document.replaces else None,
                    "replaced_by": document.replaced_by.number if document.replaced_by else None,
                    "replaced_at": document.replaced_at.isoformat() if document.replaced_at else None,
                    "reason": document.reason,
                    "versions": versions,
                }
            )
        data = {
            "cluster": conference.cluster.name,
            "code": conference.cluster.code,
            "year": conference.year,
            "title": conference.title,
            "documents": documents,
        }
        archive_zip.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        manifest.append(f"{hashlib.sha256(archive_zip.read('data.json')).hexdigest()}  data.json")
        anchors = _audit_anchors(documents)
        archive_zip.writestr("audit-head.json", anchors)
        manifest.append(f"{hashlib.sha256(anchors).hexdigest()}  audit-head.json")
        record = election_record(conference)
        if record is not None:  # checked by: python verifier.pyz election-record.json
            for name, content in (
                ("election-record.json", verifier.canonical(record)),
                ("verifier.pyz", verifier.zipapp()),
            ):
                archive_zip.writestr(name, content)
                manifest.append(f"{hashlib.sha256(content).hexdigest()}  {name}")
        archive_zip.writestr("SHA256SUMS", "\n".join(manifest) + "\n")
    return buffer.getvalue()
