"""Build clusters, accounts and conferences at a given stage through the app's own services.

``tests/conftest.py`` wraps these in factory fixtures (``make_cluster``, ``make_user``,
``make_conference``), which number what they create so that two clusters in one test never clash.
Everything here flushes and never commits, as the services do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum

import sqlalchemy as sa

from tests.eg import cast_ballot, close_round, open_round
from tests.helpers import (
    CHECK_IN_AT,
    ENDED_AT,
    HANDED_OVER_AT,
    OPENED_AT,
    PASSWORD,
    STARTS_AT,
    in_year,
    later,
)
from tests.trustees.helpers import run_ceremony
from voting.auth.models import Role, User
from voting.auth.services import create_user
from voting.clusters.models import Cluster, Unit
from voting.clusters.services import add_unit, create_cluster
from voting.conferences.models import Conference
from voting.conferences.services import check_in, create_conference
from voting.documents.approval import MinutesApproval, record_approval
from voting.documents.services import issue_minutes
from voting.elections.models import Election, Office, Round
from voting.elections.services import certify
from voting.extensions import db
from voting.handovers.services import HandoverDetails, record_handover
from voting.signing.demo import sign_demo_documents

#: names of the first member units; a larger cluster continues with "Đơn vị thành viên số N"
UNIT_NAMES = (
    "Phòng Tham mưu",
    "Phòng Cảnh sát cơ động",
    "Phòng Kỹ thuật hình sự",
    "Phòng Hồ sơ",
    "Phòng Thông tin liên lạc",
    "Phòng Cảnh sát giao thông",
    "Trung tâm Chỉ huy",
    "Bệnh xá",
)


class Stage(IntEnum):
    """How far a factory conference has gone; each stage includes the ones before it."""

    CREATED = 0
    #: every member unit (or the first ``present``) checked in
    CHECKED_IN = 1
    #: the first leader round open, no ballot cast
    ROUND_OPEN = 2
    #: every present unit voted for the leader in round 1; the result certified
    LEADER_CERTIFIED = 3
    #: the same for the deputy
    DEPUTY_CERTIFIED = 4
    #: the flag handed over to the new leader
    HANDED_OVER = 5
    #: the minutes issued (with the counting and handover minutes): the conference has ended
    MINUTES_ISSUED = 6
    #: every block of every document signed
    SIGNED = 7

    def __str__(self) -> str:
        return self.name.lower()  # pytest's parameter ids


@dataclass(frozen=True)
class Site:
    """A committed conference's ids and usernames, for tests that go through the client."""

    conference_id: int
    cluster_id: int
    #: the member units' ids and names, in the cluster's order
    units: list[int]
    unit_names: list[str]
    chair: str
    secretary: str
    #: the representatives' usernames, one per unit in the same order
    representatives: list[str]
    archivist: str
    admin: str

    @classmethod
    def of(cls, conference: Conference, *, archivist: User, admin: User) -> Site:
        """Return the ids and usernames of a conference and of the two global accounts."""
        members = list(conference.cluster.units)
        return cls(
            conference_id=conference.id,
            cluster_id=conference.cluster_id,
            units=[unit.id for unit in members],
            unit_names=[unit.name for unit in members],
            chair=conference.chair.username,
            secretary=conference.secretary.username,
            representatives=[representative(unit).username for unit in members],
            archivist=archivist.username,
            admin=admin.username,
        )


def handover_details(chair: User, *, handed_over_at: datetime = HANDED_OVER_AT) -> HandoverDetails:
    """Return what the chair records about the flag handover."""
    return HandoverDetails(
        handed_over_at=handed_over_at,
        giver_name=chair.full_name,
        giver_title=chair.title,
        receiver_name="Hoàng Quốc Việt",
        receiver_title="Trưởng phòng",
        witnesses="Thiếu tướng Đinh Văn Toản",
        flag_condition="Cờ còn nguyên vẹn.",
        files_handed_over="Sổ theo dõi thi đua của Cụm.",
    )


