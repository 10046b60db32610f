"""The demo: Cụm thi đua số 4 of Công an thành phố Hà Nội, its 2016 conference and a conference today.

``flask demo`` (``make run``) plays the 2016 conference through as the cluster's history, with 2016
dates, and prepares this year's conference for today, to be played live through the web: its
documents are then dated today, as a real conference's are. ``flask demo --finished`` plays 2016 only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from voting.auth.models import Role, User
from voting.auth.services import create_user
from voting.clusters.models import Cluster, Unit
from voting.clusters.services import add_unit, create_cluster
from voting.conferences.models import Conference
from voting.conferences.notes import add_delegate, save_notes
from voting.conferences.services import check_in, create_conference
from voting.crypto.prover import Trustee, encrypt_ballot
from voting.documents.approval import record_approval
from voting.documents.services import DEFAULT_VERIFY_BASE_URL, issue_minutes
from voting.elections import encrypted
from voting.elections.awards import AwardVoteSpec, certify_award
from voting.elections.models import OFFICES, Office, Round
from voting.elections.paper import add_committee_member
from voting.elections.services import certify, close_round, get_election, open_round
from voting.emulation.award_votes import create_from_ranking, open_next_round, ranked_units
from voting.emulation.demo import play_scoring
from voting.errors import InvalidState
from voting.extensions import db
from voting.formatting import to_utc_naive
from voting.handovers.services import HandoverDetails, record_handover
from voting.i18n import N_
from voting.signing.demo import give_demo_keys, sign_demo_documents
from voting.trustees.offline import play_ceremony

PASSWORD = "luanluu2016"  # noqa: S105 - the demo accounts' password, printed in the README
CLUSTER_CODE = "CTĐ4"
UNITS = [
    "Phòng Công tác đảng và công tác quần chúng",
    "Phòng Công tác chính trị",
    "Phòng Hậu cần",
    "Phòng Tổ chức cán bộ",
    "Trung tâm Lắp đặt hệ thống công nghệ thông tin",
    "Báo An ninh Thủ đô",
    "Trung tâm Phát hành báo chí",
    "Bệnh viện Công an thành phố Hà Nội",
]
STAFF = [
    ("chutri", Role.CHAIR, "Nguyễn Văn Hùng", "Trưởng phòng Công tác đảng và công tác quần chúng", 0),
    ("thuky", Role.SECRETARY, "Trần Thị Mai", "Cán bộ Phòng Công tác đảng và công tác quần chúng", 0),
    ("luutru", Role.ARCHIVIST, "Lê Thị Lan", "Cán bộ văn thư lưu trữ", None),
    ("quantri", Role.ADMIN, "Phạm Minh Tuấn", "Quản trị hệ thống", None),
    ("vanthu", Role.CLERK, "Hoàng Thị Thu", "Văn thư Công an thành phố Hà Nội", None),
    # the counting committee, who also hold the election key (trustees)
    ("kiemphieu1", Role.COUNTER, "Đỗ Văn Nam", "Phó trưởng Phòng Tổ chức cán bộ", 3),
    ("kiemphieu2", Role.COUNTER, "Vũ Thị Hòa", "Cán bộ Báo An ninh Thủ đô", 5),
    ("kiemphieu3", Role.COUNTER, "Ngô Quang Huy", "Cán bộ Bệnh viện Công an thành phố Hà Nội", 7),
]
REPORT = (
    'Hội nghị đã nghe báo cáo tổng kết phong trào thi đua "Vì An ninh Tổ quốc" năm 2016 của Cụm: '
    "các đơn vị đã phát động và thực hiện 4 phong trào thi đua; 120 tập thể và 357 cá nhân được khen "
    "thưởng. Đại biểu các đơn vị đã thảo luận, thống nhất phương hướng, nhiệm vụ năm 2017."
)
#: what the secretary typed during the 2016 conference (Thảo luận, Kết luận)
DISCUSSION = (
    "Đại biểu Phòng Hậu cần đề nghị Cụm duy trì giao ban thi đua hằng quý và trao đổi kinh nghiệm "
    "giữa các đơn vị.\n"
    "Đại biểu Báo An ninh Thủ đô đề nghị tăng cường tuyên truyền các điển hình tiên tiến của Cụm."
)
CONCLUSIONS = (
    "Thiếu tướng Đinh Văn Toản biểu dương kết quả phong trào thi đua của Cụm năm 2016 và đề nghị các "
    "đơn vị thực hiện tốt phương hướng, nhiệm vụ năm 2017 mà hội nghị đã thống nhất."
)


@dataclass(frozen=True)
class Login:
    """A demo account to print."""

    username: str
    role: Role
    who: str


def _at(hour: int, minute: int) -> datetime:
    """Return 11-11-2016 at a Vietnam wall-clock time, as stored (naive UTC)."""
    return to_utc_naive(datetime(2016, 11, 11, hour, minute))


def create_demo() -> tuple[Conference, list[Login]]:
    """Create the cluster, its units, accounts and the 2016 conference, unless they exist."""
    cluster = db.session.scalar(sa.select(Cluster).where(Cluster.code == CLUSTER_CODE))
    if cluster is None:
        cluster = create_cluster(
            name="Cụm thi đua số 4", parent_body="Công an thành phố Hà Nội", code=CLUSTER_CODE, city="Hà Nội"
        )
        units = [add_unit(cluster, name) for name in UNITS]
        staff = {
            username: create_user(
                username,
                PASSWORD,
                full_name=name,
                title=title,
                role=role,
                unit=units[unit_index] if unit_index is not None else None,
            )
            for username, role, name, title, unit_index in STAFF
        }
        for number, unit in enumerate(units, start=1):
            create_user(
                f"daibieu{number}",
                PASSWORD,
                full_name=f"Đại biểu {unit.name}",
                title="Đại diện đơn vị",
                role=Role.REPRESENTATIVE,
                unit=unit,
            )
        create_conference(
            cluster,
            year=2016,
            starts_at=_at(8, 0),
            place="Hội trường Công an thành phố Hà Nội, số 87 Trần Hưng Đạo, quận Hoàn Kiếm",
            chair=staff["chutri"],
            secretary=staff["thuky"],
            outgoing_leader=units[0],
            outgoing_deputy=units[3],
            directing_leader="Thiếu tướng Đinh Văn Toản, Phó Giám đốc Công an thành phố Hà Nội",
            report_summary=REPORT,
        )
    conference = db.session.scalar(
        sa.select(Conference).where(Conference.cluster_id == cluster.id, Conference.year == 2016)
    )
    assert conference is not None
    users = db.session.scalars(
        sa.select(User)
        .outerjoin(Unit)
        .where(sa.or_(Unit.cluster_id == cluster.id, User.username.in_([s[0] for s in STAFF])))
        .order_by(User.role, User.username)
    )
    logins = [
        Login(u.username, u.role, u.unit.name if u.unit and u.role is Role.REPRESENTATIVE else u.full_name)
        for u in users
    ]
    give_demo_keys(conference, now=_at(11, 5))  # `make run` can sign with the printed PINs at once
    return conference, logins


def create_live_conference(history: Conference, today: date) -> Conference:
    """Create (once) the cluster's conference of *today*'s year, held today, after the 2016 history."""
    cluster = history.cluster
    existing = db.session.scalar(
        sa.select(Conference).where(Conference.cluster_id == cluster.id, Conference.year == today.year)
    )
    if existing is not None:
        return existing
    # The units elected in the history lead the cluster until this conference hands over.
    leader, deputy = (get_election(history, office) for office in OFFICES)
    units = list(cluster.units)
    return create_conference(
        cluster,
        year=today.year,
        starts_at=to_utc_naive(datetime.combine(today, time(8, 0))),
        place=history.place,
        chair=history.chair,
        secretary=history.secretary,
        outgoing_leader=(leader.elected_unit if leader else None) or units[1],
        outgoing_deputy=(deputy.elected_unit if deputy else None) or units[2],
        directing_leader=history.directing_leader,
        report_summary=REPORT.replace("2017", str(today.year + 1)).replace("2016", str(today.year)),
    )


def play_demo(conference: Conference, *, base_url: str = DEFAULT_VERIFY_BASE_URL) -> None:
    """Run the 2016 conference to its end through the services; its documents' links under *base_url*."""
    if conference.is_ended:
        return
    if get_election(conference, Office.LEADER) is not None:
        raise InvalidState(N_("Hội nghị demo đang diễn ra dở; hãy xóa cơ sở dữ liệu rồi chạy lại."))
    units = {unit.name: unit for unit in conference.cluster.units}
    chair, reps = conference.chair, list(conference.cluster.units)
    for minute, unit in enumerate(reps):
        representative = db.session.scalar(
            sa.select(User).where(User.unit_id == unit.id, User.role == Role.REPRESENTATIVE)
        )
        assert representative is not None
        check_in(conference, unit, by=representative, now=_at(7, 45 + minute))

    play_scoring(conference.cluster)  # bình xét: the scores of 2016, agreed before the elections
    trustees = _make_election_key(conference)
    leader_votes = ["Phòng Công tác chính trị"] * 6 + ["Phòng Hậu cần", None]
    _vote(conference, Office.LEADER, units, leader_votes, trustees, opened=_at(9, 30), closed=_at(9, 45))
    deputy_votes = ["Phòng Hậu cần"] * 5 + ["Phòng Tổ chức cán bộ"] * 2 + [None]
    _vote(conference, Office.DEPUTY, units, deputy_votes, trustees, opened=_at(9, 50), closed=_at(10, 5))
    _suy_ton(conference, trustees)

    record_handover(
        conference,
        HandoverDetails(
            handed_over_at=_at(10, 30),
            giver_name=chair.full_name,
            giver_title=chair.title,
            receiver_name="Hoàng Quốc Việt",
            receiver_title="Trưởng phòng Công tác chính trị",
            witnesses=(
                "Thiếu tướng Đinh Văn Toản, Phó Giám đốc Công an thành phố Hà Nội\n"
                "Đại biểu các đơn vị thành viên Cụm thi đua số 4"
            ),
            flag_condition="Cờ còn nguyên vẹn, màu sắc tươi, không rách, không bong chỉ.",
            files_handed_over=(
                "Sổ theo dõi thi đua của Cụm năm 2016; hồ sơ khen thưởng; biên bản các hội nghị Cụm."
            ),
        ),
        by=chair,
    )
    secretary = conference.secretary
    leader = units["Phòng Công tác chính trị"]
    title = "Trưởng phòng Công tác chính trị"
    add_delegate(conference, leader, full_name="Hoàng Quốc Việt", title=title, by=secretary, now=_at(8, 5))
    notes = {"report": REPORT, "discussion": DISCUSSION, "conclusions": CONCLUSIONS}
    save_notes(conference, **notes, by=secretary, now=_at(10, 50))
    record_approval(conference, agreed=8, disagreed=0, abstained=0, by=secretary, now=_at(11, 0))
    issue_minutes(conference, by=chair, now=_at(11, 0), base_url=base_url)
    sign_demo_documents(conference, now=_at(11, 5))


