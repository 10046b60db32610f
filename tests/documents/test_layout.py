"""The layout of the demo conference's four documents, read back from their PDFs with poppler's tools.

Playing the demo signs every document, so each check covers the bytes an office files, signed or not.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
from reportlab.pdfgen.canvas import Canvas

from tests.helpers import require_tool
from voting.conferences.models import Conference
from voting.demo import play_demo
from voting.documents.archive import conference_documents
from voting.documents.kinds import DocumentKind, is_agency_slot
from voting.formatting import nfc

#: the paragraph each kind keeps with its signatures and "Nơi nhận"
LEAD = {
    DocumentKind.COUNTING_MINUTES: "Kết quả được chủ tọa chứng nhận",
    DocumentKind.HANDOVER_MINUTES: "Kể từ thời điểm trên",
    DocumentKind.CONFERENCE_MINUTES: "Hội nghị kết thúc vào",
    DocumentKind.EMULATION_MINUTES: "Biên bản được lập thành bản điện tử",
    DocumentKind.AWARD_PROPOSAL: "Kính đề nghị",
}
MM = 72 / 25.4  # PDF points per millimetre
RDF, DC = "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://purl.org/dc/elements/1.1/"


@dataclass(frozen=True)
class DemoPdf:
    """One stored state of a demo document, written to disk for the tools."""

    kind: DocumentKind
    title: str
    number: str
    signers: list[str]
    path: Path


#: playing the demo signs four documents and takes seconds: the bytes are made once for the module
_MADE: list[DemoPdf] = []


@pytest.fixture
def demo_pdfs(demo_conference: Conference, tmp_path_factory: pytest.TempPathFactory) -> list[DemoPdf]:
    """Return every stored state (unsigned, then each signature) of the demo's four documents."""
    if not _MADE:
        play_demo(demo_conference)
        folder = tmp_path_factory.mktemp("demo-pdfs")
        for document in conference_documents(demo_conference):
            # the agency's signature prints no block of its own: its seal sits over the chair's
            slots = document.current_version.slots
            signers = [slot["name"] for slot in slots if not is_agency_slot(slot)]
            for file in document.current_version.files:
                path = folder / f"{document.sequence}-{file.revision}.pdf"
                path.write_bytes(file.content)
                _MADE.append(DemoPdf(document.kind, document.title, document.number, signers, path))
    return _MADE


def run_tool(name: str, *args: str | Path) -> bytes:
    """Run a poppler tool and return its output."""
    return subprocess.run([require_tool(name), *map(str, args)], capture_output=True, check=True).stdout


def pages_text(path: Path) -> list[str]:
    """Return the text of each page, NFC, whitespace collapsed."""
    raw = nfc(run_tool("pdftotext", "-enc", "UTF-8", path, "-").decode())
    return [" ".join(page.split()) for page in raw.split("\f")[:-1]]


def test_every_font_in_every_state_is_embedded(demo_pdfs: list[DemoPdf]) -> None:
    for pdf in demo_pdfs:
        rows = run_tool("pdffonts", pdf.path).decode().splitlines()[2:]
        assert rows, pdf.path
        # columns from the right: emb sub uni object-number generation
        unembedded = [row for row in rows if row.split()[-5] != "yes"]
        assert unembedded == [], f"{pdf.path.name}: {unembedded}"


def test_no_page_holds_only_recipients_or_only_signatures(demo_pdfs: list[DemoPdf]) -> None:
    for pdf in demo_pdfs:
        pages = pages_text(pdf.path)
        closing = [n for n, text in enumerate(pages) if "Nơi nhận:" in text]
        assert len(closing) == 1, pdf.path.name
        page = pages[closing[0]]
        # the signers and the paragraph before them share the page of "Nơi nhận"
        assert LEAD[pdf.kind] in page, f"{pdf.path.name}: page {closing[0] + 1} lacks its lead paragraph"
        for signer in pdf.signers:
            assert signer in page, f"{pdf.path.name}: {signer} not on page {closing[0] + 1}"


