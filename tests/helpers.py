"""Shared test helpers: the conference day's clock, form posting through a client, system tools."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, NoReturn

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from bench.province import statements as statements  # one counter for the bench and the pins
from voting.conferences.models import Conference
from voting.config import lan_address
from voting.demo import PASSWORD as DEMO_PASSWORD
from voting.documents.archive import conference_documents
from voting.documents.kinds import is_agency_slot
from voting.documents.models import Document, DocumentKind
from voting.extensions import db
from voting.signing.services import verify_pdf

#: CI sets this so that a missing system tool fails the run instead of skipping.
REQUIRE_TOOLS = os.environ.get("LUANLUU_REQUIRE_TOOLS") == "1"
#: every test account's password; the factories use the demo's so that one ``login`` serves both
PASSWORD = DEMO_PASSWORD

# The clock -------------------------------------------------------------------------------------
# The app stores naive UTC; Vietnam is UTC+7 all year (no daylight saving time).

#: the day of the demo's conference, which the factories' conferences share
CONFERENCE_DAY = date(2016, 11, 11)
VIETNAM_OFFSET = timedelta(hours=7)


def hanoi(hour: int, minute: int = 0, *, day: date = CONFERENCE_DAY) -> datetime:
    """Return a Vietnam wall-clock time on *day* as the app stores it (naive UTC)."""
    return datetime.combine(day, time(hour, minute)) - VIETNAM_OFFSET


def wall_clock(hour: int, minute: int = 0, *, day: date = CONFERENCE_DAY) -> datetime:
    """Return a Vietnam wall-clock time on *day* as printed in documents (naive, local)."""
    return datetime.combine(day, time(hour, minute))


#: 08:00 in Hanoi: the conference opens
STARTS_AT = hanoi(8, 0)
#: 07:45: the units check in
CHECK_IN_AT = hanoi(7, 45)
#: 09:00: the chair sets the rules and appoints the counting committee
PREPARED_AT = hanoi(9, 0)
#: 09:30: the first round opens; later rounds are counted from here
OPENED_AT = hanoi(9, 30)
#: 10:30: the flag is handed over
HANDED_OVER_AT = hanoi(10, 30)
#: 11:00: the demo issues its minutes (and signs them from 11:05)
DEMO_ENDED_AT = hanoi(11, 0)
#: 11:30: the factories' conferences issue their minutes
ENDED_AT = hanoi(11, 30)


def later(minutes: int) -> datetime:
    """Return a moment *minutes* after the first round opened."""
    return OPENED_AT + timedelta(minutes=minutes)


def in_year(moment: datetime, year: int) -> datetime:
    """Return the same moment of the conference day in another *year* (11 November exists every year)."""
    return moment.replace(year=year)


# Through the client ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Demo:
    """Ids of the demo conference, for tests that go through the client."""

    conference_id: int
    cluster_id: int
    units: dict[str, int]


def csrf_token(browser: FlaskClient, page: str = "/") -> str:
    """Return the CSRF token from a page the client can see."""
    html = browser.get(page, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def post(browser: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """POST a form with a valid CSRF token, as a browser would."""
    return browser.post(url, data={**(data or {}), "csrf_token": csrf_token(browser)}, **kwargs)


def confirm(browser: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """POST an irreversible action's form as its confirmation dialog does (``confirmed=1``)."""
    return post(browser, url, {**(data or {}), "confirmed": "1"}, **kwargs)


def text(response: Any) -> str:
    """Return a response body as text."""
    return str(response.get_data(as_text=True))


# System tools ------------------------------------------------------------------------------------


def require_tool(name: str, package: str = "poppler-utils / postgresql") -> str:
    """Return the path of a system tool, or skip (fail under CI) when it is absent."""
    path = shutil.which(name)
    if path is None:
        _missing(f"system tool {name!r} is not installed (apt-get install {package})")
    return path


def require_lan_address() -> str:
    """Return a non-loopback IPv4 address of this machine, or skip (fail under CI) when it has none."""
    address = lan_address()
    if address is None:
        _missing("this machine has no IPv4 address but loopback: nothing to serve the LAN on")
    return address


def _missing(message: str) -> NoReturn:
    """Skip for want of something on this machine; fail instead under CI (LUANLUU_REQUIRE_TOOLS=1)."""
    if REQUIRE_TOOLS:
        pytest.fail(message + "; LUANLUU_REQUIRE_TOOLS=1 forbids skipping", pytrace=False)
    pytest.skip(message)


def assert_every_document_signed_and_verified(conference: Conference) -> None:
    """Check the conference's documents: each fully signed, verified, every stored state kept.

    The four of every conference, and the bình xét and suy tôn documents where the cluster ranked its
    units that year (closing the conference issues those that are ready, before the minutes).
    """
    documents = conference_documents(conference)
    emulation = (DocumentKind.EMULATION_MINUTES, DocumentKind.AWARD_PROPOSAL)
    assert [d.kind for d in documents if d.kind not in emulation] == [
        DocumentKind.COUNTING_MINUTES,
        DocumentKind.COUNTING_MINUTES,
        DocumentKind.HANDOVER_MINUTES,
        DocumentKind.CONFERENCE_MINUTES,
    ]
    for document in documents:
        version = document.current_version
        # a sealed document (the minutes, the bình xét documents): the clerk's agency signature published it
        sealed = any(is_agency_slot(slot) for slot in version.slots)
        assert sealed == (document.kind in (DocumentKind.CONFERENCE_MINUTES, *emulation))
        assert version.is_signed and version.status == ("Đã phát hành" if sealed else "Đã ký đủ")
        assert (version.published_at is not None) == sealed
        result = verify_pdf(document.content)
        assert result.is_ok and result.is_fully_signed and result.version == version
        # every stored state is kept, each with its own hash
        assert len({f.sha256 for f in version.files}) == len(version.slots) + 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == len(documents)
