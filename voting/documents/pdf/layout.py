"""The Decree 30/2020 layout shared by every document: fonts, styles, header, signature blocks, footer."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal, Protocol, TypeAlias, TypedDict, Unpack
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from voting.documents.pdf.xmp import Metadata, attach
from voting.formatting import format_date_line, nfc

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = REGULAR = "NotoSerif"
BOLD, ITALIC, BOLD_ITALIC = "NotoSerif-Bold", "NotoSerif-Italic", "NotoSerif-BoldItalic"
_FACES = {REGULAR: "Regular", BOLD: "Bold", ITALIC: "Italic", BOLD_ITALIC: "BoldItalic"}
_LOCK = threading.Lock()


class PageMargins(TypedDict):
    """The page margins, named as SimpleDocTemplate takes them."""

    topMargin: float
    bottomMargin: float
    leftMargin: float
    rightMargin: float


# Decree 30 allows a bottom margin of 20-25 mm: the full 25 leave room for the footer and its QR code.
MARGINS = PageMargins(topMargin=20 * mm, bottomMargin=25 * mm, leftMargin=30 * mm, rightMargin=15 * mm)
TEXT_WIDTH = A4[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
#: height of the space for a signature between the authority line and the name
SIGNATURE_HEIGHT = 25 * mm
QR_SIZE = 15 * mm
QR_FORM = "verify_qr"
#: nothing is printed closer than this to the paper's edge: printers cut or smudge the outer millimetres
EDGE = 10 * mm


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


def t(text: str) -> str:
    """Return *text* in NFC, escaped for Paragraph markup."""
    return escape(nfc(text))


def sentence(text: str) -> str:
    """Return *text* (NFC, escaped, lines joined by "; ") ending in a full stop unless punctuated."""
    lines = [line.strip().rstrip(";") for line in nfc(text).splitlines() if line.strip()]
    joined = "; ".join(lines)
    return t(joined if joined.endswith((".", "!", "?", "…", ":", ";")) else joined + ".")


class _StyleOptions(TypedDict, total=False):
    """The ParagraphStyle settings the styles below set beyond the font."""

    alignment: Literal[0, 1, 2, 4]  # TA_LEFT, TA_CENTER, TA_RIGHT, TA_JUSTIFY
    firstLineIndent: float
    leftIndent: float
    spaceBefore: float
    spaceAfter: float
    keepWithNext: int


def _style(name: str, size: float = 13, font: str = REGULAR, **kw: Unpack[_StyleOptions]) -> ParagraphStyle:
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
    "delegate": _style("delegate", leftIndent=2.2 * cm, firstLineIndent=-0.4 * cm, spaceAfter=1),
    "cell": _style("cell", 12),
    "cell_head": _style("cell_head", 12, BOLD, alignment=TA_CENTER),
    "cell_num": _style("cell_num", 12, alignment=TA_RIGHT),
    "cell_stt": _style("cell_stt", 12, alignment=TA_CENTER),
    "cell_small": _style("cell_small", 10),
    "cell_head_small": _style("cell_head_small", 10, BOLD, alignment=TA_CENTER),
    "sign": _style("sign", 13, BOLD, alignment=TA_CENTER),
    "to_head": _style("to_head", 12, BOLD_ITALIC, spaceBefore=18),
    "to_head_beside": _style("to_head_beside", 12, BOLD_ITALIC),
    "to": _style("to", 11),
}


class CellParagraph(Paragraph):
    """A table cell's paragraph that breaks its lines once per width.

    A long table wraps every cell several times (measuring rows, splitting across pages, drawing),
    and each time ReportLab breaks the lines again; they come out the same, so they are kept.
    """

    _measured: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        """Return the size at this width, breaking the lines only for a new width."""
        if self._measured is None or self._measured[0] != availWidth:
            self._measured = (availWidth, super().wrap(availWidth, availHeight))
        return self._measured[1]


def cells(style: str) -> Callable[[str], CellParagraph]:
    """Return a maker of cells in *style* from plain text; equal texts share one (already wrapped) cell.

    Counts, percentages and row numbers repeat down a count table; sharing is safe within one
    build, which draws one cell at a time. A text without markup, entities or runs of spaces skips
    the markup parser: its one fragment is the style's, with the text (what the parser would make).
    """
    made: dict[str, CellParagraph] = {}
    blank = Paragraph("x", STYLES[style]).frags[0]

    def cell(text: str) -> CellParagraph:
        text = nfc(text)
        if text not in made:
            if " ".join(text.split()) == text and not {"<", "&", ">"} & set(text):
                made[text] = CellParagraph(text, STYLES[style], frags=[blank.clone(text=text)])
            else:
                made[text] = CellParagraph(escape(text), STYLES[style])
        return made[text]

    return cell


#: a TableStyle command: its name, the first and the last cell, then its arguments
TableCommand: TypeAlias = tuple[str, tuple[int, int], tuple[int, int], *tuple[object, ...]]


def table_style(*commands: TableCommand) -> TableStyle:
    """Return a table style in Noto Serif (tables otherwise pull in a non-embedded Helvetica)."""
    return TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 12), *commands])


class Rule(Flowable):
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


class Heading(Protocol):
    """What the two-column header prints (read-only, so frozen dataclasses qualify)."""

    @property
    def parent_body(self) -> str: ...
    @property
    def cluster_name(self) -> str: ...
    @property
    def number(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def issued_on(self) -> date: ...
    @property
    def replaces(self) -> str: ...


def header(data: Heading) -> Table:
    """Return the two-column Decree 30 header as a borderless table."""
    register_fonts()  # measuring text needs the faces
    cluster = nfc(data.cluster_name).upper()
    motto = "Độc lập - Tự do - Hạnh phúc"
    cluster_width = pdfmetrics.stringWidth(cluster, BOLD, 13)
    left = [
        Paragraph(t(nfc(data.parent_body).upper()), STYLES["head"]),
        Paragraph(escape(cluster), STYLES["head_bold"]),
        Rule(min(cluster_width, 66 * mm) * 0.4),
    ]
    right = [
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", STYLES["nation"]),
        Paragraph(motto, STYLES["head_bold"]),
        Rule(pdfmetrics.stringWidth(motto, BOLD, 13)),
    ]
    rows: list[list[object]] = [
        [left, right],
        [
            Paragraph(f"Số: {t(data.number)}", STYLES["number"]),
            Paragraph(t(format_date_line(data.city, data.issued_on)), STYLES["date"]),
        ],
    ]
    if data.replaces:  # a replacement names the document it replaces (Decree 30 Art 18)
        rows.append([Paragraph(t(data.replaces), STYLES["date"]), ""])
    table = Table(rows, colWidths=[66 * mm, TEXT_WIDTH - 66 * mm])
    table.setStyle(
        table_style(
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            *([("SPAN", (0, 2), (1, 2))] if data.replaces else []),
        )
    )
    return table


@dataclass(frozen=True)
class SignatureSpot:
    """Where the builder drew the space for a signature: 0-based page and box in PDF points."""

    field: str
    page: int
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class Footer:
    """What every page carries at the bottom: the number, the version and the verification link."""

    number: str
    version: int
    verify_url: str
    #: a draft: "DỰ THẢO" across every page, and no number in the footer
    is_draft: bool = False


def _qr(url: str) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    scale = [QR_SIZE / (x2 - x1), 0, 0, QR_SIZE / (y2 - y1), 0, 0]
    # renderPDF starts every drawing in its default font (Helvetica, never embedded) unless told otherwise
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=scale, initialFontName=REGULAR)
    drawing.add(widget)
    return drawing


def _watermark(canvas: Canvas) -> None:
    """Draw "DỰ THẢO" in light grey across the page, under the text."""
    canvas.saveState()
    canvas.setFillColorRGB(0.85, 0.85, 0.85)
    canvas.setFont(BOLD, 96)
    canvas.translate(A4[0] / 2, A4[1] / 2)
    canvas.rotate(50)
    canvas.drawCentredString(0, -32, "DỰ THẢO")
    canvas.restoreState()


def _decorate(footer: Footer) -> Callable[[Canvas, SimpleDocTemplate], None]:
    """Return the page callback: page number from page 2 on, footer with QR code on every page."""
    qr = _qr(footer.verify_url) if footer.verify_url else None
    forms: set[str] = set()  # the QR code is drawn once per document, then placed on each page

    def on_page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        if footer.is_draft:
            _watermark(canvas)
        if doc.page > 1:
            canvas.setFont(REGULAR, 13)
            canvas.drawCentredString(doc.leftMargin + doc.width / 2, A4[1] - EDGE - 5 * mm, str(doc.page))
        canvas.setFont(REGULAR, 8)
        left, bottom = doc.leftMargin, EDGE + 1 * mm  # the baseline: descenders stay above EDGE
        version = f" – phiên bản {footer.version}" if footer.version > 1 else ""
        numbered = "DỰ THẢO" if footer.is_draft else f"Số: {footer.number}{version}"
        line = f"{numbered} – trang {doc.page}"
        canvas.drawString(left, bottom + 7 * mm, nfc(line))
        if qr is not None:
            canvas.drawString(left, bottom + 3.5 * mm, "Kiểm tra tính xác thực (quét mã QR):")
            canvas.drawString(left, bottom, footer.verify_url)
            if QR_FORM not in forms:  # encoding and drawing a QR code cost ~25 ms: once, as a form
                canvas.beginForm(QR_FORM)
                renderPDF.draw(qr, canvas, 0, 0)
                canvas.endForm()
                forms.add(QR_FORM)
            canvas.translate(A4[0] - doc.rightMargin - QR_SIZE, EDGE)
            canvas.doForm(QR_FORM)
        canvas.restoreState()

    return on_page


@dataclass(frozen=True)
class BuiltPdf:
    """A built document: its bytes and where its signature spaces are."""

    content: bytes
    spots: list[SignatureSpot]


def render(
    flowables: list[Flowable],
    *,
    title: str,
    heading: Heading,
    subject: str,
    footer: Footer,
    sink: list[SignatureSpot],
) -> BuiltPdf:
    """Lay out *flowables* on A4 with the Decree 30 margins and XMP metadata; same input, same bytes."""
    register_fonts()
    author = f"{heading.cluster_name} – {heading.parent_body}"
    meta = Metadata(
        title, heading.number, heading.cluster_name, heading.parent_body, heading.issued_on, subject
    )
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=nfc(title),
        author=nfc(author),
        subject=nfc(subject),
        invariant=1,
        initialFontName=REGULAR,  # else the canvas references a non-embedded Helvetica
        initialFontSize=13,
        **MARGINS,
    )
    on_page = _decorate(footer)

    def on_first_page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        attach(canvas, meta)
        on_page(canvas, doc)

    doc.build(flowables, onFirstPage=on_first_page, onLaterPages=on_page)
    return BuiltPdf(buffer.getvalue(), list(sink))
