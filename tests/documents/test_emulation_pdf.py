"""The bình xét and suy tôn documents' PDF builders, read back with pdftotext."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tests.documents.emulation import FLAG, MERIT, award_proposal, emulation_minutes, standing_rows
from tests.documents.minutes import CHAIR, SECRETARY, UNITS, make_minutes
from tests.documents.test_pdf import pdf_text, run_tool
from voting.documents.emulation_data import EmulationSummary
from voting.documents.pdf import build_conference_minutes_pdf
from voting.documents.pdf.emulation import (
    AGENCY_FIELD,
    CHAIR_FIELD,
    SECRETARY_FIELD,
    build_award_proposal,
    build_emulation_minutes,
)


def _text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    return pdf_text(path, "-raw")


def test_the_minutes_print_the_table_scores_side_by_side_ranking_votes_and_signers(tmp_path: Path) -> None:
    built = build_emulation_minutes(emulation_minutes())
    text = _text(built.content, tmp_path)
    assert "CỤM THI ĐUA SỐ 4" in text and "Số: 02/BB-CTĐ4" in text
    assert "BIÊN BẢN Họp bình xét, suy tôn thi đua năm 2016" in text
    assert "Bảng tiêu chí chấm điểm thi đua năm 2016; điểm tối đa: 105 điểm" in text
    assert "- Quy chế hoạt động của Cụm thi đua số 4." in text
    assert "(1) Điểm phần II cao hơn; (2) Điểm trừ ít hơn." in text
    # each unit's self, cross-check and agreed totals side by side, then bonus, penalty and total
    assert f"2 {UNITS[1]} 99,5 99,5 99,5 1 0 99,5" in text
    # the tie the first rule broke is said in words, never silently
    assert f"{UNITS[3]} xếp sau {UNITS[2]} (cùng 99 điểm) theo quy tắc 1: Điểm phần II cao hơn." in text
    assert (
        f"1. Suy tôn {FLAG}" in text
        and "điều kiện được suy tôn: đạt từ 50% trở lên số đơn vị có mặt (8 đơn vị)." in text
    )
    assert f"1 {UNITS[0]} 7 87,50 Được suy tôn" in text
    assert f"Đơn vị được suy tôn {MERIT}: {UNITS[0]}; {UNITS[1]}." in text
    assert "IV. ĐỀ NGHỊ KHEN THƯỞNG" in text and f"- {FLAG}: {UNITS[0]}." in text
    assert f"THƯ KÝ {SECRETARY} CHỦ TỌA {CHAIR}" in text
    assert [spot.field for spot in built.spots] == [SECRETARY_FIELD, CHAIR_FIELD, AGENCY_FIELD]


def test_minutes_without_a_vote_say_so_and_a_kept_tie_is_named(tmp_path: Path) -> None:
    data = emulation_minutes(awards=[])
    rows = [
        dataclasses.replace(row, note="Đồng hạng", rank=3) if row.rank in (3, 4) else row for row in data.rows
    ]
    text = _text(build_emulation_minutes(dataclasses.replace(data, rows=rows)).content, tmp_path)
    assert "Hội nghị không tiến hành bỏ phiếu suy tôn." in text
    assert "Không có đơn vị nào được đề nghị khen thưởng." in text
    assert f"Đồng hạng 3 (các quy tắc xếp hạng không phân biệt được): {UNITS[2]}; {UNITS[3]}." in text


def test_the_minutes_of_sixty_units_span_pages_with_the_header_repeated(tmp_path: Path) -> None:
    units = [f"Đơn vị thành viên số {i} của Cụm thi đua" for i in range(1, 61)]
    path = tmp_path / "large.pdf"
    path.write_bytes(build_emulation_minutes(emulation_minutes(units)).content)
    pages = int(
        next(line for line in run_tool("pdfinfo", path).splitlines() if line.startswith("Pages:")).split()[1]
    )
    text = pdf_text(path, "-raw")
    assert pages >= 3
    assert text.count("Hạng Đơn vị") >= 2  # the ranking's header on each page it spans
    assert f"60 {units[59]}" in text


def test_the_proposal_names_each_award_units_rank_score_and_the_cluster_they_lead(tmp_path: Path) -> None:
    built = build_award_proposal(award_proposal())
    text = _text(built.content, tmp_path)
    assert "Số: 03/TTr-CTĐ4" in text
    assert "TỜ TRÌNH Về việc đề nghị khen thưởng phong trào thi đua năm 2016" in text
    assert "Kính gửi: Hội đồng Thi đua - Khen thưởng Công an thành phố Hà Nội." in text
    assert f"1. {FLAG}: 1 đơn vị" in text and f"2. {MERIT}: 2 đơn vị" in text
    assert f"1 {UNITS[0]} Cụm trưởng Cụm thi đua số 4 năm 2016 1 100 7/8 phiếu (87,50%)" in text
    assert f"{UNITS[1]} Cụm trưởng Cụm thi đua số 4 năm 2017 2 99,5 6/8 phiếu (75,00%)" in text
    assert "xem xét, quyết định./." in text
    assert f"TM. CỤM THI ĐUA SỐ 4 ĐƠN VỊ CỤM TRƯỞNG {CHAIR}" in text
    assert "Nơi nhận:" in text and "- Lưu: VT, Hồ sơ." in text
    assert [spot.field for spot in built.spots] == [CHAIR_FIELD, AGENCY_FIELD]


def test_the_conference_minutes_gain_the_ranking_and_proposals_only_with_a_table(tmp_path: Path) -> None:
    plain = make_minutes(UNITS, [])
    without = _text(build_conference_minutes_pdf(plain), tmp_path)
    assert "Kết quả bình xét, suy tôn" not in without
    data = emulation_minutes()
    summary = EmulationSummary(data.table_title, standing_rows(UNITS), data.awards)
    text = _text(build_conference_minutes_pdf(dataclasses.replace(plain, emulation=summary)), tmp_path)
    assert "Kết quả bình xét, suy tôn Kết quả xếp hạng theo Bảng tiêu chí chấm điểm thi đua năm 2016:" in text
    assert f"Hạng Tên đơn vị Tổng điểm 1 {UNITS[0]} 100 2 {UNITS[1]} 99,5" in text
    assert f"- {FLAG}: {UNITS[0]}." in text and f"- {MERIT}: {UNITS[0]}; {UNITS[1]}." in text


def test_the_builders_are_deterministic() -> None:
    assert (
        build_emulation_minutes(emulation_minutes()).content
        == build_emulation_minutes(emulation_minutes()).content
    )
    assert build_award_proposal(award_proposal()).content == build_award_proposal(award_proposal()).content


def test_the_qr_code_is_drawn_once_and_placed_on_every_page(tmp_path: Path) -> None:
    """Encoding and drawing the QR code per page made a 60-unit document three times slower."""
    units = [f"Đơn vị thành viên số {i} của Cụm thi đua" for i in range(1, 61)]
    content = build_emulation_minutes(emulation_minutes(units)).content
    path = tmp_path / "large.pdf"
    path.write_bytes(content)
    pages = int(
        next(line for line in run_tool("pdfinfo", path).splitlines() if line.startswith("Pages:")).split()[1]
    )
    assert content.count(b"/Subtype /Form") == 1
    assert content.count(b"/FormXob.verify_qr") == pages > 1  # each page's resources name the one form
