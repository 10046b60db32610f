"""Vietnamese formatting of numbers, dates and times shared by pages and documents."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

#: Vietnam has used UTC+7 without daylight saving since 1975.
VN_TZ = timezone(timedelta(hours=7), "ICT")


def nfc(text: str) -> str:
    """Return *text* in Unicode NFC, the form Vietnamese documents must use."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Return *text* casefolded without diacritics, đ as d: "Hậu cần" and "hau can" both give "hau can"."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def to_local(moment: datetime) -> datetime:
    """Convert a naive UTC timestamp (as stored) to Vietnam time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VN_TZ)


def to_utc_naive(local: datetime) -> datetime:
    """Convert a Vietnam wall-clock time (naive or aware) to naive UTC for storage."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=VN_TZ)
    return local.astimezone(UTC).replace(tzinfo=None)


def share(part: int, whole: int) -> Decimal:
    """Return part/whole as a percentage rounded half up to two decimals (0 of nothing)."""
    if whole <= 0:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def format_percent(part: int, whole: int) -> str:
    """Format part/whole as a Vietnamese percentage with two decimals ("62,50"), as documents print it."""
    return f"{share(part, whole):.2f}".replace(".", ",")


def format_date_line(city: str, day: date) -> str:
    """Return the place-and-date line of a decree-30 header ("Hà Nội, ngày 05 tháng 01 năm 2017")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{city}, ngày {day.day:02d} tháng {month} năm {day.year}"


def format_clock(moment: datetime) -> str:
    """Return "15 giờ 30 phút, ngày 11 tháng 11 năm 2016" for a local time."""
    month = f"{moment.month:02d}" if moment.month < 3 else str(moment.month)
    return (
        f"{moment.hour:02d} giờ {moment.minute:02d} phút, "
        f"ngày {moment.day:02d} tháng {month} năm {moment.year}"
    )


def format_datetime(moment: datetime) -> str:
    """Return a short local date and time for pages ("11/11/2016 15:30")."""
    return to_local(moment).strftime("%d/%m/%Y %H:%M")


def utc_now() -> datetime:
    """Return the current time as naive UTC, the form timestamps are stored in."""
    return datetime.now(UTC).replace(tzinfo=None)


def format_points(value: Decimal) -> str:
    """Format points the Vietnamese way without trailing zeros ("7,5", "10", "0,25")."""
    text = f"{value.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return (text or "0").replace(".", ",")


def spreadsheet_cell(value: str) -> str:
    """Return a CSV cell a spreadsheet shows as text: a leading = + - @ would start a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
