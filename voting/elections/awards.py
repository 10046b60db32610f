"""Award votes (suy tôn): one election per award title, "choose up to k units", runoffs for tied seats.

An award vote is an ``Election`` with office ``award``, its title, its seats (k) and its threshold
(≥ or > a share of the rules' base). Its rounds use the choose-up-to-k ballot
(``choose_up_to_k.py``); a runoff among units tied across the last seat has the open seats as its
k. Certifying writes the proposed units to ``election_winners``; an award may propose nobody.
Which units stand (the top N of the ranking, or every member unit) is the caller's: the ranking
is the emulation package's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any, cast

import sqlalchemy as sa

from voting.audit.services import record
from voting.auth.models import User
from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.elections.award_models import ElectionWinner
from voting.elections.counting import RoundResult
from voting.elections.models import (
    Election,
    Office,
    Round,
    RoundCandidate,
    RoundMethod,
    RoundStatus,
)
from voting.elections.results import RoundCount, count_of
from voting.elections.rules import fraction_text, rules_of, share_text, store_rules
from voting.elections.services import open_round_of, quorum
from voting.errors import InvalidChoice, InvalidState
from voting.extensions import db
from voting.i18n import N_, Translate, vietnamese
from voting.trustees.keys import election_key_of

#: the longest award title kept (the column's length)
TITLE_LENGTH = 200


@dataclass(frozen=True)
class AwardVoteSpec:
    """What the chair sets for an award vote; checked by ``create_award_vote``."""

    title: str  # "Cờ thi đua của Bộ Công an"
    seats: int  # k: how many units it may propose
    threshold_numerator: int
    threshold_denominator: int
    inclusive: bool  # True: "từ x% trở lên" (≥); False: "trên x%" (>)
    candidates_top: int | None = None  # the top N of the ranking; None: every member unit


def award_votes(conference: Conference) -> list[Election]:
    """Return the conference's award votes, in the order they were created."""
    query = sa.select(Election).where(
        Election.conference_id == conference.id, Election.office == Office.AWARD
    )
    return list(db.session.scalars(query.order_by(Election.id)))


def create_award_vote(conference: Conference, spec: AwardVoteSpec, *, by: User, now: datetime) -> Election:
    """Create an award vote (no round yet); the threshold defaults are the caller's (the rules')."""
    title = " ".join(spec.title.split())
    if conference.is_ended:
        raise InvalidState(N_("Hội nghị đã kết thúc."))
    if not title or len(title) > TITLE_LENGTH:
        raise InvalidState(N_("Cần ghi tên danh hiệu (tối đa 200 ký tự)."), field="title")
    if spec.seats < 1:
        raise InvalidState(N_("Số đơn vị được chọn phải từ 1 trở lên."), field="seats")
    if spec.candidates_top is not None and spec.candidates_top < spec.seats:
        raise InvalidState(
            N_("Danh sách đề cử (%(top)s đơn vị) phải có ít nhất %(seats)s đơn vị."),
            top=spec.candidates_top,
            seats=spec.seats,
            field="candidates_top",
        )
    if not 0 < spec.threshold_numerator < spec.threshold_denominator:
        raise InvalidState(N_("Ngưỡng đề nghị phải lớn hơn 0 và nhỏ hơn 100%."), field="threshold_numerator")
    if any(vote.award_title == title for vote in award_votes(conference)):
        raise InvalidState(
            N_("Đã có cuộc bỏ phiếu suy tôn danh hiệu “%(title)s”."), title=title, field="title"
        )
    election = Election(
        conference_id=conference.id,
        office=Office.AWARD,
        award_title=title,
        seats=spec.seats,
        threshold_numerator=spec.threshold_numerator,
        threshold_denominator=spec.threshold_denominator,
        threshold_inclusive=spec.inclusive,
        candidates_top=spec.candidates_top,
    )
    db.session.add(election)
    db.session.flush()
    record(
        "award.created",
        actor=by,
        conference=conference,
        now=now,
        details={
            "election_id": election.id,
            "title": title,
            "seats": spec.seats,
            "threshold": f"{spec.threshold_numerator}/{spec.threshold_denominator}",
            "inclusive": spec.inclusive,
            "candidates_top": spec.candidates_top,
        },
    )
    return election


def winners_of(election: Election) -> list[Unit]:
    """Return the units a certified award vote proposes, in order (none before certification)."""
    query = sa.select(Unit).join(ElectionWinner, ElectionWinner.unit_id == Unit.id)
    return list(
        db.session.scalars(
            query.where(ElectionWinner.election_id == election.id).order_by(ElectionWinner.position)
        )
    )


def threshold_sentence(election: Election, tr: Translate = vietnamese) -> str:
    """Return an award vote's rule: "Đạt từ 50% trở lên số đơn vị có mặt"."""
    assert election.threshold_numerator and election.threshold_denominator  # an award vote's, by a CHECK
    share = Fraction(election.threshold_numerator, election.threshold_denominator)
    base = rules_of(election.conference).threshold_base
    wording = share_text(share, base, inclusive=bool(election.threshold_inclusive), tr=tr)
    return tr(N_("Đạt %(wording)s"), wording=wording)


def share_of(election: Election) -> str:
    """Return an award vote's share as the rules write it: "50%"."""
    return fraction_text(Fraction(election.threshold_numerator or 1, election.threshold_denominator or 2))


