"""CSV exports for the chair and the archivist: turnout per round, counts per round, published receipts."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from voting.conferences.models import Conference
from voting.elections.encrypted import cast_ballots
from voting.elections.live import turnout
from voting.elections.models import OFFICES, Round
from voting.elections.results import count_of
from voting.elections.services import get_election
from voting.formatting import to_local

KINDS = ("turnout", "counts", "receipts")


def _rounds(conference: Conference) -> list[Round]:
    rounds: list[Round] = []
    for office in OFFICES:
        election = get_election(conference, office)
        rounds += election.rounds if election else []
    return rounds


def _time(round_: Round, closed: bool) -> str:
    moment = round_.closed_at if closed else round_.opened_at
    return to_local(moment).isoformat() if moment else ""


def rows(conference: Conference, kind: str) -> list[list[object]]:
    """Return the rows (header first) of one export."""
    if kind == "turnout":
        header: list[object] = [
            "office",
            "round",
            "method",
            "status",
            "opened_at",
            "closed_at",
            "units_present",
            "voted",
        ]
        return [header] + [
            [
                r.election.office.value,
                r.number,
                r.method.value,
                r.status.value,
                _time(r, False),
                _time(r, True),
                r.base,
                turnout(r),
            ]
            for r in _rounds(conference)
        ]
    if kind == "counts":
        out: list[list[object]] = [
            ["office", "round", "status", "unit", "votes", "against", "percent", "base", "elected"]
        ]
        for r in _rounds(conference):
            result = count_of(r).result
            if result is None:  # open, or a paper count not yet confirmed: nothing to export yet
                continue
            for c in result.counts:
                out.append(
                    [
                        r.election.office.value,
                        r.number,
                        r.status.value,
                        c.unit.name,
                        c.votes,
                        c.against,
                        c.percent,
                        c.base,
                        "yes" if result.is_winner(c.unit) else "",
                    ]
                )
            out.append(
                [
                    r.election.office.value,
                    r.number,
                    r.status.value,
                    "(blank)",
                    result.blank,
                    "",
                    "",
                    result.base,
                    "",
                ]
            )
        return out
    if kind == "receipts":
        out = [["office", "round", "receipt_code", "choice"]]
        for r in _rounds(conference):
            result = count_of(r).result
            out += [
                [r.election.office.value, r.number, x.code, x.choice]
                for x in (result.receipts if result else [])
            ]
            if r.is_encrypted and not r.is_open:  # the trackers: public, and say nothing of the choice
                out += [[r.election.office.value, r.number, b.tracker, ""] for b in cast_ballots(r)]
        return out
    raise ValueError(kind)


def _safe(cell: object) -> object:
    """Keep a spreadsheet from reading a cell as a formula."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@"):
        return "'" + cell
    return cell


def to_csv(table: Iterable[list[object]]) -> str:
    """Return the rows as CSV text (UTF-8 with a byte-order mark, so spreadsheets read Vietnamese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in table:
        writer.writerow([_safe(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()
