"""PDF builders of the three documents (data -> bytes, no Flask), sharing the Decree 30 layout."""

from voting.documents.pdf.conference import build_conference_minutes, build_conference_minutes_pdf
from voting.documents.pdf.counting import build_counting_minutes
from voting.documents.pdf.fields import add_signature_fields
from voting.documents.pdf.handover import build_handover_minutes
from voting.documents.pdf.layout import FONT_DIR, BuiltPdf, SignatureSpot, register_fonts

__all__ = [
    "FONT_DIR",
    "BuiltPdf",
    "SignatureSpot",
    "add_signature_fields",
    "build_conference_minutes",
    "build_conference_minutes_pdf",
    "build_counting_minutes",
    "build_handover_minutes",
    "register_fonts",
]
