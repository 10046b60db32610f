"""Plain data of the bình xét and suy tôn documents, handed to the PDF builders: no database, no Flask.

Points are already formatted ("97,5"): the data is stored as JSON with each version, as it printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class StandingRow:
    """One unit's line of the ranking: its rank, each stage's total side by side, the total of record."""

    rank: int
    unit_name: str
    #: one per scoring stage in order (tự chấm, chấm chéo, cụm thống nhất, phúc tra); "" when not reached
    stage_totals: list[str]
    bonus: str
    penalty: str
    total: str
    #: why it is below the unit above with the same total ("Quy tắc 1: …"), or "Đồng hạng", or ""
    note: str = ""


@dataclass(frozen=True)
class AwardLineMinutes:
    """A candidate unit in the count of one suy tôn vote."""

    unit_name: str
    votes: int
    percent: str  # "87,50"
    proposed: bool


@dataclass(frozen=True)
class AwardMinutes:
    """The count of one suy tôn vote (one award title), as ``voting.emulation.awards.AwardOutcome``."""

    title: str  # "Cờ thi đua của Bộ Công an"
    seats: int  # choose up to k units
    rule: str  # the threshold as a sentence: "từ 50% trở lên số đơn vị có mặt"
    base: int  # the base of the percentages
    rounds: int  # 1, or more after runoffs for the last seats
    lines: list[AwardLineMinutes]  # most votes first
    proposed: list[str]  # the units put forward, in the order of the count


@dataclass(frozen=True)
class EmulationSummary:
    """The section "Kết quả bình xét, suy tôn" of the conference minutes: ranking and proposals."""

    table_title: str
    rows: list[StandingRow]
    awards: list[AwardMinutes]


@dataclass(frozen=True)
class EmulationMinutes:
    """Everything the Biên bản họp bình xét, suy tôn shows."""

    parent_body: str
    cluster_name: str
    number: str
    city: str
    issued_on: date
    conference_title: str
    place: str
    held_at: datetime  # Vietnam local time: when the conference started
    year: int  # the emulation year scored
    table_title: str
    legal_basis: list[str]  # one line each
    max_total: str  # the most a unit can total ("105")
    stage_names: list[str]  # the columns of the stage totals
    tie_rules: list[str]  # "1. Điểm phần II cao hơn", in order
    rows: list[StandingRow]
    awards: list[AwardMinutes]
    units_present: int
    units_total: int
    chair_name: str
    chair_title: str
    secretary_name: str
    secretary_title: str
    recipients: list[str] = field(default_factory=list)
    verify_url: str = ""
    version: int = 1
    replaces: str = ""  # the document a replacement replaces, as printed


@dataclass(frozen=True)
class ProposalLine:
    """A unit proposed for one award, with the ranking and the vote behind it."""

    award: str
    rank: int
    unit_name: str
    total: str
    votes: str  # "7/8 phiếu (87,50%)"
    #: what the unit leads: "Cụm trưởng Cụm thi đua số 4 năm 2016"; empty for a plain member
    roles: list[str]


@dataclass(frozen=True)
class AwardProposal:
    """Everything the tờ trình đề nghị khen thưởng to the emulation council shows."""

    parent_body: str
    cluster_name: str
    number: str
    city: str
    issued_on: date
    council: str  # "Hội đồng Thi đua - Khen thưởng Công an thành phố Hà Nội"
    conference_title: str
    held_on: date
    year: int
    table_title: str
    units_total: int
    lines: list[ProposalLine]
    chair_name: str
    chair_title: str
    recipients: list[str] = field(default_factory=list)
    verify_url: str = ""
    version: int = 1
    replaces: str = ""
