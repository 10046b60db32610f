"""The archive's full-text search: PostgreSQL tsvector or SQLite FTS5 over the folded search text."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from tests.factories import UNIT_NAMES, Factories, Stage
from voting.conferences.models import Conference
from voting.documents.archive import archive
from voting.documents.models import DocumentVersion
from voting.documents.search import words
from voting.extensions import db
from voting.formatting import fold

MakeConference = Callable[..., Conference]


@pytest.fixture
def make_conference(factories: Factories) -> MakeConference:
    """Conferences of a cluster whose last unit is the "Phòng Hậu cần" the searches look for."""

    def make(stage: Stage) -> Conference:
        cluster = factories.cluster(unit_names=[*UNIT_NAMES[:7], "Phòng Hậu cần"])
        return factories.conference(stage, cluster=cluster)

    return make


def test_fold_drops_the_diacritics_and_writes_d_for_đ() -> None:
    assert fold("Phòng Hậu cần") == "phong hau can"
    assert fold("ĐẢNG Ủy") == fold("đảng ủy") == "dang uy"
    assert words("  Hậu-cần, «Đội» 7!") == ["hau", "can", "doi", "7"]
    assert words("!!! … _") == []


def test_the_search_finds_a_unit_with_or_without_its_diacritics(make_conference: MakeConference) -> None:
    conference = make_conference(Stage.MINUTES_ISSUED)
    assert "Phòng Hậu cần" in [unit.name for unit in conference.cluster.units]
    for query in ("hau can", "Hậu cần", "HẬU CẦN", "hậu", "Hau ca", "cần hậu", "phong hau can"):
        found = archive(text=query)
        assert found and {entry.document.conference_id for entry in found} == {conference.id}, query
        assert archive(unit=query) == found, query


def test_a_word_no_document_holds_finds_nothing(make_conference: MakeConference) -> None:
    make_conference(Stage.MINUTES_ISSUED)
    assert archive(text="hau can") != []
    assert archive(text="hau can xyzzy") == []  # every word must be there
    assert archive(text="au can") == []  # a word matches from its start, not inside another
    assert len(archive(text="!!!")) == len(archive())  # no word: no filter (and no error)


def test_the_index_follows_the_rows_written_changed_and_removed(make_conference: MakeConference) -> None:
    """SQLite's FTS5 table is kept by triggers; PostgreSQL's index by the database itself."""
    conference = make_conference(Stage.MINUTES_ISSUED)
    version = db.session.scalars(sa.select(DocumentVersion).order_by(DocumentVersion.id)).first()
    assert version is not None
    version.search_text = fold("Biên bản có từ lạ Quýnh")
    db.session.flush()
    assert [e.document.id for e in archive(text="quynh")] == [version.document_id]
    others = {e.document.id for e in archive(text="hau can")}
    assert version.document_id not in others and others
    files = list(version.files)
    for file in files:
        db.session.delete(file)
    db.session.delete(version)
    db.session.flush()
    assert archive(text="quynh") == []
    assert {e.document.conference_id for e in archive(text="hau can")} == {conference.id}


def test_the_search_index_is_there_at_the_head_of_the_migrations() -> None:
    """A batch migration that rebuilds document_versions on SQLite would drop the triggers silently."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        names = set(
            connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')"
            ).scalars()
        )
        assert {"document_search", "document_search_ai", "document_search_ad", "document_search_au"} <= names
    else:
        index = connection.exec_driver_sql(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_document_versions_search'"
        ).scalar()
        assert index is not None and "gin (search_vector)" in index
