"""The bình xét pages: who may do what, and bad input answered with a message and nothing written."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.emulation.helpers import started_at
from tests.factories import UNIT_NAMES, Factories, representative, staff
from tests.helpers import confirm, post, text
from voting.auth.models import Role
from voting.emulation import scoring
from voting.emulation.models import CriteriaTable, Criterion, Evidence, Score
from voting.extensions import db
from voting.formatting import to_local, utc_now

PDF = b"%PDF-1.7\n%minh chung\n"


@dataclass(frozen=True)
class Scoring:
    """A committed 3-unit cluster whose table's self-score is open (deadlines from now on)."""

    cluster_id: int
    table_id: int
    units: list[int]
    items: dict[str, int]
    chair: str
    representatives: list[str]
    other_chair: str
    archivist: str


@pytest.fixture
def site(app: Flask, factories: Factories) -> Scoring:
    with app.app_context():
        cluster = factories.cluster(units=3)
        other = factories.cluster(units=2)
        table = started_at(cluster, utc_now())
        made = Scoring(
            cluster.id,
            table.id,
            [unit.id for unit in cluster.units],
            {item.code: item.id for item in table.items},
            staff(cluster, Role.CHAIR).username,
            [representative(unit).username for unit in cluster.units],
            staff(other, Role.CHAIR).username,
            factories.user(Role.ARCHIVIST).username,
        )
        db.session.commit()
        return made


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def _sheet(site: Scoring, unit: int = 0, stage: str = "self") -> str:
    return f"/emulation/tables/{site.table_id}/units/{site.units[unit]}/scores?stage={stage}"


def test_a_representative_enters_its_self_score_and_everyone_of_the_cluster_reads_it(
    app: Flask, site: Scoring, login: Callable[[str], FlaskClient]
) -> None:
    rep = login(site.representatives[0])
    data = {f"points_{site.items['1.1']}": "9,5", f"explanation_{site.items['1.1']}": "Theo báo cáo tổng kết"}
    response = post(rep, _sheet(site), data)
    assert response.status_code == 302
    assert _count(app, Score) == 1
    page = login(site.archivist).get(_sheet(site)).get_data(as_text=True)
    assert "9,5" in page and "Theo báo cáo tổng kết" in page
    assert f"(Đại biểu {UNIT_NAMES[0]}, " in page  # who entered it, and when
    ranking = login(site.representatives[1]).get(f"/emulation/tables/{site.table_id}/ranking")
    assert ranking.status_code == 200 and "<svg" in ranking.get_data(as_text=True)


def test_a_score_above_the_maximum_gets_a_message_and_nothing_is_written(
    app: Flask, site: Scoring, login: Callable[[str], FlaskClient]
) -> None:
    rep = login(site.representatives[0])
    data = {f"points_{site.items['1.1']}": "9", f"points_{site.items['1.2']}": "8"}
    response = post(rep, _sheet(site), data)
    assert response.status_code == 422
    assert "vượt quá điểm tối đa 7,5" in response.get_data(as_text=True)
    response = post(rep, _sheet(site), {f"points_{site.items['1.1']}": "mười"})
    assert response.status_code == 422 and "Điểm phải là một số" in response.get_data(as_text=True)
    assert _count(app, Score) == 0


def test_another_units_sheet_and_an_unassigned_cross_check_are_refused(
    app: Flask, site: Scoring, login: Callable[[str], FlaskClient]
) -> None:
    response = post(login(site.representatives[1]), _sheet(site, 0), {f"points_{site.items['1.1']}": "5"})
    assert response.status_code == 403
    response = post(
        login(site.representatives[1]), _sheet(site, 0, "cross"), {f"points_{site.items['1.1']}": "5"}
    )
    assert response.status_code == 409  # the cross-check is not open yet
    assert _count(app, Score) == 0


def test_a_locked_table_refuses_changes(
    app: Flask, site: Scoring, login: Callable[[str], FlaskClient]
) -> None:
    chair = login(site.chair)
    data = {"kind": "bonus", "code": "T9", "text": "Thêm", "max_points": "1"}
    response = post(chair, f"/emulation/tables/{site.table_id}/items", data)
    assert response.status_code == 409 and "đã khóa" in response.get_data(as_text=True)
    assert _count(app, Criterion) == 5


