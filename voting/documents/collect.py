"""Collect from the database what each document prints, as the plain data the PDF builders take."""

from __future__ import annotations

from datetime import datetime

from voting.audit.services import head as audit_head
from voting.auth.models import User
from voting.conferences.models import Conference
from voting.conferences.notes import delegates_of
from voting.conferences.services import attendance
from voting.documents.collect_emulation import emulation_summary
from voting.documents.heading import RECIPIENTS, header_fields
from voting.documents.minutes_data import (
    CommitteeMinutes,
    ConferenceMinutes,
    CountingMinutes,
    CountRow,
    DelegateMinutes,
    ElectionMinutes,
    HandoverDocument,
    HandoverMinutes,
    RoundMinutes,
)
from voting.elections.board import record_fingerprint
from voting.elections.models import OFFICES, Election, Round
from voting.elections.paper import committee_members
from voting.elections.results import count_of
from voting.elections.rules import describe, rules_of
from voting.elections.services import get_election
from voting.formatting import to_local
from voting.handovers.models import FlagHandover
from voting.handovers.services import find_handover


def round_minutes(round_: Round) -> RoundMinutes:
    """Copy the count of a closed round (electronic or paper) into document data."""
    count = count_of(round_)
    # No figures: voided before the committee confirmed a count, or (in a draft) not counted yet.
    if count.result is None:
        return RoundMinutes(
            number=round_.number,
            rows=[],
            issued=0,
            returned=0,
            valid=0,
            invalid=0,
            blank=0,
            base=round_.base,
            winners=[],
            decision=count.decision,
            voided_reason=round_.void_reason,
            is_counted=False,
        )
    result = count.required()
    return RoundMinutes(
        number=round_.number,
        rows=[CountRow(c.unit.name, c.votes, c.percent) for c in result.counts],
        issued=result.issued,
        returned=result.returned,
        valid=result.valid,
        invalid=result.invalid,
        blank=result.blank,
        base=result.base,
        winners=[unit.name for unit in result.winners],
        decision=result.decision,
        ballot_form=result.ballot_form,
        voided_reason=result.void_reason,
    )


def election_minutes(conference: Conference, election: Election) -> ElectionMinutes:
    """Copy an election with all its rounds into document data."""
    return ElectionMinutes(
        office=election.office.label,
        term_year=conference.year + 1,
        rounds=[round_minutes(r) for r in election.rounds if not r.is_open],
        elected_unit=election.elected_unit.name if election.elected_unit else None,
        decision_note=_decision_note(election),
    )


def _decision_note(election: Election) -> str:
    """Return the chair's recorded decision as one sentence ("" when the ballots decided)."""
    if getattr(election, "decided_at", None) is None or election.decided_unit is None:
        return ""
    method = election.decision_method.label if election.decision_method else ""
    parts = [f"Chủ tọa ghi nhận quyết định ({method.lower()}): {election.decided_unit.name}"]
    if election.decision_agreeing is not None:
        parts.append(f"{election.decision_agreeing} đơn vị biểu quyết đồng ý")
    if election.lots_seed:
        parts.append(
            f"bốc thăm với hạt giống {election.lots_seed}, chứng kiến: "
            + "; ".join(w.strip() for w in election.witnesses.splitlines() if w.strip())
        )
    if election.decision_statement.strip():
        parts.append(election.decision_statement.strip())
    return ". ".join(parts)


