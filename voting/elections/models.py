"""Elections of the leader and deputy units and award votes (suy tôn), their rounds and secret ballots."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.extensions import db
from voting.i18n import N_
from voting.models import enum_column


class Office(enum.StrEnum):
    """The office a unit is elected to for the next year."""

    LEADER = "leader"
    DEPUTY = "deputy"
    AWARD = "award"  # a suy tôn vote proposing up to k units for an award title, not an office

    @property
    def label(self) -> str:
        """Return the Vietnamese name of the office."""
        return {Office.LEADER: N_("Cụm trưởng"), Office.DEPUTY: N_("Cụm phó"), Office.AWARD: N_("suy tôn")}[
            self
        ]


#: the offices a conference elects one unit to (an award vote is not one of them)
OFFICES: tuple[Office, ...] = (Office.LEADER, Office.DEPUTY)


class RoundStatus(enum.StrEnum):
    """A round is open for ballots, then closed; a closed round may be voided with a reason."""

    OPEN = "open"
    CLOSED = "closed"
    VOIDED = "voided"


class RoundMethod(enum.StrEnum):
    """How a round's ballots are cast and counted."""

    ELECTRONIC = "electronic"  # an open (named) vote; legacy plaintext secret ballots of old rounds
    PAPER = "paper"
    ENCRYPTED = "encrypted"  # a secret ballot encrypted in the voter's browser, decrypted by the trustees


class ElectionState(enum.StrEnum):
    """Where an election stands; the guarded transitions live in ``actions.py``."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    CERTIFIED = "certified"


class DecisionMethod(enum.StrEnum):
    """How the chair's decision was reached when ballots did not decide."""

    CONSENSUS = "consensus"
    LOTS = "lots"

    @property
    def label(self) -> str:
        """Return the Vietnamese name of the method."""
        return "Hiệp thương" if self is DecisionMethod.CONSENSUS else "Bốc thăm"


