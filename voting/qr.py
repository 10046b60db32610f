"""QR codes drawn as inline SVG on the server (no script): reportlab's encoder, the one the documents use."""

from __future__ import annotations

from markupsafe import Markup
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

#: the blank margin the QR specification asks for, in modules
QUIET_ZONE = 4


def qr_svg(text: str, *, label: str) -> Markup:
    """Return an ``<svg>`` of *text*'s QR code (error correction M), scaled by CSS, named by *label*."""
    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    count: int = code.getModuleCount()  # type: ignore[no-untyped-call]
    # One path of unit squares: a few hundred bytes of markup instead of one element per module.
    squares = "".join(
        f"M{column + QUIET_ZONE} {row + QUIET_ZONE}h1v1h-1z"
        for row in range(count)
        for column in range(count)
        if code.isDark(row, column)  # type: ignore[no-untyped-call]
    )
    size = count + 2 * QUIET_ZONE
    # format() escapes each value: the label is the caller's text.
    return Markup(
        '<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" '
        'aria-label="{label}" shape-rendering="crispEdges">'
        '<rect width="{size}" height="{size}" fill="#fff"/><path d="{squares}" fill="#000"/></svg>'
    ).format(size=size, label=label, squares=squares)