def test_the_chair_assigns_cross_checks_but_never_a_unit_to_itself(
    app: Flask, site: Scoring, login: Callable[[str], FlaskClient]
) -> None:
    url = f"/emulation/tables/{site.table_id}/assignments"
    chair = login(site.chair)
    same = post(chair, url, {"checker": site.units[0], "checked": site.units[0]})
    assert same.status_code == 422 and "không chấm chéo chính mình" in same.get_data(as_text=True)
    assert (
        post(
            login(site.representatives[0]), url, {"checker": site.units[0], "checked": site.units[1]}
        ).status_code
        == 403
    )
    assert (
        post(login(site.other_chair), url, {"checker": site.units[0], "checked": site.units[1]}).status_code
        == 403
    )
    assert post(chair, url, {"checker": site.units[0], "checked": site.units[1]}).status_code == 302
    with app.app_context():
        table = db.session.get(CriteriaTable, site.table_id)
        assert table is not None
        assert [(a.checker_unit_id, a.checked_unit_id) for a in scoring.assignments(table)] == [
            (site.units[0], site.units[1])
        ]


def test_evidence_must_be_a_pdf_jpeg_or_png(
    app: Flask, site: Scoring, login: Callable[[str], FlaskClient]
) -> None:
    rep = login(site.representatives[0])
    assert post(rep, _sheet(site), {f"points_{site.items['1.1']}": "9"}).status_code == 302
    url = f"/emulation/tables/{site.table_id}/units/{site.units[0]}/evidence"
    bad = post(rep, url, {"item_id": site.items["1.1"], "file": (io.BytesIO(b"<html>"), "a.pdf")})
    assert bad.status_code == 422 and "PDF, JPEG hoặc PNG" in bad.get_data(as_text=True)
    app.config["EMULATION_EVIDENCE_MAX_BYTES"] = 16
    try:
        big = post(rep, url, {"item_id": site.items["1.1"], "file": (io.BytesIO(PDF), "a.pdf")})
    finally:
        del app.config["EMULATION_EVIDENCE_MAX_BYTES"]
    assert big.status_code == 422 and "quá lớn" in big.get_data(as_text=True)
    assert _count(app, Evidence) == 0
    good = post(rep, url, {"item_id": site.items["1.1"], "file": (io.BytesIO(PDF), "bao-cao.pdf")})
    assert good.status_code == 302 and _count(app, Evidence) == 1
    with app.app_context():
        evidence_id = db.session.scalar(sa.select(Evidence.id))
    download = login(site.archivist).get(f"/emulation/evidence/{evidence_id}")
    assert download.data == PDF and download.headers["Content-Disposition"].startswith("attachment")
    assert login(site.other_chair).get(f"/emulation/evidence/{evidence_id}").status_code == 403


