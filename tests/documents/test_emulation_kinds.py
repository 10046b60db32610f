"""Issuing the bình xét and suy tôn documents: refused until final (nothing written), numbered, signed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.serialization import Encoding
from flask import Flask
from flask.testing import FlaskClient

from tests.documents.test_pdf import pdf_text
from tests.emulation.helpers import WRITTEN_AT, self_score, started
from tests.factories import Site, Stage, advance, approve_minutes, staff
from tests.helpers import ENDED_AT, confirm, text
from tests.signing.test_signatures import nss_store, pdfsig
from voting.auth.models import Role
from voting.conferences.models import Conference
from voting.documents import collect_emulation
from voting.documents.archive import conference_documents
from voting.documents.kinds import DocumentKind, kind_of_slug
from voting.documents.models import Document
from voting.documents.register import register
from voting.documents.services import issuable, issue_document, issue_minutes
from voting.emulation import scoring
from voting.emulation.models import CriteriaTable
from voting.emulation.models import Stage as ScoringStage
from voting.errors import InvalidState
from voting.extensions import db
from voting.signing import services as signing
from voting.signing.demo import sign_demo_documents

FLAG = "Cờ thi đua của Bộ Công an"
MakeSite = Callable[..., Site]


@dataclass(frozen=True)
class Line:
    unit_name: str
    votes: int
    percent: str
    proposed: bool


@dataclass(frozen=True)
class Outcome:
    """A suy tôn result in the shape of ``voting.emulation.awards.AwardOutcome``."""

    title: str
    lines: list[Line]
    certified: bool = True
    seats: int = 1
    rule: str = "từ 50% trở lên số đơn vị có mặt"
    base: int = 8
    rounds: int = 1
    proposed: list[str] = field(default_factory=list)


def flag_vote(conference: Conference, *, certified: bool = True) -> Outcome:
    """Return the flag's vote: the first unit proposed with 7 of 8 votes."""
    first, second = (unit.name for unit in conference.cluster.units[:2])
    lines = [Line(first, 7, "87,50", True), Line(second, 1, "12,50", False)]
    return Outcome(FLAG, lines, certified=certified, proposed=[first])


def scored(conference: Conference, *, close: bool = True) -> CriteriaTable:
    """Score the first two units; close every stage unless told not to."""
    cluster = conference.cluster
    table = started(cluster)
    a, b = cluster.units[:2]
    self_score(table, a, {"1.1": "10", "1.2": "7.5", "2.1": "9", "T1": "2"})  # 28.5
    self_score(table, b, {"1.1": "9", "1.2": "7", "2.1": "10"})  # 26
    if close:
        for stage in ScoringStage:
            scoring.close_stage(table, stage, by=staff(cluster, Role.CHAIR), now=WRITTEN_AT)
    return table


def _documents() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Document)) or 0


def _issue(conference: Conference, kind: DocumentKind) -> Document:
    return issue_document(conference, kind, by=conference.chair, now=ENDED_AT)


@pytest.mark.parametrize("kind", [DocumentKind.EMULATION_MINUTES, DocumentKind.AWARD_PROPOSAL])
def test_issuing_is_refused_until_the_ranking_is_final_and_writes_nothing(
    conference: Conference, kind: DocumentKind
) -> None:
    advance(conference, Stage.CHECKED_IN)
    with pytest.raises(InvalidState, match="chưa có bảng tiêu chí năm 2016"):
        _issue(conference, kind)
    scored(conference, close=False)
    with pytest.raises(InvalidState, match="chưa chính thức: giai đoạn Tự chấm chưa kết thúc"):
        _issue(conference, kind)
    assert _documents() == 0 and issuable(conference) == []
    assert register(cluster_id=conference.cluster_id) == []  # no number taken


def test_issuing_is_refused_while_a_suy_ton_vote_is_not_certified(
    conference: Conference, monkeypatch: pytest.MonkeyPatch
) -> None:
    advance(conference, Stage.CHECKED_IN)
    scored(conference)
    monkeypatch.setattr(collect_emulation, "award_outcomes", lambda c: [flag_vote(c, certified=False)])
    for kind in (DocumentKind.EMULATION_MINUTES, DocumentKind.AWARD_PROPOSAL):
        with pytest.raises(InvalidState, match=f"Kết quả suy tôn {FLAG} chưa được chứng nhận"):
            _issue(conference, kind)
    assert _documents() == 0


def test_a_proposal_needs_a_proposed_unit_but_the_minutes_do_not(conference: Conference) -> None:
    advance(conference, Stage.CHECKED_IN)
    scored(conference)
    assert issuable(conference) == [(DocumentKind.EMULATION_MINUTES, None)]
    with pytest.raises(InvalidState, match="Chưa có đơn vị nào được suy tôn"):
        _issue(conference, DocumentKind.AWARD_PROPOSAL)
    minutes = _issue(conference, DocumentKind.EMULATION_MINUTES)
    assert minutes.number == "01/BB-CTĐ1" and _documents() == 1