def test_counting_minutes_sign_as_tm_beside_the_recipients(demo_pdfs: list[DemoPdf]) -> None:
    counting = [pdf for pdf in demo_pdfs if pdf.kind is DocumentKind.COUNTING_MINUTES]
    assert counting
    for pdf in counting:
        text = nfc(run_tool("pdftotext", "-layout", "-enc", "UTF-8", pdf.path, "-").decode())
        assert "T/M" not in text
        # Decree 30's sample: "Nơi nhận" on the left on the same line as the signer's authority
        assert re.search(r"^\s*Nơi nhận:\s+TM\. BAN KIỂM PHIẾU\s*$", text, re.MULTILINE), pdf.path.name


def test_counting_minutes_name_their_election(demo_pdfs: list[DemoPdf]) -> None:
    titles = {pdf.title for pdf in demo_pdfs if pdf.kind is DocumentKind.COUNTING_MINUTES}
    assert titles == {"Biên bản kiểm phiếu bầu Cụm trưởng", "Biên bản kiểm phiếu bầu Cụm phó"}
    for pdf in demo_pdfs:
        if pdf.kind is DocumentKind.COUNTING_MINUTES:
            info = nfc(run_tool("pdfinfo", "-enc", "UTF-8", pdf.path).decode())
            assert f"Title:           {pdf.title} số {pdf.number}" in info


def xmp_fields(path: Path) -> dict[str, str]:
    """Return the Dublin Core fields of a PDF's XMP packet, whether written as elements or attributes."""
    packet = run_tool("pdfinfo", "-meta", path).decode().strip()
    description = ElementTree.fromstring(packet[packet.index("<x:xmpmeta") : packet.rindex("<?xpacket")])
    fields = {}
    for node in description.iter(f"{{{RDF}}}Description"):
        fields |= {k.split("}")[1]: v for k, v in node.attrib.items() if k.startswith(f"{{{DC}}}")}
        for child in node:
            if child.tag.startswith(f"{{{DC}}}"):
                fields[child.tag.split("}")[1]] = "".join(child.itertext()).strip()
    return {name: nfc(value) for name, value in fields.items()}


def test_every_pdf_carries_xmp_with_title_number_issuer_and_date(demo_pdfs: list[DemoPdf]) -> None:
    for pdf in demo_pdfs:
        fields = xmp_fields(pdf.path)
        assert fields["identifier"] == pdf.number, pdf.path.name
        assert fields["title"].endswith(f"số {pdf.number}")
        assert (fields["creator"], fields["publisher"]) == ("Cụm thi đua số 4", "Công an thành phố Hà Nội")
        assert fields["date"] == "2016-11-11"


def _gray_pages(path: Path, folder: Path) -> list[tuple[int, int, bytes]]:
    """Render every page at 72 dpi in grey and return (width, height, pixels) of each."""
    run_tool("pdftoppm", "-r", "72", "-gray", path, folder / path.stem)
    pages = []
    for image in sorted(folder.glob(f"{path.stem}-*.pgm")):
        data = image.read_bytes()
        magic, width, height, maxval, pixels = data.split(maxsplit=4)
        assert (magic, maxval) == (b"P5", b"255")
        pages.append((int(width), int(height), pixels))
    return pages


def test_nothing_is_printed_within_10_mm_of_the_edge(demo_pdfs: list[DemoPdf], tmp_path: Path) -> None:
    band = int(10 * MM) - 1  # whole pixels inside the 10 mm band, allowing for anti-aliasing at its edge
    for pdf in demo_pdfs:
        for n, (width, height, pixels) in enumerate(_gray_pages(pdf.path, tmp_path), 1):
            rows = [pixels[y * width : (y + 1) * width] for y in range(height)]
            edge = [*rows[:band], *rows[-band:], *(row[:band] + row[-band:] for row in rows)]
            darkest = min(min(row) for row in edge)
            assert darkest > 200, f"{pdf.path.name} page {n}: ink within 10 mm of the edge"


def test_the_edge_check_sees_ink_near_the_edge(tmp_path: Path) -> None:
    """The footer 5 mm from the edge, as before, would have been caught."""
    path = tmp_path / "near.pdf"
    canvas = Canvas(str(path), pagesize=(210 * MM, 297 * MM))
    canvas.rect(30 * MM, 5 * MM, 50 * MM, 3 * MM, fill=1)
    canvas.save()
    ((width, height, pixels),) = _gray_pages(path, tmp_path)
    band = int(10 * MM) - 1
    bottom = pixels[(height - band) * width :]
    assert min(bottom) < 100
