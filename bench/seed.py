"""Seed a benchmark database through the app's own services: a province's conference day and its archive."""

from __future__ import annotations

import importlib
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from voting.auth import services as auth_services
from voting.auth.models import Role, User
from voting.clusters.models import Cluster, Unit
from voting.clusters.services import add_unit, create_cluster
from voting.conferences.models import Conference
from voting.conferences.services import check_in, create_conference
from voting.crypto.prover import encrypt_ballot
from voting.demo import PASSWORD, UNITS
from voting.documents.approval import record_approval
from voting.documents.services import issue_minutes
from voting.elections import encrypted
from voting.elections import services as election_services
from voting.elections.models import (
    Ballot,
    EncryptedBallot,
    NamedVote,
    Office,
    Participation,
    Round,
    RoundMethod,
    RoundStatus,
    new_ballot_id,
)
from voting.elections.services import cast_ballot, certify, close_round, new_receipt_code, open_round
from voting.extensions import db
from voting.handovers.services import HandoverDetails, record_handover
from voting.trustees.offline import play_ceremony

EXTRA_UNITS = ["Phòng Tham mưu", "Phòng Hồ sơ", "Phòng Kỹ thuật hình sự", "Phòng Cảnh sát cơ động"]
LIVE_YEAR = 2025


@dataclass(frozen=True)
class Day:
    """What the HTTP benchmarks need: who votes where, who watches, who archives."""

    #: (user, conference, round, unit, candidate unit ids, the encrypted ballot its browser would post)
    voters: list[tuple[int, int, int, int, list[int], dict[str, Any]]]
    chairs: list[tuple[int, int]]  # (user id, live conference id)
    archivist_id: int
    archive_cluster_id: int


#: PDF builders (and the signature-field stamping) replaced by a memo while seeding the archive
PDF_BUILDERS = [
    ("voting.documents.pdf", "build_conference_minutes_pdf"),
    ("voting.documents.pdf", "build_conference_minutes"),
    ("voting.documents.pdf", "build_counting_minutes"),
    ("voting.documents.pdf", "build_handover_minutes"),
    ("voting.documents.pdf.fields", "add_signature_fields"),
]


@contextmanager
def cheap_seeding() -> Iterator[None]:
    """Hash the shared password once (at production cost) and build each kind of PDF once while seeding.

    The archive needs 200 conferences' documents in the database, not 800 identical renderings;
    the documents benchmark times the real builders separately.
    """
    real_hash = auth_services.hash_password
    hashed = real_hash(PASSWORD)
    patched: list[tuple[Any, str, Any]] = []
    for module_name, name in PDF_BUILDERS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        real = getattr(module, name, None)
        if real is None:
            continue
        memo: dict[str, Any] = {}

        def once(*args: Any, _real: Any = real, _memo: dict[str, Any] = memo, **kwargs: Any) -> Any:
            if "built" not in _memo:
                _memo["built"] = _real(*args, **kwargs)
            return _memo["built"]

        patched.append((module, name, real))
        setattr(module, name, once)
    auth_services.hash_password = lambda _password: hashed  # type: ignore[assignment]
    try:
        yield
    finally:
        auth_services.hash_password = real_hash  # type: ignore[assignment]
        for module, name, real in patched:
            setattr(module, name, real)


@contextmanager
def plaintext_secret_rounds() -> Iterator[None]:
    """Open secret rounds as the app did before encrypted ballots: plaintext ballots, no election key.

    The archive's past years and the in-process benchmarks' conferences stand for what a database
    upgraded from then holds (its secret rounds are ``RoundMethod.ELECTRONIC``, counted from their
    ``ballots`` rows); encrypting 4,000 archived ballots and decrypting 400 rounds would take minutes of
    seeding for documents that do not show a ballot. Today's rounds are encrypted (``seed_day``).
    """
    real_method, real_refusal = election_services.round_method, election_services.key_refusal
    election_services.round_method = lambda _rules, *, on_paper: (  # type: ignore[assignment]
        RoundMethod.PAPER if on_paper else RoundMethod.ELECTRONIC
    )
    election_services.key_refusal = lambda _situation, *, on_paper: None  # type: ignore[assignment]
    try:
        yield
    finally:
        election_services.round_method = real_method  # type: ignore[assignment]
        election_services.key_refusal = real_refusal  # type: ignore[assignment]


def unit_names(count: int) -> list[str]:
    """Return realistic unit names, numbered once the real ones run out."""
    names = UNITS + EXTRA_UNITS
    return [names[i] if i < len(names) else f"Đội công tác số {i + 1}" for i in range(count)]


