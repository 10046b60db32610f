"""The archive's cluster filter: a typed name (folded) and a short list, whatever the number of clusters."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site, Stage
from tests.helpers import text
from voting.clusters.models import Cluster
from voting.documents.search import CLUSTER_CHOICES, cluster_choices, clusters_named
from voting.extensions import db
from voting.formatting import fold

MakeSite = Callable[..., Site]
#: the options of the archive form's cluster list
CLUSTER_SELECT = re.compile(r'<select[^>]*name="cluster"[^>]*>(.*?)</select>', re.S)


def _options(page: str) -> list[str]:
    """Return the labels of the cluster list's options."""
    match = CLUSTER_SELECT.search(page)
    assert match is not None
    return re.findall(r"<option[^>]*>([^<]*)</option>", match.group(1))


def _name(app: Flask, site: Site) -> str:
    with app.app_context():
        cluster = db.session.get(Cluster, site.cluster_id)
        assert cluster is not None
        return cluster.name


def test_the_list_offers_only_the_selection_and_the_clusters_a_typed_name_finds(
    app: Flask, make_site: MakeSite, login: Callable[[str], FlaskClient]
) -> None:
    first, second = make_site(Stage.MINUTES_ISSUED), make_site(Stage.MINUTES_ISSUED)
    first_name, second_name = _name(app, first), _name(app, second)
    archivist = login(first.archivist)

    everything = text(archivist.get("/archive"))
    assert _options(everything) == ["Tất cả"]  # no cluster listed until one is asked for
    assert first_name in everything and second_name in everything  # the documents of both

    typed = text(archivist.get(f"/archive?cluster_name={fold(second_name)}"))  # no diacritics
    assert _options(typed) == ["Tất cả", second_name]
    assert f"{second_name}<br>" in typed and f"{first_name}<br>" not in typed

    chosen = text(archivist.get(f"/archive?cluster={first.cluster_id}"))
    assert _options(chosen) == ["Tất cả", first_name]
    assert f'<option selected value="{first.cluster_id}">' in chosen
    assert f"{first_name}<br>" in chosen and f"{second_name}<br>" not in chosen

    assert "Không có tài liệu" in text(archivist.get("/archive?cluster_name=xyzzy"))
    assert archivist.get("/archive?cluster=999999").status_code == 200  # an unknown id: no list, no error


def test_a_typed_name_matches_word_starts_and_the_list_is_bounded(app: Flask) -> None:
    with app.app_context():
        for i in range(CLUSTER_CHOICES + 5):
            db.session.add(
                Cluster(
                    code=f"TK{i}",
                    name=f"Cụm thi đua khối Tỉnh số {i}",
                    parent_body="Công an tỉnh",
                    city="Hà Nội",
                )
            )
        db.session.flush()
        found = clusters_named("cum KHOI tinh")
        assert found is not None and len(found) == CLUSTER_CHOICES + 5
        assert clusters_named("hoi") == []  # inside a word: no match
        assert clusters_named("!!!") is None  # no word: no filter
        choices = cluster_choices(found[-1][0], found)
        assert len(choices) == CLUSTER_CHOICES + 1 and choices[0] == found[-1]
        db.session.rollback()


def test_the_register_lists_only_the_selection_and_the_clusters_a_typed_name_finds(
    app: Flask, make_site: MakeSite, login: Callable[[str], FlaskClient]
) -> None:
    """The register's cluster list is the archive's: it stays short however many clusters there are."""
    first, second = make_site(Stage.MINUTES_ISSUED), make_site(Stage.MINUTES_ISSUED)
    first_name, second_name = _name(app, first), _name(app, second)
    archivist = login(first.archivist)

    everything = text(archivist.get("/register"))
    assert _options(everything) == ["Tất cả"]
    assert f"{first_name}<br>" in everything and f"{second_name}<br>" in everything

    typed = text(archivist.get(f"/register?cluster_name={fold(second_name)}"))
    assert _options(typed) == ["Tất cả", second_name]
    assert f"{second_name}<br>" in typed and f"{first_name}<br>" not in typed
    assert f"cluster_name={fold(second_name).replace(' ', '+')}" in typed  # the CSV link keeps the name

    chosen = text(archivist.get(f"/register?cluster={first.cluster_id}"))
    assert _options(chosen) == ["Tất cả", first_name]
    assert f"{first_name}<br>" in chosen and f"{second_name}<br>" not in chosen
    csv = archivist.get(f"/register.csv?cluster_name={fold(second_name)}").get_data(as_text=True)
    assert second_name in csv and first_name not in csv
