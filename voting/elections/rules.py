"""The election rules of a conference, stored as data: set before the first round, locked after."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from voting.audit.services import record
from voting.auth.models import User
from voting.conferences.models import Conference
from voting.elections.ballots import BallotKind, ballot_kind
from voting.elections.ballots import BallotType as BallotType
from voting.elections.models import Election, Office
from voting.errors import InvalidState
from voting.extensions import db
from voting.formatting import format_percent
from voting.i18n import N_, Translate, vietnamese
from voting.models import enum_column


class VoteForm(enum.StrEnum):
    """How the units express their choice (hình thức biểu quyết)."""

    SECRET = "secret"  # noqa: S105 - the secret ballot, not a password
    OPEN = "open"
    CONSENSUS = "consensus"

    @property
    def label(self) -> str:
        """Return the Vietnamese name of the form of vote."""
        return {
            VoteForm.SECRET: N_("Bỏ phiếu kín"),
            VoteForm.OPEN: N_("Biểu quyết công khai (ghi danh từng đơn vị)"),
            VoteForm.CONSENSUS: N_("Hiệp thương (chủ tọa ghi nhận, biểu quyết giơ tay)"),
        }[self]


class ThresholdBase(enum.StrEnum):
    """What the percentage of votes is taken of."""

    PRESENT = "present"
    MEMBERS = "members"
    VALID = "valid"

    @property
    def label(self) -> str:
        """Return the Vietnamese name of the base, as used in the decision sentence."""
        return {
            ThresholdBase.PRESENT: N_("đơn vị có mặt"),
            ThresholdBase.MEMBERS: N_("đơn vị thành viên"),
            ThresholdBase.VALID: N_("phiếu hợp lệ"),
        }[self]


class ConferenceRules(db.Model):  # type: ignore[name-defined,misc]
    """A conference's election rules; the defaults are the cluster's usual practice."""

    __tablename__ = "conference_rules"
    __table_args__ = (
        sa.CheckConstraint(
            "quorum_numerator > 0 AND quorum_numerator <= quorum_denominator", name="quorum_fraction"
        ),
        sa.CheckConstraint(
            "threshold_numerator > 0 AND threshold_numerator < threshold_denominator",
            name="threshold_fraction",
        ),
        sa.CheckConstraint("max_rounds BETWEEN 1 AND 10", name="max_rounds_range"),
    )

    conference_id: Mapped[int] = mapped_column(sa.ForeignKey("conferences.id"), primary_key=True)
    #: secret ballot, open (named) vote or consensus recorded by the chair
    vote_form: Mapped[VoteForm] = mapped_column(
        enum_column(VoteForm, "vote_form"), server_default=VoteForm.SECRET.value
    )
    #: what the ballot asks (ballots.BallotType): choose one unit, or approve/reject one nominee
    ballot_type: Mapped[BallotType] = mapped_column(
        enum_column(BallotType, "ballot_type"), server_default=BallotType.CHOOSE_ONE.value
    )
    #: at least this share of member units must be present (default 2/3)
    quorum_numerator: Mapped[int] = mapped_column(server_default="2")
    quorum_denominator: Mapped[int] = mapped_column(server_default="3")
    #: elected with strictly more than this share of the base (default 1/2: quá bán)
    threshold_numerator: Mapped[int] = mapped_column(server_default="1")
    threshold_denominator: Mapped[int] = mapped_column(server_default="2")
    #: True: elected from the share up ("từ 50% trở lên", ≥); False: strictly above it ("trên", >)
    threshold_inclusive: Mapped[bool] = mapped_column(server_default=sa.false())
    #: what the share is taken of
    threshold_base: Mapped[ThresholdBase] = mapped_column(
        enum_column(ThresholdBase, "threshold_base"), server_default=ThresholdBase.PRESENT.value
    )
    #: the outgoing leader may not stand for leader again
    leader_excludes_outgoing: Mapped[bool] = mapped_column(server_default=sa.true())
    #: the outgoing leader may not stand for deputy either (the new leader never may)
    deputy_excludes_outgoing_leader: Mapped[bool] = mapped_column(server_default=sa.false())
    #: a unit may vote for itself
    self_vote_allowed: Mapped[bool] = mapped_column(server_default=sa.true())
    #: rounds per election (voided rounds not counted); then the chair records a decision
    max_rounds: Mapped[int] = mapped_column(server_default="3")
    #: last change, naive UTC
    updated_at: Mapped[datetime | None]

    @property
    def quorum(self) -> Fraction:
        """Return the quorum as a fraction of member units."""
        return Fraction(self.quorum_numerator, self.quorum_denominator)

    @property
    def threshold(self) -> Fraction:
        """Return the share of the base that must be exceeded."""
        return Fraction(self.threshold_numerator, self.threshold_denominator)

    @property
    def ballot(self) -> BallotKind:
        """Return the class of the ballot type in force: what the ballot asks, reads and counts."""
        return ballot_kind(self.ballot_type)

    def __repr__(self) -> str:
        return f"<ConferenceRules {self.conference_id}>"


DEFAULTS: dict[str, object] = {
    "vote_form": VoteForm.SECRET,
    "ballot_type": BallotType.CHOOSE_ONE,
    "quorum_numerator": 2,
    "quorum_denominator": 3,
    "threshold_numerator": 1,
    "threshold_denominator": 2,
    "threshold_base": ThresholdBase.PRESENT,
    "threshold_inclusive": False,
    "leader_excludes_outgoing": True,
    "deputy_excludes_outgoing_leader": False,
    "self_vote_allowed": True,
    "max_rounds": 3,
}


@dataclass(frozen=True)
class RulesChange:
    """The rules a chair submits; validated here, not only in the form."""

    vote_form: VoteForm
    ballot_type: BallotType
    quorum_numerator: int
    quorum_denominator: int
    threshold_numerator: int
    threshold_denominator: int
    threshold_base: ThresholdBase
    leader_excludes_outgoing: bool
    deputy_excludes_outgoing_leader: bool
    self_vote_allowed: bool
    max_rounds: int
    threshold_inclusive: bool = False


def rules_of(conference: Conference) -> ConferenceRules:
    """Return the conference's rules; unsaved defaults when none were stored."""
    stored = db.session.get(ConferenceRules, conference.id)
    if stored is not None:
        return stored
    return ConferenceRules(conference_id=conference.id, **DEFAULTS)


