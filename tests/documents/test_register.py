"""The register of outgoing documents: numbers per cluster and calendar year, under concurrent issue."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.factories import Stage
from tests.helpers import ENDED_AT, statements
from voting.conferences.models import Conference
from voting.documents.archive import conference_documents
from voting.documents.models import Document, DocumentKind
from voting.documents.numbering import next_sequence, register_year
from voting.documents.register import register, register_csv
from voting.extensions import db

MakeConference = Callable[..., Conference]


def numbers(conference: Conference) -> list[str]:
    """Return the conference's document numbers in numbering order."""
    return [document.number for document in conference_documents(conference)]


def test_two_conferences_of_a_cluster_in_one_year_continue_one_register(
    make_conference: MakeConference,
) -> None:
    """Decree 30 Art 15.1: per issuing body and calendar year. It numbered per conference: "01" twice."""
    review_2015 = make_conference(Stage.MINUTES_ISSUED, year=2015, held_in=2016)
    cluster, code = review_2015.cluster, review_2015.cluster.code
    review_2016 = make_conference(Stage.MINUTES_ISSUED, cluster=cluster, year=2016)
    assert register_year(review_2015) == register_year(review_2016) == 2016
    assert numbers(review_2015) == [f"0{n}/BB-{code}" for n in (1, 2, 3, 4)]
    assert numbers(review_2016) == [f"0{n}/BB-{code}" for n in (5, 6, 7, 8)]
    # a new calendar year starts again at 01
    review_2017 = make_conference(Stage.MINUTES_ISSUED, cluster=cluster, year=2017)
    assert numbers(review_2017)[0] == f"01/BB-{code}"
    assert {d.register_year for d in conference_documents(review_2017)} == {2017}
    # another cluster keeps its own register
    other = make_conference(Stage.MINUTES_ISSUED, year=2016)
    assert numbers(other)[0] == f"01/BB-{other.cluster.code}"
    # the register of 2016 lists the cluster's eight numbers, with what each records
    lines = register(cluster_id=cluster.id, year=2016)
    assert [line.number for line in lines] == numbers(review_2015) + numbers(review_2016)
    first = lines[0]
    assert first.summary.startswith("Biên bản kiểm phiếu bầu Cụm trưởng – Hội nghị tổng kết")
    assert first.summary.endswith("năm 2015") and first.kind == "Biên bản kiểm phiếu"
    assert f"{first.dated_on:%Y}" == "2016" and first.retention == "Vĩnh viễn"
    assert first.recipients[-1] == "Lưu: VT, Hồ sơ." and first.file_code == f"{code}/HNTK/2015"
    assert lines[-1].signers == [
        f"{review_2016.secretary.full_name} (Thư ký)",
        f"{review_2016.chair.full_name} (Chủ tọa)",
    ]
    assert {line.year for line in register(cluster_id=cluster.id)} == {2016, 2017}
    csv_text = register_csv(
        register(cluster_id=cluster.id, year=2017, retention={"counting_minutes": "70 năm"})
    )
    rows = list(csv.reader(io.StringIO(csv_text.removeprefix("\ufeff"))))
    assert rows[0][:4] == ["Cụm thi đua", "Năm", "Số, ký hiệu", "Ngày tháng"]
    assert rows[1][2] == f"01/BB-{code}" and rows[1][3] == "11/11/2017" and rows[1][9] == "70 năm"
    assert len(rows) == 5


def test_the_database_refuses_a_number_twice_in_a_register(make_conference: MakeConference) -> None:
    conference = make_conference(Stage.MINUTES_ISSUED)
    first = conference_documents(conference)[0]
    duplicate = Document(
        conference=conference,
        kind=DocumentKind.HANDOVER_MINUTES,
        cluster_id=first.cluster_id,
        register_year=first.register_year,
        sequence=first.sequence,
        number="99/BB-X",
        filename="x.pdf",
        issued_at=ENDED_AT,
        issued_by_id=conference.chair_id,
        replaced_at=ENDED_AT,  # out of force: only the register's key can refuse it
    )
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(duplicate)
        db.session.flush()


@pytest.mark.commits  # the threads read what this test commits
def test_twenty_concurrent_numbers_are_distinct(app: Flask, conference: Conference) -> None:
    """Twenty transactions take the cluster's next number at once: 1…20, each committed once."""
    cluster_id, conference_id, chair_id = conference.cluster_id, conference.id, conference.chair_id
    db.session.commit()
    count = 20
    barrier = threading.Barrier(count)
    taken: list[int | str] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                sequence = next_sequence(cluster_id, 2030)
                db.session.add(
                    Document(
                        conference_id=conference_id,
                        kind=DocumentKind.HANDOVER_MINUTES,
                        cluster_id=cluster_id,
                        register_year=2030,
                        sequence=sequence,
                        number=f"{sequence:02d}/BB-X",
                        filename=f"{index}.pdf",
                        issued_at=ENDED_AT + timedelta(seconds=index),
                        issued_by_id=chair_id,
                        # rows out of force, so that one conference can hold twenty of a kind
                        replaced_at=ENDED_AT,
                    )
                )
                db.session.commit()
                outcome: int | str = sequence
            except Exception as error:  # any error fails the assertion below
                db.session.rollback()
                outcome = repr(error)
            finally:
                db.session.remove()
            with lock:
                taken.append(outcome)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert sorted(taken, key=str) == sorted(range(1, count + 1), key=str)
    stored = db.session.scalars(
        sa.select(Document.sequence).where(Document.cluster_id == cluster_id, Document.register_year == 2030)
    )
    assert sorted(stored) == list(range(1, count + 1))


def _statements_of_register(cluster_id: int) -> int:
    """Return how many SQL statements building a cluster's register runs, from a cold session."""
    db.session.expunge_all()
    with statements(db.session.get_bind()) as seen:
        register(cluster_id=cluster_id)
    return len(seen)


def test_the_register_runs_the_same_statements_for_one_conference_or_three(
    make_conference: MakeConference,
) -> None:
    """No query per line: the documents, their conferences, versions and replacements load in bulk."""
    first = make_conference(Stage.MINUTES_ISSUED, year=2014)
    cluster_id = first.cluster.id
    one = _statements_of_register(cluster_id)
    for year in (2015, 2016):
        make_conference(
            Stage.MINUTES_ISSUED, cluster=db.session.get(type(first.cluster), cluster_id), year=year
        )
    assert len(register(cluster_id=cluster_id)) == 12
    assert _statements_of_register(cluster_id) == one
