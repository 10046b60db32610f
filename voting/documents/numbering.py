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


def register_year(conference: Conference) -> int:
    """Return the year of the register that numbers the conference's documents.

    Decree 30 Art 15.1 numbers per calendar year of issue. Every document of a conference is dated on
    the conference's day (what the date line records), so the conference's day in Vietnam decides: a
    document issued a day late still joins the register of the year it is dated in, and the conference
    reviewing 2016 held in January 2017 numbers in 2017's register. The year under review
    (``conference.year``) would never make two conferences share a register.
    """
    return conference.held_on.year


def next_sequence(cluster_id: int, year: int) -> int:
    """Return the next number of the cluster's register of *year* (shared by every kind), from 1.

    Locks the cluster's row first, so concurrent issues of one cluster take numbers one after the
    other (SQLite has one writer anyway); the unique (cluster_id, register_year, sequence) holds even so.
    """
    db.session.execute(sa.select(Cluster.id).where(Cluster.id == cluster_id).with_for_update())
    last = db.session.scalar(
        sa.select(sa.func.max(Document.sequence)).where(
            Document.cluster_id == cluster_id, Document.register_year == year
        )
    )
    return (last or 0) + 1


def document_filename(
    stem: str, conference: Conference, election: Election | None, sequence: int | None = None
) -> str:
    """Return the file name: "bien-ban-kiem-phieu-cum-truong-ctd4-2016.pdf" (a replacement adds "-so-05").

    A replacement passes its sequence, so its file never takes the name of the one it replaces.
    """
    office = f"-{ascii_slug(election.office.label)}" if election is not None else ""
    number = f"-so-{sequence:02d}" if sequence is not None else ""
    return f"{stem}{office}-{ascii_slug(conference.cluster.code)}-{conference.year}{number}.pdf"


def verify_url(base_url: str, code: str) -> str:
    """Return the verification link printed on a version."""
    return f"{base_url.rstrip('/')}/verify/{code}"


def ascii_slug(text: str) -> str:
    """Return a file-name-safe ASCII form of a Vietnamese text."""
    text = text.replace("Đ", "D").replace("đ", "d")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()
