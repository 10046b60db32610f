"""The Biên bản họp bình xét, suy tôn and the tờ trình at 8 to 500 units: ``python -m bench.binhxet_minutes``.

No database: the data is made in memory (every unit scored at all four stages, three suy tôn votes:
one flag, two Bằng khen and a title, each with every unit a candidate), so the figure is the
builders' alone. CPU time (``time.process_time``), median of 5 builds after one warm-up build.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from bench.minutes import build_cpu_ms
from voting.documents.emulation_data import (
    AwardLineMinutes,
    AwardMinutes,
    AwardProposal,
    EmulationMinutes,
    ProposalLine,
    StandingRow,
)
from voting.documents.pdf.emulation import build_award_proposal, build_emulation_minutes
from voting.formatting import format_percent, format_points

SIZES = (8, 60, 200, 500)
#: three suy tôn votes: (award, seats)
AWARDS = (
    ("Cờ thi đua của Bộ Công an", 1),
    ("Bằng khen của Bộ trưởng Bộ Công an", 2),
    ("Đơn vị Quyết thắng", 3),
)
Data = TypeVar("Data")


def _names(units: int) -> list[str]:
    return [f"Đơn vị thành viên số {i + 1} Công an tỉnh" for i in range(units)]


def _award(title: str, seats: int, names: list[str]) -> AwardMinutes:
    n = len(names)
    votes = [max(n - 3 * i, 0) for i in range(n)]
    lines = [
        AwardLineMinutes(u, v, format_percent(v, n), i < seats)
        for i, (u, v) in enumerate(zip(names, votes, strict=True))
    ]
    return AwardMinutes(title, seats, "từ 50% trở lên số đơn vị có mặt", n, 1, lines, names[:seats])


def emulation_minutes(units: int) -> EmulationMinutes:
    """Return the bình xét minutes of a cluster of *units* units."""
    names = _names(units)
    rows = []
    for i, name in enumerate(names):
        total = format_points(Decimal(100) - Decimal(i) / 4)
        rows.append(StandingRow(i + 1, name, [total] * 4, "1", "0,5", total, ""))
    return EmulationMinutes(
        parent_body="Công an tỉnh",
        cluster_name="Cụm thi đua số 4",
        number="05/BB-CTĐ4",
        city="Hà Nội",
        issued_on=date(2025, 12, 10),
        conference_title='Hội nghị tổng kết phong trào thi đua "Vì An ninh Tổ quốc" năm 2025',
        place="Hội trường Công an tỉnh",
        held_at=datetime(2025, 12, 10, 8, 0),
        year=2025,
        table_title="Bảng tiêu chí chấm điểm thi đua năm 2025",
        legal_basis=["Luật Thi đua, khen thưởng", "Quy chế hoạt động của Cụm"],
        max_total="105",
        stage_names=["Tự chấm", "Chấm chéo", "Cụm thống nhất điểm", "Phúc tra"],
        tie_rules=["Điểm phần II cao hơn", "Điểm trừ ít hơn"],
        rows=rows,
        awards=[_award(title, seats, names) for title, seats in AWARDS],
        units_present=units,
        units_total=units,
        chair_name="Nguyễn Hữu Lợi",
        chair_title="Trưởng phòng Công tác đảng và công tác quần chúng",
        secretary_name="Đặng Thị Bích Ngọc",
        secretary_title="cán bộ Phòng Công tác đảng và công tác quần chúng",
        recipients=["Hội đồng Thi đua - Khen thưởng Công an tỉnh (để báo cáo)", "Các đơn vị trong Cụm"],
        verify_url="http://10.0.0.5/verify/abcdefghijklmnop",
    )


def award_proposal(units: int) -> AwardProposal:
    """Return the tờ trình proposing the top units of the three votes."""
    names = _names(units)
    lines = [
        ProposalLine(
            title,
            i + 1,
            names[i],
            "100",
            f"{units}/{units} phiếu (100,00%)",
            ["Cụm trưởng Cụm thi đua số 4 năm 2025"],
        )
        for title, seats in AWARDS
        for i in range(seats)
    ]
    return AwardProposal(
        parent_body="Công an tỉnh",
        cluster_name="Cụm thi đua số 4",
        number="06/TTr-CTĐ4",
        city="Hà Nội",
        issued_on=date(2025, 12, 10),
        council="Hội đồng Thi đua - Khen thưởng Công an tỉnh",
        conference_title='Hội nghị tổng kết phong trào thi đua "Vì An ninh Tổ quốc" năm 2025',
        held_on=date(2025, 12, 10),
        year=2025,
        table_title="Bảng tiêu chí chấm điểm thi đua năm 2025",
        units_total=units,
        lines=lines,
        chair_name="Nguyễn Hữu Lợi",
        chair_title="Trưởng phòng",
        recipients=["Hội đồng Thi đua - Khen thưởng Công an tỉnh"],
        verify_url="http://10.0.0.5/verify/abcdefghijklmnop",
    )


def main() -> None:
    print("| units | Biên bản họp bình xét, suy tôn (3 votes, every unit a candidate) | tờ trình (6 units) |")
    print("|---|---|---|")
    for units in SIZES:
        ms, size = build_cpu_ms(build_emulation_minutes, emulation_minutes(units))
        proposal_ms, proposal_size = build_cpu_ms(build_award_proposal, award_proposal(units))
        minutes = f"{ms:.0f} ms, {size / 1024:.0f} KB"
        proposal = f"{proposal_ms:.0f} ms, {proposal_size / 1024:.0f} KB"
        print(f"| {units} | {minutes} | {proposal} |", flush=True)


if __name__ == "__main__":
    main()