@dataclass(frozen=True)
class AwardStanding:
    """Where an award vote stands: its counted rounds, who is proposed so far, what comes next."""

    election: Election
    counts: list[RoundCount]  # every round's count or why there is none, voided ones included
    proposed: list[Unit]  # in order: the first round's by votes, then each runoff's
    runoff: list[Unit]  # the next round's candidates (tied across the last seat), if one is due
    open_seats: int  # the seats the runoff is for
    is_settled: bool  # no round open or uncounted and no runoff due: it may be certified

    @property
    def results(self) -> list[RoundResult]:
        """Return the counted rounds' results (voided ones excluded)."""
        return [c.result for c in self.counts if c.result is not None and not c.round.is_voided]


def standing_of(election: Election) -> AwardStanding:
    """Read an award vote's rounds once and say who is proposed and whether a runoff is due."""
    counts = [count_of(round_) for round_ in election.rounds]
    proposed: list[Unit] = []
    runoff: list[Unit] = []
    open_seats = 0
    pending = any(c.result is None and not c.round.is_voided for c in counts)
    for count in counts:
        if count.result is None or count.round.is_voided:
            continue
        proposed += count.result.winners
        runoff = [] if count.result.needs_decision else count.result.runoff
        open_seats = count.round.seats - len(count.result.winners) if runoff else 0
    settled = bool(election.rounds) and not pending and not runoff
    return AwardStanding(election, counts, proposed, runoff, open_seats, settled)


def open_award_round(
    election: Election,
    candidates: Sequence[Unit] | None = None,
    *,
    by: User,
    now: datetime,
    method: RoundMethod | None = None,
) -> Round:
    """Open an award vote's next round: the first with *candidates*, or the runoff among the tied.

    A secret ballot: by default encrypted in the browser once the conference has its election key,
    else (or with *method* ELECTRONIC) a plaintext secret ballot, one ``Ballot`` with its marks.
    """
    if method is RoundMethod.PAPER:
        raise InvalidState(N_("Bỏ phiếu suy tôn bằng phiếu giấy chưa được hỗ trợ."))
    if election.is_certified:
        raise InvalidState(N_("Kết quả suy tôn đã được chứng nhận."))
    conference = election.conference
    if open_round_of(conference) is not None:
        raise InvalidState(N_("Đang có một vòng bỏ phiếu mở; hãy kết thúc vòng đó trước."))
    rules = rules_of(conference)
    present = quorum(conference, rules)
    if not present.is_quorate:
        raise InvalidState(
            N_("Chưa đủ số đơn vị có mặt (cần %(needed)s, có %(present)s)."),
            needed=present.needed,
            present=len(present.present),
        )
    if election.rounds:
        standing = standing_of(election)
        if standing.is_settled or not standing.runoff:
            raise InvalidState(N_("Cuộc bỏ phiếu suy tôn này không cần bầu lại."))
        if len([r for r in election.rounds if not r.is_voided]) >= rules.max_rounds:
            raise InvalidState(N_("Đã hết số vòng bầu tối đa theo quy chế."))
        stand, seats = standing.runoff, standing.open_seats
    else:
        stand, seats = list(candidates or []), election.seats
        if len(stand) < 1:
            raise InvalidChoice(N_("Danh sách đề cử không có đơn vị nào."))
    store_rules(conference)
    if method is None:
        method = RoundMethod.ENCRYPTED if election_key_of(conference) is not None else RoundMethod.ELECTRONIC
    elif method is RoundMethod.ENCRYPTED and election_key_of(conference) is None:
        raise InvalidState(
            N_("Chưa có khóa bầu cử: các thành viên giữ khóa cần hoàn tất việc tạo khóa trước.")
        )
    round_ = Round(
        election=election,
        number=election.rounds[-1].number + 1 if election.rounds else 1,
        status=RoundStatus.OPEN,
        opened_at=now,
        base=len(present.present),
        member_count=len(present.members),
        method=method,
        seats=min(seats, len(stand)),
    )
    db.session.add(round_)
    db.session.flush()
    db.session.add_all(RoundCandidate(round_id=round_.id, unit_id=unit.id) for unit in stand)
    db.session.flush()
    db.session.refresh(round_, ["candidates"])
    record(
        "round.opened",
        actor=by,
        conference=conference,
        now=now,
        details={
            "office": Office.AWARD.value,
            "title": election.award_title,
            "round": round_.number,
            "round_id": round_.id,
            "method": method.value,
            "seats": round_.seats,
            "candidates": [unit.id for unit in stand],
            "base": round_.base,
        },
    )
    return round_


def certify_award(election: Election, *, by: User, now: datetime) -> Election:
    """Certify an award vote whose rounds are all counted and leave no runoff; write who is proposed."""
    if not election.is_award:
        raise InvalidState(N_("Đây không phải cuộc bỏ phiếu suy tôn."))
    standing = standing_of(election)
    if not standing.is_settled:
        raise InvalidState(N_("Chưa thể chứng nhận: còn vòng bầu đang mở, chưa có kết quả hoặc cần bầu lại."))
    updated = db.session.execute(
        sa.update(Election)
        .where(Election.id == election.id, Election.certified_at.is_(None))
        .values(certified_at=now, certified_by_id=by.id)
        .execution_options(synchronize_session=False)
    )
    if cast("sa.CursorResult[Any]", updated).rowcount != 1:
        raise InvalidState(N_("Kết quả suy tôn đã được chứng nhận."))
    db.session.add_all(
        ElectionWinner(election_id=election.id, unit_id=unit.id, position=position)
        for position, unit in enumerate(standing.proposed, start=1)
    )
    db.session.flush()
    db.session.refresh(election)
    record(
        "award.certified",
        actor=by,
        conference=election.conference,
        now=now,
        details={
            "election_id": election.id,
            "title": election.award_title,
            "units": [unit.id for unit in standing.proposed],
            "count": len(standing.proposed),
        },
    )
    return election
