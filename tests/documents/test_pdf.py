"""Tests of the Biên bản hội nghị PDF builder."""

from __future__ import annotations

import dataclasses
import subprocess
import unicodedata
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from reportlab.lib.fonts import tt2ps

from tests.documents.minutes import CHAIR, SECRETARY, UNITS, make_minutes, make_round
from tests.helpers import require_tool
from voting.documents.minutes_data import ConferenceMinutes, DelegateMinutes, ElectionMinutes, RoundMinutes
from voting.documents.pdf import FONT_DIR, build_conference_minutes_pdf, register_fonts
from voting.formatting import nfc


@pytest.fixture
def minutes() -> ConferenceMinutes:
    """Return the 8-unit 2016 example: leader in one round, deputy after a runoff."""
    base = len(UNITS)
    leader = ElectionMinutes(
        office="Cụm trưởng",
        term_year=2017,
        rounds=[make_round(1, {UNITS[1]: 6, UNITS[2]: 1, UNITS[3]: 1}, base, UNITS[1])],
        elected_unit=UNITS[1],
    )
    deputy = ElectionMinutes(
        office="Cụm phó",
        term_year=2017,
        rounds=[
            make_round(1, {UNITS[2]: 3, UNITS[3]: 3, UNITS[4]: 1, UNITS[6]: 1}, base, None),
            make_round(2, {UNITS[2]: 5, UNITS[3]: 3}, base, UNITS[2]),
        ],
        elected_unit=UNITS[2],
    )
    return make_minutes(UNITS, [leader, deputy])


@pytest.fixture
def large_minutes() -> ConferenceMinutes:
    """Return a 60-unit cluster with three rounds in each election."""
    units = [f"Đơn vị thành viên số {i} của Cụm thi đua" for i in range(1, 61)]
    base = len(units)

    def rounds(elected: str | None) -> list[RoundMinutes]:
        """Return two inconclusive rounds and a third that elects *elected* (or nobody)."""
        spread = {unit: 1 for unit in units}
        last = {units[1]: 31, units[2]: 29} if elected else {units[2]: 30, units[3]: 30}
        return [
            make_round(1, spread, base, None),
            make_round(2, {units[1]: 30, units[2]: 30}, base, None),
            make_round(3, last, base, elected),
        ]

    elections = [
        ElectionMinutes("Cụm trưởng", 2017, rounds(units[1]), units[1]),
        ElectionMinutes("Cụm phó", 2017, rounds(None), None),
    ]
    return make_minutes(units, elections)


def write_pdf(data: ConferenceMinutes, tmp_path: Path) -> Path:
    """Build the PDF of *data* into a temporary file and return its path."""
    path = tmp_path / "minutes.pdf"
    path.write_bytes(build_conference_minutes_pdf(data))
    return path


def run_tool(name: str, *args: str | Path) -> str:
    """Run a poppler tool and return its UTF-8 output."""
    tool = require_tool(name)
    result = subprocess.run([tool, *map(str, args)], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def pdf_text(path: Path, *options: str) -> str:
    """Return the text pdftotext extracts, in NFC with whitespace collapsed."""
    raw = run_tool("pdftotext", *options, "-enc", "UTF-8", path, "-")
    return " ".join(nfc(raw).split())


def test_pdf_is_deterministic(minutes: ConferenceMinutes) -> None:
    first = build_conference_minutes_pdf(minutes)
    second = build_conference_minutes_pdf(dataclasses.replace(minutes))
    assert first.startswith(b"%PDF-")
    assert first == second


def test_text_has_header_units_elections_and_signatures(minutes: ConferenceMinutes, tmp_path: Path) -> None:
    text = pdf_text(write_pdf(minutes, tmp_path), "-raw")
    expected = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "CÔNG AN THÀNH PHỐ HÀ NỘI",
        "CỤM THI ĐUA SỐ 4",
        "Số: 01/BB-CTĐ4",
        "Hà Nội, ngày 11 tháng 11 năm 2016",
        "BIÊN BẢN",
        "Thời gian bắt đầu: 08 giờ 00 phút, ngày 11 tháng 11 năm 2016",
        "Các đơn vị thành viên có mặt: 8/8 đơn vị",
        "Bầu đơn vị Cụm trưởng năm 2017",
        "Bầu đơn vị Cụm phó năm 2017",
        "Vòng 2 (bầu lại)",
        "Số phiếu phát ra: 8; số phiếu thu vào: 8; số phiếu hợp lệ: 8",
        "Đơn vị trúng cử Cụm trưởng: Phòng Công tác chính trị",
        "Đơn vị trúng cử Cụm phó: Phòng Hậu cần",
        "cờ luân lưu",
        "được 8/8 đơn vị có mặt (100,00%) biểu quyết thông qua",
        "Hội nghị kết thúc vào 11 giờ 30 phút, ngày 11 tháng 11 năm 2016",
        "THƯ KÝ",
        "CHỦ TỌA",
        CHAIR,
        SECRETARY,
        "Nơi nhận:",
        "- Lưu: VT, Hồ sơ.",
        *UNITS,
    ]
    missing = [phrase for phrase in expected if nfc(phrase) not in text]
    assert missing == []


def test_fonts_are_embedded_with_real_bold_and_italic(minutes: ConferenceMinutes, tmp_path: Path) -> None:
    output = run_tool("pdffonts", write_pdf(minutes, tmp_path))
    rows = [line.split() for line in output.splitlines()[2:] if line.strip()]
    names = [row[0] for row in rows]
    # Columns: name, type (one or two words), encoding, emb, sub, uni, object number, generation.
    assert rows and all(row[-5] == "yes" for row in rows), output
    assert any("NotoSerif-Bold" in name for name in names)
    assert any("NotoSerif-Italic" in name for name in names)
    assert any("NotoSerif-Regular" in name for name in names)


