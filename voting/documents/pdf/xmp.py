"""The XMP metadata packet every document carries: title, number, issuing body and date.

ReportLab's own ``pdfdoc.XMP`` stream holds the packet; it is referenced from the catalog's
``/Metadata`` (ISO 32000-1 §14.3.2). The packet follows XMP Part 1 (ISO 16684-1) with the Dublin Core
schema, so archival tools read the number and the issuing body without parsing pages. It names no
producer or creation time: those stay in the Info dictionary alone, where ReportLab's invariant mode
fixes them, so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfdoc import XMP, PDFDocument
from reportlab.pdfgen.canvas import Canvas

from voting.formatting import nfc


@dataclass(frozen=True)
class Metadata:
    """What the XMP packet says about a document."""

    title: str  # "Biên bản kiểm phiếu bầu Cụm trưởng số 01/BB-CTĐ4"
    number: str  # "01/BB-CTĐ4"
    issuer: str  # the issuing body: "Cụm thi đua số 4"
    parent_body: str  # the body above it: "Công an thành phố Hà Nội"
    issued_on: date
    subject: str


def _alt(text: str) -> str:
    return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(nfc(text))}</rdf:li></rdf:Alt>'


def packet(meta: Metadata) -> str:
    """Return the XMP packet of *meta* (same metadata, same text)."""
    day = meta.issued_on.isoformat()
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about=""\n'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f"<dc:title>{_alt(meta.title)}</dc:title>\n"
        f"<dc:description>{_alt(meta.subject)}</dc:description>\n"
        f"<dc:identifier>{escape(nfc(meta.number))}</dc:identifier>\n"
        f"<dc:creator><rdf:Seq><rdf:li>{escape(nfc(meta.issuer))}</rdf:li></rdf:Seq></dc:creator>\n"
        f"<dc:publisher><rdf:Bag><rdf:li>{escape(nfc(meta.parent_body))}</rdf:li></rdf:Bag></dc:publisher>\n"
        f"<dc:date><rdf:Seq><rdf:li>{day}</rdf:li></rdf:Seq></dc:date>\n"
        "<dc:language><rdf:Bag><rdf:li>vi</rdf:li></rdf:Bag></dc:language>\n"
        "</rdf:Description>\n"
        "</rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="r"?>'
    )


def attach(canvas: Canvas, meta: Metadata) -> None:
    """Point the catalog's /Metadata of the canvas's document at the XMP packet of *meta*."""
    content = packet(meta).encode()  # XMP is UTF-8; a str would go through PDFDocEncoding

    def creator(_doc: PDFDocument) -> bytes:
        return content

    # A stream must be an indirect object: the document's Reference makes it one (ReportLab has no public
    # way to reach the document from the canvas).
    doc: PDFDocument = getattr(canvas, "_doc")  # noqa: B009
    reference = doc.Reference(XMP(creator=creator), "XMPMetadata")  # type: ignore[no-untyped-call]
    canvas.setCatalogEntry("Metadata", reference)