def store_rules(conference: Conference) -> ConferenceRules:
    """Return the conference's rules, stored, so that the rules in force are on record."""
    rules = rules_of(conference)
    if db.session.get(ConferenceRules, conference.id) is None:
        db.session.add(rules)
        db.session.flush()
    return rules


def are_locked(conference: Conference) -> bool:
    """Return whether a round has opened or a decision was recorded: rules are then final."""
    # An award vote locks them once its first round opens (its rounds use the base and max rounds).
    started = sa.or_(Election.office != Office.AWARD, Election.rounds.any())
    query = sa.select(Election.id).where(Election.conference_id == conference.id, started)
    return db.session.scalar(sa.select(sa.exists(query))) or False


def set_rules(conference: Conference, change: RulesChange, *, by: User, now: datetime) -> ConferenceRules:
    """Change the rules of a conference before its first round opens."""
    if conference.is_ended:
        raise InvalidState(N_("Hội nghị đã kết thúc."))
    if are_locked(conference):
        raise InvalidState(N_("Đã mở vòng bầu đầu tiên: quy chế bầu cử không thể thay đổi nữa."))
    if not 0 < change.quorum_numerator <= change.quorum_denominator:
        raise InvalidState(N_("Tỷ lệ tối thiểu có mặt phải lớn hơn 0 và không quá 100%."))
    if not 0 < change.threshold_numerator < change.threshold_denominator:
        raise InvalidState(N_("Ngưỡng trúng cử phải lớn hơn 0 và nhỏ hơn 100%."))
    if Fraction(change.threshold_numerator, change.threshold_denominator) < Fraction(1, 2):
        # Below half, two units could both be "elected" in one round.
        raise InvalidState(N_("Ngưỡng trúng cử không được thấp hơn 50%."))
    if not ballot_kind(change.ballot_type).for_offices:
        raise InvalidState(N_("Loại phiếu này chỉ dùng cho bỏ phiếu suy tôn."))
    if not 1 <= change.max_rounds <= 10:
        raise InvalidState(N_("Số vòng bầu tối đa phải từ 1 đến 10."))
    rules = store_rules(conference)
    for field, value in change.__dict__.items():
        setattr(rules, field, value)
    rules.updated_at = now
    db.session.flush()
    record(
        "rules.changed",
        actor=by,
        conference=conference,
        now=now,
        details={k: (v.value if isinstance(v, enum.Enum) else v) for k, v in change.__dict__.items()},
    )
    return rules