def test_nfd_input_is_written_as_nfc(minutes: ConferenceMinutes, tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Hội trường Nguyễn Hữu Lợi")
    assert nfd != nfc(nfd)
    data = dataclasses.replace(minutes, place=nfd, chair_name=unicodedata.normalize("NFD", CHAIR))
    raw = run_tool("pdftotext", "-raw", "-enc", "UTF-8", write_pdf(data, tmp_path), "-")
    collapsed = " ".join(raw.split())
    assert nfc("Địa điểm: Hội trường Nguyễn Hữu Lợi.") in collapsed
    assert not any(unicodedata.combining(char) for char in raw)


def test_large_cluster_spans_pages_with_page_numbers(
    large_minutes: ConferenceMinutes, tmp_path: Path
) -> None:
    path = write_pdf(large_minutes, tmp_path)
    info = run_tool("pdfinfo", path)
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert pages > 1
    first_page = pdf_text(path, "-f", "1", "-l", "1")
    second_page = pdf_text(path, "-f", "2", "-l", "2")
    assert first_page.startswith("CÔNG AN THÀNH PHỐ HÀ NỘI")
    assert second_page.split()[0] == "2"
    text = pdf_text(path, "-raw")
    assert "Vòng 3 (bầu lại)" in text
    assert "Không có đơn vị trúng cử Cụm phó." in text


def test_metadata_is_nfc(minutes: ConferenceMinutes, tmp_path: Path) -> None:
    data = dataclasses.replace(minutes, subject=unicodedata.normalize("NFD", minutes.subject))
    output = run_tool("pdfinfo", write_pdf(data, tmp_path))
    info = dict(line.split(":", 1) for line in output.splitlines() if ":" in line)
    assert info["Subject"].strip() == nfc(minutes.subject)
    assert info["Title"].strip() == nfc("Biên bản hội nghị Cụm thi đua số 4 số 01/BB-CTĐ4")
    assert info["Author"].strip() == nfc("Cụm thi đua số 4 – Công an thành phố Hà Nội")


def test_register_fonts_is_idempotent() -> None:
    register_fonts()
    register_fonts()
    assert tt2ps("NotoSerif", 1, 0) == "NotoSerif-Bold"
    assert tt2ps("NotoSerif", 1, 1) == "NotoSerif-BoldItalic"


@pytest.mark.parametrize("face", ["Bold", "BoldItalic"])
def test_bold_faces_are_real_weights(face: str) -> None:
    light_face = "Italic" if "Italic" in face else "Regular"
    light = TTFont(FONT_DIR / f"NotoSerif-{light_face}.ttf")
    bold = TTFont(FONT_DIR / f"NotoSerif-{face}.ttf")
    assert (light["OS/2"].usWeightClass, bold["OS/2"].usWeightClass) == (400, 700)
    assert "fvar" not in bold
    glyph = bold.getBestCmap()[ord("ệ")]
    outline = bold["glyf"][glyph].getCoordinates(bold["glyf"])[0]
    assert list(outline) != list(light["glyf"][glyph].getCoordinates(light["glyf"])[0])
    assert (FONT_DIR / f"NotoSerif-{face}.ttf").stat().st_size < 250_000


def test_a_replacement_prints_what_it_replaces_under_its_number(
    minutes: ConferenceMinutes, tmp_path: Path
) -> None:
    """Decree 30 Art 18: the builder takes the line as data and prints it; a first issue prints none."""
    line = "Thay thế Biên bản hội nghị số 01/BB-CTĐ4 ngày 11/11/2016"
    replacement = dataclasses.replace(minutes, number="05/BB-CTĐ4", replaces=line)
    printed = pdf_text(write_pdf(replacement, tmp_path), "-raw")
    assert "Số: 05/BB-CTĐ4" in printed and line in printed
    assert printed.index("Số: 05/BB-CTĐ4") < printed.index(line) < printed.index("BIÊN BẢN")
    assert "Thay thế" not in pdf_text(write_pdf(minutes, tmp_path), "-raw")


def test_delegates_discussion_and_conclusions_are_printed(minutes: ConferenceMinutes, tmp_path: Path) -> None:
    data = dataclasses.replace(
        minutes,
        delegates={
            UNITS[0]: [DelegateMinutes("Lê Văn Bình", "Phó trưởng phòng"), DelegateMinutes("Trần Thu", "")],
        },
        discussion="Đại biểu Phòng Hậu cần đề nghị tăng khen thưởng.\nĐại biểu Báo An ninh Thủ đô nhất trí.",
        conclusions="Đồng chí Đinh Văn Toản biểu dương các đơn vị.",
    )
    text = pdf_text(write_pdf(data, tmp_path), "-raw")
    expected = [
        f"1. {UNITS[0]}: - Lê Văn Bình, Phó trưởng phòng; - Trần Thu; 2. {UNITS[1]};",
        "2. Thảo luận Đại biểu Phòng Hậu cần đề nghị tăng khen thưởng. Đại biểu Báo An ninh Thủ đô nhất trí.",
        "Kết luận của đồng chí chỉ đạo hội nghị Đồng chí Đinh Văn Toản biểu dương các đơn vị.",
    ]
    assert [phrase for phrase in expected if nfc(phrase) not in text] == []
    # the conclusions close the content: after the elections and the handover
    assert text.index("Kết luận của đồng chí chỉ đạo") > text.index("Bàn giao cờ luân lưu")


def test_empty_sections_are_left_out(minutes: ConferenceMinutes, tmp_path: Path) -> None:
    text = pdf_text(write_pdf(minutes, tmp_path), "-raw")
    assert "Thảo luận" not in text and "Kết luận của đồng chí" not in text
