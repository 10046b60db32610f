"""Minutes data for the PDF builders, without the database: the 2016 conference of Cụm thi đua số 4."""

from __future__ import annotations

from tests.helpers import CONFERENCE_DAY, wall_clock
from voting.documents.minutes_data import (
    ConferenceMinutes,
    CountRow,
    ElectionMinutes,
    HandoverMinutes,
    RoundMinutes,
)
from voting.formatting import format_percent

UNITS = [
    "Phòng Công tác đảng và công tác quần chúng",
    "Phòng Công tác chính trị",
    "Phòng Hậu cần",
    "Phòng Tổ chức cán bộ",
    "Phòng Thông tin liên lạc",
    "Phòng Xuất bản và phát hành báo chí",
    "Bệnh xá Công an thành phố",
    "Phòng Tài chính",
]
CHAIR = "Nguyễn Hữu Lợi"
SECRETARY = "Đặng Thị Bích Ngọc"


def make_round(number: int, tallies: dict[str, int], base: int, elected: str | None) -> RoundMinutes:
    """Return a round in which every present unit cast one valid ballot."""
    rows = [
        CountRow(unit, votes, format_percent(votes, base))
        for unit, votes in sorted(tallies.items(), key=lambda item: -item[1])
    ]
    cast = sum(tallies.values())
    if elected:
        decision = (
            f"{elected} đạt {tallies[elected]}/{base} phiếu "
            f"({format_percent(tallies[elected], base)}%) > 50%: trúng cử."
        )
    else:
        decision = "Không đơn vị nào đạt quá bán; hội nghị bầu lại giữa các đơn vị có số phiếu cao nhất."
    return RoundMinutes(
        number=number,
        rows=rows,
        issued=base,
        returned=base,
        valid=base,
        invalid=0,
        blank=base - cast,
        base=base,
        winners=[elected] if elected else [],
        decision=decision,
    )


def make_minutes(units: list[str], elections: list[ElectionMinutes]) -> ConferenceMinutes:
    """Return the 2016 conference of Cụm thi đua số 4 with the given units and elections."""
    return ConferenceMinutes(
        parent_body="Công an thành phố Hà Nội",
        cluster_name="Cụm thi đua số 4",
        number="01/BB-CTĐ4",
        city="Hà Nội",
        issued_on=CONFERENCE_DAY,
        subject='Hội nghị tổng kết phong trào thi đua "Vì An ninh Tổ quốc" năm 2016',
        started_at=wall_clock(8, 0),
        ended_at=wall_clock(11, 30),
        place="Hội trường Phòng Công tác đảng và công tác quần chúng, 87 Trần Hưng Đạo, Hà Nội",
        directing_leader="Thiếu tướng Đinh Văn Toản, Phó Giám đốc CATP Hà Nội",
        units_present=units,
        units_total=len(units),
        chair_name=CHAIR,
        chair_title="Trưởng phòng Công tác đảng và công tác quần chúng",
        secretary_name=SECRETARY,
        secretary_title="cán bộ Phòng Công tác đảng và công tác quần chúng",
        report_summary=(
            "Năm 2016, Cụm thi đua số 4 đã tổ chức 4 phong trào thi đua; 120 tập thể và "
            "357 cá nhân được khen thưởng.\n"
            "Hội nghị thảo luận, nhất trí với báo cáo tổng kết và phương hướng năm 2017."
        ),
        elections=elections,
        handover=HandoverMinutes(
            handed_over_at=wall_clock(11, 15),
            from_unit=UNITS[0],
            to_unit=UNITS[1],
            giver_name=CHAIR,
            giver_title="Trưởng phòng Công tác đảng và công tác quần chúng",
            receiver_name="Trần Quốc Tuấn",
            receiver_title="Trưởng phòng Công tác chính trị",
            witnesses="Thiếu tướng Đinh Văn Toản và đại biểu các đơn vị thành viên",
            flag_condition="cờ còn nguyên vẹn, không rách, không phai màu",
            files_handed_over="hồ sơ thi đua năm 2016 của Cụm (12 tập)",
        ),
        approvals=len(units),
        recipients=["Hội đồng Thi đua - Khen thưởng CATP Hà Nội", "Các đơn vị thành viên Cụm"],
    )