def _suy_ton(conference: Conference, trustees: dict[int, Trustee]) -> None:
    """Vote the awards from the ranking: one unit for the Ministry's Cờ thi đua, two for Bằng khen."""
    ranked = [place.standing.unit_id for place in ranked_units(conference)]
    flag = [[ranked[0]]] * 7 + [[ranked[1]]]
    merit = [[ranked[1], ranked[2]]] * 5 + [[ranked[1], ranked[3]]] * 2 + [[]]
    votes = [
        (AwardVoteSpec("Cờ thi đua của Bộ Công an", 1, 1, 2, True, 3), flag, _at(10, 10)),
        (AwardVoteSpec("Bằng khen của Bộ trưởng Bộ Công an", 2, 1, 2, True, 5), merit, _at(10, 18)),
    ]
    for spec, ballots, opened in votes:
        election = create_from_ranking(conference, spec, by=conference.chair, now=opened)
        round_ = open_next_round(election, by=conference.chair, now=opened)
        manifest = encrypted.manifest_of(round_)
        keys = [key for key, _mark in encrypted.options_of(round_)]
        for minute, (voter, marked) in enumerate(zip(conference.cluster.units, ballots, strict=True)):
            choice = [keys.index(f"unit:{unit_id}") for unit_id in marked]
            ballot, _randomness = encrypt_ballot(manifest, choice, encrypted.zero_of(round_, voter))
            encrypted.cast_encrypted(
                round_, voter, ballot, by=None, now=opened + timedelta(minutes=1 + minute)
            )
        closed = opened + timedelta(minutes=6)
        close_round(round_, now=closed)
        decrypt(round_, trustees, now=closed)
        certify_award(election, by=conference.chair, now=closed)


