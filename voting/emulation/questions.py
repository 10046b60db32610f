"""What the chair is asked before an irreversible step of the bình xét, in numbers.

The table page's dialog and the no-script confirmation page ask the same question (``voting.confirm``).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext

from voting.emulation.models import CriteriaTable, ScoringStage, Stage
from voting.emulation.scoring import STAGE_LABELS, assignments, members, missing_entries, units_entered


def _(text: str, **params: object) -> str:
    """Return *text* in the reader's language (``gettext``, typed)."""
    return str(gettext(text, **params))


def start_question(table: CriteriaTable) -> str:
    """Return the question before starting: the table that locks, the units that will score."""
    return _(
        "Khóa bảng tiêu chí (%(items)s mục) và bắt đầu chấm điểm cho %(units)s đơn vị? "
        "Từ lúc này không sửa được mục, phần hay quy tắc xếp hạng nào nữa.",
        items=len(table.items),
        units=len(members(table)),
    )


def close_stage_question(table: CriteriaTable, row: ScoringStage, *, now: datetime) -> str:
    """Return the question before closing a stage: how many units it leaves incomplete."""
    units = len(members(table))
    stage = _(STAGE_LABELS[row.stage]).lower()
    if row.stage is Stage.SELF or row.stage is Stage.CROSS:
        left = len({m.unit.id for m in missing_entries(table, now=now) if m.stage is row})
        unassigned = units - len(assignments(table))
        if not left:
            parts = [_("Cả %(units)s/%(units)s đơn vị đã có đủ điểm.", units=units)]
        elif row.stage is Stage.SELF:
            parts = [_("Còn %(left)s/%(units)s đơn vị chưa tự chấm đủ.", left=left, units=units)]
        else:
            parts = [_("Còn %(left)s/%(units)s đơn vị chưa được chấm chéo đủ.", left=left, units=units)]
        if row.stage is Stage.SELF and unassigned > 0:
            parts.append(
                _(
                    "%(unassigned)s/%(units)s đơn vị chưa được phân công chấm chéo; "
                    "sau khi kết thúc không đổi phân công được nữa.",
                    unassigned=unassigned,
                    units=units,
                )
            )
    else:
        changed = units_entered(row)
        parts = [
            _(
                "Đã sửa điểm của %(changed)s/%(units)s đơn vị; các đơn vị khác giữ điểm của giai đoạn trước.",
                changed=changed,
                units=units,
            )
        ]
    parts.append(_("Kết thúc giai đoạn %(stage)s? Không thể mở lại giai đoạn này.", stage=stage))
    return " ".join(parts)