def test_an_import_with_bad_rows_lists_them_and_creates_nothing(
    app: Flask, site: Scoring, login: Callable[[str], FlaskClient]
) -> None:
    rows = "Loại,Mã,Nội dung,Điểm tối đa\nPhần,1,Một,\nTiêu chí,1.1,A,abc\nTiêu chí,1.2,,5\n"
    data = {"year": "2017", "title": "Bảng 2017", "file": (io.BytesIO(rows.encode()), "bang.csv")}
    response = post(login(site.chair), f"/clusters/{site.cluster_id}/emulation/import", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="import-problems"' in html
    assert "<td>3</td><td>Điểm tối đa</td>" in html and "<td>4</td><td>Nội dung</td>" in html
    assert _count(app, CriteriaTable) == 1


def test_the_ranking_csv_downloads_with_a_bom(site: Scoring, login: Callable[[str], FlaskClient]) -> None:
    response = login(site.archivist).get(f"/emulation/tables/{site.table_id}/ranking.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeffHạng".encode())


def test_another_clusters_chair_sees_nothing(site: Scoring, login: Callable[[str], FlaskClient]) -> None:
    other = login(site.other_chair)
    for url in (f"/clusters/{site.cluster_id}/emulation", f"/emulation/tables/{site.table_id}", _sheet(site)):
        assert other.get(url).status_code == 403


def test_the_chair_writes_a_table_on_screen_then_copies_it_forward(
    app: Flask, site: Scoring, login: Callable[[str], FlaskClient]
) -> None:
    chair = login(site.chair)
    created = post(
        chair, f"/clusters/{site.cluster_id}/emulation/tables", {"year": "2017", "title": "Bảng 2017"}
    )
    assert created.status_code == 302
    table_url = created.headers["Location"]
    assert (
        post(chair, f"{table_url}/sections", {"code": "1", "title": "Xây dựng lực lượng"}).status_code == 302
    )
    item = {
        "kind": "criterion",
        "section_code": "1",
        "code": "1.1",
        "text": "Xây dựng Đảng",
        "max_points": "10",
    }
    assert post(chair, f"{table_url}/items", item).status_code == 302
    over = post(chair, f"{table_url}/items", {**item, "code": "1.2", "max_points": "-1"})
    assert over.status_code == 422 and "không âm" in over.get_data(as_text=True)
    assert (
        post(chair, f"{table_url}/tie-rules", {"kind": "section_higher", "subject_code": "1"}).status_code
        == 302
    )
    page = chair.get(table_url).get_data(as_text=True)
    assert "Xây dựng Đảng" in page and "Điểm phần 1 cao hơn" in page
    soon = [(to_local(utc_now()) + timedelta(days=day)).strftime("%Y-%m-%dT%H:%M") for day in (1, 2, 3, 4)]
    names = ["self_deadline", "cross_deadline", "review_deadline", "second_review_deadline"]
    backwards = post(chair, f"{table_url}/start", dict(zip(names, reversed(soon), strict=True)))
    assert backwards.status_code == 422 and "theo thứ tự các giai đoạn" in backwards.get_data(as_text=True)
    assert confirm(chair, f"{table_url}/start", dict(zip(names, soon, strict=True))).status_code == 302
    assert "Bảng đã khóa từ" in chair.get(table_url).get_data(as_text=True)
    copied = post(chair, f"{table_url}/copy")
    assert copied.status_code == 302
    assert "Bảng 2017" not in chair.get(copied.headers["Location"]).get_data(as_text=True)  # "Bảng 2018"
    assert post(login(site.representatives[0]), f"{table_url}/copy").status_code == 403
    assert _count(app, CriteriaTable) == 3


def test_the_pages_and_refusals_speak_english_on_request(
    site: Scoring, login: Callable[[str], FlaskClient]
) -> None:
    rep = login(site.representatives[0])
    rep.get("/?lang=en")
    assert "Cross-check assignments" in rep.get(f"/emulation/tables/{site.table_id}").get_data(as_text=True)
    refused = post(rep, _sheet(site), {f"points_{site.items['1.2']}": "8"})
    assert "The points of item 1.2 exceed its maximum of 7.5." in refused.get_data(as_text=True)


def test_points_are_written_in_the_readers_language(
    site: Scoring, login: Callable[[str], FlaskClient]
) -> None:
    rep = login(site.representatives[0])
    assert post(rep, _sheet(site), {f"points_{site.items['1.2']}": "6,25"}).status_code == 302
    ranking = f"/emulation/tables/{site.table_id}/ranking"
    assert ">7,5</td>" in text(rep.get(_sheet(site))) and "<strong>6,25</strong>" in text(rep.get(ranking))
    rep.get("/?lang=en")
    sheet = text(rep.get(_sheet(site)))
    assert ">7.5</td>" in sheet and 'value="6.25"' in sheet  # typed back as it is shown
    assert "<strong>6.25</strong>" in text(rep.get(ranking)) and ">6.25</text>" in text(rep.get(ranking))
    assert post(rep, _sheet(site), {f"points_{site.items['1.2']}": "6.25"}).status_code == 302


def test_the_index_lists_the_clusters_one_reads(site: Scoring, login: Callable[[str], FlaskClient]) -> None:
    archive = login(site.archivist).get("/emulation").get_data(as_text=True)
    assert (
        f"/clusters/{site.cluster_id}/emulation" in archive
        and f"/emulation/tables/{site.table_id}/ranking" in archive
    )
    other = login(site.other_chair).get("/emulation").get_data(as_text=True)
    assert f"/clusters/{site.cluster_id}/emulation" not in other and 'href="/emulation"' in other
