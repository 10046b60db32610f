"""Collect what the bình xét and suy tôn documents print: the ranking of record and the suy tôn results.

The ranking comes from ``voting.emulation.ranking``, the suy tôn results from
``voting.emulation.awards.award_outcomes``: their owners; this module only copies them into document data.
"""

from __future__ import annotations

from datetime import datetime

from voting.conferences.models import Conference
from voting.conferences.services import attendance
from voting.documents.emulation_data import (
    AwardLineMinutes,
    AwardMinutes,
    AwardProposal,
    EmulationMinutes,
    EmulationSummary,
    ProposalLine,
    StandingRow,
)
from voting.documents.heading import RECIPIENTS, header_fields
from voting.elections.models import OFFICES, Office
from voting.elections.services import get_election
from voting.emulation.awards import award_outcomes
from voting.emulation.models import STAGE_ORDER, CriteriaTable
from voting.emulation.ranking import TIE_RULE_LABELS, Ranked, highest_possible, ranking, stage_names
from voting.emulation.scoring import STAGE_LABELS, open_stage
from voting.emulation.table import find_table
from voting.errors import InvalidState
from voting.formatting import format_points, to_local
from voting.i18n import N_


def criteria_table(conference: Conference) -> CriteriaTable | None:
    """Return the criteria table of the conference's cluster and year, if there is one."""
    return find_table(conference.cluster, conference.year)


def has_criteria_table(conference: Conference) -> bool:
    """Return whether the conference's cluster has a criteria table for its year."""
    return criteria_table(conference) is not None


def check_ranking_final(conference: Conference) -> CriteriaTable:
    """Return the conference's table once every scoring stage is closed; else say what is missing."""
    table = criteria_table(conference)
    if table is None:
        raise InvalidState(N_("Cụm chưa có bảng tiêu chí năm %(year)s."), year=conference.year)
    if not table.stages:
        raise InvalidState(N_("Việc chấm điểm chưa bắt đầu; chưa có kết quả xếp hạng."))
    still_open = open_stage(table)
    if still_open is not None:
        raise InvalidState(
            N_("Kết quả xếp hạng chưa chính thức: giai đoạn %(stage)s chưa kết thúc."),
            stage=STAGE_LABELS[still_open.stage],
        )
    return table


def check_votes_final(conference: Conference) -> None:
    """Refuse while a suy tôn vote has no certified result."""
    for outcome in award_outcomes(conference):
        if not outcome.certified:
            raise InvalidState(N_("Kết quả suy tôn %(title)s chưa được chứng nhận."), title=outcome.title)


def check_proposals(conference: Conference) -> None:
    """Refuse the proposal while the ranking or the votes are not final, or when nobody is proposed."""
    check_ranking_final(conference)
    check_votes_final(conference)
    if not any(outcome.proposed for outcome in award_outcomes(conference)):
        raise InvalidState(N_("Chưa có đơn vị nào được suy tôn; không có gì để đề nghị khen thưởng."))


def tie_rule_names(table: CriteriaTable) -> list[str]:
    """Return the table's tie rules as printed, in order."""
    return [TIE_RULE_LABELS[rule.kind] % {"subject": rule.subject_code} for rule in table.tie_rules]


def standing_rows(table: CriteriaTable, ranked: list[Ranked] | None = None) -> list[StandingRow]:
    """Return the ranked list with each stage's total side by side, as the documents print it."""
    rules = tie_rule_names(table)
    rows = []
    for place in ranked if ranked is not None else ranking(table):
        s = place.standing
        totals = [s.stage_totals.get(stage) for stage in STAGE_ORDER]
        if place.decided_by:
            note = f"Quy tắc {place.decided_by}: {rules[place.decided_by - 1]}"
        else:
            note = "Đồng hạng" if place.is_tied else ""
        rows.append(
            StandingRow(
                rank=place.rank,
                unit_name=s.name,
                stage_totals=[format_points(total) if total is not None else "" for total in totals],
                bonus=format_points(s.bonus),
                penalty=format_points(s.penalty),
                total=format_points(s.total),
                note=note,
            )
        )
    return rows


