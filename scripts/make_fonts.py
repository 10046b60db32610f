"""Generate the static, subset Noto Serif faces committed in voting/documents/fonts/.

Run from the repository root, with fontTools and fontpkg-noto-serif installed (build-time only):

    python scripts/make_fonts.py

The app never imports fontpkg: it only reads the committed TTFs. Re-running gives the same bytes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import fontpkg_noto_serif
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

SOURCE = fontpkg_noto_serif.ROOT / "files"
TARGET = Path(__file__).resolve().parent.parent / "voting" / "documents" / "fonts"

#: face name -> (variable source file, weight, is italic)
FACES = {
    "Regular": ("NotoSerif[wdth,wght].ttf", 400, False),
    "Bold": ("NotoSerif[wdth,wght].ttf", 700, False),
    "Italic": ("NotoSerif-Italic[wdth,wght].ttf", 400, True),
    "BoldItalic": ("NotoSerif-Italic[wdth,wght].ttf", 700, True),
}

#: Latin, Latin-1, Latin Extended-A/B, combining marks, Vietnamese, punctuation, a few symbols.
UNICODES = [
    *range(0x0020, 0x007F),
    *range(0x00A0, 0x0250),
    *range(0x0300, 0x0370),
    *range(0x1E00, 0x1F00),
    *range(0x2000, 0x2070),
    0x20AB,  # ₫ đồng sign
    0x20AC,  # € euro sign
    0x2116,  # № numero sign
    *range(0x2190, 0x2196),  # arrows
    0x2212,  # minus sign
    0x25CC,  # dotted circle, the base shown for lone combining marks
]

#: A fixed head.created/modified (2022-01-01) so that re-running gives identical files.
FIXED_TIMESTAMP = 3723753600


def make_face(style: str, source: str, weight: int, is_italic: bool) -> Path:
    """Instantiate one static face from its variable font, subset it and write it."""
    font = TTFont(SOURCE / source)
    font = instancer.instantiateVariableFont(font, {"wght": weight, "wdth": 100}, updateFontNames=True)
    font["OS/2"].usWeightClass = weight
    bold, italic = weight >= 700, is_italic
    # fsSelection: bit 0 italic, bit 5 bold, bit 6 regular.
    selection = font["OS/2"].fsSelection & ~0b1100001
    selection |= (1 if italic else 0) | (1 << 5 if bold else 0)
    selection |= (1 << 6) if not (bold or italic) else 0
    font["OS/2"].fsSelection = selection
    font["head"].macStyle = (1 if bold else 0) | (2 if italic else 0)
    # The italic source names itself "NotoSerifItalic-…"; give all four one PostScript prefix.
    names = font["name"]
    version = names.getDebugName(3).split(";")[0]
    names.removeNames(nameID=25)  # variations PostScript prefix, meaningless in a static face
    for record in names.names:
        if record.nameID == 3:
            record.string = f"{version};GOOG;NotoSerif-{style}"
        elif record.nameID == 6:
            record.string = f"NotoSerif-{style}"

    options = subset.Options()
    options.layout_features = ["kern", "liga", "clig", "calt", "ccmp", "locl", "mark", "mkmk"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)

    font["head"].created = font["head"].modified = FIXED_TIMESTAMP
    font.recalcTimestamp = False
    path = TARGET / f"NotoSerif-{style}.ttf"
    font.save(path)
    return path


def main() -> None:
    """Write the four faces and the licence next to them."""
    TARGET.mkdir(parents=True, exist_ok=True)
    for style, (source, weight, is_italic) in FACES.items():
        path = make_face(style, source, weight, is_italic)
        check = TTFont(path)
        print(
            f"{path.name}: {path.stat().st_size} bytes, "
            f"{check['name'].getDebugName(6)}, weight {check['OS/2'].usWeightClass}"
        )
    shutil.copyfile(fontpkg_noto_serif.ROOT / "LICENSE", TARGET / "OFL.txt")


if __name__ == "__main__":
    main()