@dataclass
class Factories:
    """One test's factories; sequence numbers keep codes and usernames apart, skipping those in use."""

    clusters: int = 0
    users: int = 0

    def cluster(self, units: int = 8, *, unit_names: list[str] | None = None) -> Cluster:
        """Create "Cụm thi đua số N": *units* member units with a representative each, a chair, a secretary.

        Accounts are named after the cluster's code, in the characters the admin screens allow:
        ``ctd1.daibieu1``…, ``ctd1.chutri``, ``ctd1.thuky``.
        """
        taken = set(db.session.scalars(sa.select(Cluster.code)))
        self.clusters += 1
        while f"CTĐ{self.clusters}" in taken:  # data made earlier (a module's, the demo's Cụm 4)
            self.clusters += 1
        number = self.clusters
        cluster = create_cluster(
            name=f"Cụm thi đua số {number}",
            parent_body="Công an thành phố Hà Nội",
            code=f"CTĐ{number}",
            city="Hà Nội",
        )
        names = unit_names or [
            UNIT_NAMES[i] if i < len(UNIT_NAMES) else f"Đơn vị thành viên số {i + 1}" for i in range(units)
        ]
        members = [add_unit(cluster, name) for name in names]
        prefix = account_prefix(cluster)
        for position, unit in enumerate(members, start=1):
            create_user(
                f"{prefix}.daibieu{position}",
                PASSWORD,
                full_name=f"Đại biểu {unit.name}",
                title="Đại diện đơn vị",
                role=Role.REPRESENTATIVE,
                unit=unit,
            )
        create_user(
            f"{prefix}.chutri",
            PASSWORD,
            full_name=f"Chủ trì Cụm {number}",
            title=f"Trưởng {members[0].name}",
            role=Role.CHAIR,
            unit=members[0],
        )
        create_user(
            f"{prefix}.thuky",
            PASSWORD,
            full_name=f"Thư ký Cụm {number}",
            title=f"Cán bộ {members[0].name}",
            role=Role.SECRETARY,
            unit=members[0],
        )
        return cluster

    def user(self, role: Role, *, username: str | None = None, unit: Unit | None = None) -> User:
        """Create an account with *role* (a counter, an archivist, an administrator…)."""
        taken = set(db.session.scalars(sa.select(User.username)))
        self.users += 1
        while f"{role.value}{self.users}" in taken:
            self.users += 1
        name = username or f"{role.value}{self.users}"
        return create_user(
            name, PASSWORD, full_name=f"Người dùng {name}", title="Cán bộ", role=role, unit=unit
        )

    def conference(
        self,
        stage: Stage = Stage.CREATED,
        *,
        cluster: Cluster | None = None,
        units: int = 8,
        year: int = 2016,
        held_in: int | None = None,
        present: int | None = None,
        outgoing_leader: int = 0,
        leader: int = 1,
        deputy: int = 2,
        election_key: bool = True,
    ) -> Conference:
        """Create a cluster's conference of *year* and run it to *stage* through the services.

        The outgoing leader is the unit at index *outgoing_leader* (the first) and the outgoing deputy the
        fourth (when there is one); the winners are the units at index *leader* and *deputy*, elected by
        every present unit (the first *present* units, or all). With *election_key*, three trustees
        (``tests.trustees.helpers.run_ceremony``) make the key first, as they do when the conference starts.
        Times are the demo's day (``tests.helpers``) moved to *year*, or to *held_in* for a conference held
        in another calendar year than the one it reviews.
        """
        cluster = cluster or self.cluster(units)
        day = held_in or year
        members = list(cluster.units)
        conference = create_conference(
            cluster,
            year=year,
            starts_at=in_year(STARTS_AT, day),
            place="Hội trường Công an thành phố Hà Nội",
            chair=staff(cluster, Role.CHAIR),
            secretary=staff(cluster, Role.SECRETARY),
            outgoing_leader=members[outgoing_leader],
            outgoing_deputy=members[3] if len(members) > 3 else None,
            directing_leader="Thiếu tướng Đinh Văn Toản",
            report_summary="Hội nghị đã nghe báo cáo tổng kết phong trào thi đua của Cụm.",
            now=in_year(STARTS_AT, day) - timedelta(days=30),
        )
        if election_key:
            run_ceremony(conference, now=in_year(STARTS_AT, day) - timedelta(minutes=30))
        advance(conference, stage, present=present, leader=leader, deputy=deputy)
        return conference


