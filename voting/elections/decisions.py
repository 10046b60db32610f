"""The chair's decision when ballots did not decide: consensus (hiệp thương) or a drawing of lots."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from voting.audit.services import record
from voting.auth.models import User
from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.elections.actions import Action, Situation, require
from voting.elections.counting import threshold_votes
from voting.elections.models import DecisionMethod, Election, Office
from voting.elections.rules import rules_of, store_rules
from voting.elections.services import initial_candidates, situation_of
from voting.errors import InvalidChoice, InvalidState
from voting.extensions import db
from voting.i18n import N_


def draw_lots(seed: str, candidates: list[Unit]) -> Unit:
    """Return the unit a seed draws: sha256(seed) modulo the candidates sorted by id; anyone can redo it."""
    ordered = sorted(candidates, key=lambda unit: unit.id)
    digest = int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16)
    return ordered[digest % len(ordered)]


def decision_candidates(situation: Situation) -> list[Unit]:
    """Return the units the chair's decision may name: the last round's top units, or all who may stand."""
    result = situation.last_result
    if result is not None and result.needs_decision and result.runoff:
        return result.runoff
    return initial_candidates(situation.conference, situation.office)


def record_decision(
    conference: Conference,
    office: Office,
    *,
    method: DecisionMethod,
    unit: Unit | None,
    statement: str,
    by: User,
    now: datetime,
    agreeing: int | None = None,
    witnesses: str = "",
    seed: str | None = None,
) -> Election:
    """Record the chair's decision after the last allowed round, or the consensus (hiệp thương)."""
    rules = rules_of(conference)
    situation = situation_of(conference, office, rules=rules)
    require(situation, Action.DECIDE)
    election, present = situation.election, situation.attendance
    candidates = decision_candidates(situation)
    statement, witnesses = statement.strip(), witnesses.strip()
    if not statement:
        raise InvalidState(N_("Cần ghi lời kết luận của chủ tọa."), field="statement")
    if method is DecisionMethod.LOTS:
        if not witnesses:
            raise InvalidState(N_("Bốc thăm cần ghi người chứng kiến."), field="witnesses")
        seed = seed or secrets.token_hex(16)
        unit = draw_lots(seed, candidates)
    else:
        seed = None
        if unit is None or unit.id not in {u.id for u in candidates}:
            raise InvalidChoice(
                "Đơn vị được ghi nhận phải thuộc danh sách: " + ", ".join(u.name for u in candidates),
                field="unit",
            )
        if agreeing is None or not 0 <= agreeing <= len(present.present):
            raise InvalidState(
                N_("Số đơn vị biểu quyết đồng ý phải từ 0 đến %(len)s."),
                len=len(present.present),
                field="agreeing",
            )
        if agreeing < threshold_votes(
            len(present.present), rules.threshold, inclusive=rules.threshold_inclusive
        ):
            raise InvalidState(
                N_("Hiệp thương cần quá bán: %(agreeing)s/%(present)s đơn vị có mặt đồng ý là chưa đủ."),
                agreeing=agreeing,
                present=len(present.present),
                field="agreeing",
            )
    if election is None:
        store_rules(conference)
        election = Election(conference_id=conference.id, office=office)
        db.session.add(election)
    election.decided_unit_id = unit.id
    election.decision_method = method
    election.decision_statement = statement
    election.decision_agreeing = agreeing
    election.witnesses = witnesses
    election.lots_seed = seed
    election.decided_at, election.decided_by_id = now, by.id
    db.session.flush()
    record(
        "election.decided",
        actor=by,
        conference=conference,
        now=now,
        details={
            "office": office.value,
            "method": method.value,
            "unit_id": unit.id,
            "agreeing": agreeing,
            "seed": seed,
            "witnesses": witnesses,
            "candidates": [u.id for u in candidates],
        },
    )
    return election
