"""How a signature looks on the page, after Decree 30/2020/NĐ-CP Appendix I (Phụ lục I, section II).

- A person's signature: the image of their handwritten signature (a transparent PNG) centred in
  their signature space, with their name and the signing time in small type under it.
- The agency's signature (applied by the clerk): the image of its seal (red, transparent PNG, at
  the seal's real size) over about the left third of the competent person's signature image, with
  the agency's name and the signing time (date, hours:minutes:seconds, Vietnam time in ISO 8601)
  in a band over the seal (under it the band would cover the chair's printed name).

Uploaded images are checked with Pillow (a real PNG, within byte and pixel limits) and stored
re-encoded. Pure functions over bytes: no database, no Flask. Fonts are embedded by pades.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.layout import AxisAlignment, InnerScaling, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStampStyle

from voting.errors import InvalidState
from voting.i18n import N_

#: largest image file accepted, and largest width/height in pixels
MAX_PNG_BYTES = 512 * 1024
MAX_SIDE = 2000
#: the agency's stamp: its name and the signing time under the seal
AGENCY_TEXT = "%(name)s\n%(when)s"
#: a person's stamp with a signature image: who and when, in small type under the image
PERSON_TEXT = "Ký số bởi: %(name)s\nThời gian ký: %(when)s"


def check_png(data: bytes) -> bytes:
    """Return *data* re-encoded as PNG after checking it is one, small enough; else raise InvalidState."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise InvalidState(N_("Ảnh phải là tệp PNG."))
    if len(data) > MAX_PNG_BYTES:
        raise InvalidState(N_("Ảnh lớn quá %(kib)s KiB."), kib=MAX_PNG_BYTES // 1024)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
                if image.width > MAX_SIDE or image.height > MAX_SIDE:
                    raise InvalidState(N_("Ảnh lớn quá %(side)s × %(side)s điểm ảnh."), side=MAX_SIDE)
                image.load()
                clean = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning):
        raise InvalidState(N_("Tệp không phải là ảnh PNG đọc được.")) from None
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _image(png: bytes) -> PdfImage:
    with Image.open(io.BytesIO(png), formats=["PNG"]) as image:
        image.load()
        return PdfImage(image.convert("RGBA"))


def _style(
    text: str, font: object, *, image: bytes | None, text_band: int, text_on_top: bool
) -> TextStampStyle:
    image_margins = Margins(0, 0, text_band, 0) if text_on_top else Margins(0, 0, 0, text_band)
    return TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(font=font, font_size=6, leading=8),  # type: ignore[arg-type]
        border_width=0,
        background=_image(image) if image is not None else None,
        background_opacity=1.0,
        background_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID,
            y_align=AxisAlignment.ALIGN_MIN if text_on_top else AxisAlignment.ALIGN_MAX,
            margins=image_margins,
            inner_content_scaling=InnerScaling.STRETCH_TO_FIT,
        ),
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID,
            y_align=AxisAlignment.ALIGN_MAX if text_on_top else AxisAlignment.ALIGN_MIN,
            margins=Margins(1, 1, 1, 1),
        ),
    )


def person_style(signature_png: bytes, font: object) -> TextStampStyle:
    """Return a person's stamp: their signature image centred, name and time under it."""
    return _style(PERSON_TEXT, font, image=signature_png, text_band=17, text_on_top=False)


def agency_style(seal_png: bytes | None, font: object) -> TextStampStyle:
    """Return the agency's stamp: the seal image at the bottom of the box, its name and time over it."""
    return _style(AGENCY_TEXT, font, image=seal_png, text_band=22, text_on_top=True)
