"""In-process benchmarks: building the minutes and counting a round of 100,000 ballots."""

from __future__ import annotations

import secrets
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from bench.client import median
from bench.seed import (
    cheap_seeding,
    make_cluster,
    plaintext_secret_rounds,
    play_year,
    start_conference,
    vote_round,
)
from voting.conferences.models import Conference
from voting.elections.models import Ballot, Office, Round
from voting.elections.services import certify, close_round, count_round, open_round
from voting.extensions import db
from voting.formatting import utc_now
from voting.handovers.services import HandoverDetails, record_handover


@dataclass(frozen=True)
class Timing:
    """Repeated timings of one operation, in milliseconds."""

    label: str
    runs: list[float]
    note: str = ""

    @property
    def median(self) -> float:
        return median(self.runs)

    @property
    def worst(self) -> float:
        return max(self.runs)


def seed_small_conference() -> int:
    """Seed an 8-unit conference played to its end (one round per election); return its id."""
    with cheap_seeding():
        cluster, units, chair, secretary, reps = make_cluster(901, 8, prefix="D")
        conference = start_conference(cluster, units, chair, secretary, reps, 2016, 0)
        play_year(conference, units, chair, 2016)
    db.session.commit()
    return int(conference.id)


def seed_large_conference() -> int:
    """Seed a 60-unit conference whose elections each take three rounds, ready for its minutes."""
    with cheap_seeding():
        cluster, units, chair, secretary, reps = make_cluster(902, 60, prefix="D")
        conference = start_conference(cluster, units, chair, secretary, reps, 2016, 0)
        opened = conference.starts_at + timedelta(hours=1)
        for office, (a, b) in ((Office.LEADER, (1, 2)), (Office.DEPUTY, (2, 3))):
            spread: list[int | None] = list(range(4, 24))  # one vote each
            ballots: list[list[int | None]] = [
                [a] * 20 + [b] * 20 + spread,  # a tie at the top: runoff between a and b
                [a] * 30 + [b] * 30,  # a tie again
                [a] * 40 + [b] * 19 + [None],  # a is elected
            ]
            for choices in ballots:
                round_ = vote_round(conference, office, units, choices, opened)
                opened += timedelta(minutes=20)
            certify(round_.election, by=chair, now=opened)
        record_handover(
            conference,
            HandoverDetails(
                handed_over_at=opened,
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
    db.session.commit()
    return int(conference.id)


def _minutes_builder() -> tuple[Callable[[Conference], Any], Callable[[Any], bytes]]:
    """Return (collect the minutes' data, build the PDF bytes) for the documents code at hand."""
    try:  # documents with numbers, versions and signature fields
        from voting.documents import collect  # type: ignore[attr-defined]
        from voting.documents.pdf import build_conference_minutes  # type: ignore[attr-defined]

        def data_of(conference: Conference) -> Any:
            return collect.minutes_data(
                conference, number="01/BB-BENCH", ended_at=utc_now(), approvals=len(conference.cluster.units)
            )

        return data_of, lambda data: build_conference_minutes(data).content
    except ImportError:
        from voting.documents.pdf import build_conference_minutes_pdf
        from voting.documents.services import minutes_data

        def old_data_of(conference: Conference) -> Any:
            return minutes_data(conference, ended_at=utc_now(), approvals=len(conference.cluster.units))

        return old_data_of, build_conference_minutes_pdf


def time_minutes(conference_id: int, label: str, repeat: int = 5) -> tuple[Timing, Timing, float, int]:
    """Time collecting the minutes' data and building the PDF; return also the peak MiB and the size."""
    data_of, build = _minutes_builder()
    data_runs, pdf_runs, size = [], [], 0
    for _ in range(repeat):
        db.session.expire_all()
        conference = db.session.get(Conference, conference_id)
        assert conference is not None
        start = time.perf_counter()
        data = data_of(conference)
        middle = time.perf_counter()
        size = len(build(data))
        data_runs.append(1000 * (middle - start))
        pdf_runs.append(1000 * (time.perf_counter() - middle))
    tracemalloc.start()
    build(data)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    db.session.rollback()
    return Timing(f"{label}: data", data_runs), Timing(f"{label}: PDF", pdf_runs), peak, size


def time_signatures(conference_id: int, repeat: int = 3) -> tuple[Timing, Timing, Timing] | None:
    """Time the PAdES signatures of the minutes (first certifying, then a second), and validating both.

    None when this build has no digital signatures (voting/signing).
    """
    try:
        from voting.documents import collect  # type: ignore[attr-defined]
        from voting.documents.pdf import add_signature_fields, build_conference_minutes  # type: ignore[attr-defined]
        from voting.signing import pades, pki  # type: ignore[import-not-found]
    except ImportError:
        return None
    conference = db.session.get(Conference, conference_id)
    assert conference is not None
    now = utc_now()
    built = build_conference_minutes(
        collect.minutes_data(
            conference, number="01/BB-BENCH", ended_at=now, approvals=len(conference.cluster.units)
        )
    )
    db.session.rollback()
    unsigned = add_signature_fields(built.content, built.spots)
    passphrase = "bench-passphrase-2016"  # noqa: S105 - a throwaway CA made for the measurement
    ca = pki.make_root_ca("Bench CA", "Luân Lưu bench", now=now, years=5, passphrase=passphrase)
    cert, key = pki.issue_signer(
        ca,
        passphrase,
        common_name="Nguyễn Văn Hùng",
        title="Chủ tọa",
        organization="Cụm thi đua",
        now=now,
        years=2,
    )
    chain = [pki.load_certificate(ca.certificate_pem)]
    first, second, checks = [], [], []
    fields = [spot.field for spot in built.spots]
    for _ in range(repeat):
        signed = unsigned
        for index, field in enumerate(fields[:2]):
            start = time.perf_counter()
            signed = pades.sign(
                signed,
                field=field,
                certificate=cert,
                key=key,
                chain=chain,
                certify=index == 0,
                stamp=pades.StampText("Nguyễn Văn Hùng", "Chủ tọa", to_aware(now)),
                reason="Ký biên bản",
                location="Hà Nội",
            )
            (first if index == 0 else second).append(1000 * (time.perf_counter() - start))
        start = time.perf_counter()
        reports = pades.validate(signed, chain)
        checks.append(1000 * (time.perf_counter() - start))
        assert len(reports) == min(2, len(fields))
    return (
        Timing("first (certifying) signature", first),
        Timing("second signature", second or [0.0]),
        Timing("validating the signed PDF", checks),
    )


def to_aware(moment: Any) -> Any:
    """Return a naive UTC time as an aware one."""
    from datetime import UTC

    return moment.replace(tzinfo=UTC)


def seed_big_round(ballots: int) -> int:
    """Seed a closed plaintext secret round with *ballots* ballots (bulk insert); return its id.

    An encrypted round's count is the trustees' decryption of the sum: ``bench/crypto.py`` times it.
    """
    with cheap_seeding(), plaintext_secret_rounds():
        cluster, units, chair, secretary, reps = make_cluster(903, 10, prefix="K")
        conference = start_conference(cluster, units, chair, secretary, reps, 2016, 0)
        round_ = open_round(conference, Office.LEADER, now=conference.starts_at + timedelta(hours=1))
        close_round(round_, now=conference.starts_at + timedelta(hours=2))
    candidates: list[int | None] = [c.unit_id for c in round_.candidates] + [None]
    round_id = round_.id
    db.session.commit()
    codes: set[str] = set()
    while len(codes) < ballots:
        codes.add(secrets.token_hex(8))
    rows = [
        {
            "id": secrets.token_hex(16),
            "round_id": round_id,
            "choice_unit_id": candidates[i % len(candidates)],
            "receipt_code": code,
        }
        for i, code in enumerate(codes)
    ]
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Ballot.__table__), rows[start : start + 5000])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE ballots"))
        db.session.commit()
    return int(round_id)


def time_count(round_id: int, repeat: int = 7) -> tuple[Timing, Timing, int, str]:
    """Time ``count_round`` and its GROUP BY alone from a cold session; return also the count and the plan."""
    runs, sql_runs, returned = [], [], 0
    columns = [Ballot.choice_unit_id] + ([Ballot.is_against] if hasattr(Ballot, "is_against") else [])
    query = sa.select(*columns, sa.func.count()).where(Ballot.round_id == round_id).group_by(*columns)
    for _ in range(repeat):
        db.session.expire_all()
        start = time.perf_counter()
        round_ = db.session.get(Round, round_id)
        assert round_ is not None
        returned = count_round(round_).returned
        runs.append(1000 * (time.perf_counter() - start))
        db.session.rollback()
        start = time.perf_counter()
        db.session.execute(query).all()
        sql_runs.append(1000 * (time.perf_counter() - start))
        db.session.rollback()
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    plan = " | ".join(str(row[-1]).strip() for row in db.session.execute(sa.text(prefix + str(compiled))))
    db.session.rollback()
    return Timing("count_round", runs), Timing("GROUP BY alone", sql_runs), returned, plan
