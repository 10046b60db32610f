"""What the chair is asked before an irreversible step of an election, in numbers.

The console's dialog and the no-script confirmation page ask the same question (``voting.confirm``).
"""

from __future__ import annotations

from flask_babel import gettext

from voting.elections.counting import RoundResult
from voting.elections.models import Election, Round
from voting.elections.services import turnout


def _(text: str, **params: object) -> str:
    """Return *text* in the reader's language (``gettext``, typed)."""
    return str(gettext(text, **params))


def close_round_question(round_: Round, voted: int | None = None) -> str:
    """Return the question before closing a round: how many units have not voted yet."""
    if round_.is_paper:
        return _(
            "Kết thúc vòng %(number)s bỏ phiếu giấy (%(base)s đơn vị có mặt)? "
            "Ban kiểm phiếu sẽ nhập kết quả; không thể mở lại vòng này.",
            number=round_.number,
            base=round_.base,
        )
    voted = turnout(round_) if voted is None else voted
    if voted < round_.base:
        return _(
            "Còn %(left)s/%(base)s đơn vị chưa bỏ phiếu. Kết thúc vòng %(number)s và kiểm phiếu? "
            "Không thể mở lại vòng này.",
            left=round_.base - voted,
            base=round_.base,
            number=round_.number,
        )
    return _(
        "Cả %(base)s/%(base)s đơn vị đã bỏ phiếu. Kết thúc vòng %(number)s và kiểm phiếu? "
        "Không thể mở lại vòng này.",
        base=round_.base,
        number=round_.number,
    )


def void_round_question(round_: Round, voted: int | None = None) -> str:
    """Return the question before voiding a closed round: the ballots that will not count."""
    return _(
        "Hủy vòng %(number)s: %(voted)s/%(base)s phiếu đã bỏ sẽ không được tính và phải mở lại vòng bầu. "
        "Không thể hoàn tác.",
        number=round_.number,
        voted=turnout(round_) if voted is None else voted,
        base=round_.base,
    )


def certify_question(election: Election, result: RoundResult | None) -> str:
    """Return the question before certifying: who is elected, with how many votes of how many."""
    office = _(election.office.label)
    year = election.conference.year + 1
    if election.is_decided and election.decided_unit is not None:
        return _(
            "Chứng nhận kết quả: %(unit)s là đơn vị %(office)s năm %(year)s theo quyết định của chủ tọa. "
            "Không thể hoàn tác.",
            unit=election.decided_unit.name,
            office=office,
            year=year,
        )
    elected = result.elected if result is not None else None
    if result is None or elected is None:  # nothing to certify: the service refuses, saying why
        return _(
            "Chứng nhận kết quả bầu %(office)s năm %(year)s? Không thể hoàn tác.", office=office, year=year
        )
    votes = next(count.votes for count in result.counts if count.unit.id == elected.id)
    return _(
        "Chứng nhận kết quả: %(unit)s trúng cử %(office)s năm %(year)s với %(votes)s/%(base)s phiếu. "
        "Không thể hoàn tác.",
        unit=elected.name,
        office=office,
        year=year,
        votes=votes,
        base=result.base,
    )
