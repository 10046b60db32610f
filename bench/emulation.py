"""The scoring day at scale: 60 units × 40 criteria, through the pages (in process, Flask's test client).

Seeds one cluster of 60 units and a 40-criterion table (plus a bonus and a penalty item), then times
what the chair and the representatives wait for: a representative saving its 40 self-scores, the
chair's table page and review sheet, closing each stage (timed once each: a stage closes once), and
the ranking page and CSV. Each figure gives the median ms and the SQL statements of one request.
Run alone: ``python -m bench --only emulation``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from bench.client import median
from bench.province import statements
from bench.seed import cheap_seeding, make_cluster
from bench.sessions import signed_session
from voting.auth.models import User
from voting.emulation import scoring
from voting.emulation.models import CriteriaTable, ItemKind, Stage, TieRuleKind
from voting.emulation.table import ItemSpec, TableContent, create_table
from voting.extensions import db
from voting.formatting import utc_now

UNITS = 60
CRITERIA = 40
SECTIONS = 4
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def content() -> TableContent:
    """Return a table of 40 criteria in 4 sections, a bonus and a penalty item, two tie rules."""
    per_section = CRITERIA // SECTIONS
    items = [
        ItemSpec(
            ItemKind.CRITERION,
            f"{s + 1}.{i + 1}",
            f"Tiêu chí {s + 1}.{i + 1}: hoàn thành chỉ tiêu công tác",
            Decimal(5 + i % 6),
            str(s + 1),
        )
        for s in range(SECTIONS)
        for i in range(per_section)
    ]
    items += [
        ItemSpec(ItemKind.BONUS, "T1", "Sáng kiến được công nhận", Decimal(3)),
        ItemSpec(ItemKind.PENALTY, "TR1", "Cán bộ vi phạm kỷ luật", Decimal(5)),
    ]
    return TableContent(
        sections=[(str(s + 1), f"Phần {s + 1}") for s in range(SECTIONS)],
        items=items,
        tie_rules=[(TieRuleKind.SECTION_HIGHER, "1"), (TieRuleKind.PENALTY_FEWER, "")],
    )


def _points(unit_index: int, item_index: int, max_points: Decimal, shift: int = 0) -> Decimal:
    """Return a varied, valid score: most items near the maximum, quarter points now and then."""
    return max(Decimal(0), max_points - Decimal((unit_index * 7 + item_index * 3 + shift) % 9) / 4)


def seed() -> dict[str, Any]:
    """Create the cluster, its table with scoring started, and 59 units' self-scores (unit 1 is timed)."""
    now = utc_now()
    with cheap_seeding():
        cluster, units, chair, _secretary, reps = make_cluster(1, UNITS, prefix="E")
    table = create_table(cluster, 2026, "Bảng tiêu chí năm 2026", content=content(), by=chair, now=now)
    deadlines = {stage: now + timedelta(days=1 + index) for index, stage in enumerate(Stage)}
    scoring.start_scoring(table, deadlines, by=chair, now=now)
    for index, (unit, rep) in enumerate(zip(units, reps, strict=True)):
        if index:
            entries = [
                scoring.Entry(item, _points(index, i, item.max_points))
                for i, item in enumerate(table.items)
                if item.kind is ItemKind.CRITERION
            ]
            scoring.enter_scores(table, Stage.SELF, unit, entries, by=rep, now=now)
    db.session.commit()
    return {
        "table": table.id,
        "units": [unit.id for unit in units],
        "chair": chair.id,
        "reps": [rep.id for rep in reps],
        "rep_of": {unit.id: rep.id for unit, rep in zip(units, reps, strict=True)},
    }


def _client(app: Flask, user_id: int) -> tuple[FlaskClient, str]:
    cookie, token = signed_session(app, user_id)
    client = app.test_client()
    for pair in cookie.split("; "):
        name, value = pair.split("=", 1)
        client.set_cookie(name, value)
    return client, token


def _timed(app: Flask, request: Callable[[], Any], repeat: int, expect: int = 200) -> dict[str, Any]:
    """Run *request* *repeat* times; return the median ms and one run's statements."""
    with app.app_context():
        engine = db.engine
    runs, counted = [], 0
    for _ in range(repeat):
        with statements(engine, queries_only=True) as seen:
            start = time.perf_counter()
            reply = request()
            runs.append(1000 * (time.perf_counter() - start))
        assert reply.status_code == expect, (reply.status_code, reply.get_data(as_text=True)[:500])
        counted = len(seen)
    return {"ms": median(runs), "statements": counted, "runs": repeat}


def _sheet_form(
    item_ids: list[int], unit_index: int, shift: int, maxima: list[Decimal], why: str = ""
) -> dict[str, str]:
    form = {}
    for i, (item_id, top) in enumerate(zip(item_ids, maxima, strict=True)):
        form[f"points_{item_id}"] = str(_points(unit_index, i, top, shift))
        form[f"explanation_{item_id}"] = why or "Theo báo cáo tổng kết năm"
    return form