def test_both_are_numbered_in_the_register_and_print_the_ranking_and_proposals(
    conference: Conference, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    advance(conference, Stage.LEADER_CERTIFIED)  # units[1] leads the cluster in 2017
    scored(conference)
    monkeypatch.setattr(collect_emulation, "award_outcomes", lambda c: [flag_vote(c)])
    assert kind_of_slug("emulation") is DocumentKind.EMULATION_MINUTES
    minutes = _issue(conference, DocumentKind.EMULATION_MINUTES)
    proposal = _issue(conference, DocumentKind.AWARD_PROPOSAL)
    assert (minutes.number, proposal.number) == ("01/BB-CTĐ1", "02/TTr-CTĐ1")
    assert proposal.filename == "to-trinh-de-nghi-khen-thuong-ctd1-2016.pdf"
    lines = register(cluster_id=conference.cluster_id)
    assert [(line.number, line.kind) for line in lines] == [
        ("01/BB-CTĐ1", "Biên bản họp bình xét, suy tôn"),
        ("02/TTr-CTĐ1", "Tờ trình đề nghị khen thưởng"),
    ]
    assert lines[1].signers == [f"{conference.chair.full_name} (Đơn vị Cụm trưởng – Chủ tọa)"]
    a, b = (unit.name for unit in conference.cluster.units[:2])
    path = tmp_path / "minutes.pdf"
    path.write_bytes(minutes.content)
    text = pdf_text(path, "-raw")
    # self-score, (no cross-check entered), review and second review as they left it; bonus, penalty, total
    assert f"1 {a} 28,5 28,5 28,5 2 0 28,5 2 {b} 26 26 26 0 0 26" in text
    assert f"Đơn vị được suy tôn {FLAG}: {a}." in text
    path.write_bytes(proposal.content)
    text = pdf_text(path, "-raw")
    # units[0] is the factory conference's outgoing leader; units[1] was elected for 2017
    cluster = conference.cluster.name
    assert f"1 {a} Cụm trưởng {cluster} năm 2016 1 28,5 7/8 phiếu (87,50%)" in text


def test_closing_the_conference_issues_them_and_the_minutes_gain_the_ranking(
    conference: Conference, tmp_path: Path
) -> None:
    advance(conference, Stage.HANDED_OVER)
    scored(conference)
    advance_to_minutes = [DocumentKind.COUNTING_MINUTES] * 2 + [
        DocumentKind.HANDOVER_MINUTES,
        DocumentKind.EMULATION_MINUTES,
        DocumentKind.CONFERENCE_MINUTES,
    ]
    approve_minutes(conference, 8)
    minutes = issue_minutes(conference, by=conference.chair, now=ENDED_AT)
    assert [d.kind for d in conference_documents(conference)] == advance_to_minutes
    path = tmp_path / "minutes.pdf"
    path.write_bytes(minutes.content)
    text = pdf_text(path, "-raw")
    a = conference.cluster.units[0].name
    assert "5. Kết quả bình xét, suy tôn" in text and f"Hạng Tên đơn vị Tổng điểm 1 {a} 28,5" in text
    assert "Hội nghị không tiến hành bỏ phiếu suy tôn." in text


def test_signed_and_sealed_they_are_valid_and_trusted_with_pdfsig(
    conference: Conference, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    advance(conference, Stage.CHECKED_IN)
    scored(conference)
    monkeypatch.setattr(collect_emulation, "award_outcomes", lambda c: [flag_vote(c)])
    documents = [
        _issue(conference, kind) for kind in (DocumentKind.EMULATION_MINUTES, DocumentKind.AWARD_PROPOSAL)
    ]
    sign_demo_documents(conference, now=ENDED_AT)  # the persons with their PINs, then the clerk's seal
    ca = tmp_path / "ca.pem"
    ca.write_text("".join(root.public_bytes(Encoding.PEM).decode() for root in signing.trust_roots()))
    store = nss_store(ca, tmp_path)
    for document, fields in zip(
        documents, (["thu_ky", "chu_toa", "co_quan"], ["chu_toa", "co_quan"]), strict=True
    ):
        version = document.current_version
        assert version.is_signed and version.status == "Đã phát hành"  # the seal published it
        assert signing.verify_pdf(document.content).is_fully_signed
        pdf = tmp_path / document.filename
        pdf.write_bytes(document.content)
        results = pdfsig(store, pdf)
        assert [r["Signature Field Name"] for r in results] == fields
        for result in results:
            assert result["Signature Validation"] == "Signature is Valid."
            assert result["Certificate Validation"] == "Certificate is Trusted."


def test_the_documents_page_says_why_not_yet_then_the_chair_issues_them(
    app: Flask, make_site: MakeSite, login: Callable[[str], FlaskClient]
) -> None:
    site = make_site(Stage.CHECKED_IN)
    with app.app_context():
        conference = db.session.get(Conference, site.conference_id)
        assert conference is not None
        table = scored(conference, close=False)
        db.session.commit()
        table_id = table.id
    chair = login(site.chair)
    base = f"/conferences/{site.conference_id}/documents"
    page = text(chair.get(base))
    assert f"{base}/emulation" not in page
    assert (
        "Chưa thể phát hành Biên bản họp bình xét, suy tôn: Kết quả xếp hạng chưa chính thức: "
        "giai đoạn Tự chấm chưa kết thúc."
    ) in page
    refused = confirm(chair, f"{base}/emulation")
    assert refused.status_code == 409 and "giai đoạn Tự chấm chưa kết thúc" in text(refused)
    with app.app_context():
        assert _documents() == 0
        table = db.session.get(CriteriaTable, table_id)
        assert table is not None
        for stage in ScoringStage:
            scoring.close_stage(table, stage, by=staff(table.cluster, Role.CHAIR), now=WRITTEN_AT)
        db.session.commit()
    page = text(chair.get(base))
    assert f"{base}/emulation" in page and "Chưa có đơn vị nào được suy tôn" in page
    issued = text(confirm(chair, f"{base}/emulation", follow_redirects=True))
    assert "Đã phát hành Biên bản họp bình xét, suy tôn số 01/BB-CTĐ1" in issued
    assert confirm(chair, f"{base}/award-proposal").status_code == 409