def minutes_data(
    conference: Conference,
    *,
    number: str,
    ended_at: datetime,
    approvals: int | None,
    disagreed: int = 0,
    abstained: int = 0,
    overrun_reason: str = "",
    is_draft: bool = False,
    verify_url: str = "",
    version: int = 1,
) -> ConferenceMinutes:
    """Collect everything the Biên bản hội nghị prints from the database."""
    present = attendance(conference)
    elections = []
    for office in OFFICES:
        election = get_election(conference, office)
        if election is not None:
            elections.append(election_minutes(conference, election))
    handover = find_handover(conference)
    cluster = conference.cluster
    anchor = audit_head()
    people = delegates_of(conference)
    return ConferenceMinutes(
        **header_fields(cluster, number, ended_at),
        subject=conference.title,
        started_at=to_local(conference.starts_at),
        ended_at=to_local(ended_at),
        place=conference.place,
        directing_leader=conference.directing_leader,
        units_present=[unit.name for unit in present.present],
        units_total=len(present.members),
        chair_name=conference.chair.full_name,
        chair_title=conference.chair.title,
        secretary_name=conference.secretary.full_name,
        secretary_title=conference.secretary.title,
        report_summary=conference.report_summary,
        elections=elections,
        handover=handover_minutes(handover) if handover else None,
        approvals=approvals,
        disagreed=disagreed,
        abstained=abstained,
        overrun_reason=overrun_reason,
        is_draft=is_draft,
        recipients=RECIPIENTS,
        verify_url=verify_url,
        version=version,
        election_record=record_fingerprint(conference) or "",
        audit_count=anchor.count,
        audit_head=anchor.hash,
        delegates={
            unit.name: [DelegateMinutes(p.name, p.title) for p in people.get(unit.id, [])]
            for unit in present.present
        },
        discussion=conference.discussion,
        conclusions=conference.conclusions,
        emulation=emulation_summary(conference),
    )


def handover_minutes(handover: FlagHandover) -> HandoverMinutes:
    """Copy a handover record into document data."""
    return HandoverMinutes(
        handed_over_at=to_local(handover.handed_over_at),
        from_unit=handover.from_unit.name,
        to_unit=handover.to_unit.name,
        giver_name=handover.giver_name,
        giver_title=handover.giver_title,
        receiver_name=handover.receiver_name,
        receiver_title=handover.receiver_title,
        witnesses=handover.witnesses,
        flag_condition=handover.flag_condition,
        files_handed_over=handover.files_handed_over,
    )


def committee_head(conference: Conference) -> User | None:
    """Return the head of the counting committee (Trưởng ban kiểm phiếu), if one was named."""
    head = next((m for m in committee_members(conference) if m.is_head), None)
    return head.user if head is not None else None


def _committee(conference: Conference) -> list[CommitteeMinutes]:
    return [
        CommitteeMinutes(m.user.full_name, m.user.title, m.is_head) for m in committee_members(conference)
    ]


def _rules(conference: Conference) -> list[str]:
    return list(describe(rules_of(conference)))


def counting_data(
    election: Election, *, number: str, issued_at: datetime, verify_url: str = "", version: int = 1
) -> CountingMinutes:
    """Collect the Biên bản kiểm phiếu of a certified election."""
    conference = election.conference
    cluster = conference.cluster
    head = committee_head(conference)
    authority, signer = (
        (["TM. BAN KIỂM PHIẾU", "TRƯỞNG BAN"], head.full_name)
        if head is not None
        else (["CHỦ TỌA"], conference.chair.full_name)
    )
    assert election.certified_at is not None
    return CountingMinutes(
        **header_fields(cluster, number, issued_at),
        conference_title=conference.title,
        place=conference.place,
        election=election_minutes(conference, election),
        rules=_rules(conference),
        committee=_committee(conference),
        adopted_at=to_local(election.certified_at),
        signer_authority=authority,
        signer_name=signer,
        recipients=["Chủ tọa hội nghị", "Các đơn vị trong Cụm"],
        verify_url=verify_url,
        version=version,
    )


def handover_data(
    handover: FlagHandover, *, number: str, issued_at: datetime, verify_url: str = "", version: int = 1
) -> HandoverDocument:
    """Collect the Biên bản bàn giao cờ luân lưu."""
    conference = handover.conference
    cluster = conference.cluster
    return HandoverDocument(
        **header_fields(cluster, number, issued_at),
        conference_title=conference.title,
        place=conference.place,
        handover=handover_minutes(handover),
        term_year=conference.year + 1,
        chair_name=conference.chair.full_name,
        chair_title=conference.chair.title,
        recipients=["Hội đồng Thi đua - Khen thưởng Công an thành phố (để báo cáo)", "Bên giao, bên nhận"],
        verify_url=verify_url,
        version=version,
    )
