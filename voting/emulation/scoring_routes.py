"""Scoring pages: start, cross-check assignments, score sheets and evidence, closing stages, the ranking."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from voting.auth.access import role_required, user
from voting.clusters.models import Unit
from voting.confirm import ask_confirmation, is_confirmed
from voting.emulation import evidence as evidence_files
from voting.emulation import questions, scoring
from voting.emulation import ranking as rankings
from voting.emulation.access import MANAGER_ROLES, READER_ROLES, can_read, load_table
from voting.emulation.forms import (
    AssignForm,
    CloseStageForm,
    EvidenceForm,
    ScoreSheetForm,
    StartScoringForm,
    read_sheet,
)
from voting.emulation.models import STAGE_ORDER, CriteriaTable, Evidence, Stage
from voting.emulation.routes import refused, submit_table_form, table_page
from voting.errors import VotingError
from voting.extensions import db
from voting.formatting import to_utc_naive, utc_now

bp = Blueprint("scoring", __name__)


def _ask(table: CriteriaTable, question: str, label: str) -> Response:
    """Ask the chair to confirm an irreversible step; "back" leads to the table."""
    return ask_confirmation(question, label, url_for("emulation.show", table_id=table.id))


def _unit_of(table: CriteriaTable, unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.cluster_id != table.cluster_id:
        abort(404, "Không tìm thấy đơn vị.")
    return unit


@bp.post("/emulation/tables/<int:table_id>/start")
@role_required(*MANAGER_ROLES)
def start(table_id: int) -> tuple[str, int] | Response:
    """Lock the table and open the self-score, with every stage's deadline."""
    table = load_table(table_id)
    form = StartScoringForm()
    typed = [form.self_deadline, form.cross_deadline, form.review_deadline, form.second_review_deadline]
    if not form.validate():
        return table_page(table, 422, start_form=form)
    deadlines = {stage: to_utc_naive(field.data) for stage, field in zip(STAGE_ORDER, typed, strict=True)}  # type: ignore[arg-type]
    try:
        if not is_confirmed():  # what would be refused is refused before asking
            scoring.check_start(table, deadlines, by=user(), now=utc_now())
            return _ask(table, questions.start_question(table), gettext("Khóa bảng và bắt đầu chấm điểm"))
        scoring.start_scoring(table, deadlines, by=user(), now=utc_now())
    except VotingError as error:
        return table_page(table, refused(form, error), start_form=form)
    db.session.commit()
    flash("Đã bắt đầu chấm điểm; bảng tiêu chí đã khóa.", "success")
    return redirect(url_for("emulation.show", table_id=table.id))


@bp.post("/emulation/tables/<int:table_id>/assignments")
@role_required(*MANAGER_ROLES)
def assign(table_id: int) -> tuple[str, int] | Response:
    """Assign one unit to cross-check another."""
    table = load_table(table_id)
    form = AssignForm(scoring.members(table))

    def assign_() -> object:
        checker, checked = _unit_of(table, form.checker.data), _unit_of(table, form.checked.data)
        return scoring.assign_cross_check(table, checker, checked, by=user(), now=utc_now())

    return submit_table_form(table, "assign_form", form, assign_)


@bp.post("/emulation/tables/<int:table_id>/close")
@role_required(*MANAGER_ROLES)
def close(table_id: int) -> Response:
    """Close the open stage (the next one opens)."""
    table = load_table(table_id)
    form = CloseStageForm()
    if not form.validate() or form.stage.data not in {stage.value for stage in Stage}:
        abort(400, "Giai đoạn không hợp lệ.")
    row = scoring.stage_of(table, Stage(form.stage.data))
    if not is_confirmed() and row is scoring.open_stage(table):
        question = questions.close_stage_question(table, row, now=utc_now())
        return _ask(table, question, gettext("Kết thúc giai đoạn"))
    scoring.close_stage(table, Stage(form.stage.data), by=user(), now=utc_now())
    db.session.commit()
    flash("Đã kết thúc giai đoạn.", "success")
    return redirect(url_for("emulation.show", table_id=table.id))


def _sheet_page(
    table: CriteriaTable,
    unit: Unit,
    stage: Stage,
    *,
    form: ScoreSheetForm,
    typed: dict[str, str],
    status: int = 200,
) -> tuple[str, int]:
    row = scoring.stage_of(table, stage) if table.is_locked else None
    scores = scoring.scores_of(row, unit) if row else {}
    earlier = STAGE_ORDER[: STAGE_ORDER.index(stage)] if row else []
    before = {previous: scoring.scores_of(scoring.stage_of(table, previous), unit) for previous in earlier}
    return render_template(
        "emulation/sheet.html",
        table=table,
        unit=unit,
        stage=stage,
        stage_row=row,
        stage_labels=scoring.STAGE_LABELS,
        scores=scores,
        before=before,
        files=evidence_files.evidence_of(list(scores.values())),
        typed=typed,
        form=form,
        evidence_form=EvidenceForm(formdata=None),
        may_enter=row is not None and scoring.may_enter(table, stage, unit, user()),
        is_open=row is not None and scoring.open_stage(table) is row,
        checker=scoring.checker_of(table, unit),
    ), status