def fraction_text(fraction: Fraction) -> str:
    """Return a share as "2/3" or "50%" the way the cluster's rules are written."""
    if (fraction * 100).denominator == 1:
        return f"{int(fraction * 100)}%"
    return f"{fraction.numerator}/{fraction.denominator}"


def threshold_text(rules: ConferenceRules, tr: Translate = vietnamese) -> str:
    """Return the threshold: "quá bán (trên 50%) số đơn vị có mặt" (in *tr*'s language)."""
    return share_text(rules.threshold, rules.threshold_base, inclusive=rules.threshold_inclusive, tr=tr)


def share_text(share: Fraction, base: ThresholdBase, tr: Translate = vietnamese, *, inclusive: bool) -> str:
    """Return a threshold: "quá bán (trên 50%) số đơn vị có mặt", "từ 50% trở lên số đơn vị có mặt"."""
    label = tr(base.label)
    if inclusive:
        return tr(N_("từ %(share)s trở lên số %(base)s"), share=fraction_text(share), base=label)
    if share == Fraction(1, 2):
        return tr(N_("quá bán (trên 50%%) số %(base)s"), base=label)
    return tr(N_("trên %(share)s số %(base)s"), share=fraction_text(share), base=label)


def describe(rules: ConferenceRules, tr: Translate = vietnamese) -> list[str]:
    """Return the rules in force as short sentences, for the ballot, console and minutes.

    In Vietnamese (the minutes) by default; pages pass Flask-Babel's ``gettext`` as *tr*.
    """
    if rules.leader_excludes_outgoing:
        leader = tr(N_("tất cả đơn vị thành viên trừ đơn vị Cụm trưởng đương nhiệm"))
    else:
        leader = tr(N_("tất cả đơn vị thành viên"))
    if rules.deputy_excludes_outgoing_leader:
        deputy = tr(N_("tất cả đơn vị thành viên trừ đơn vị Cụm trưởng mới và đơn vị Cụm trưởng đương nhiệm"))
    else:
        deputy = tr(N_("tất cả đơn vị thành viên trừ đơn vị Cụm trưởng mới"))
    self_vote = N_("Đơn vị được bầu cho chính mình.") if rules.self_vote_allowed else None
    return [
        tr(N_("Hình thức: %(form)s."), form=tr(rules.vote_form.label)),
        tr(N_("Loại phiếu: %(type)s; mỗi đơn vị một phiếu mỗi vòng."), type=tr(rules.ballot_type.label)),
        tr(
            N_("Hội nghị hợp lệ khi có ít nhất %(quorum)s số đơn vị thành viên có mặt."),
            quorum=fraction_text(rules.quorum),
        ),
        tr(N_("Trúng cử khi đạt %(threshold)s."), threshold=threshold_text(rules, tr)),
        tr(N_("Ứng cử Cụm trưởng: %(leader)s. Ứng cử Cụm phó: %(deputy)s."), leader=leader, deputy=deputy),
        tr(self_vote or N_("Đơn vị không được bầu cho chính mình.")),
        tr(
            N_(
                "Tối đa %(rounds)s vòng bầu mỗi chức danh; nếu vẫn chưa có đơn vị trúng cử hoặc "
                "còn đồng phiếu, chủ tọa ghi nhận quyết định và cách quyết định (hiệp thương hoặc bốc thăm)."
            ),
            rounds=rules.max_rounds,
        ),
    ]


def ballot_of(election: Election, rules: ConferenceRules) -> BallotKind:
    """Return the ballot type of an election: an award vote's choose-up-to-k, else the rules' type."""
    return ballot_kind(BallotType.CHOOSE_UP_TO_K) if election.is_award else rules.ballot


def threshold_of(election: Election, rules: ConferenceRules) -> tuple[Fraction, bool]:
    """Return the share that elects and whether reaching it elects (≥): an award vote's, else the rules'."""
    if election.is_award:
        assert election.threshold_numerator and election.threshold_denominator  # held by a CHECK
        share = Fraction(election.threshold_numerator, election.threshold_denominator)
        return share, bool(election.threshold_inclusive)
    return rules.threshold, rules.threshold_inclusive


def describe_text(rules: ConferenceRules) -> str:
    """Return the rules in force as one Vietnamese paragraph (the minutes)."""
    return " ".join(describe(rules))


def percent_of(votes: int, base: int) -> str:
    """Return votes/base as "62,50"."""
    return format_percent(votes, base)
