"""The suy tôn results as the documents read them: one ``AwardOutcome`` per award vote of a conference.

The contract the documents (Biên bản họp bình xét, suy tôn; tờ trình đề nghị khen thưởng) build on;
the counting itself is ``voting.elections.awards``'.
"""

from __future__ import annotations

from dataclasses import dataclass

from voting.conferences.models import Conference
from voting.elections.awards import award_votes, standing_of, threshold_sentence, winners_of
from voting.elections.models import Election
from voting.elections.rules import ThresholdBase, rules_of
from voting.i18n import N_, Translate, vietnamese


@dataclass(frozen=True)
class AwardLine:
    """A candidate unit of an award vote's first round: its votes, their share, whether proposed."""

    unit_name: str
    votes: int
    percent: str  # "62,50"
    proposed: bool


@dataclass(frozen=True)
class AwardOutcome:
    """An award vote's outcome: the rule, the base, the ranked lines and the units proposed."""

    title: str
    seats: int
    rule: str  # e.g. "Đạt từ 50% trở lên số đơn vị có mặt (8 đơn vị)"
    base: int  # the number the percentages are taken of (0: not counted yet)
    rounds: int  # counted rounds (voided ones excluded)
    lines: list[AwardLine]  # ranked by votes (the first round's count)
    proposed: list[str]  # unit names proposed, in order
    certified: bool


def outcome_of(election: Election, tr: Translate = vietnamese) -> AwardOutcome:
    """Return one award vote's outcome; until certified, who would be proposed so far."""
    standing = standing_of(election)
    results = standing.results
    first = results[0] if results else None
    base = first.base if first else 0
    if election.is_certified:
        proposed = winners_of(election)
    else:
        proposed = standing.proposed
    proposed_ids = {unit.id for unit in proposed}
    lines = (
        [AwardLine(c.unit.name, c.votes, c.percent, c.unit.id in proposed_ids) for c in first.counts]
        if first
        else []
    )
    unit = (
        N_("(%(base)s phiếu)")
        if rules_of(election.conference).threshold_base is ThresholdBase.VALID
        else None
    )
    rule = threshold_sentence(election, tr)
    if first:
        rule = f"{rule} {tr(unit or N_('(%(base)s đơn vị)'), base=base)}"
    return AwardOutcome(
        title=election.award_title or "",
        seats=election.seats,
        rule=rule,
        base=base,
        rounds=len(results),
        lines=lines,
        proposed=[unit.name for unit in proposed],
        certified=election.is_certified,
    )


def award_outcomes(conference: Conference) -> list[AwardOutcome]:
    """Return the outcome of every award vote of *conference*, in the order they were created."""
    return [outcome_of(election) for election in award_votes(conference)]
