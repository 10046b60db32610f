"""Numbers, file names and verification links of documents."""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa

from voting.clusters.models import Cluster
from voting.conferences.models import Conference
from voting.documents.models import Document
from voting.elections.models import Election
from voting.extensions import db


def document_number(sequence: int, cluster: Cluster, form_code: str = "BB") -> str:
    """Return the printed number: "01/BB-CTĐ4" (BB, the form code of a biên bản under Decree 30)."""
    return f"{sequence:02d}/{form_code}-{cluster.code}"


def next_sequence(conference: Conference) -> int:
    """Return the next number in the conference's document sequence (shared by every kind)."""
    last = db.session.scalar(
        sa.select(sa.func.max(Document.sequence)).where(Document.conference_id == conference.id)
    )
    return (last or 0) + 1


def document_filename(stem: str, conference: Conference, election: Election | None) -> str:
    """Return the file name: "bien-ban-kiem-phieu-cum-truong-ctd4-2016.pdf"."""
    office = f"-{ascii_slug(election.office.label)}" if election is not None else ""
    return f"{stem}{office}-{ascii_slug(conference.cluster.code)}-{conference.year}.pdf"


def verify_url(base_url: str, code: str) -> str:
    """Return the verification link printed on a version."""
    return f"{base_url.rstrip('/')}/verify/{code}"


def ascii_slug(text: str) -> str:
    """Return a file-name-safe ASCII form of a Vietnamese text."""
    text = text.replace("Đ", "D").replace("đ", "d")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()
