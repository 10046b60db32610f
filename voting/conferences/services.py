"""Conferences, check-in and quorum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

import sqlalchemy as sa

from voting.audit.services import record as audit_record
from voting.auth.models import Role, User
from voting.clusters.models import Cluster, Unit
from voting.clusters.services import member_units
from voting.conferences.models import CheckIn, CommitteeMember, Conference
from voting.errors import AlreadyCheckedIn, InvalidState, NotEligible
from voting.extensions import db
from voting.formatting import format_datetime, nfc, utc_now
from voting.i18n import N_

#: at least this share of member units must be present before a round opens
QUORUM = Fraction(2, 3)


@dataclass(frozen=True)
class Attendance:
    """Who is present at a conference and whether that makes a quorum."""

    members: list[Unit]
    present: list[Unit]
    needed: int

    @property
    def is_quorate(self) -> bool:
        """Return whether enough units are present."""
        return len(self.present) >= self.needed


def quorum_needed(member_count: int, share: Fraction = QUORUM) -> int:
    """Return how many units make a quorum: the ceiling of *share* (default 2/3) of the members."""
    needed = share * member_count
    return -(-needed.numerator // needed.denominator)


def create_conference(
    cluster: Cluster,
    *,
    year: int,
    starts_at: datetime,
    place: str,
    chair: User,
    secretary: User,
    outgoing_leader: Unit,
    outgoing_deputy: Unit | None = None,
    directing_leader: str = "",
    report_summary: str = "",
    by: User | None = None,
    now: datetime | None = None,
) -> Conference:
    """Create the conference of a cluster's year."""
    if chair.role is not Role.CHAIR:
        raise InvalidState(N_("Tài khoản %(username)s không có vai trò chủ trì."), username=chair.username)
    if secretary.role is not Role.SECRETARY:
        raise InvalidState(N_("Tài khoản %(username)s không có vai trò thư ký."), username=secretary.username)
    for unit in filter(None, (outgoing_leader, outgoing_deputy)):
        if unit.cluster_id != cluster.id:
            raise InvalidState(N_("%(unit)s không thuộc %(cluster)s."), unit=unit.name, cluster=cluster.name)
    taken = db.session.scalar(
        sa.select(Conference.id).where(Conference.cluster_id == cluster.id, Conference.year == year)
    )
    if taken is not None:
        raise InvalidState(N_("%(cluster)s đã có hội nghị năm %(year)s."), cluster=cluster.name, year=year)
    conference = Conference(
        cluster=cluster,
        year=year,
        starts_at=starts_at,
        place=nfc(place),
        chair=chair,
        secretary=secretary,
        outgoing_leader=outgoing_leader,
        outgoing_deputy=outgoing_deputy,
        directing_leader=nfc(directing_leader),
        report_summary=nfc(report_summary),
    )
    db.session.add(conference)
    db.session.flush()
    audit_record(
        "conference.created",
        actor=by,
        conference=conference,
        now=now or utc_now(),
        details={"cluster": cluster.code, "year": year},
    )
    return conference


def attendance(conference: Conference, quorum: Fraction = QUORUM) -> Attendance:
    """Return the member units, those checked in, and how many make a *quorum* share of the members."""
    members = member_units(conference.cluster_id)
    present_ids = set(
        db.session.scalars(sa.select(CheckIn.unit_id).where(CheckIn.conference_id == conference.id))
    )
    present = [unit for unit in members if unit.id in present_ids]
    return Attendance(members=members, present=present, needed=quorum_needed(len(members), quorum))


def is_committee_member(account: User, conference: Conference) -> bool:
    """Return whether the account sits on the conference's counting committee."""
    return db.session.get(CommitteeMember, (conference.id, account.id)) is not None


def find_check_in(conference: Conference, unit: Unit) -> CheckIn | None:
    """Return the unit's check-in at the conference, if any."""
    return db.session.get(CheckIn, (conference.id, unit.id))


def check_in(conference: Conference, unit: Unit, *, by: User, now: datetime) -> CheckIn:
    """Record that a unit is present at the conference."""
    if conference.is_ended:
        raise InvalidState(N_("Hội nghị đã kết thúc."))
    if unit.cluster_id != conference.cluster_id or not unit.is_active:
        raise NotEligible(N_("%(unit)s không phải đơn vị thành viên của cụm."), unit=unit.name)
    existing = find_check_in(conference, unit)
    if existing is not None:
        raise AlreadyCheckedIn(
            N_("%(unit)s đã điểm danh lúc %(at)s."),
            unit=unit.name,
            at=format_datetime(existing.checked_in_at),
        )
    record = CheckIn(conference_id=conference.id, unit_id=unit.id, checked_in_at=now, checked_in_by_id=by.id)
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except sa.exc.IntegrityError:
        raise AlreadyCheckedIn(N_("%(unit)s đã điểm danh."), unit=unit.name) from None
    audit_record("unit.checked_in", actor=by, conference=conference, now=now, details={"unit_id": unit.id})
    return record
