"""The conference minutes' PDF at 8 to 500 units: ``python -m bench.minutes`` (no database).

The data is made in memory (every unit present, one or three rounds per election), so the figure
is the builder's alone; ``make bench`` times the data collection of a real 60-unit conference.
CPU time (``time.process_time``), median of 5 builds after one warm-up build.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from bench.client import median
from voting.documents.minutes_data import (
    ConferenceMinutes,
    CountRow,
    ElectionMinutes,
    HandoverMinutes,
    RoundMinutes,
)
from voting.documents.pdf import BuiltPdf, build_conference_minutes
from voting.formatting import format_percent

SIZES = (8, 60, 200, 500)
#: the figure issue 18 asks for: 500 units in < 400 ms
TARGET_MS = 400
Data = TypeVar("Data")


def _round(number: int, units: list[str], elected: str | None) -> RoundMinutes:
    """Return a round in which every unit voted; *elected* gets most of the votes."""
    n = len(units)
    tallies = {unit: (i * 7 + number) % 3 for i, unit in enumerate(units)}
    if elected:
        tallies[elected] = n // 2 + 1
    rows = [CountRow(u, v, format_percent(v, n)) for u, v in sorted(tallies.items(), key=lambda kv: -kv[1])]
    decision = f"{elected} trúng cử." if elected else "Không đơn vị nào đạt quá bán; hội nghị bầu lại."
    return RoundMinutes(number, rows, n, n, n, 0, 0, n, [elected] if elected else [], decision)


def minutes(units: int, rounds: int) -> ConferenceMinutes:
    """Return the minutes of a conference of *units* units, each election taking *rounds* rounds."""
    names = [f"Đơn vị thành viên số {i + 1} Công an tỉnh" for i in range(units)]
    elections = [
        ElectionMinutes(
            office,
            2026,
            [_round(r, names, names[k] if r == rounds else None) for r in range(1, rounds + 1)],
            names[k],
        )
        for k, office in ((1, "Cụm trưởng"), (2, "Cụm phó"))
    ]
    return ConferenceMinutes(
        parent_body="Công an tỉnh",
        cluster_name="Cụm thi đua số 4",
        number="01/BB-CTĐ4",
        city="Hà Nội",
        issued_on=date(2025, 12, 10),
        subject='Hội nghị tổng kết phong trào thi đua "Vì An ninh Tổ quốc" năm 2025',
        started_at=datetime(2025, 12, 10, 8, 0),
        ended_at=datetime(2025, 12, 10, 11, 30),
        place="Hội trường Công an tỉnh",
        directing_leader="Thiếu tướng Đinh Văn Toản, Phó Giám đốc",
        units_present=names,
        units_total=units,
        chair_name="Nguyễn Hữu Lợi",
        chair_title="Trưởng phòng Công tác đảng và công tác quần chúng",
        secretary_name="Đặng Thị Bích Ngọc",
        secretary_title="cán bộ Phòng Công tác đảng và công tác quần chúng",
        report_summary="Hội nghị thảo luận, nhất trí với báo cáo tổng kết.",
        elections=elections,
        handover=HandoverMinutes(
            handed_over_at=datetime(2025, 12, 10, 11, 15),
            from_unit=names[0],
            to_unit=names[1],
            giver_name="Nguyễn Hữu Lợi",
            giver_title="Trưởng phòng",
            receiver_name="Trần Quốc Tuấn",
            receiver_title="Trưởng phòng",
            witnesses="đại biểu các đơn vị thành viên",
            flag_condition="cờ còn nguyên vẹn",
            files_handed_over="hồ sơ thi đua năm 2025",
        ),
        approvals=units,
    )


def build_cpu_ms(build: Callable[[Data], BuiltPdf], data: Data, repeat: int = 5) -> tuple[float, int]:
    """Return the median CPU milliseconds of a builder on *data* after a warm-up, and the PDF's size."""
    size = len(build(data).content)
    runs = []
    for _ in range(repeat):
        start = time.process_time()
        build(data)
        runs.append(1000 * (time.process_time() - start))
    return median(runs), size


def cpu_ms(data: ConferenceMinutes, repeat: int = 5) -> tuple[float, int]:
    """Return the median CPU milliseconds of building the minutes' PDF, and its size in bytes."""
    return build_cpu_ms(build_conference_minutes, data, repeat)


def main() -> None:
    print("| units | 1 round per election | 3 rounds per election |")
    print("|---|---|---|")
    for units in SIZES:
        cells = []
        for rounds in (1, 3):
            ms, size = cpu_ms(minutes(units, rounds))
            target = f" (target < {TARGET_MS} ms)" if units == 500 and rounds == 1 else ""
            cells.append(f"{ms:.0f} ms, {size / 1024:.0f} KB{target}")
        print(f"| {units} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
