"""The ranking page's SQL statements do not grow with the units (an N+1 cannot come back)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient

from tests.emulation.helpers import started_at
from tests.factories import Factories, representative, staff
from tests.helpers import statements
from voting.auth.models import Role
from voting.emulation import scoring
from voting.emulation.models import Stage
from voting.extensions import db
from voting.formatting import utc_now

#: what the ranking page runs, whatever the units and sections: the account, the table and its cluster,
#: its items, stages, sections and tie rules, the cluster's units, and the scores in one query
RANKING_STATEMENTS = 9


def _scored_table(factories: Factories, units: int) -> tuple[int, str]:
    """Return a table whose units all self-scored and half were cross-checked, and its chair's username."""
    cluster = factories.cluster(units=units)
    chair, now = staff(cluster, Role.CHAIR), utc_now()
    table = started_at(cluster, now)
    members = scoring.members(table)
    for index, unit in enumerate(members):
        entries = [
            scoring.Entry(item, item.max_points - index % 3) for item in table.items if item.max_points >= 2
        ]
        scoring.enter_scores(table, Stage.SELF, unit, entries, by=representative(unit), now=now)
        scoring.assign_cross_check(table, members[(index + 1) % units], unit, by=chair, now=now)
    scoring.close_stage(table, Stage.SELF, by=chair, now=now)
    for index, unit in enumerate(members[: units // 2]):
        checker = representative(members[(index + 1) % units])
        entries = [scoring.Entry(table.items[0], Decimal(index % 5))]
        scoring.enter_scores(table, Stage.CROSS, unit, entries, by=checker, now=now)
    db.session.commit()
    return table.id, chair.username


def test_the_ranking_page_runs_as_many_statements_for_3_units_as_for_24(
    app: Flask, factories: Factories, login: Callable[[str], FlaskClient]
) -> None:
    counted = {}
    for units in (3, 24):
        with app.app_context():
            table_id, chair_name = _scored_table(factories, units)
            engine = db.engine
        chair = login(chair_name)
        path = f"/emulation/tables/{table_id}/ranking"
        chair.get(path)  # the first request of a client loads what later ones find cached
        with statements(engine, queries_only=True) as seen:
            reply = chair.get(path)
        assert reply.status_code == 200 and reply.get_data(as_text=True).count('<th scope="row">') == units
        counted[units] = len(seen)
    assert counted == {3: RANKING_STATEMENTS, 24: RANKING_STATEMENTS}
