"""The bình xét and suy tôn parts the documents share: the ranking table, tie notes, suy tôn counts.

The conference minutes print ``summary_section``; the Biên bản họp bình xét, suy tôn the full
ranking (each stage's total side by side) and each vote's count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table, TableStyle

from voting.documents.emulation_data import AwardMinutes, EmulationSummary, StandingRow
from voting.documents.pdf.layout import (
    BOLD,
    REGULAR,
    STYLES,
    TEXT_WIDTH,
    cells,
    register_fonts,
    sentence,
    t,
    table_style,
)

#: a row of a grid: plain texts (wrapped when too wide) or ready flowables
Cell = str | Flowable
_PADDING = 3
#: the ranking has up to nine columns: its cells are set in 10 pt, the other grids in 12 pt
_STYLES = {10.0: ("cell_small", "cell_head_small"), 12.0: ("cell", "cell_head")}


def _grid_style(size: float) -> TableStyle:
    leading = STYLES[_STYLES[size][0]].leading
    return table_style(
        ("FONT", (0, 0), (-1, -1), REGULAR, size, leading),
        ("FONT", (0, 0), (-1, 0), BOLD, size, leading),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("ALIGN", (1, 1), (1, -1), "LEFT"),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), _PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    )


def grid(
    head: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[float], *, size: float = 12
) -> Table:
    """Return a ruled table, its header repeated on each page; a text too wide for its column wraps.

    A text that fits stays a plain string, which the table draws itself: a paragraph per cell made
    long tables slow (see ``conference.count_table``).
    """
    register_fonts()  # measuring text needs the faces
    body_style, head_style = _STYLES[float(size)]
    wrappers = {REGULAR: cells(body_style), BOLD: cells(head_style)}

    def cell(value: Cell, width: float, font: str) -> Cell:
        if not isinstance(value, str):
            return value
        fits = pdfmetrics.stringWidth(value, font, size) < width - 2 * _PADDING - 1
        maker: Callable[[str], Flowable] = wrappers[font]
        return value if fits and " ".join(value.split()) == value else maker(value)

    table_rows = [[cell(text, width, BOLD) for text, width in zip(head, widths, strict=True)]]
    table_rows += [[cell(v, width, REGULAR) for v, width in zip(row, widths, strict=True)] for row in rows]
    table = Table(table_rows, colWidths=list(widths), repeatRows=1)
    table.setStyle(_grid_style(float(size)))
    table.spaceAfter = 6
    return table


def ranking_table(rows: list[StandingRow], stage_names: list[str]) -> Table:
    """Return Hạng | Đơn vị | each stage's total | Điểm thưởng | Điểm trừ | Tổng điểm."""
    numbers = [14 * mm] * len(stage_names) + [16 * mm, 12 * mm, 15 * mm]
    widths = [13 * mm, TEXT_WIDTH - 13 * mm - sum(numbers), *numbers]
    head = ["Hạng", "Đơn vị", *stage_names, "Điểm thưởng", "Điểm trừ", "Tổng điểm"]
    body = [[str(r.rank), r.unit_name, *r.stage_totals, r.bonus, r.penalty, r.total] for r in rows]
    return grid(head, body, widths, size=10)


def tie_notes(rows: list[StandingRow]) -> list[Flowable]:
    """Return a sentence for each place a tie rule decided and each tie kept: no tie is broken silently."""
    notes = []
    for above, row in zip(rows, rows[1:], strict=False):
        if row.note.startswith("Quy tắc"):
            notes.append(
                f"{t(row.unit_name)} xếp sau {t(above.unit_name)} (cùng {row.total} điểm) theo "
                f"{t(row.note[0].lower() + row.note[1:])}."
            )
    for rank in sorted({row.rank for row in rows if row.note == "Đồng hạng"}):
        names = "; ".join(t(row.unit_name) for row in rows if row.rank == rank)
        notes.append(f"Đồng hạng {rank} (các quy tắc xếp hạng không phân biệt được): {names}.")
    return [Paragraph(note, STYLES["body"]) for note in notes]


def award_section(award: AwardMinutes, number: str) -> list[Flowable]:
    """Return the count of one suy tôn vote and the units it puts forward."""
    body = STYLES["body"]
    rounds = f"; số vòng bỏ phiếu: {award.rounds}" if award.rounds > 1 else ""
    flow: list[Flowable] = [
        CondPageBreak(45 * mm),
        Paragraph(f"{number}. Suy tôn {t(award.title)}", STYLES["heading"]),
        Paragraph(
            f"Mỗi đơn vị chọn tối đa {award.seats} đơn vị; điều kiện được suy tôn: "
            f"{t(award.rule[:1].lower() + award.rule[1:])}{rounds}.",
            body,
        ),
    ]
    if award.lines:
        widths = [14 * mm, TEXT_WIDTH - 88 * mm, 22 * mm, 22 * mm, 30 * mm]
        rows = [
            [str(i), x.unit_name, str(x.votes), x.percent, "Được suy tôn" if x.proposed else ""]
            for i, x in enumerate(award.lines, 1)
        ]
        flow.append(grid(["STT", "Tên đơn vị", "Số phiếu", "Tỷ lệ %", "Kết quả"], rows, widths))
    flow.append(
        Paragraph(
            f"<b>Đơn vị được suy tôn {t(award.title)}: {sentence('; '.join(award.proposed))}</b>"
            if award.proposed
            else f"<b>Không có đơn vị nào đạt điều kiện suy tôn {t(award.title)}.</b>",
            body,
        )
    )
    return flow


def summary_section(summary: EmulationSummary, number: int) -> list[Flowable]:
    """Return the conference minutes' section "Kết quả bình xét, suy tôn": the ranking and the proposals."""
    body = STYLES["body"]
    widths = [16 * mm, TEXT_WIDTH - 46 * mm, 30 * mm]
    flow: list[Flowable] = [
        CondPageBreak(45 * mm),
        Paragraph(f"{number}. Kết quả bình xét, suy tôn", STYLES["heading"]),
        Paragraph(f"Kết quả xếp hạng theo {t(summary.table_title)}:", body),
        grid(
            ["Hạng", "Tên đơn vị", "Tổng điểm"],
            [[str(r.rank), r.unit_name, r.total] for r in summary.rows],
            widths,
        ),
        *tie_notes(summary.rows),
    ]
    if summary.awards:
        flow.append(Paragraph("Hội nghị bỏ phiếu kín suy tôn và thống nhất đề nghị khen thưởng:", body))
        for award in summary.awards:
            names = "; ".join(award.proposed) or "không có đơn vị nào đạt điều kiện"
            flow.append(Paragraph(f"- {t(award.title)}: {sentence(names)}", body))
    else:
        flow.append(Paragraph("Hội nghị không tiến hành bỏ phiếu suy tôn.", body))
    return flow