def award_minutes(conference: Conference) -> list[AwardMinutes]:
    """Return the certified suy tôn results as document data."""
    return [
        AwardMinutes(
            title=outcome.title,
            seats=outcome.seats,
            rule=outcome.rule,
            base=outcome.base,
            rounds=outcome.rounds,
            lines=[AwardLineMinutes(x.unit_name, x.votes, x.percent, x.proposed) for x in outcome.lines],
            proposed=list(outcome.proposed),
        )
        for outcome in award_outcomes(conference)
        if outcome.certified
    ]


def emulation_summary(conference: Conference) -> EmulationSummary | None:
    """Return the conference minutes' section on bình xét and suy tôn; None without a criteria table."""
    table = criteria_table(conference)
    if table is None or not table.stages or open_stage(table) is not None:
        return None  # no ranking of record to print yet
    return EmulationSummary(table.title, standing_rows(table), award_minutes(conference))


def emulation_minutes_data(
    conference: Conference, *, number: str, issued_at: datetime, verify_url: str = "", version: int = 1
) -> EmulationMinutes:
    """Collect the Biên bản họp bình xét, suy tôn of a conference whose ranking is final."""
    table = check_ranking_final(conference)
    present = attendance(conference)
    return EmulationMinutes(
        **header_fields(conference.cluster, number, issued_at),
        conference_title=conference.title,
        place=conference.place,
        held_at=to_local(conference.starts_at),
        year=conference.year,
        table_title=table.title,
        legal_basis=[line.strip() for line in table.legal_basis.splitlines() if line.strip()],
        max_total=format_points(highest_possible(table)),
        stage_names=stage_names(),
        tie_rules=tie_rule_names(table),
        rows=standing_rows(table),
        awards=award_minutes(conference),
        units_present=len(present.present),
        units_total=len(present.members),
        chair_name=conference.chair.full_name,
        chair_title=conference.chair.title,
        secretary_name=conference.secretary.full_name,
        secretary_title=conference.secretary.title,
        recipients=RECIPIENTS,
        verify_url=verify_url,
        version=version,
    )


def unit_roles(conference: Conference) -> dict[str, list[str]]:
    """Return what each unit leads in the cluster: this year's and next year's Cụm trưởng and Cụm phó.

    This year's are the conference's outgoing leader and deputy; next year's, the certified
    elections of this conference (letter 5007/BNV-TĐKT: the council's papers name the cluster a
    proposed unit leads).
    """
    cluster, year = conference.cluster.name, conference.year
    roles: dict[str, list[str]] = {}
    held = [
        (conference.outgoing_leader, Office.LEADER, year),
        (conference.outgoing_deputy, Office.DEPUTY, year),
    ]
    for office in OFFICES:
        election = get_election(conference, office)
        if election is not None and election.is_certified:
            held.append((election.elected_unit, office, year + 1))
    for unit, office, term in held:
        if unit is not None:
            roles.setdefault(unit.name, []).append(f"{office.label} {cluster} năm {term}")
    return roles


def award_proposal_data(
    conference: Conference, *, number: str, issued_at: datetime, verify_url: str = "", version: int = 1
) -> AwardProposal:
    """Collect the tờ trình đề nghị khen thưởng: per award, the proposed units, their rank, score and role."""
    table = check_ranking_final(conference)
    places = {row.unit_name: row for row in standing_rows(table)}
    roles = unit_roles(conference)
    lines = []
    for award in award_minutes(conference):
        counts = {line.unit_name: line for line in award.lines}
        for name in award.proposed:
            place, count = places.get(name), counts.get(name)
            votes = f"{count.votes}/{award.base} phiếu ({count.percent}%)" if count else ""
            lines.append(
                ProposalLine(
                    award=award.title,
                    rank=place.rank if place else 0,
                    unit_name=name,
                    total=place.total if place else "",
                    votes=votes,
                    roles=roles.get(name, []),
                )
            )
    cluster = conference.cluster
    council = f"Hội đồng Thi đua - Khen thưởng {cluster.parent_body}"
    return AwardProposal(
        **header_fields(cluster, number, issued_at),
        council=council,
        conference_title=conference.title,
        held_on=to_local(conference.starts_at).date(),
        year=conference.year,
        table_title=table.title,
        units_total=len(attendance(conference).members),
        lines=lines,
        chair_name=conference.chair.full_name,
        chair_title=conference.chair.title,
        recipients=[f"{council} (để xét, trình khen thưởng)", "Các đơn vị trong Cụm"],
        verify_url=verify_url,
        version=version,
    )