def make_account(
    username: str, full_name: str, role: Role, unit: Unit, *, title: str = "Trưởng phòng"
) -> User:
    """Create a staff account of *unit* with the shared password."""
    return auth_services.create_user(
        username, PASSWORD, full_name=full_name, title=title, role=role, unit=unit
    )


def make_cluster(
    number: int, unit_count: int, prefix: str = "B"
) -> tuple[Cluster, list[Unit], User, User, list[User]]:
    """Create a cluster with its units, a chair, a secretary and one representative per unit."""
    cluster = create_cluster(
        name=f"Cụm thi đua số {number}",
        parent_body="Công an thành phố Hà Nội",
        code=f"{prefix}{number}",
        city="Hà Nội",
    )
    units = [add_unit(cluster, name) for name in unit_names(unit_count)]
    chair = make_account(f"{prefix.lower()}ct{number}", f"Nguyễn Văn Chủ {number}", Role.CHAIR, units[0])
    secretary = make_account(
        f"{prefix.lower()}tk{number}", f"Trần Thị Thư {number}", Role.SECRETARY, units[0], title="Cán bộ"
    )
    reps = [
        auth_services.create_user(
            f"{prefix.lower()}db{number}-{i + 1}",
            PASSWORD,
            full_name=f"Đại biểu {unit.name}",
            title="Đại diện đơn vị",
            role=Role.REPRESENTATIVE,
            unit=unit,
        )
        for i, unit in enumerate(units)
    ]
    return cluster, units, chair, secretary, reps


def start_conference(
    cluster: Cluster,
    units: list[Unit],
    chair: User,
    secretary: User,
    reps: list[User],
    year: int,
    leader_index: int,
) -> Conference:
    """Create a year's conference and check every unit in."""
    starts = datetime(year, 11, 11, 1, 0)
    conference = create_conference(
        cluster,
        year=year,
        starts_at=starts,
        place="Hội trường Công an thành phố Hà Nội",
        chair=chair,
        secretary=secretary,
        outgoing_leader=units[leader_index % len(units)],
        directing_leader="Thiếu tướng Đinh Văn Toản, Phó Giám đốc Công an thành phố Hà Nội",
        report_summary="Hội nghị đã nghe báo cáo tổng kết phong trào thi đua của Cụm.",
    )
    for minute, (unit, rep) in enumerate(zip(units, reps, strict=True)):
        check_in(conference, unit, by=rep, now=starts + timedelta(minutes=minute))
    return conference


def vote_round(
    conference: Conference,
    office: Office,
    units: list[Unit],
    choices: list[int | None],
    opened: datetime,
    *,
    bulk: bool = False,
) -> Round:
    """Open a plaintext secret round, cast each unit's vote for ``units[choice]`` (None: blank); close it."""
    with plaintext_secret_rounds():
        round_ = open_round(conference, office, now=opened)
    if bulk:  # the archive: the same rows the service writes, without its per-ballot checks
        db.session.execute(
            sa.insert(Participation), [{"round_id": round_.id, "unit_id": u.id} for u in units]
        )
        db.session.execute(
            sa.insert(Ballot),
            [
                {
                    "id": new_ballot_id(),
                    "round_id": round_.id,
                    "receipt_code": new_receipt_code(),
                    "choice_unit_id": units[choice].id if choice is not None else None,
                }
                for choice in choices
            ],
        )
    else:
        for unit, choice in zip(units, choices, strict=True):
            cast_ballot(round_, unit, units[choice] if choice is not None else None)
    return close_round(round_, now=opened + timedelta(minutes=10))


def play_year(conference: Conference, units: list[Unit], chair: User, year: int) -> None:
    """Elect a leader and a deputy in one round each, hand the flag over and issue the minutes."""
    n = len(units)
    leader, deputy = (year + 1) % n, (year + 2) % n
    starts = conference.starts_at
    for office, winner, offset in ((Office.LEADER, leader, 60), (Office.DEPUTY, deputy, 90)):
        choices: list[int | None] = [winner] * (n - 2) + [(winner + 1) % n, None]
        round_ = vote_round(conference, office, units, choices, starts + timedelta(minutes=offset), bulk=True)
        certify(round_.election, by=chair, now=round_.closed_at or starts)
    record_handover(
        conference,
        HandoverDetails(
            handed_over_at=starts + timedelta(hours=2),
            giver_name=chair.full_name,
            giver_title=chair.title,
            receiver_name="Hoàng Quốc Việt",
            receiver_title="Trưởng phòng",
            witnesses="Đại biểu các đơn vị thành viên",
            flag_condition="Cờ còn nguyên vẹn.",
            files_handed_over="Sổ theo dõi thi đua; hồ sơ khen thưởng.",
        ),
        by=chair,
    )
    record_approval(conference, agreed=n, disagreed=0, abstained=0, by=chair, now=starts + timedelta(hours=3))
    issue_minutes(conference, by=chair, now=starts + timedelta(hours=3))


