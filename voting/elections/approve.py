"""The approve/reject ballot: Đồng ý or Không đồng ý with the one nominated unit, or a blank ballot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import lazy_gettext as _l

from voting.clusters.models import Unit
from voting.elections.ballots import (
    BLANK,
    BallotKind,
    BallotType,
    CandidateCount,
    Cut,
    Mark,
    blank_option,
    register,
)
from voting.i18n import N_, Translate, vietnamese

FOR, AGAINST = "for", "against"


@register
class ApproveBallot(BallotKind):
    """Đồng ý / Không đồng ý with the one unit the chair nominates, or a blank ballot."""

    type = BallotType.APPROVE
    label = N_("Đồng ý / Không đồng ý với một đơn vị được đề cử (hoặc phiếu trống)")
    is_nominated = True
    paper_columns = ("votes", "against")
    elected_sentence = N_(
        "%(unit)s được đồng ý %(votes)s/%(base)s %(label)s = %(percent)s%% %(relation)s %(share)s: trúng cử."
    )

    def options(self, candidates: Sequence[Unit]) -> list[tuple[str, str]]:
        if not candidates:
            return [blank_option()]
        nominee = candidates[0].name
        return [
            (FOR, str(_l("Đồng ý: %(name)s", name=nominee))),
            (AGAINST, str(_l("Không đồng ý: %(name)s", name=nominee))),
            blank_option(),
        ]

    def encrypted_options(self, candidate_ids: Sequence[int]) -> list[tuple[str, Mark]]:
        nominee = (
            [(FOR, Mark(candidate_ids[0])), (AGAINST, Mark(candidate_ids[0], True))] if candidate_ids else []
        )
        return [*nominee, (BLANK, Mark(None))]

    def read(self, value: str, candidates: Sequence[Unit]) -> Mark | None:
        if value == BLANK:
            return Mark(None)
        if value in (FOR, AGAINST) and candidates:
            return Mark(candidates[0].id, is_against=value == AGAINST)
        return None

    def check(self, marks: Sequence[Mark], *, seats: int = 1) -> None:
        if len(marks) == 1 and marks[0].unit_id is not None:  # Đồng ý or Không đồng ý with the nominee
            return
        super().check(marks, seats=seats)

    def mark_label(self, mark: Mark, names: Mapping[int, str]) -> str:
        if mark.unit_id is None:
            return super().mark_label(mark, names)
        return f"{'Không đồng ý' if mark.is_against else 'Đồng ý'} ({names[mark.unit_id]})"

    def decision(
        self,
        counts: Sequence[CandidateCount],
        winners: Sequence[Unit],
        runoff: Sequence[Unit],
        cut: Cut,
        *,
        needs_decision: bool,
        tr: Translate = vietnamese,
    ) -> str:
        if winners:
            return super().decision(counts, winners, runoff, cut, needs_decision=needs_decision, tr=tr)
        nominee = counts[0] if counts else None
        head = (
            cut.say(
                N_(
                    "%(unit)s chỉ được đồng ý %(votes)s/%(base)s %(label)s = %(percent)s%%, "
                    "không vượt %(share)s: không trúng cử"
                ),
                nominee,
                tr,
            )
            if nominee
            else tr(N_("Không có đơn vị được đề cử"))
        )
        tail = tr(N_("chủ tọa ghi nhận quyết định.") if needs_decision else N_("đề cử lại ở vòng sau."))
        return f"{head}; {tail}"

    def paper_label(self, column: str, unit: Unit) -> str:
        if column == "against":
            return str(_l("Không đồng ý: %(name)s", name=unit.name))
        return str(_l("Đồng ý: %(name)s", name=unit.name))
