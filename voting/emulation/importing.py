"""Importing a criteria table from CSV or XLSX (openpyxl): all rows good, or nothing imported.

One row per line of the printed table, in its order, under the header ``Loại, Mã, Nội dung, Điểm tối đa``:

* ``Phần``: a section (Mã "1", Nội dung its title); the criteria below it belong to it;
* ``Tiêu chí``: a criterion of the section above, with its maximum;
* ``Điểm thưởng`` / ``Điểm trừ``: a bonus or penalty item with its own maximum;
* ``Bằng điểm``: a tie rule, in order: Mã names a section (higher score in it ranks first), a criterion
  (likewise), ``thưởng`` (more bonus points) or ``trừ`` (fewer penalty points);
* ``Căn cứ``: a line of the legal basis (Nội dung).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from voting.auth.models import User
from voting.clusters.models import Cluster
from voting.emulation.models import CriteriaTable, ItemKind, TieRuleKind
from voting.emulation.table import (
    ItemSpec,
    TableContent,
    create_table,
    item_problem,
    parse_points,
    tie_rule_problem,
)
from voting.errors import ImportRefused, InvalidInput
from voting.formatting import nfc
from voting.i18n import N_

HEADER = ("Loại", "Mã", "Nội dung", "Điểm tối đa")
#: a criteria table is a few kilobytes; anything far larger is not one
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000

_ITEM_KINDS = {
    "tiêu chí": ItemKind.CRITERION,
    "điểm thưởng": ItemKind.BONUS,
    "thưởng": ItemKind.BONUS,
    "điểm cộng": ItemKind.BONUS,
    "điểm trừ": ItemKind.PENALTY,
    "trừ": ItemKind.PENALTY,
}
_TIE_WORDS = {"thưởng": TieRuleKind.BONUS_HIGHER, "trừ": TieRuleKind.PENALTY_FEWER}

Problem = tuple[int, str, str]  # (line, column, message)


def _rows_csv(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(N_("Tệp CSV phải mã hóa UTF-8."), field="file") from None
    try:  # offices save with "," or ";" (Excel in a Vietnamese locale) or tabs
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text), dialect)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows_xlsx(data: bytes) -> Iterator[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise InvalidInput(N_("Không đọc được tệp XLSX."), field="file") from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(value) for value in row]
    finally:
        workbook.close()


def read_rows(filename: str, data: bytes) -> list[list[str]]:
    """Return the rows of an uploaded CSV or XLSX file as text, whitespace trimmed and NFC."""
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput(N_("Tệp quá lớn (tối đa 2 MB)."), field="file")
    is_xlsx = data[:4] == b"PK\x03\x04"
    if filename.lower().endswith(".xlsx") != is_xlsx:
        raise InvalidInput(N_("Chỉ nhận tệp .csv hoặc .xlsx đúng định dạng."), field="file")
    rows = []
    for row in _rows_xlsx(data) if is_xlsx else _rows_csv(data):
        rows.append([nfc(cell.strip()) for cell in row])
        if len(rows) > MAX_ROWS + 1:
            raise InvalidInput(N_("Tệp có quá nhiều dòng."), field="file")
    return rows


def parse_content(rows: list[list[str]]) -> tuple[TableContent, list[Problem]]:
    """Return the table the rows describe and every bad row's (line, column, reason)."""
    content = TableContent()
    problems: list[Problem] = []
    if not rows or [cell.casefold() for cell in rows[0][:4]] != [name.casefold() for name in HEADER]:
        return content, [(1, "", N_("Dòng đầu phải là tiêu đề: Loại, Mã, Nội dung, Điểm tối đa."))]
    sections: set[str] = set()
    codes: set[str] = set()
    section: str | None = None
    basis: list[str] = []
    for line, row in enumerate(rows[1:], start=2):
        kind, code, text, points = (row + ["", "", "", ""])[:4]
        word = kind.casefold()
        if not any(row):
            continue
        if word == "phần":
            if not code or len(code) > 20 or code in sections:
                problems.append((line, HEADER[1], N_("Mã phần trống, quá dài hoặc trùng.")))
            elif not text:
                problems.append((line, HEADER[2], N_("Nhập tên của phần.")))
            else:
                sections.add(code)
                content.sections.append((code, text))
            section = code
        elif word in _ITEM_KINDS:
            try:
                maximum = parse_points(points)
            except InvalidInput as error:
                problems.append((line, HEADER[3], error.template))
                continue
            item_kind = _ITEM_KINDS[word]
            spec = ItemSpec(
                item_kind, code, text, maximum, section if item_kind is ItemKind.CRITERION else None
            )
            problem = item_problem(spec, sections=sections, codes=codes)
            if problem is not None:
                column = {"code": HEADER[1], "text": HEADER[2], "max_points": HEADER[3]}.get(
                    problem[0], HEADER[0]
                )
                problems.append((line, column, problem[1]))
                continue
            codes.add(code)
            content.items.append(spec)
        elif word == "bằng điểm":
            _tie_rule(content, line, code, sections, problems)
        elif word == "căn cứ":
            basis.append(text)
        else:
            problems.append(
                (
                    line,
                    HEADER[0],
                    N_("Loại không rõ: dùng Phần, Tiêu chí, Điểm thưởng, Điểm trừ, Bằng điểm hoặc Căn cứ."),
                )
            )
    content.legal_basis = "\n".join(basis)
    if not content.items and not problems:
        problems.append((len(rows), "", N_("Bảng không có tiêu chí nào.")))
    return content, problems


def _tie_rule(
    content: TableContent, line: int, code: str, sections: set[str], problems: list[Problem]
) -> None:
    criteria = {item.code for item in content.items if item.kind is ItemKind.CRITERION}
    if code.casefold() in _TIE_WORDS:
        kind, subject = _TIE_WORDS[code.casefold()], ""
    else:
        kind = TieRuleKind.SECTION_HIGHER if code in sections else TieRuleKind.CRITERION_HIGHER
        subject = code
    problem = tie_rule_problem(kind, subject, sections=sections, criteria=criteria)
    if problem is not None or (kind, subject) in content.tie_rules:
        problems.append((line, HEADER[1], problem or N_("Quy tắc này đã có trong bảng.")))
    else:
        content.tie_rules.append((kind, subject))


def import_table(
    cluster: Cluster, year: int, title: str, filename: str, data: bytes, *, by: User, now: datetime
) -> CriteriaTable:
    """Create the cluster's table of a year from a CSV or XLSX file; refuse it whole if any row is bad."""
    content, problems = parse_content(read_rows(filename, data))
    if problems:
        raise ImportRefused(
            N_("Tệp có %(count)s dòng không hợp lệ; chưa nhập gì."), problems=problems, count=len(problems)
        )
    return create_table(cluster, year, title, content=content, by=by, now=now)
