"""Build the conference minutes (Biên bản hội nghị) as a PDF in the layout of Decree 30/2020."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from voting.documents.minutes_data import (
    ConferenceMinutes,
    ElectionMinutes,
    HandoverMinutes,
    RoundMinutes,
)
from voting.formatting import format_clock, format_date_line, format_percent, nfc

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = REGULAR = "NotoSerif"
BOLD, ITALIC, BOLD_ITALIC = "NotoSerif-Bold", "NotoSerif-Italic", "NotoSerif-BoldItalic"
_FACES = {REGULAR: "Regular", BOLD: "Bold", ITALIC: "Italic", BOLD_ITALIC: "BoldItalic"}
_LOCK = threading.Lock()

MARGINS = dict(topMargin=20 * mm, bottomMargin=20 * mm, leftMargin=30 * mm, rightMargin=15 * mm)
TEXT_WIDTH = A4[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
_ROUND_START = 55 * mm  # election and round headings, the counts line and three table rows


def register_fonts() -> None:
    """Register the four Noto Serif faces as the ReportLab family "NotoSerif" (idempotent)."""
    with _LOCK:
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, face in _FACES.items():
            if name not in registered:
                pdfmetrics.registerFont(TTFont(name, FONT_DIR / f"NotoSerif-{face}.ttf"))
        pdfmetrics.registerFontFamily(
            FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
        )


def _t(text: str) -> str:
    """Return *text* in NFC, escaped for Paragraph markup."""
    return escape(nfc(text))


def _sentence(text: str) -> str:
    """Return *text* (NFC, escaped, lines joined by "; ") ending in a full stop unless it ends in punctuation."""
    lines = [line.strip().rstrip(";") for line in nfc(text).splitlines() if line.strip()]
    text = "; ".join(lines)
    return _t(text if text.endswith((".", "!", "?", "…", ":", ";")) else text + ".")


def _style(name: str, size: float = 13, font: str = REGULAR, **kw: object) -> ParagraphStyle:
    """Return a paragraph style in Noto Serif with a leading of 1.3 × the size."""
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=round(size * 1.3, 1), **kw)


STYLES = {
    "head": _style("head", 12, alignment=TA_CENTER),
    "head_bold": _style("head_bold", 13, BOLD, alignment=TA_CENTER),
    "nation": _style("nation", 12, BOLD, alignment=TA_CENTER),
    "number": _style("number", 13, alignment=TA_CENTER),
    "date": _style("date", 13, ITALIC, alignment=TA_CENTER),
    "title": _style("title", 14, BOLD, alignment=TA_CENTER, spaceBefore=18),
    "subject": _style("subject", 13, BOLD, alignment=TA_CENTER, spaceAfter=12),
    "body": _style("body", alignment=TA_JUSTIFY, firstLineIndent=1 * cm, spaceAfter=6),
    "heading": _style("heading", 13, BOLD, firstLineIndent=1 * cm, spaceAfter=6, keepWithNext=1),
    "item": _style("item", leftIndent=1.6 * cm, firstLineIndent=-0.6 * cm, spaceAfter=2),
    "cell": _style("cell", 12),
    "cell_head": _style("cell_head", 12, BOLD, alignment=TA_CENTER),
    "cell_num": _style("cell_num", 12, alignment=TA_RIGHT),
    "cell_stt": _style("cell_stt", 12, alignment=TA_CENTER),
    "sign": _style("sign", 13, BOLD, alignment=TA_CENTER),
    "to_head": _style("to_head", 12, BOLD_ITALIC, spaceBefore=18),
    "to": _style("to", 11),
}


def _table_style(*commands: tuple[object, ...]) -> TableStyle:
    """Return a table style in Noto Serif (tables otherwise pull in a non-embedded Helvetica)."""
    return TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 12), *commands])


class _Rule(Flowable):
    """A thin horizontal line of a given length, centred in the available width."""

    def __init__(self, length: float, above: float = 4, below: float = 5) -> None:
        super().__init__()
        self.length, self.above, self.below = length, above, below

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.avail_width = avail_width
        return avail_width, self.above + self.below

    def draw(self) -> None:
        start = (self.avail_width - self.length) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(start, self.below, start + self.length, self.below)


def _header(data: ConferenceMinutes) -> Table:
    """Return the two-column Decree 30 header as a borderless table."""
    cluster = nfc(data.cluster_name).upper()
    motto = "Độc lập - Tự do - Hạnh phúc"
    cluster_width = pdfmetrics.stringWidth(cluster, BOLD, 13)
    left = [
        Paragraph(_t(nfc(data.parent_body).upper()), STYLES["head"]),
        Paragraph(escape(cluster), STYLES["head_bold"]),
        _Rule(min(cluster_width, 66 * mm) * 0.4),
    ]
    right = [
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", STYLES["nation"]),
        Paragraph(motto, STYLES["head_bold"]),
        _Rule(pdfmetrics.stringWidth(motto, BOLD, 13)),
    ]
    rows = [
        [left, right],
        [Paragraph(f"Số: {_t(data.number)}", STYLES["number"]),
         Paragraph(_t(format_date_line(data.city, data.issued_on)), STYLES["date"])],
    ]
    table = Table(rows, colWidths=[66 * mm, TEXT_WIDTH - 66 * mm])
    table.setStyle(_table_style(
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ))
    return table


def _participants(data: ConferenceMinutes) -> list[Flowable]:
    """Return start time, place and the attendance paragraphs."""
    body, item = STYLES["body"], STYLES["item"]
    present = len(data.units_present)
    flow: list[Flowable] = [
        Paragraph(f"Thời gian bắt đầu: {_t(format_clock(data.started_at))}.", body),
        Paragraph(f"Địa điểm: {_sentence(data.place)}", body),
        Paragraph("Thành phần tham dự:", body),
        Paragraph(f"- Đại biểu dự và chỉ đạo: {_sentence(data.directing_leader)}", body),
        Paragraph(f"- Các đơn vị thành viên có mặt: {present}/{data.units_total} đơn vị:", body),
    ]
    flow += [
        Paragraph(f"{i}. {_t(unit)}{';' if i < present else '.'}", item)
        for i, unit in enumerate(data.units_present, 1)
    ]
    flow += [
        Spacer(1, 4),
        Paragraph(f"Chủ trì (chủ tọa): {_t(data.chair_name)} – {_sentence(data.chair_title)}",
                  body),
        Paragraph(f"Thư ký: {_t(data.secretary_name)} – {_sentence(data.secretary_title)}", body),
    ]
    return flow


def _count_table(rnd: RoundMinutes) -> Table:
    """Return the STT | Tên đơn vị | Số phiếu | Tỷ lệ % grid of one round."""
    titles = ("STT", "Tên đơn vị", "Số phiếu", "Tỷ lệ %")
    rows = [[Paragraph(title, STYLES["cell_head"]) for title in titles]] + [
        [
            Paragraph(str(i), STYLES["cell_stt"]),
            Paragraph(_t(row.unit_name), STYLES["cell"]),
            Paragraph(str(row.votes), STYLES["cell_num"]),
            Paragraph(_t(row.percent), STYLES["cell_num"]),
        ]
        for i, row in enumerate(rnd.rows, 1)
    ]
    table = Table(rows, colWidths=[14 * mm, TEXT_WIDTH - 64 * mm, 25 * mm, 25 * mm], repeatRows=1)
    table.setStyle(_table_style(
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ))
    table.spaceAfter = 6
    return table


def _election(election: ElectionMinutes, number: int) -> list[Flowable]:
    """Return the section of one election with all its rounds and its result."""
    body = STYLES["body"]
    title = f"{number}. Bầu đơn vị {_t(election.office)} năm {election.term_year}"
    # Start a round on a new page unless its headings, counts and first rows fit: keepWithNext
    # on a long table would push it whole to the next page and leave a blank one behind.
    flow: list[Flowable] = [CondPageBreak(_ROUND_START), Paragraph(title, STYLES["heading"])]
    for index, rnd in enumerate(election.rounds):
        if index:
            flow.append(CondPageBreak(_ROUND_START))
        label = f"Vòng {rnd.number}" + (" (bầu lại)" if rnd.number > 1 else "")
        counts = (
            f"Số phiếu phát ra: {rnd.issued}; số phiếu thu vào: {rnd.returned}; "
            f"số phiếu hợp lệ: {rnd.valid}; số phiếu không hợp lệ: {rnd.invalid}; "
            f"phiếu trống: {rnd.blank}."
        )
        flow += [Paragraph(f"<i>{label}</i>", STYLES["heading"]), Paragraph(counts, body)]
        if rnd.rows:
            flow.append(_count_table(rnd))
        if rnd.decision.strip():
            flow.append(Paragraph(_sentence(rnd.decision), body))
    office = _t(election.office)
    result = (
        f"Đơn vị trúng cử {office}: {_sentence(election.elected_unit)}"
        if election.elected_unit
        else f"Không có đơn vị trúng cử {office}."
    )
    flow.append(Paragraph(f"<b>{result}</b>", body))
    return flow


def _handover(handover: HandoverMinutes, cluster: str, number: int) -> list[Flowable]:
    """Return the section recording the handover of the rotating flag."""
    clock = _t(format_clock(handover.handed_over_at))
    lines = [
        f"Vào hồi {clock}, hội nghị tiến hành bàn giao cờ luân lưu của {_t(cluster)}:",
        f"- Bên giao: {_t(handover.from_unit)}, đại diện: {_t(handover.giver_name)} – "
        f"{_sentence(handover.giver_title)}",
        f"- Bên nhận: {_t(handover.to_unit)}, đại diện: {_t(handover.receiver_name)} – "
        f"{_sentence(handover.receiver_title)}",
        f"- Chứng kiến: {_sentence(handover.witnesses)}",
        f"- Tình trạng cờ luân lưu: {_sentence(handover.flag_condition)}",
        f"- Hồ sơ bàn giao: {_sentence(handover.files_handed_over)}",
    ]
    heading = Paragraph(f"{number}. Bàn giao cờ luân lưu", STYLES["heading"])
    return [heading, *(Paragraph(line, STYLES["body"]) for line in lines)]


def _content(data: ConferenceMinutes) -> list[Flowable]:
    """Return the numbered sections of NỘI DUNG HỘI NGHỊ."""
    flow: list[Flowable] = [Paragraph("NỘI DUNG HỘI NGHỊ", STYLES["heading"])]
    number = 0
    if data.report_summary.strip():
        number += 1
        flow.append(Paragraph(f"{number}. Báo cáo tổng kết phong trào thi đua", STYLES["heading"]))
        paragraphs = [p.strip() for p in nfc(data.report_summary).splitlines() if p.strip()]
        flow += [Paragraph(_t(p), STYLES["body"]) for p in paragraphs]
    for election in data.elections:
        number += 1
        flow += _election(election, number)
    if data.handover is not None:
        number += 1
        flow += _handover(data.handover, data.cluster_name, number)
    return flow


def _closing(data: ConferenceMinutes) -> list[Flowable]:
    """Return the approval and closing lines, the signatures and the recipients."""
    body = STYLES["body"]
    present = len(data.units_present)
    approval = (
        f"Biên bản đã được đọc lại trước hội nghị và được {data.approvals}/{present} đơn vị "
        f"có mặt ({format_percent(data.approvals, present)}%) biểu quyết thông qua."
    )
    signatures = Table(
        [
            [Paragraph("THƯ KÝ", STYLES["sign"]), Paragraph("CHỦ TỌA", STYLES["sign"])],
            [Spacer(1, 25 * mm), Spacer(1, 25 * mm)],
            [Paragraph(_t(data.secretary_name), STYLES["sign"]),
             Paragraph(_t(data.chair_name), STYLES["sign"])],
        ],
        colWidths=[TEXT_WIDTH / 2] * 2,
    )
    signatures.setStyle(_table_style(("VALIGN", (0, 0), (-1, -1), "TOP")))
    recipients = [nfc(r).strip() for r in data.recipients if r.strip()]
    lines = [r if r.endswith((";", ".", ":")) else r + ";" for r in recipients]
    to = [Paragraph("Nơi nhận:", STYLES["to_head"])]
    to += [Paragraph(f"- {escape(line)}", STYLES["to"]) for line in [*lines, "Lưu: VT, Hồ sơ."]]
    closing = Paragraph(f"Hội nghị kết thúc vào {_t(format_clock(data.ended_at))}.", body)
    # The closing line travels with the signatures so that they never stand alone on a page.
    return [Paragraph(approval, body), KeepTogether([closing, Spacer(1, 6), signatures]),
            KeepTogether(to)]


def _page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    """Draw the page number centred in the top margin (pages 2 onwards)."""
    canvas.saveState()
    canvas.setFont(REGULAR, 13)
    x = doc.leftMargin + doc.width / 2
    canvas.drawCentredString(x, A4[1] - doc.topMargin / 2 - 4, str(doc.page))
    canvas.restoreState()


def _flowables(data: ConferenceMinutes) -> Iterable[Flowable]:
    """Yield every flowable of the minutes in order."""
    yield _header(data)
    yield Paragraph("BIÊN BẢN", STYLES["title"])
    yield Paragraph(_t(data.subject), STYLES["subject"])
    yield from _participants(data)
    yield from _content(data)
    yield from _closing(data)


def build_conference_minutes_pdf(data: ConferenceMinutes) -> bytes:
    """Render the Biên bản hội nghị of *data* as PDF bytes (same data, same bytes)."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=nfc(f"Biên bản hội nghị {data.cluster_name} số {data.number}"),
        author=nfc(f"{data.cluster_name} – {data.parent_body}"),
        subject=nfc(data.subject),
        invariant=1,
        initialFontName=REGULAR,  # else the canvas references a non-embedded Helvetica
        initialFontSize=13,
        **MARGINS,
    )
    doc.build(list(_flowables(data)), onLaterPages=_page_number)
    return buffer.getvalue()
