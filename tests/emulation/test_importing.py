"""Importing a criteria table from CSV or XLSX: all rows good, or every bad row listed and nothing written."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from tests.emulation.helpers import WRITTEN_AT
from tests.factories import staff
from voting.auth.models import Role
from voting.clusters.models import Cluster
from voting.emulation.importing import import_table
from voting.emulation.models import CriteriaTable, ItemKind, TieRuleKind
from voting.errors import ImportRefused, InvalidInput
from voting.extensions import db

GOOD = [
    ["Loại", "Mã", "Nội dung", "Điểm tối đa"],
    ["Căn cứ", "", "Quy chế hoạt động Cụm thi đua số 4", ""],
    ["Phần", "1", "Công tác xây dựng lực lượng", ""],
    ["Tiêu chí", "1.1", "Xây dựng Đảng", "10"],
    ["Tiêu chí", "1.2", "Công tác cán bộ", "7,5"],
    ["Phần", "2", "Hậu cần", ""],
    ["Tiêu chí", "2.1", "Bảo đảm hậu cần", "10"],
    ["Điểm thưởng", "T1", "Sáng kiến", "2"],
    ["Điểm trừ", "TR1", "Vi phạm kỷ luật", "5"],
    ["Bằng điểm", "1", "", ""],
    ["Bằng điểm", "trừ", "", ""],
]


def _csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    return ("\ufeff" + "\n".join(delimiter.join(row) for row in rows) + "\n").encode("utf-8")


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def cluster(make_cluster: Callable[..., Cluster]) -> Cluster:
    return make_cluster(units=2)


def _import(cluster: Cluster, filename: str, data: bytes) -> CriteriaTable:
    return import_table(
        cluster, 2016, "Bảng 2016", filename, data, by=staff(cluster, Role.CHAIR), now=WRITTEN_AT
    )


def _tables() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(CriteriaTable)) or 0


def test_a_good_csv_becomes_the_table(cluster: Cluster) -> None:
    table = _import(cluster, "bang.csv", _csv(GOOD, ";"))
    assert [(s.code, s.title) for s in table.sections] == [
        ("1", "Công tác xây dựng lực lượng"),
        ("2", "Hậu cần"),
    ]
    assert [(i.code, i.kind, i.max_points, i.section.code if i.section else None) for i in table.items] == [
        ("1.1", ItemKind.CRITERION, Decimal(10), "1"),
        ("1.2", ItemKind.CRITERION, Decimal("7.5"), "1"),
        ("2.1", ItemKind.CRITERION, Decimal(10), "2"),
        ("T1", ItemKind.BONUS, Decimal(2), None),
        ("TR1", ItemKind.PENALTY, Decimal(5), None),
    ]
    assert [(r.kind, r.subject_code) for r in table.tie_rules] == [
        (TieRuleKind.SECTION_HIGHER, "1"),
        (TieRuleKind.PENALTY_FEWER, ""),
    ]
    assert table.legal_basis == "Quy chế hoạt động Cụm thi đua số 4"


def test_a_good_xlsx_becomes_the_same_table(cluster: Cluster) -> None:
    rows: list[list[object]] = [list(GOOD[0])]
    rows += [[*row[:3], float(row[3].replace(",", ".")) if row[3] else None] for row in GOOD[1:]]
    table = _import(cluster, "Bang tieu chi.XLSX", _xlsx(rows))
    assert [i.max_points for i in table.items] == [
        Decimal(10),
        Decimal("7.5"),
        Decimal(10),
        Decimal(2),
        Decimal(5),
    ]
    assert len(table.tie_rules) == 2


def test_every_bad_row_is_listed_and_nothing_is_imported(cluster: Cluster) -> None:
    bad = [
        *GOOD[:4],
        ["Tiêu chí", "1.1", "Trùng mã", "5"],
        ["Tiêu chí", "1.3", "Điểm sai", "mười"],
        ["Tiêu chí", "1.4", "", "5"],
        ["Thưởng", "T2", "Âm", "-1"],
        ["Ghi chú", "", "Loại lạ", ""],
        ["Bằng điểm", "9", "", ""],
    ]
    with pytest.raises(ImportRefused) as refused:
        _import(cluster, "bang.csv", _csv(bad))
    assert [(line, column) for line, column, _message in refused.value.problems] == [
        (5, "Mã"),
        (6, "Điểm tối đa"),
        (7, "Nội dung"),
        (8, "Điểm tối đa"),
        (9, "Loại"),
        (10, "Mã"),
    ]
    assert "Mã mục đã có" in refused.value.problems[0][2]
    assert str(refused.value) == "Tệp có 6 dòng không hợp lệ; chưa nhập gì."
    assert _tables() == 0


def test_a_wrong_header_or_a_disguised_file_is_refused(cluster: Cluster) -> None:
    with pytest.raises(ImportRefused) as refused:
        _import(cluster, "bang.csv", _csv([["Code", "Text"], *GOOD[1:]]))
    assert refused.value.problems[0][0] == 1
    with pytest.raises(InvalidInput, match="đúng định dạng"):
        _import(cluster, "bang.xlsx", _csv(GOOD))
    with pytest.raises(InvalidInput, match="Không đọc được tệp XLSX"):
        _import(cluster, "bang.xlsx", b"PK\x03\x04 broken zip")
    with pytest.raises(InvalidInput, match="UTF-8"):
        _import(cluster, "bang.csv", "Loại,Mã\n".encode("utf-16"))
    assert _tables() == 0