def make_election_key(conference: Conference, chair: User, secretary: User, number: int) -> None:
    """Have three trustees (the chair, the secretary and a counter) make the conference's election key.

    Played in Python (``play_ceremony``) through the same services as the trustees' browsers.
    """
    assert secretary.unit is not None
    counter = make_account(
        f"bkp{number}", f"Lê Văn Kiểm {number}", Role.COUNTER, secretary.unit, title="Cán bộ"
    )
    play_ceremony(conference, [chair, secretary, counter], by=chair, now=conference.starts_at)


def encrypted_ballots(round_: Round, units: list[Unit], rng: random.Random) -> list[dict[str, Any]]:
    """Encrypt each unit's ballot for a random candidate or blank, as its browser would (the prover)."""
    manifest = encrypted.manifest_of(round_)
    ballots = []
    for unit in units:
        zero = encrypted.zero_of(round_, unit)
        choice = rng.choice([n for n in range(len(manifest["options"])) if n not in zero])
        ballots.append(encrypt_ballot(manifest, choice, zero)[0])
    return ballots


def seed_day(*, clusters: int, units_per_cluster: int, archive_clusters: int, archive_years: int) -> Day:
    """Seed the archive (ended conferences) and today's conferences, each with its election key and its
    leader round open (a secret ballot: encrypted), and each voter's encrypted ballot ready to post."""
    voters, chairs = [], []
    archive_cluster_id = 0
    rng = random.Random(7)  # noqa: S311 - reproducible choices, not secrets
    with cheap_seeding():
        archivist = auth_services.create_user(
            "bench-luutru", PASSWORD, full_name="Lê Thị Lan", title="Văn thư", role=Role.ARCHIVIST
        )
        for number in range(1, clusters + 1):
            cluster, units, chair, secretary, reps = make_cluster(number, units_per_cluster)
            if number <= archive_clusters:
                archive_cluster_id = archive_cluster_id or cluster.id
                for year in range(LIVE_YEAR - archive_years, LIVE_YEAR):
                    conference = start_conference(cluster, units, chair, secretary, reps, year, year)
                    play_year(conference, units, chair, year)
            conference = start_conference(cluster, units, chair, secretary, reps, LIVE_YEAR, LIVE_YEAR)
            make_election_key(conference, chair, secretary, number)
            round_ = open_round(conference, Office.LEADER, now=conference.starts_at + timedelta(hours=1))
            assert round_.is_encrypted
            candidates = [unit.id for unit in units if unit.id != conference.outgoing_leader_id]
            ballots = encrypted_ballots(round_, units, rng)
            voters += [
                (rep.id, conference.id, round_.id, unit.id, candidates, ballot)
                for rep, unit, ballot in zip(reps, units, ballots, strict=True)
            ]
            chairs.append((chair.id, conference.id))
            db.session.commit()
    return Day(voters, chairs, archivist.id, archive_cluster_id)


def _per_round(table: Any) -> dict[int, int]:
    """Return the rows of *table* per open round."""
    open_ids = sa.select(Round.id).where(Round.status == RoundStatus.OPEN)
    rows = db.session.execute(
        sa.select(table.round_id, sa.func.count())
        .where(table.round_id.in_(open_ids))
        .group_by(table.round_id)
    )
    return dict(rows.tuples().all())


def ballot_rows() -> tuple[int, int, int]:
    """Return (ballots, participations, rounds whose ballots and participations differ) in live rounds.

    A ballot is a plaintext one (the floor's) or an encrypted one (the real app's).
    """
    plain, sealed, parts = _per_round(Ballot), _per_round(EncryptedBallot), _per_round(Participation)
    ballots = {rid: plain.get(rid, 0) + sealed.get(rid, 0) for rid in plain.keys() | sealed.keys()}
    mismatched = sum(1 for rid in ballots.keys() | parts.keys() if ballots.get(rid, 0) != parts.get(rid, 0))
    return sum(ballots.values()), sum(parts.values()), mismatched


def wipe_live_ballots() -> None:
    """Delete ballots (plaintext, named and encrypted) and participations of open rounds, between passes."""
    open_ids = sa.select(Round.id).where(Round.status == RoundStatus.OPEN)
    for table in (Ballot, NamedVote, EncryptedBallot, Participation):
        db.session.execute(sa.delete(table).where(table.round_id.in_(open_ids)))
    db.session.commit()