def _make_election_key(conference: Conference) -> dict[int, Trustee]:
    """Elect the counting committee by show of hands; its members make the election key (2 of 3)."""
    counters = db.session.scalars(
        sa.select(User)
        .where(User.username.in_(["kiemphieu1", "kiemphieu2", "kiemphieu3"]))
        .order_by(User.username)
    )
    for number, counter in enumerate(counters):
        add_committee_member(
            conference, counter, is_head=number == 0, approvals=8, by=conference.chair, now=_at(8, 5)
        )
    # The demo's trustees are played in Python (voting.crypto.prover), through the same services as
    # the trustees' browsers; their shares are not kept, as a real trustee's never reach the server.
    return play_ceremony(conference, by=conference.chair, now=_at(8, 15))


def decrypt(round_: Round, trustees: dict[int, Trustee], *, now: datetime) -> None:
    """Have the first quorum of *trustees* (by index) post their partial decryptions of a closed round."""
    key = encrypted.key_of(round_.election.conference)
    ctx, aggregate = encrypted.ctx_of(round_, key), encrypted.aggregate_of(round_)
    for index in sorted(trustees)[: key.threshold]:
        account = db.session.get(User, key.trustees[index])
        assert account is not None
        encrypted.post_partial_decryption(
            round_, account, trustees[index].partial_decrypt(ctx, aggregate), now=now
        )


def _vote(
    conference: Conference,
    office: Office,
    units: dict[str, Unit],
    choices: list[str | None],
    trustees: dict[int, Trustee],
    *,
    opened: datetime,
    closed: datetime,
) -> None:
    """Open a round, cast one encrypted ballot per unit in list order, close, decrypt and certify it."""
    round_ = open_round(conference, office, now=opened)
    manifest = encrypted.manifest_of(round_)
    keys = [key for key, _mark in encrypted.options_of(round_)]
    for minute, (voter, choice) in enumerate(zip(conference.cluster.units, choices, strict=True)):
        option = f"unit:{units[choice].id}" if choice else "blank"
        ballot, _randomness = encrypt_ballot(manifest, keys.index(option), encrypted.zero_of(round_, voter))
        encrypted.cast_encrypted(round_, voter, ballot, by=None, now=opened + timedelta(minutes=1 + minute))
    close_round(round_, now=closed)
    decrypt(round_, trustees, now=closed)
    certify(round_.election, by=conference.chair, now=closed)