@bp.route("/emulation/tables/<int:table_id>/units/<int:unit_id>/scores", methods=["GET", "POST"])
@role_required(*READER_ROLES)
def sheet(table_id: int, unit_id: int) -> tuple[str, int] | Response:
    """Show a unit's scores at a stage; its representative (or checker, or the chair) enters them."""
    table = load_table(table_id)
    unit = _unit_of(table, unit_id)
    stage_name = request.args.get("stage", Stage.SELF.value)
    if stage_name not in {stage.value for stage in Stage}:
        abort(404)
    stage = Stage(stage_name)
    form = ScoreSheetForm()
    if not form.validate_on_submit():
        return _sheet_page(
            table, unit, stage, form=form, typed={}, status=400 if form.is_submitted() else 200
        )
    typed = read_sheet(request.form, list(table.items))
    if typed.errors:
        form.form_errors.append(gettext("Có điểm không hợp lệ; chưa lưu gì."))
        for name, message in typed.errors.items():
            form.form_errors.append(f"{name}: {gettext(message)}")
        return _sheet_page(table, unit, stage, form=form, typed=typed.typed, status=422)
    try:
        scoring.enter_scores(table, stage, unit, typed.entries, by=user(), now=utc_now())
    except VotingError as error:
        return _sheet_page(table, unit, stage, form=form, typed=typed.typed, status=refused(form, error))
    db.session.commit()
    flash("Đã lưu điểm.", "success")
    return redirect(url_for("scoring.sheet", table_id=table.id, unit_id=unit.id, stage=stage.value))


@bp.post("/emulation/tables/<int:table_id>/units/<int:unit_id>/evidence")
@role_required(*READER_ROLES)
def add_evidence(table_id: int, unit_id: int) -> tuple[str, int] | Response:
    """Attach an evidence file to the unit's self-score on one item."""
    table = load_table(table_id)
    unit = _unit_of(table, unit_id)
    form = EvidenceForm()
    sheet_form = ScoreSheetForm(formdata=None)
    item_id = int(form.item_id.data or "") if (form.item_id.data or "").isdigit() else 0
    item = next((item for item in table.items if item.id == item_id), None)
    if not form.validate() or item is None:
        sheet_form.form_errors.append(gettext("Chọn mục và tệp minh chứng."))
        return _sheet_page(table, unit, Stage.SELF, form=sheet_form, typed={}, status=422)
    score = (
        scoring.scores_of(scoring.stage_of(table, Stage.SELF), unit).get(item.id) if table.is_locked else None
    )
    if score is None:
        sheet_form.form_errors.append(gettext("Nhập điểm tự chấm của mục trước khi đính kèm minh chứng."))
        return _sheet_page(table, unit, Stage.SELF, form=sheet_form, typed={}, status=409)
    limit = current_app.config.get("EMULATION_EVIDENCE_MAX_BYTES", evidence_files.MAX_EVIDENCE_BYTES)
    upload = form.file.data
    try:
        evidence_files.attach_evidence(
            score, upload.filename or "", upload.read(limit + 1), by=user(), now=utc_now(), max_bytes=limit
        )
    except VotingError as error:
        return _sheet_page(
            table, unit, Stage.SELF, form=sheet_form, typed={}, status=refused(sheet_form, error)
        )
    db.session.commit()
    flash("Đã đính kèm minh chứng.", "success")
    return redirect(url_for("scoring.sheet", table_id=table.id, unit_id=unit.id, stage=Stage.SELF.value))


@bp.get("/emulation/evidence/<int:evidence_id>")
@role_required(*READER_ROLES)
def evidence(evidence_id: int) -> Response:
    """Send an evidence file, as a download (never rendered inline from the site's origin)."""
    found = db.session.get(Evidence, evidence_id) or abort(404)
    if not can_read(user(), found.score.stage.table.cluster):
        abort(403)
    response = Response(found.content, mimetype=found.content_type)
    response.headers["Content-Disposition"] = f"attachment; filename=minh-chung-{found.id}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/emulation/tables/<int:table_id>/ranking")
@role_required(*READER_ROLES)
def ranking(table_id: int) -> str:
    """Show the ranked list, each stage's total side by side, and the chart."""
    table = load_table(table_id)
    ranked = rankings.ranking(table)
    chart = rankings.chart_svg(ranked, top=rankings.highest_possible(table), title=gettext("Xếp hạng"))
    return render_template(
        "emulation/ranking.html",
        table=table,
        ranked=ranked,
        chart=chart,
        stages=STAGE_ORDER,
        stage_labels=scoring.STAGE_LABELS,
        rule_labels=rankings.TIE_RULE_LABELS,
    )


@bp.get("/emulation/tables/<int:table_id>/ranking.csv")
@role_required(*READER_ROLES)
def ranking_csv(table_id: int) -> Response:
    """Download the ranking and every item's points as CSV."""
    table = load_table(table_id)
    rules = [
        str(rankings.TIE_RULE_LABELS[rule.kind] % {"subject": rule.subject_code}) for rule in table.tie_rules
    ]
    text = rankings.ranking_csv(
        table, rankings.ranking(table), stage_names=rankings.stage_names(), rule_names=rules
    )
    response = Response(text.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=xep-hang-{table.year}.csv"
    return response
