"""Bình xét and suy tôn data for the PDF builders, without the database: Cụm thi đua số 4 in 2016."""

from __future__ import annotations

from tests.documents.minutes import CHAIR, SECRETARY, UNITS
from tests.helpers import CONFERENCE_DAY, wall_clock
from voting.documents.emulation_data import (
    AwardLineMinutes,
    AwardMinutes,
    AwardProposal,
    EmulationMinutes,
    ProposalLine,
    StandingRow,
)
from voting.formatting import format_percent

STAGES = ["Tự chấm", "Chấm chéo", "Cụm thống nhất điểm", "Phúc tra"]
TIE_RULES = ["Điểm phần II cao hơn", "Điểm trừ ít hơn"]
FLAG = "Cờ thi đua của Bộ Công an"
MERIT = "Bằng khen của Bộ trưởng Bộ Công an"


def standing_rows(units: list[str]) -> list[StandingRow]:
    """Return a ranking of *units*: 100 points down by half a point, the 3rd and 4th split by rule 1."""
    rows = []
    for i, unit in enumerate(units):
        total = f"{100 - i // 2 if i in (2, 3) else 100 - i / 2:g}".replace(".", ",")
        note = "Quy tắc 1: Điểm phần II cao hơn" if i == 3 else ""
        rows.append(StandingRow(i + 1, unit, [total, total, total, ""], "1", "0", total, note))
    return rows


def award(title: str, seats: int, votes: list[int], proposed: int, base: int) -> AwardMinutes:
    """Return a suy tôn count of the first units (most votes first) proposing the first *proposed*."""
    lines = [
        AwardLineMinutes(UNITS[i], n, format_percent(n, base), i < proposed) for i, n in enumerate(votes)
    ]
    return AwardMinutes(
        title, seats, f"Đạt từ 50% trở lên số đơn vị có mặt ({base} đơn vị)", base, 1, lines, UNITS[:proposed]
    )


def emulation_minutes(units: list[str] = UNITS, awards: list[AwardMinutes] | None = None) -> EmulationMinutes:
    """Return the Biên bản họp bình xét, suy tôn of 2016: one unit for the flag, two for Bằng khen."""
    base = len(units)
    if awards is None:
        awards = [award(FLAG, 1, [7, 1], 1, base), award(MERIT, 2, [7, 6, 2, 1], 2, base)]
    return EmulationMinutes(
        parent_body="Công an thành phố Hà Nội",
        cluster_name="Cụm thi đua số 4",
        number="02/BB-CTĐ4",
        city="Hà Nội",
        issued_on=CONFERENCE_DAY,
        conference_title='Hội nghị tổng kết phong trào thi đua "Vì An ninh Tổ quốc" năm 2016',
        place="Hội trường Phòng Công tác đảng và công tác quần chúng, 87 Trần Hưng Đạo, Hà Nội",
        held_at=wall_clock(8, 0),
        year=2016,
        table_title="Bảng tiêu chí chấm điểm thi đua năm 2016",
        legal_basis=["Luật Thi đua, khen thưởng", "Quy chế hoạt động của Cụm thi đua số 4"],
        max_total="105",
        stage_names=STAGES,
        tie_rules=TIE_RULES,
        rows=standing_rows(units),
        awards=awards,
        units_present=base,
        units_total=base,
        chair_name=CHAIR,
        chair_title="Trưởng phòng Công tác đảng và công tác quần chúng",
        secretary_name=SECRETARY,
        secretary_title="cán bộ Phòng Công tác đảng và công tác quần chúng",
        recipients=["Hội đồng Thi đua - Khen thưởng Công an thành phố (để báo cáo)"],
        verify_url="http://127.0.0.1:5000/v/abc",
    )


def award_proposal() -> AwardProposal:
    """Return the tờ trình proposing the first unit for the flag and the first two for Bằng khen."""
    leader = ["Cụm trưởng Cụm thi đua số 4 năm 2016"]
    lines = [
        ProposalLine(FLAG, 1, UNITS[0], "100", "7/8 phiếu (87,50%)", leader),
        ProposalLine(MERIT, 1, UNITS[0], "100", "7/8 phiếu (87,50%)", leader),
        ProposalLine(
            MERIT, 2, UNITS[1], "99,5", "6/8 phiếu (75,00%)", ["Cụm trưởng Cụm thi đua số 4 năm 2017"]
        ),
    ]
    return AwardProposal(
        parent_body="Công an thành phố Hà Nội",
        cluster_name="Cụm thi đua số 4",
        number="03/TTr-CTĐ4",
        city="Hà Nội",
        issued_on=CONFERENCE_DAY,
        council="Hội đồng Thi đua - Khen thưởng Công an thành phố Hà Nội",
        conference_title='Hội nghị tổng kết phong trào thi đua "Vì An ninh Tổ quốc" năm 2016',
        held_on=CONFERENCE_DAY,
        year=2016,
        table_title="Bảng tiêu chí chấm điểm thi đua năm 2016",
        units_total=8,
        lines=lines,
        chair_name=CHAIR,
        chair_title="Trưởng phòng Công tác đảng và công tác quần chúng",
        recipients=["Hội đồng Thi đua - Khen thưởng Công an thành phố Hà Nội"],
    )
