"""Evidence files of a self-score: PDF, JPEG or PNG, told by their first bytes, up to a size limit."""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa

from voting.audit.services import record
from voting.auth.models import User
from voting.clusters.models import Unit
from voting.emulation.models import Evidence, Score, Stage
from voting.emulation.scoring import may_enter, require_open
from voting.errors import InvalidInput, NotAssigned
from voting.extensions import db
from voting.formatting import nfc
from voting.i18n import N_

#: default limit; the app's EMULATION_EVIDENCE_MAX_BYTES setting overrides it
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
#: the first bytes of each accepted type, and the type it is served as
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
MAX_FILES_PER_SCORE = 5


def sniff(data: bytes) -> str | None:
    """Return the content type of a PDF, JPEG or PNG from its first bytes, else None."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def attach_evidence(
    score: Score, filename: str, data: bytes, *, by: User, now: datetime, max_bytes: int = MAX_EVIDENCE_BYTES
) -> Evidence:
    """Attach a file to a unit's self-score while the self-score is open; refuse other types and sizes."""
    table = score.stage.table
    if score.stage.stage is not Stage.SELF:
        raise InvalidInput(N_("Chỉ đính kèm minh chứng cho điểm tự chấm."))
    require_open(table, Stage.SELF, now)
    unit = db.session.get(Unit, score.unit_id)
    assert unit is not None
    if not may_enter(table, Stage.SELF, unit, by):
        raise NotAssigned(N_("Bạn không được nhập điểm này."))
    if not data:
        raise InvalidInput(N_("Chọn một tệp minh chứng."), field="file")
    if len(data) > max_bytes:
        raise InvalidInput(
            N_("Tệp minh chứng quá lớn (tối đa %(mb)s MB)."), field="file", mb=max_bytes // 2**20
        )
    content_type = sniff(data)
    if content_type is None:
        raise InvalidInput(N_("Chỉ nhận minh chứng là tệp PDF, JPEG hoặc PNG."), field="file")
    count = db.session.scalar(sa.select(sa.func.count()).where(Evidence.score_id == score.id))
    if (count or 0) >= MAX_FILES_PER_SCORE:
        raise InvalidInput(N_("Mỗi mục có tối đa 5 tệp minh chứng."), field="file")
    name = nfc(filename.replace("\\", "/").rsplit("/", 1)[-1].strip())[:200] or "minh-chung"
    evidence = Evidence(
        score_id=score.id,
        filename=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_by_id=by.id,
        uploaded_at=now,
    )
    db.session.add(evidence)
    db.session.flush()
    details = {
        "table_id": table.id,
        "unit_id": score.unit_id,
        "item": score.criterion.code,
        "sha256": evidence.sha256,
    }
    record("emulation.evidence_added", actor=by, details=details, now=now)
    return evidence


def evidence_of(scores: list[Score]) -> dict[int, list[Evidence]]:
    """Return the files of each score (by score id), without their content."""
    found: dict[int, list[Evidence]] = {score.id: [] for score in scores}
    if found:
        query = sa.select(Evidence).where(Evidence.score_id.in_(found)).order_by(Evidence.id)
        for evidence in db.session.scalars(query):
            found[evidence.score_id].append(evidence)
    return found
