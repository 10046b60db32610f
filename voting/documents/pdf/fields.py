"""Empty signature fields where the builder left room for each signature."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields

from voting.documents.pdf.layout import SignatureSpot


def add_signature_fields(pdf: bytes, spots: Sequence[SignatureSpot]) -> bytes:
    """Return *pdf* with empty visible signature fields appended as one incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    for spot in spots:
        fields.append_signature_field(
            writer, fields.SigFieldSpec(sig_field_name=spot.field, on_page=spot.page, box=spot.box)
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
