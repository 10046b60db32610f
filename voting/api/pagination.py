"""Pages of the API's lists: ``?page=`` and ``?per_page=``, with links to the next and previous page.

A client that reads only the list (as before pagination) gets the first page, ``DEFAULT_PER_PAGE``
items; ``next`` is null on the last page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import abort, request, url_for

#: items per page when the client does not say, and the most it may ask for
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """The page a request asks for."""

    number: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def fetch(self) -> int:
        """Return how many rows to load: one more than the page tells whether a next page exists."""
        return self.per_page + 1


def requested_page() -> Page:
    """Return the page the query string asks for; 400 when ``page`` or ``per_page`` does not fit."""
    values = {}
    for name, default, highest in (("page", 1, None), ("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)):
        raw = request.args.get(name)
        if raw is None:
            values[name] = default
            continue
        if not raw.isdigit() or int(raw) < 1 or (highest is not None and int(raw) > highest):
            limit = f" (1–{highest})" if highest else ""
            abort(400, f"Tham số {name} phải là số nguyên dương{limit}.")
        values[name] = int(raw)
    return Page(values["page"], values["per_page"])


def paged(page: Page, rows: Sequence[T]) -> tuple[list[T], dict[str, Any]]:
    """Return the page's rows (without the extra one) and its navigation: page, per_page, next, previous."""
    # the links keep the filters, but never pass url_for's own options (_external, _scheme, …)
    query = {name: value for name, value in request.args.items() if not name.startswith("_")}
    args = {**(request.view_args or {}), **query}

    def link(number: int) -> str:
        return url_for(request.endpoint or "", **{**args, "page": number, "per_page": page.per_page})

    return list(rows[: page.per_page]), {
        "page": page.number,
        "per_page": page.per_page,
        "next": link(page.number + 1) if len(rows) > page.per_page else None,
        "previous": link(page.number - 1) if page.number > 1 else None,
    }
