"""Walk every page a signed-in account can reach and read what a person sees on it.

The walk follows same-origin GET links from the start page (no list of routes: a new page is walked
as soon as a link leads to it), skipping logout, the language switch, downloads and the JSON API.
``visible_text`` keeps what a reader sees: text outside scripts and styles, and the attributes that
are read out or shown (``title``, ``aria-label``, ``placeholder``, ``alt``, a button's ``value``).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import sqlalchemy as sa
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from voting.extensions import db
from voting.i18n import WTFORMS_MESSAGES

CATALOGUE = Path(__file__).resolve().parent.parent / "voting/translations/en/LC_MESSAGES/messages.po"
#: links the walk does not follow: leaving, switching language, files, machine-readable answers
SKIPPED = re.compile(
    r"^/(logout|static/|api/|favicon)|[?&]lang=|\.(pdf|csv|zip|json|png|p12|pem|cer|crt|der|xml)(\?|$)"
    r"|/(download|export|files?|raw|pdf|csv|zip|certificate\.(pem|cer))(/|\?|$)"
)
#: Werkzeug's English error texts, which no page may show
WERKZEUG = (
    "The requested URL was not found",
    "You don't have the permission",
    "The method is not allowed",
    "The browser (or proxy) sent a request",
    "Internal Server Error",
    "The server encountered an internal error",
)
#: words of Vietnamese only: a letter with a Vietnamese diacritic (đ, ă, â, ê, ô, ơ, ư or a tone mark)
VIETNAMESE_WORD = re.compile(
    r"\b\w*[đĐăĂâÂêÊôÔơƠưƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]\w*\b", re.I
)
#: what a person should never read: ISO timestamps, snake_case names (signature fields such as
#: "thu_ky", roles), enum members ("FORM_FILLING")
INTERNAL = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\b[a-z]+_[a-z_]+\b|\b[A-Z]+_[A-Z_]+\b")
#: pages left out of the internal-names check: the audit log shows each entry's recorded details
#: (signature fields, document kinds) until it reads as sentences (issue 15, hall-a11y's part)
RAW_DETAILS = re.compile(r"^/conferences/\d+/audit$")
#: names a page may show in either language: the language switch, the app, the emulation movement,
#: the in-app certificate authority (its name is inside every certificate it issued)
ALLOWED = ("Tiếng Việt", "Luân Lưu", "Vì An ninh Tổ quốc", "CA ký số nội bộ")


class _Text(HTMLParser):
    """Collect the visible text and the links of a page."""

    SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
    #: elements whose text is not in a language: code, machine-readable records, scripts
    MACHINE = frozenset({"script", "style", "template", "code", "pre", "kbd", "samp"})

    VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
    )

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._open: list[tuple[str, bool]] = []  # the open elements, and whether each hides its text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag not in self.VOID:
            # text marked as another language (the draft minutes, an official title) is not the page's
            other = tag != "html" and values.get("lang") not in (None, self.language)
            hides = tag in self.MACHINE or other
            self._open.append((tag, hides))
            self._hidden += hides
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        self.parts.extend(values[name] or "" for name in self.SHOWN_ATTRIBUTES if values.get(name))
        if tag in ("input", "button") and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            name, hides = self._open.pop()
            self._hidden -= hides
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def read_page(html: str, language: str) -> tuple[str, list[str]]:
    """Return a page's visible text in *language* (one space between pieces) and the links on it."""
    parser = _Text(language)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split()), parser.links


def walk(
    browser: FlaskClient, language: str, start: str = "/", limit: int = 400
) -> Iterator[tuple[str, str]]:
    """Yield (url, visible text) of every HTML page reachable from *start* by same-origin GET links."""
    seen, queue = {start}, deque([start])
    while queue and len(seen) <= limit:
        url = queue.popleft()
        response = browser.get(url)
        if response.status_code in (301, 302, 303):
            location = urlsplit(response.headers["Location"])
            target = location.path + (f"?{location.query}" if location.query else "")
            if target not in seen and not SKIPPED.search(target):
                seen.add(target)
                queue.append(target)
            continue
        if not response.mimetype == "text/html":
            continue
        assert response.status_code < 500, url
        text, links = read_page(response.get_data(as_text=True), language)
        yield url, text
        for link in links:
            link = urldefrag(link).url
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # another site, mailto:, a relative anchor
            if SKIPPED.search(link) or link in seen:
                continue
            seen.add(link)
            queue.append(link)


def english_texts() -> list[str]:
    """Return the catalogue's English texts that would betray English on a Vietnamese page.

    Only texts of two words or more that differ from their msgid: "PDF" or "SHA-256" are the same
    in both languages. WTForms' English messages are added: they are not msgstrs of their own.
    """
    with CATALOGUE.open("rb") as po_file:
        catalogue = read_po(po_file)
    texts = {english for english in WTFORMS_MESSAGES if "%" not in english}
    for message in catalogue:
        if not message.id or not isinstance(message.string, str) or message.string == message.id:
            continue
        for piece in re.split(r"%\(\w+\)[sd]|%[sd]", message.string):
            piece = piece.strip(" .,:;()–-")
            if len(piece.split()) >= 2 and piece.isascii():
                texts.add(piece)
    return sorted(texts, key=len, reverse=True)


def data_texts() -> list[str]:
    """Return every text the database holds (names, places, notes…): pages show them as they are."""
    texts: set[str] = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, sa.String | sa.Text)]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            for value in row:
                if isinstance(value, str):
                    texts.update(line.strip() for line in value.splitlines() if len(line.strip()) >= 3)
    return sorted(texts, key=len, reverse=True)


def vietnamese_phrases(text: str, data: list[str]) -> list[str]:
    """Return the pieces of *text* with Vietnamese words, the database's texts and allowed names taken out."""
    for known in (*data, *ALLOWED):
        if known in text:
            text = text.replace(known, " ¦ ")
    pieces = re.split(r"[¦·|:;()\[\]«»\"“”]|\.\s|,\s|–", text)
    return [piece.strip() for piece in pieces if VIETNAMESE_WORD.search(piece)]


def english_found(text: str, english: list[str]) -> list[str]:
    """Return the English catalogue texts that appear, as whole words, in *text*."""
    return [e for e in english if re.search(rf"(?<!\w){re.escape(e)}(?!\w)", text)]
