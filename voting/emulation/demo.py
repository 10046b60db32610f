"""The demo's bình xét: Cụm thi đua số 4's criteria table of 2016 and the units' scores, played through.

Twenty criteria in four sections (100 points), two bonus and two penalty items, and three tie rules.
The scores are made up but plausible: each unit loses a little in each section, two cross-checks
take half a point off, and the cluster's review gives one of them back with its reason.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from voting.auth.models import Role, User
from voting.clusters.models import Cluster, Unit
from voting.emulation import scoring
from voting.emulation.models import CriteriaTable, ItemKind, Stage, TieRuleKind
from voting.emulation.table import ItemSpec, TableContent, create_table, find_table
from voting.extensions import db
from voting.formatting import to_utc_naive

SECTIONS = [
    (
        "I",
        "Công tác xây dựng Đảng, xây dựng lực lượng",
        [
            (
                "Lãnh đạo, chỉ đạo thực hiện nghị quyết của Đảng ủy Công an Trung ương, Đảng ủy CATP",
                6,
            ),
            ("Xây dựng tổ chức cơ sở đảng trong sạch, vững mạnh", 6),
            ("Công tác cán bộ; đào tạo, bồi dưỡng nâng cao trình độ", 6),
            (
                "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; Sáu điều Bác Hồ dạy",
                6,
            ),
            ("Chấp hành điều lệnh, điều lệ, kỷ luật của lực lượng Công an nhân dân", 6),
        ],
    ),
    (
        "II",
        "Thực hiện nhiệm vụ chuyên môn",
        [
            ("Hoàn thành các chỉ tiêu, kế hoạch công tác năm", 10),
            ("Tham mưu cho Ban Giám đốc Công an thành phố trong lĩnh vực được giao", 8),
            ("Phục vụ công tác chiến đấu, bảo đảm an ninh, trật tự", 8),
            ("Cải cách hành chính, ứng dụng công nghệ thông tin", 7),
            ("Quản lý tài chính, tài sản, hậu cần đúng quy định", 7),
        ],
    ),
    (
        "III",
        "Phong trào thi đua \u201cVì an ninh Tổ quốc\u201d",
        [
            ("Phát động phong trào, ký giao ước thi đua đầu năm", 4),
            ("Sơ kết, tổng kết; phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến", 4),
            ("Thực hiện các cuộc vận động, phong trào thi đua theo chuyên đề", 4),
            ("Công tác khen thưởng kịp thời, đúng quy định", 4),
            ("Tham gia các hoạt động chung của Cụm thi đua", 4),
        ],
    ),
    (
        "IV",
        "Công tác đoàn thể, chính sách, hậu phương",
        [
            ("Hoạt động của Công đoàn, Đoàn Thanh niên, Hội Phụ nữ", 3),
            ("Phong trào văn hóa, văn nghệ, thể dục, thể thao", 3),
            ("Công tác chính sách, hậu phương, đền ơn đáp nghĩa", 2),
            ("Công tác dân vận, từ thiện xã hội", 1),
            ("Xây dựng môi trường văn hóa, đơn vị an toàn", 1),
        ],
    ),
]
BONUS = [
    ("T1", "Có sáng kiến, đề tài khoa học được công nhận", 2),
    ("T2", "Được tặng Cờ thi đua, Bằng khen trong năm", 3),
]
PENALTY = [
    ("TR1", "Có cán bộ vi phạm kỷ luật bị xử lý", 5),
    ("TR2", "Để xảy ra vụ việc phức tạp, mất an toàn trong đơn vị", 5),
]
#: each unit (in the cluster's order): points lost in sections I-IV, then its bonus and penalty points
PROFILES: list[tuple[list[int | str], dict[str, int | str]]] = [
    ([1, "1.5", "0.5", "0.5"], {"T1": 1}),  # 97.5
    (["0.5", 1, "0.5", 0], {"T1": 2, "T2": 3}),  # 103
    (["0.5", 1, "0.5", "0.5"], {"T2": 3}),  # 100.5
    ([1, 2, "0.5", "0.5"], {"T1": 1}),  # 97
    (["1.5", 2, 1, "0.5"], {}),  # 95
    ([1, "2.5", 1, "0.5"], {"T1": "1.5"}),  # 96.5
    (["1.5", "2.5", 1, "0.5"], {"TR1": 1}),  # 93.5
    (["0.5", 2, "0.5", "0.5"], {"T1": 1}),  # 97.5, ranked after the first unit by tie rule 1 (section II)
]
LEGAL_BASIS = (
    "Luật Thi đua, khen thưởng; Thông tư của Bộ Công an quy định công tác thi đua, khen thưởng "
    "trong Công an nhân dân\n"
    "Quy chế hoạt động của Cụm thi đua số 4, Công an thành phố Hà Nội (ký giao ước thi đua đầu năm 2016)"
)


def _local(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return to_utc_naive(datetime(2016, month, day, hour, minute))


def demo_content() -> TableContent:
    """Return the 2016 table of Cụm thi đua số 4."""
    content = TableContent(legal_basis=LEGAL_BASIS)
    for code, title, criteria in SECTIONS:
        content.sections.append((code, title))
        for number, (text, maximum) in enumerate(criteria, start=1):
            content.items.append(
                ItemSpec(ItemKind.CRITERION, f"{code}.{number}", text, Decimal(maximum), code)
            )
    content.items += [ItemSpec(ItemKind.BONUS, code, text, Decimal(maximum)) for code, text, maximum in BONUS]
    content.items += [
        ItemSpec(ItemKind.PENALTY, code, text, Decimal(maximum)) for code, text, maximum in PENALTY
    ]
    content.tie_rules = [
        (TieRuleKind.SECTION_HIGHER, "II"),
        (TieRuleKind.PENALTY_FEWER, ""),
        (TieRuleKind.SECTION_HIGHER, "I"),
    ]
    return content


def _self_entries(table: CriteriaTable, index: int) -> list[scoring.Entry]:
    losses, extras = PROFILES[index]
    entries = []
    for section, loss in zip(table.sections, losses, strict=True):
        first = True
        for item in (item for item in table.items if item.section_id == section.id):
            points = item.max_points - (Decimal(str(loss)) if first else 0)
            entries.append(scoring.Entry(item, points, "Theo báo cáo tổng kết công tác năm 2016 của đơn vị"))
            first = False
    for item in table.items:
        if item.section_id is None:
            entries.append(scoring.Entry(item, Decimal(str(extras.get(item.code, 0))), ""))
    return entries


def play_scoring(cluster: Cluster) -> CriteriaTable:
    """Create (once) the 2016 table and play its scoring to the end: every stage closed, the ranking final."""
    found = find_table(cluster, 2016)
    if found is not None:
        return found
    chair = db.session.scalar(
        sa.select(User)
        .join(Unit)
        .where(Unit.cluster_id == cluster.id, User.role == Role.CHAIR)
        .order_by(User.id)
    )
    assert chair is not None
    table = create_table(
        cluster,
        2016,
        "Bảng tiêu chí chấm điểm thi đua năm 2016",
        content=demo_content(),
        by=chair,
        now=_local(1, 15, 9),
    )
    deadlines = {
        Stage.SELF: _local(10, 31, 17),
        Stage.CROSS: _local(11, 7, 17),
        Stage.REVIEW: _local(11, 11, 10, 30),
        Stage.SECOND_REVIEW: _local(11, 11, 11, 0),
    }
    scoring.start_scoring(table, deadlines, by=chair, now=_local(10, 3, 8))
    units = scoring.members(table)
    representatives = {
        user.unit_id: user
        for user in db.session.scalars(
            sa.select(User).where(User.role == Role.REPRESENTATIVE, User.unit_id.in_([u.id for u in units]))
        )
    }
    for index, unit in enumerate(units):  # each unit checks the next one
        scoring.assign_cross_check(
            table, unit, units[(index + 1) % len(units)], by=chair, now=_local(10, 3, 8, 30)
        )
    for index, unit in enumerate(units):
        scoring.enter_scores(
            table,
            Stage.SELF,
            unit,
            _self_entries(table, index),
            by=representatives[unit.id],
            now=_local(10, 20 + index, 15),
        )
    scoring.close_stage(table, Stage.SELF, by=chair, now=_local(11, 1, 8))
    item = next(item for item in table.items if item.code == "II.2")
    for index in (2, 5):  # two cross-checks take half a point off "II.2"
        unit, checker = units[index], units[index - 1]
        entry = scoring.Entry(
            item, item.max_points - Decimal("0.5"), "Chưa có văn bản chứng minh kết quả tham mưu"
        )
        scoring.enter_scores(
            table, Stage.CROSS, unit, [entry], by=representatives[checker.id], now=_local(11, 4, 10)
        )
    scoring.close_stage(table, Stage.CROSS, by=chair, now=_local(11, 8, 8))
    restored = scoring.Entry(
        item, item.max_points, "Đơn vị bổ sung văn bản tham mưu tại cuộc họp; Cụm thống nhất"
    )
    scoring.enter_scores(table, Stage.REVIEW, units[2], [restored], by=chair, now=_local(11, 11, 10, 15))
    scoring.close_stage(table, Stage.REVIEW, by=chair, now=_local(11, 11, 10, 30))
    scoring.close_stage(table, Stage.SECOND_REVIEW, by=chair, now=_local(11, 11, 10, 40))
    return table
