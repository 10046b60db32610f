"""Starting the scoring and closing a stage act only when confirmed; unconfirmed, they ask, in numbers."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.emulation.helpers import build_table, item, started_at
from tests.factories import Factories, representative, staff
from tests.helpers import confirm, post, text
from voting.auth.models import Role
from voting.emulation import scoring
from voting.emulation.models import CriteriaTable, Stage
from voting.extensions import db
from voting.formatting import to_local, utc_now

Login = Callable[[str], FlaskClient]
NAMES = ["self_deadline", "cross_deadline", "review_deadline", "second_review_deadline"]


def _hidden(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


def _table(app: Flask, table_id: int) -> CriteriaTable:
    with app.app_context():
        found = db.session.get(CriteriaTable, table_id)
        assert found is not None
        found.stages  # noqa: B018 - loaded before the session ends
        db.session.expunge_all()
        return found


@pytest.fixture
def unstarted(app: Flask, factories: Factories) -> tuple[int, str]:
    """An 8-unit cluster's table, not started: (table id, the chair's username)."""
    with app.app_context():
        cluster = factories.cluster(units=8)
        table = build_table(cluster)
        db.session.commit()
        return table.id, staff(cluster, Role.CHAIR).username


def test_starting_asks_what_locks_and_one_click_locks_nothing(
    app: Flask, unstarted: tuple[int, str], login: Login
) -> None:
    table_id, chair_name = unstarted
    chair = login(chair_name)
    url = f"/emulation/tables/{table_id}"
    question = "Khóa bảng tiêu chí (5 mục) và bắt đầu chấm điểm cho 8 đơn vị?"
    assert f'data-confirm="{question}' in html.unescape(text(chair.get(url))).replace("&#34;", '"')
    soon = [(to_local(utc_now()) + timedelta(days=day)).strftime("%Y-%m-%dT%H:%M") for day in (1, 2, 3, 4)]
    deadlines = dict(zip(NAMES, soon, strict=True))
    asked = post(chair, f"{url}/start", deadlines)
    page = text(asked)
    assert asked.status_code == 409 and question in page
    assert _hidden(page) == {**deadlines, "confirmed": "1"} and f'action="{url}/start"' in page
    assert not _table(app, table_id).is_locked
    done = confirm(chair, f"{url}/start", deadlines)
    assert done.status_code == 302 and _table(app, table_id).is_locked


def test_a_start_with_a_missing_deadline_is_refused_before_asking(
    app: Flask, unstarted: tuple[int, str], login: Login
) -> None:
    table_id, chair_name = unstarted
    refused = post(login(chair_name), f"/emulation/tables/{table_id}/start", {"self_deadline": ""})
    assert refused.status_code == 422 and not _table(app, table_id).is_locked


@pytest.fixture
def scoring_site(app: Flask, factories: Factories) -> tuple[int, str]:
    """The 8-unit table, started: 6 units self-scored every item, 7 cross-checks assigned."""
    with app.app_context():
        cluster = factories.cluster(units=8)
        chair, now = staff(cluster, Role.CHAIR), utc_now()
        table = started_at(cluster, now)
        units = cluster.units
        for unit in units[:6]:
            entries = [scoring.Entry(found, found.max_points) for found in table.items]
            scoring.enter_scores(table, Stage.SELF, unit, entries, by=representative(unit), now=now)
        for index, unit in enumerate(units[:7]):
            scoring.assign_cross_check(table, units[index + 1], unit, by=chair, now=now)
        db.session.commit()
        return table.id, chair.username


def test_closing_the_self_score_asks_how_many_units_have_not_scored(
    app: Flask, scoring_site: tuple[int, str], login: Login
) -> None:
    table_id, chair_name = scoring_site
    chair = login(chair_name)
    url = f"/emulation/tables/{table_id}"
    question = (
        "Còn 2/8 đơn vị chưa tự chấm đủ. 1/8 đơn vị chưa được phân công chấm chéo; "
        "sau khi kết thúc không đổi phân công được nữa. "
        "Kết thúc giai đoạn tự chấm? Không thể mở lại giai đoạn này."
    )
    assert question in html.unescape(text(chair.get(url)))
    asked = post(chair, f"{url}/close", {"stage": "self"})
    assert asked.status_code == 409 and question in html.unescape(text(asked))
    assert _table(app, table_id).stages[0].closed_at is None  # one click does nothing
    assert (
        post(login(representative_name(app, table_id)), f"{url}/close", {"stage": "self"}).status_code == 403
    )
    done = confirm(chair, f"{url}/close", {"stage": "self"})
    assert done.status_code == 302 and _table(app, table_id).stages[0].closed_at is not None
    cross = "Còn 8/8 đơn vị chưa được chấm chéo đủ. Kết thúc giai đoạn chấm chéo?"
    assert cross in html.unescape(text(chair.get(url)))
    chair.get("/?lang=en")
    english = "8/8 units have not been fully cross-checked. Close the cross-check stage?"
    assert english in html.unescape(text(chair.get(url)))


def test_closing_a_review_says_how_many_units_it_changed(
    app: Flask, scoring_site: tuple[int, str], login: Login
) -> None:
    table_id, chair_name = scoring_site
    chair = login(chair_name)
    url = f"/emulation/tables/{table_id}"
    for stage in ("self", "cross"):
        assert confirm(chair, f"{url}/close", {"stage": stage}).status_code == 302
    with app.app_context():
        table = db.session.get(CriteriaTable, table_id)
        assert table is not None
        unit = table.cluster.units[0]
        entry = scoring.Entry(item(table, "1.1"), item(table, "1.1").max_points - 1, "Thiếu minh chứng")
        scoring.enter_scores(
            table, Stage.REVIEW, unit, [entry], by=staff(table.cluster, Role.CHAIR), now=utc_now()
        )
        db.session.commit()
    asked = post(chair, f"{url}/close", {"stage": "review"})
    assert asked.status_code == 409
    assert "Đã sửa điểm của 1/8 đơn vị; các đơn vị khác giữ điểm của giai đoạn trước." in text(asked)


def representative_name(app: Flask, table_id: int) -> str:
    """Return the username of the table's first unit's representative."""
    with app.app_context():
        table = db.session.get(CriteriaTable, table_id)
        assert table is not None
        return representative(table.cluster.units[0]).username
