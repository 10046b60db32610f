"""Plain data handed to the PDF builders: no database, no Flask."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from voting.documents.emulation_data import EmulationSummary


@dataclass(frozen=True)
class CountRow:
    """One line of a count table: a candidate unit and its votes."""

    unit_name: str
    votes: int
    percent: str  # already formatted, e.g. "62,50"


@dataclass(frozen=True)
class RoundMinutes:
    """The record of one ballot round."""

    number: int  # 1 for the first round, 2 for the first runoff, ...
    rows: list[CountRow]  # candidates, most votes first
    issued: int  # Số phiếu phát ra
    returned: int  # Số phiếu thu vào
    valid: int  # Số phiếu hợp lệ
    invalid: int  # Số phiếu không hợp lệ
    blank: int  # phiếu trống (valid ballots with no choice)
    base: int  # units present: the base of the percentage
    winners: list[str]  # the units elected in this round; empty when none reached the threshold
    decision: str  # one sentence, e.g. "Phòng Công tác chính trị đạt 6/8 phiếu (75,00%) > 50%: trúng cử."
    ballot_form: str = ""  # "Bỏ phiếu kín điện tử", "Bỏ phiếu kín bằng phiếu giấy, ..."
    voided_reason: str = ""  # set when the round was voided (it keeps its record, does not count)
    is_counted: bool = True  # False for a paper round voided before its count: no figures to print


@dataclass(frozen=True)
class ElectionMinutes:
    """The election of one office (Cụm trưởng or Cụm phó) with all its rounds."""

    office: str  # "Cụm trưởng" or "Cụm phó"
    term_year: int  # the year the elected unit serves, e.g. 2017
    rounds: list[RoundMinutes]
    elected_unit: str | None
    #: the chair's decision when the ballots did not decide: how it was reached (consensus, lots)
    decision_note: str = ""


@dataclass(frozen=True)
class HandoverMinutes:
    """The handover of the rotating flag (cờ luân lưu)."""

    handed_over_at: datetime  # Vietnam local time
    from_unit: str
    to_unit: str
    giver_name: str
    giver_title: str
    receiver_name: str
    receiver_title: str
    witnesses: str
    flag_condition: str
    files_handed_over: str


@dataclass(frozen=True)
class DelegateMinutes:
    """A person attending for a unit, as printed under it."""

    name: str
    title: str  # may be empty


@dataclass(frozen=True)
class ConferenceMinutes:
    """Everything the Biên bản hội nghị shows."""

    parent_body: str  # "Công an thành phố Hà Nội" (printed in capitals)
    cluster_name: str  # "Cụm thi đua số 4" (printed in bold capitals)
    number: str  # "01/BB-CTĐ4"
    city: str  # "Hà Nội", for the place-and-date line
    issued_on: date
    subject: str  # 'Hội nghị tổng kết phong trào thi đua "Vì An ninh Tổ quốc" năm 2016'
    started_at: datetime  # Vietnam local time
    ended_at: datetime  # Vietnam local time
    place: str
    directing_leader: str  # "Thiếu tướng Đinh Văn Toản, Phó Giám đốc CATP Hà Nội"
    units_present: list[str]
    units_total: int
    chair_name: str
    chair_title: str
    secretary_name: str
    secretary_title: str
    report_summary: str  # the year's review as reported, may be empty
    elections: list[ElectionMinutes]
    handover: HandoverMinutes | None
    approvals: int | None  # units that approved the minutes by show of hands; None before the vote
    recipients: list[str] = field(default_factory=list)  # "Nơi nhận" lines before "Lưu: VT, Hồ sơ."
    verify_url: str = ""  # printed with its QR code in every page's footer
    version: int = 1
    #: "Thay thế Biên bản hội nghị số 01/BB-CTĐ4 ngày 11/11/2016" for a replacement, printed under the number
    replaces: str = ""
    #: SHA-256 of the election record of the encrypted rounds ("" when the conference has none)
    election_record: str = ""
    #: the audit log's head when the minutes were built: its entry count and last hash (the anchor
    #: `flask audit verify --expect` and the verify page check the log against)
    audit_count: int = 0
    audit_head: str = ""
    #: the rest of the show of hands on the minutes: units against, units abstaining
    disagreed: int = 0
    abstained: int = 0
    #: why the meeting ran over to another day ("" when it kept to its date)
    overrun_reason: str = ""
    #: the draft read aloud before approval: watermarked "DỰ THẢO", no number, no signature fields
    is_draft: bool = False
    #: the delegates of each present unit, keyed by the unit's name as in ``units_present``
    delegates: dict[str, list[DelegateMinutes]] = field(default_factory=dict)
    discussion: str = ""  # the delegates' discussion, plain paragraphs, may be empty
    conclusions: str = ""  # the directing leader's conclusions, plain paragraphs, may be empty
    #: "Kết quả bình xét, suy tôn": the ranking and the proposals (None: no criteria table that year)
    emulation: EmulationSummary | None = None


@dataclass(frozen=True)
class CommitteeMinutes:
    """A member of the vote-counting committee (Ban kiểm phiếu) as printed."""

    name: str
    title: str
    is_head: bool


@dataclass(frozen=True)
class CountingMinutes:
    """Everything the Biên bản kiểm phiếu of one election shows."""

    parent_body: str
    cluster_name: str
    number: str
    city: str
    issued_on: date
    conference_title: str
    place: str
    election: ElectionMinutes
    rules: list[str]  # the rules in force, one sentence each
    committee: list[CommitteeMinutes]  # empty when the count was electronic without a committee
    adopted_at: datetime  # Vietnam local time: when the result was certified
    signer_authority: list[str]  # ["TM. BAN KIỂM PHIẾU", "TRƯỞNG BAN"] or ["CHỦ TỌA"]
    signer_name: str
    recipients: list[str] = field(default_factory=list)
    verify_url: str = ""
    version: int = 1
    replaces: str = ""  # the document a replacement replaces, as printed


@dataclass(frozen=True)
class HandoverDocument:
    """Everything the Biên bản bàn giao cờ luân lưu shows."""

    parent_body: str
    cluster_name: str
    number: str
    city: str
    issued_on: date
    conference_title: str
    place: str
    handover: HandoverMinutes
    term_year: int  # the year the receiving unit leads the cluster
    chair_name: str  # signs as witness (CHỨNG KIẾN)
    chair_title: str
    recipients: list[str] = field(default_factory=list)
    verify_url: str = ""
    version: int = 1
    replaces: str = ""  # the document a replacement replaces, as printed
