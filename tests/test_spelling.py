"""One spelling convention: the older tone placement of government documents (hòa, khóa, xóa, hủy)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: a word ending in an open "oa", "oe" or "uy" with the mark on its second vowel (the newer placement);
#: "quý" is not one: its "u" belongs to the consonant "qu"
NEWER = re.compile(r"\b\w*?(?<![qQ])(?:[oO][áàảãạÁÀẢÃẠéèẻẽẹÉÈẺẼẸ]|[uU][ýỳỷỹỵÝỲỶỸỴ])\b")


def sources() -> list[Path]:
    """Return the files whose text people read: templates, code, the catalogue, README."""
    return [
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("voting/**/*.py"),
        *ROOT.glob("voting/translations/*/LC_MESSAGES/messages.po"),
        *ROOT.glob("voting/static/js/*.js"),
        ROOT / "README.md",
    ]


def test_the_older_tone_placement_everywhere() -> None:
    found = {
        f"{path.relative_to(ROOT)}: {word}"
        for path in sources()
        for word in NEWER.findall(path.read_text(encoding="utf-8"))
    }
    assert not found, sorted(found)


def test_text_is_nfc() -> None:
    decomposed = [
        str(path.relative_to(ROOT))
        for path in sources()
        if (text := path.read_text(encoding="utf-8")) != unicodedata.normalize("NFC", text)
    ]
    assert not decomposed


def test_the_pattern_tells_the_conventions_apart() -> None:
    assert NEWER.findall("Huỷ khoá, xoá; hoà") == ["Huỷ", "khoá", "xoá", "hoà"]
    assert NEWER.findall("Hủy khóa, xóa; hòa; quý; hoàn toàn; khỏe; thuyền") == []