class Election(db.Model):  # type: ignore[name-defined,misc]
    """The election of one office, or one award vote (suy tôn), at one conference."""

    __tablename__ = "elections"
    __table_args__ = (
        # One election per office; award votes are told apart by their title.
        sa.Index(
            "uq_elections_conference_id_office",
            "conference_id",
            "office",
            unique=True,
            postgresql_where=sa.text("office <> 'award'"),
            sqlite_where=sa.text("office <> 'award'"),
        ),
        sa.UniqueConstraint("conference_id", "award_title"),
        # An award may propose nobody; an office is certified with its elected unit.
        sa.CheckConstraint(
            "certified_at IS NULL OR elected_unit_id IS NOT NULL OR office = 'award'",
            name="certified_has_winner",
        ),
        sa.CheckConstraint("(office = 'award') = (award_title IS NOT NULL)", name="award_has_title"),
        sa.CheckConstraint("office = 'award' OR seats = 1", name="office_has_one_seat"),
        sa.CheckConstraint("seats >= 1", name="seats_positive"),
        sa.CheckConstraint(
            "(office = 'award') = (threshold_numerator IS NOT NULL AND threshold_denominator IS NOT NULL "
            "AND threshold_inclusive IS NOT NULL)",
            name="award_has_threshold",
        ),
        sa.CheckConstraint(
            "threshold_numerator > 0 AND threshold_numerator < threshold_denominator",
            name="award_threshold_fraction",
        ),
        sa.CheckConstraint("candidates_top IS NULL OR candidates_top >= 1", name="candidates_top_positive"),
        sa.CheckConstraint("(decided_at IS NULL) = (decided_unit_id IS NULL)", name="decision_has_unit"),
        sa.CheckConstraint(
            "decision_method <> 'lots' OR (lots_seed IS NOT NULL AND witnesses <> '')",
            name="lots_have_seed_and_witnesses",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(sa.ForeignKey("conferences.id"))
    office: Mapped[Office] = mapped_column(enum_column(Office, "office"))
    #: set on certification, never changed afterwards
    elected_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    certified_at: Mapped[datetime | None]
    certified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: the chair's decision when ballots did not decide (or the form of vote is consensus)
    decided_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    decision_method: Mapped[DecisionMethod | None] = mapped_column(
        enum_column(DecisionMethod, "decision_method")
    )
    #: the chair's statement of how the decision was reached
    decision_statement: Mapped[str] = mapped_column(sa.Text, server_default="")
    #: units that agreed by show of hands (consensus)
    decision_agreeing: Mapped[int | None]
    #: the random seed of a drawing of lots, so that anyone can redo the draw
    lots_seed: Mapped[str | None] = mapped_column(sa.String(64))
    #: who witnessed the drawing of lots, one per line
    witnesses: Mapped[str] = mapped_column(sa.Text, server_default="")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: an award vote's title: "Cờ thi đua của Bộ Công an" (NULL for an office)
    award_title: Mapped[str | None] = mapped_column(sa.String(200))
    #: how many units an award vote may propose (k of "chọn tối đa k đơn vị"); 1 for an office
    seats: Mapped[int] = mapped_column(server_default="1")
    #: an award vote's threshold: the share of the base (set from the rules when created)
    threshold_numerator: Mapped[int | None]
    threshold_denominator: Mapped[int | None]
    #: True: "từ x% trở lên" (≥); False: "trên x%" (>)
    threshold_inclusive: Mapped[bool | None]
    #: an award vote's candidates: the top N units of the ranking (NULL: every member unit)
    candidates_top: Mapped[int | None]

    conference: Mapped[Conference] = relationship()
    elected_unit: Mapped[Unit | None] = relationship(foreign_keys=[elected_unit_id])
    decided_unit: Mapped[Unit | None] = relationship(foreign_keys=[decided_unit_id])
    rounds: Mapped[list[Round]] = relationship(back_populates="election", order_by="Round.number")

    @property
    def is_award(self) -> bool:
        """Return whether this is an award vote (suy tôn) rather than an office's election."""
        return self.office is Office.AWARD

    @property
    def is_certified(self) -> bool:
        """Return whether the result is final."""
        return self.certified_at is not None

    @property
    def is_decided(self) -> bool:
        """Return whether the chair recorded a decision."""
        return self.decided_at is not None

    @property
    def counted_rounds(self) -> list[Round]:
        """Return the rounds that were not voided."""
        return [r for r in self.rounds if r.status is not RoundStatus.VOIDED]

    @property
    def state(self) -> ElectionState:
        """Return the election's state: draft, open, closed or certified."""
        if self.is_certified:
            return ElectionState.CERTIFIED
        if any(r.is_open for r in self.rounds):
            return ElectionState.OPEN
        if self.rounds or self.is_decided:
            return ElectionState.CLOSED
        return ElectionState.DRAFT

    def __repr__(self) -> str:
        return f"<Election {self.conference_id} {self.office.value}>"


class Round(db.Model):  # type: ignore[name-defined,misc]
    """One ballot round of an election; later rounds are runoffs."""

    __tablename__ = "rounds"
    __table_args__ = (
        sa.UniqueConstraint("election_id", "number"),
        sa.CheckConstraint("(status = 'open') = (closed_at IS NULL)", name="closed_has_time"),
        sa.CheckConstraint(
            "(status = 'voided') = (voided_at IS NOT NULL AND void_reason <> '')",
            name="voided_has_reason",
        ),
        sa.CheckConstraint("base > 0", name="base_positive"),
        sa.CheckConstraint("seats >= 1", name="seats_positive"),
        # At most one open round per election, held by the database.
        sa.Index(
            "uq_rounds_one_open_per_election",
            "election_id",
            unique=True,
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(sa.ForeignKey("elections.id"))
    #: 1 for the first round, 2 for the first runoff (bầu lại), ...
    number: Mapped[int]
    status: Mapped[RoundStatus] = mapped_column(enum_column(RoundStatus, "round_status"))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    #: units present when the round opened: who may vote and the base of the percentage
    base: Mapped[int]
    #: member units of the cluster when the round opened (a possible base of the percentage)
    member_count: Mapped[int] = mapped_column(server_default="0")
    method: Mapped[RoundMethod] = mapped_column(
        enum_column(RoundMethod, "round_method"), server_default=RoundMethod.ELECTRONIC.value
    )
    #: how many units a ballot of this round may mark: the seats still open (1 for an office)
    seats: Mapped[int] = mapped_column(server_default="1")
    voided_at: Mapped[datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    void_reason: Mapped[str] = mapped_column(sa.Text, server_default="")

    election: Mapped[Election] = relationship(back_populates="rounds")
    candidates: Mapped[list[RoundCandidate]] = relationship(
        back_populates="round", order_by="RoundCandidate.unit_id"
    )

    @property
    def is_open(self) -> bool:
        """Return whether ballots are accepted."""
        return self.status is RoundStatus.OPEN

    @property
    def is_voided(self) -> bool:
        """Return whether the round was voided (it keeps its record but does not count)."""
        return self.status is RoundStatus.VOIDED

    @property
    def is_paper(self) -> bool:
        """Return whether the round is run on paper ballots counted by the committee."""
        return self.method is RoundMethod.PAPER

    @property
    def is_encrypted(self) -> bool:
        """Return whether the round's ballots are encrypted and counted by the trustees' decryption."""
        return self.method is RoundMethod.ENCRYPTED

    def __repr__(self) -> str:
        return f"<Round {self.election_id}#{self.number} {self.status.value}>"


class RoundCandidate(db.Model):  # type: ignore[name-defined,misc]
    """A unit on a round's ballot (Danh sách đề cử)."""

    __tablename__ = "round_candidates"

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), primary_key=True)

    round: Mapped[Round] = relationship(back_populates="candidates")
    #: joined: every ballot, count and page that lists candidates shows their units
    unit: Mapped[Unit] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<RoundCandidate {self.round_id}/{self.unit_id}>"


def new_ballot_id() -> str:
    """Return a random ballot id that says nothing about when it was cast."""
    return secrets.token_hex(16)


class Ballot(db.Model):  # type: ignore[name-defined,misc]
    """A secret ballot: the round and the choice, with no unit and no time."""

    __tablename__ = "ballots"
    __table_args__ = (
        # A choice must be a candidate of the same round; NULL is a blank ballot.
        sa.ForeignKeyConstraint(
            ["round_id", "choice_unit_id"],
            ["round_candidates.round_id", "round_candidates.unit_id"],
        ),
        sa.CheckConstraint("NOT is_against OR choice_unit_id IS NOT NULL", name="against_has_nominee"),
        # Counting groups a round's ballots by choice: answered from this index alone.
        sa.Index("ix_ballots_round_id_choice_unit_id_is_against", "round_id", "choice_unit_id", "is_against"),
        # Receipts are published per round: a code is unique there (a cast drawing a taken one draws again).
        sa.UniqueConstraint("round_id", "receipt_code"),
    )

    #: random, so that ids carry no order
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_ballot_id)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"))
    #: the chosen unit, or NULL for a blank ballot (phiếu trống)
    choice_unit_id: Mapped[int | None]
    #: on an approve/reject ballot, "Không đồng ý" with the nominee (False: "Đồng ý")
    is_against: Mapped[bool] = mapped_column(server_default=sa.false())
    #: shown once to the voter, who can later find the ballot by it on the round's published receipts
    receipt_code: Mapped[str] = mapped_column(sa.String(16))

    def __repr__(self) -> str:
        return f"<Ballot {self.id}>"


class EncryptedBallot(db.Model):  # type: ignore[name-defined,misc]
    """An encrypted ballot as cast (protocol "luanluu-eg-1"): ciphertexts and proofs, no unit, no time."""

    __tablename__ = "encrypted_ballots"
    __table_args__ = (sa.UniqueConstraint("round_id", "tracker"),)

    #: random, so that ids carry no order
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_ballot_id)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"))
    #: SHA-256 of the ballot's canonical JSON: the voter's public handle on it
    tracker: Mapped[str] = mapped_column(sa.String(64))
    #: the ballot's canonical JSON
    content: Mapped[str] = mapped_column(sa.Text)
    #: the options the voter could not choose (its own unit), as a JSON list of indexes
    zero: Mapped[str] = mapped_column(sa.String(200), server_default="[]")

    def __repr__(self) -> str:
        return f"<EncryptedBallot {self.tracker[:16]}>"


class PartialDecryption(db.Model):  # type: ignore[name-defined,misc]
    """A trustee's partial decryption of a round's aggregate, with its proofs (verified when posted)."""

    __tablename__ = "partial_decryptions"
    __table_args__ = (sa.CheckConstraint("trustee_index >= 1", name="index_positive"),)

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), primary_key=True)
    trustee_index: Mapped[int] = mapped_column(primary_key=True)
    #: the posted JSON ({"index", "shares"})
    payload: Mapped[str] = mapped_column(sa.Text)
    posted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    posted_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"<PartialDecryption {self.round_id}/{self.trustee_index}>"


