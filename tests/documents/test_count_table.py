"""The count table of a round: one-line cells are plain strings that print where paragraphs would."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from tests.helpers import require_tool
from voting.documents.minutes_data import CountRow
from voting.documents.pdf import register_fonts
from voting.documents.pdf.conference import count_table
from voting.documents.pdf.layout import MARGINS, STYLES, TEXT_WIDTH, table_style

LONG = "Phòng Cảnh sát quản lý hành chính về trật tự xã hội và Phòng Cảnh sát giao thông đường bộ"
ROWS = [
    CountRow("Công an huyện Đông Anh", 31, "51,67"),
    CountRow(LONG, 29, "48,33"),
    CountRow("Phòng  Hậu cần", 0, "0,00"),  # a run of spaces: the paragraph prints one
]
#: a word's box in pdftotext -bbox output
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def _paragraph_table() -> Table:
    """Return the table as it was built before plain-string cells: a paragraph in every cell."""
    titles = ("STT", "Tên đơn vị", "Số phiếu", "Tỷ lệ %")
    rows = [[Paragraph(title, STYLES["cell_head"]) for title in titles]] + [
        [
            Paragraph(str(i), STYLES["cell_stt"]),
            Paragraph(row.unit_name, STYLES["cell"]),
            Paragraph(str(row.votes), STYLES["cell_num"]),
            Paragraph(row.percent, STYLES["cell_num"]),
        ]
        for i, row in enumerate(ROWS, 1)
    ]
    table = Table(rows, colWidths=[14 * mm, TEXT_WIDTH - 64 * mm, 25 * mm, 25 * mm], repeatRows=1)
    table.setStyle(
        table_style(
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        )
    )
    return table


def _words(table: Table, tmp_path: Path) -> list[tuple[str, tuple[float, ...]]]:
    """Return every word of a page holding only *table*, with its box, as pdftotext reads it."""
    register_fonts()
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1, **MARGINS).build([table])
    path = tmp_path / "table.pdf"
    path.write_bytes(buffer.getvalue())
    html = subprocess.run(
        [require_tool("pdftotext"), "-bbox", path, "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return [(m[4], tuple(float(v) for v in m[:4])) for m in WORD.findall(html)]


def test_one_line_cells_are_plain_strings_and_long_names_wrap() -> None:
    table = count_table(ROWS)
    cells = table._cellvalues  # ReportLab keeps the cells there
    assert cells[0] == ["STT", "Tên đơn vị", "Số phiếu", "Tỷ lệ %"]
    assert cells[1] == ["1", "Công an huyện Đông Anh", "31", "51,67"]
    assert isinstance(cells[2][1], Paragraph)  # too long for one line
    assert isinstance(cells[3][1], Paragraph)  # its spaces are collapsed as before
    table.wrap(TEXT_WIDTH, A4[1])
    one_line, wrapped = table._rowHeights[1], table._rowHeights[2]
    assert wrapped >= one_line + STYLES["cell"].leading


def test_plain_cells_print_where_paragraph_cells_did(tmp_path: Path) -> None:
    before = _words(_paragraph_table(), tmp_path)
    after = _words(count_table(ROWS), tmp_path)
    assert [word for word, _ in after] == [word for word, _ in before]
    moves = [
        abs(a - b)
        for (_, box_a), (_, box_b) in zip(after, before, strict=True)
        for a, b in zip(box_a, box_b, strict=True)
    ]
    assert max(moves) < 0.001  # points: float rounding only
