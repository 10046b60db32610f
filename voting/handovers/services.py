"""Recording the flag handover and listing the flag's holders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from voting.audit.services import record
from voting.auth.models import User
from voting.clusters.models import Cluster
from voting.conferences.models import Conference
from voting.elections.models import Office
from voting.elections.services import get_election
from voting.errors import InvalidState
from voting.extensions import db
from voting.formatting import nfc, utc_now
from voting.handovers.models import FlagHandover
from voting.i18n import N_


@dataclass(frozen=True)
class HandoverDetails:
    """What the chair records about the handover."""

    handed_over_at: datetime  # naive UTC
    giver_name: str
    giver_title: str
    receiver_name: str
    receiver_title: str
    witnesses: str
    flag_condition: str
    files_handed_over: str


def find_handover(conference: Conference) -> FlagHandover | None:
    """Return the conference's handover, if recorded."""
    return db.session.scalar(sa.select(FlagHandover).where(FlagHandover.conference_id == conference.id))


def record_handover(
    conference: Conference, details: HandoverDetails, *, by: User, now: datetime | None = None
) -> FlagHandover:
    """Record the flag passing from the outgoing leader to the certified new leader."""
    if conference.is_ended:
        raise InvalidState(N_("Hội nghị đã kết thúc."))
    leader = get_election(conference, Office.LEADER)
    if leader is None or leader.elected_unit_id is None:
        raise InvalidState(N_("Cần chứng nhận kết quả bầu Cụm trưởng trước khi bàn giao cờ."))
    if find_handover(conference) is not None:
        raise InvalidState(N_("Việc bàn giao cờ luân lưu đã được ghi nhận."))
    if leader.elected_unit_id == conference.outgoing_leader_id:
        raise InvalidState(N_("Đơn vị Cụm trưởng mới trùng với đơn vị bàn giao."))
    handover = FlagHandover(
        conference_id=conference.id,
        from_unit_id=conference.outgoing_leader_id,
        to_unit_id=leader.elected_unit_id,
        handed_over_at=details.handed_over_at,
        giver_name=nfc(details.giver_name.strip()),
        giver_title=nfc(details.giver_title.strip()),
        receiver_name=nfc(details.receiver_name.strip()),
        receiver_title=nfc(details.receiver_title.strip()),
        witnesses=nfc(details.witnesses.strip()),
        flag_condition=nfc(details.flag_condition.strip()),
        files_handed_over=nfc(details.files_handed_over.strip()),
        recorded_by_id=by.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(handover)
    except sa.exc.IntegrityError:
        raise InvalidState(N_("Việc bàn giao cờ luân lưu đã được ghi nhận.")) from None
    record(
        "handover.recorded",
        actor=by,
        conference=conference,
        now=now or utc_now(),
        details={"from_unit_id": handover.from_unit_id, "to_unit_id": handover.to_unit_id},
    )
    return handover


def holder_chain(cluster: Cluster) -> list[FlagHandover]:
    """Return the cluster's handovers, oldest first: who held the flag in which year."""
    return list(
        db.session.scalars(
            sa.select(FlagHandover)
            .join(Conference)
            .where(Conference.cluster_id == cluster.id)
            .order_by(FlagHandover.handed_over_at)
            # what each handover shows, loaded with it: no query per year of the chain
            .options(
                orm.contains_eager(FlagHandover.conference),
                orm.selectinload(FlagHandover.from_unit),
                orm.selectinload(FlagHandover.to_unit),
            )
        )
    )