def account_prefix(cluster: Cluster) -> str:
    """Return the prefix of a factory cluster's usernames: ``CTĐ1`` gives ``ctd1``."""
    return cluster.code.lower().replace("đ", "d")


def staff(cluster: Cluster, role: Role) -> User:
    """Return a cluster's first account with *role* (a factory cluster's chair or secretary)."""
    account = db.session.scalar(
        sa.select(User).join(Unit).where(Unit.cluster_id == cluster.id, User.role == role).order_by(User.id)
    )
    assert account is not None, f"{cluster.code} has no {role.value}"
    return account


def representative(unit: Unit) -> User:
    """Return the representative account of a unit."""
    account = db.session.scalar(
        sa.select(User).where(User.unit_id == unit.id, User.role == Role.REPRESENTATIVE).order_by(User.id)
    )
    assert account is not None, f"{unit.name} has no representative"
    return account


def advance(
    conference: Conference, stage: Stage, *, present: int | None = None, leader: int = 1, deputy: int = 2
) -> None:
    """Run a conference that has just been created up to *stage*, on its day."""
    year = conference.starts_at.year
    members = list(conference.cluster.units)
    voters = members[:present] if present is not None else members
    if stage >= Stage.CHECKED_IN:
        for unit in voters:
            check_in(conference, unit, by=conference.chair, now=in_year(CHECK_IN_AT, year))
    if stage >= Stage.ROUND_OPEN:
        round_ = open_round(conference, Office.LEADER, now=in_year(OPENED_AT, year), by=conference.chair)
    if stage >= Stage.LEADER_CERTIFIED:
        elect(round_, voters, members[leader], minute=0)
    if stage >= Stage.DEPUTY_CERTIFIED:
        round_ = open_round(conference, Office.DEPUTY, now=in_year(later(20), year), by=conference.chair)
        elect(round_, voters, members[deputy], minute=20)
    if stage >= Stage.HANDED_OVER:
        details = handover_details(conference.chair, handed_over_at=in_year(HANDED_OVER_AT, year))
        record_handover(conference, details, by=conference.chair, now=details.handed_over_at)
    if stage >= Stage.MINUTES_ISSUED:
        approve_minutes(conference, len(voters), now=in_year(ENDED_AT, year))
        issue_minutes(conference, by=conference.chair, now=in_year(ENDED_AT, year))
    if stage >= Stage.SIGNED:
        sign_demo_documents(conference, now=in_year(ENDED_AT, year) + timedelta(minutes=5))


def approve_minutes(
    conference: Conference, agreed: int, *, disagreed: int = 0, abstained: int = 0, now: datetime = ENDED_AT
) -> MinutesApproval:
    """Record the secretary's count of the show of hands on the draft minutes."""
    return record_approval(
        conference, agreed=agreed, disagreed=disagreed, abstained=abstained, by=conference.secretary, now=now
    )


def elect(round_: Round, voters: list[Unit], winner: Unit, *, minute: int) -> Election:
    """Cast every voter's ballot for *winner*, close the round and certify the election."""
    year = round_.election.conference.starts_at.year
    for voter in voters:
        cast_ballot(round_, voter, winner, now=in_year(later(minute + 1), year))
    close_round(round_, now=in_year(later(minute + 10), year))
    return certify(
        round_.election, by=round_.election.conference.chair, now=in_year(later(minute + 15), year)
    )
