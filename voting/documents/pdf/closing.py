"""The closing of a document: the signature blocks, with a space for each signature, and "Nơi nhận"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from voting.documents.pdf.layout import (
    SIGNATURE_HEIGHT,
    STYLES,
    TEXT_WIDTH,
    SignatureSpot,
    t,
    table_style,
)
from voting.formatting import nfc


class _SignatureSpace(Flowable):
    """The blank between a block's authority line and the name; remembers where it was drawn."""

    def __init__(self, field: str, width: float, sink: list[SignatureSpot]) -> None:
        super().__init__()
        self.field, self.width, self.height, self.sink = field, width, SIGNATURE_HEIGHT, sink

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        box = (round(x + 4), round(y + 2), round(x + self.width - 4), round(y + self.height - 2))
        self.sink.append(SignatureSpot(self.field, self.canv.getPageNumber() - 1, box))


@dataclass(frozen=True)
class SignatureBlock:
    """A signature block: authority lines in bold capitals, the signature field, the full name."""

    field: str
    authority: list[str]  # e.g. ["TM. BAN KIỂM PHIẾU", "TRƯỞNG BAN"]
    name: str


def _block_cell(block: SignatureBlock, width: float, sink: list[SignatureSpot]) -> list[Flowable]:
    return [
        Paragraph("<br/>".join(t(line) for line in block.authority), STYLES["sign"]),
        _SignatureSpace(block.field, width, sink),
        Paragraph(t(block.name), STYLES["sign"]),
    ]


def signature_table(rows: list[list[SignatureBlock]], sink: list[SignatureSpot]) -> Table:
    """Return the signature blocks, two to a row; a lone block is centred on its row."""
    half = TEXT_WIDTH / 2
    tables: list[list[Table]] = []
    for row in rows:
        table = Table(
            [[_block_cell(block, half, sink) for block in row]], colWidths=[half] * len(row), hAlign="CENTER"
        )
        table.setStyle(
            table_style(
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            )
        )
        tables.append([table])
    if len(tables) == 1:
        return tables[0][0]
    outer = Table(tables, colWidths=[TEXT_WIDTH])
    outer.setStyle(
        table_style(
            *[
                (p, (0, 0), (-1, -1), 0)
                for p in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")
            ]
        )
    )
    return outer


def _recipients(lines: Iterable[str], *, beside: bool) -> list[Flowable]:
    """Return "Nơi nhận:" and its list, ending with "- Lưu: VT, Hồ sơ."."""
    kept = [nfc(r).strip() for r in lines if r.strip()]
    items = [r if r.endswith((";", ".", ":")) else r + ";" for r in kept]
    flow: list[Flowable] = [Paragraph("Nơi nhận:", STYLES["to_head_beside" if beside else "to_head"])]
    flow += [Paragraph(f"- {escape(line)}", STYLES["to"]) for line in [*items, "Lưu: VT, Hồ sơ."]]
    return flow


def closing(
    lead: list[Flowable], rows: list[list[SignatureBlock]], lines: Iterable[str], sink: list[SignatureSpot]
) -> KeepTogether:
    """Return *lead*, the signature blocks and "Nơi nhận" kept on one page.

    A document signed by one block puts "Nơi nhận" beside it, as Decree 30's samples do (Appendix I:
    Nơi nhận on the left, the signer on the right); with two blocks side by side it follows below them.
    Keeping the *lead* paragraphs with them means no page ever holds only signatures or only recipients.
    """
    if len(rows) == 1 and len(rows[0]) == 1:
        half = TEXT_WIDTH / 2
        table = Table(
            [[_recipients(lines, beside=True), _block_cell(rows[0][0], half, sink)]], colWidths=[half, half]
        )
        table.setStyle(
            table_style(
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *[
                    (p, (0, 0), (-1, -1), 0)
                    for p in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")
                ],
            )
        )
        return KeepTogether([*lead, Spacer(1, 12), table])
    return KeepTogether([*lead, Spacer(1, 6), signature_table(rows, sink), *_recipients(lines, beside=False)])