def _close(app: Flask, chair: FlaskClient, token: str, table_id: int, stage: Stage) -> dict[str, Any]:
    def close() -> Any:
        form = {"csrf_token": token, "stage": stage.value, "confirmed": "1"}
        return chair.post(f"/emulation/tables/{table_id}/close", data=form)

    return _timed(app, close, 1, expect=302)


def measure(app: Flask, repeat: int = 5) -> dict[str, dict[str, Any]]:
    """Seed the scoring day and time its requests; return {label: figures}."""
    with app.app_context():
        start = time.perf_counter()
        seeded = seed()
        table = db.session.get(CriteriaTable, seeded["table"])
        assert table is not None
        criteria = [item for item in table.items if item.kind is ItemKind.CRITERION]
        item_ids, maxima = [item.id for item in criteria], [item.max_points for item in criteria]
        seed_s = time.perf_counter() - start
        db.session.remove()
    print(f"emulation: {UNITS} units × {CRITERIA} criteria seeded in {seed_s:.1f} s", flush=True)
    table_id, units = seeded["table"], seeded["units"]
    base = f"/emulation/tables/{table_id}"
    chair, chair_token = _client(app, seeded["chair"])
    rep, rep_token = _client(app, seeded["reps"][0])
    out: dict[str, dict[str, Any]] = {}
    shifts = iter(range(1000))

    def save_self() -> Any:
        form = {"csrf_token": rep_token, **_sheet_form(item_ids, 0, next(shifts), maxima)}
        return rep.post(f"{base}/units/{units[0]}/scores?stage=self", data=form)

    out["representative: save 40 self-scores (first save)"] = _timed(app, save_self, 1, expect=302)
    out["representative: save 40 self-scores (every one changed)"] = _timed(app, save_self, repeat, 302)
    out["chair: table page (60 units, lateness)"] = _timed(app, lambda: chair.get(base), repeat)

    def ask_close() -> Any:
        return chair.post(f"{base}/close", data={"csrf_token": chair_token, "stage": "self"})

    out["chair: close self-score, the question (409)"] = _timed(app, ask_close, repeat, expect=409)
    with app.app_context():
        table = db.session.get(CriteriaTable, table_id)
        assert table is not None
        by = db.session.get(User, seeded["chair"])
        assert by is not None
        found = scoring.members(table)
        for index, unit in enumerate(found):
            scoring.assign_cross_check(table, found[(index + 1) % UNITS], unit, by=by, now=utc_now())
        db.session.commit()
    out["chair: close self-score (confirmed)"] = _close(app, chair, chair_token, table_id, Stage.SELF)
    with app.app_context():
        table = db.session.get(CriteriaTable, table_id)
        assert table is not None
        found = scoring.members(table)
        criteria = [item for item in table.items if item.kind is ItemKind.CRITERION]
        for index, unit in enumerate(found):
            checker = found[(index + 1) % UNITS]
            account = db.session.get(User, seeded["rep_of"][checker.id])
            assert account is not None
            entries = [
                scoring.Entry(item, _points(index, i, item.max_points, 1)) for i, item in enumerate(criteria)
            ]
            scoring.enter_scores(table, Stage.CROSS, unit, entries, by=account, now=utc_now())
        db.session.commit()
    out["chair: close cross-check (confirmed)"] = _close(app, chair, chair_token, table_id, Stage.CROSS)
    review = f"{base}/units/{units[0]}/scores?stage=review"
    out["chair: review sheet of one unit (3 stages beside)"] = _timed(app, lambda: chair.get(review), repeat)

    def save_review() -> Any:
        why = "Cụm thống nhất theo minh chứng"
        form = {"csrf_token": chair_token, **_sheet_form(item_ids, 0, next(shifts), maxima, why)}
        return chair.post(review, data=form)

    out["chair: save a review of 40 items"] = _timed(app, save_review, repeat, expect=302)
    out["chair: close review (confirmed)"] = _close(app, chair, chair_token, table_id, Stage.REVIEW)
    out["ranking page (60 units)"] = _timed(app, lambda: chair.get(f"{base}/ranking"), repeat)
    out["ranking CSV (60 units × 42 items)"] = _timed(app, lambda: chair.get(f"{base}/ranking.csv"), repeat)
    return out


def print_report(label: str, results: dict[str, dict[str, Any]]) -> None:
    """Print one database's scoring-day figures as a Markdown table."""
    print(f"\n### Scoring day, {UNITS} units × {CRITERIA} criteria ({label})\n")
    print("| request | median ms | SQL statements | runs |")
    print("|---|---|---|---|")
    for name, figures in results.items():
        print(f"| {name} | {figures['ms']:.1f} | {figures['statements']} | {figures['runs']} |")