class DecryptedCount(db.Model):  # type: ignore[name-defined,misc]
    """The decrypted votes for one option of an encrypted round (written once a quorum decrypted)."""

    __tablename__ = "decrypted_counts"
    __table_args__ = (sa.CheckConstraint("votes >= 0", name="not_negative"),)

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), primary_key=True)
    #: the manifest's option key: "unit:<id>", "blank", "for", "against"
    option: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    votes: Mapped[int]

    def __repr__(self) -> str:
        return f"<DecryptedCount {self.round_id}/{self.option}>"


class Participation(db.Model):  # type: ignore[name-defined,misc]
    """That a unit voted in a round; its primary key makes one ballot per unit per round."""

    __tablename__ = "participations"

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), primary_key=True)

    def __repr__(self) -> str:
        return f"<Participation {self.round_id}/{self.unit_id}>"


class NamedVote(db.Model):  # type: ignore[name-defined,misc]
    """In an open (named) vote, what each unit chose; listed in the minutes."""

    __tablename__ = "named_votes"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["round_id", "choice_unit_id"],
            ["round_candidates.round_id", "round_candidates.unit_id"],
        ),
        sa.CheckConstraint("NOT is_against OR choice_unit_id IS NOT NULL", name="against_has_nominee"),
    )

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), primary_key=True)
    #: the chosen unit, or NULL for a blank vote
    choice_unit_id: Mapped[int | None]
    is_against: Mapped[bool] = mapped_column(server_default=sa.false())

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    choice: Mapped[Unit | None] = relationship(
        primaryjoin="foreign(NamedVote.choice_unit_id) == Unit.id", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<NamedVote {self.round_id}/{self.unit_id}>"
