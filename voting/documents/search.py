"""The archive's full-text search, in the database's own engine: PostgreSQL tsvector, SQLite FTS5.

Both index ``document_versions.search_text``, the version's texts folded in Python (``formatting.fold``:
no diacritics, đ as d), so "hau can" and "Hậu cần" find the same documents without ``unaccent``
(which needs CREATE EXTENSION). PostgreSQL: a GIN index on the stored generated column
``search_vector = to_tsvector('simple', search_text)``;
SQLite: the FTS5 table ``document_search`` (external content, kept in sync by triggers). Both are
created by the migration 5c1f0e2d7a90. Every word of the query must start a word of the document.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from voting.clusters.models import Cluster
from voting.documents.models import DocumentVersion
from voting.extensions import db
from voting.formatting import fold, nfc

#: the FTS5 table of SQLite (and its shadow tables) and the GIN index of PostgreSQL: built by raw DDL in
#: the migration, not described by the models, so Alembic's comparisons leave them out (include_object)
FTS_TABLE = "document_search"
GIN_INDEX = "ix_document_versions_search"
#: PostgreSQL's stored column to_tsvector('simple', search_text), which the GIN index indexes
VECTOR_COLUMN = "search_vector"


def include_object(
    _object: object, name: str | None, _type: str, reflected: bool, compare_to: object
) -> bool:
    """Leave the search's own tables and index out of Alembic's comparisons (``db check``, autogenerate)."""
    return not (
        reflected
        and compare_to is None
        and name is not None
        and name.startswith((FTS_TABLE, GIN_INDEX, VECTOR_COLUMN))
    )


_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """Return the folded words of a query: "Hậu cần!" gives ["hau", "can"]."""
    return _WORD.findall(fold(nfc(text)))


def matching_documents(text: str) -> sa.Select[tuple[int]] | None:
    """Return a query of the ids of documents one of whose versions holds every word (as a prefix).

    None when the text has no word (punctuation only): such a filter selects nothing away.
    """
    terms = words(text)
    if not terms:
        return None
    condition: sa.ColumnElement[bool]
    if db.session.get_bind().dialect.name == "postgresql":
        # the expression must be the index's, word for word, for the planner to use the GIN index
        simple: sa.ColumnElement[str] = sa.literal_column("'simple'")
        condition = sa.literal_column(f"{DocumentVersion.__tablename__}.{VECTOR_COLUMN}").bool_op("@@")(
            sa.func.to_tsquery(simple, " & ".join(f"{term}:*" for term in terms))
        )
    else:
        condition = DocumentVersion.id.in_(
            sa.select(sa.column("rowid"))
            .select_from(sa.table(FTS_TABLE))
            .where(sa.text(f"{FTS_TABLE} MATCH :query").bindparams(query=" ".join(f'"{t}"*' for t in terms)))
        )
    return sa.select(DocumentVersion.document_id).where(condition)


#: the archive's cluster list offers at most this many of the clusters a typed name matches
CLUSTER_CHOICES = 20


def clusters_named(text: str) -> list[tuple[int, str]] | None:
    """Return (id, name) of the clusters whose name holds every word of *text* as a word's start, by name.

    None when the text has no word: such a filter selects nothing away. The names are folded here,
    as the documents' texts are, so "cum so 4" finds «Cụm thi đua số 4»; a province has hundreds of
    clusters, not the documents' hundreds of thousands, so no index is needed.
    """
    terms = words(text)
    if not terms:
        return None
    clusters = db.session.execute(sa.select(Cluster.id, Cluster.name).order_by(Cluster.name)).tuples()
    return [
        (id_, name)
        for id_, name in clusters
        if all(any(word.startswith(term) for word in words(name)) for term in terms)
    ]


def cluster_choices(selected: int | None, named: list[tuple[int, str]] | None) -> list[tuple[int, str]]:
    """Return the clusters the archive's list offers: the selected one, then the first matches of a name.

    The list stays short whatever the number of clusters: a cluster is found by typing its name.
    """
    chosen = (
        list(db.session.execute(sa.select(Cluster.id, Cluster.name).where(Cluster.id == selected)).tuples())
        if selected
        else []
    )
    return chosen + [row for row in named or [] if row[0] != selected][:CLUSTER_CHOICES]
