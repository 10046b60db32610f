"""The criteria table's screens: a cluster's tables, creating, importing, editing and copying one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from voting.auth.access import role_required, user
from voting.clusters.models import Cluster
from voting.emulation import importing, questions
from voting.emulation import table as tables
from voting.emulation.access import (
    MANAGER_ROLES,
    READER_ROLES,
    can_manage,
    can_read,
    load_cluster,
    load_table,
)
from voting.emulation.forms import (
    ITEM_KIND_LABELS,
    AddItemForm,
    AddSectionForm,
    AddTieRuleForm,
    AssignForm,
    CreateTableForm,
    ImportTableForm,
    RemoveItemForm,
    StartScoringForm,
)
from voting.emulation.models import CriteriaTable, Criterion, ItemKind, TieRuleKind
from voting.emulation.ranking import TIE_RULE_LABELS
from voting.emulation.scoring import STAGE_LABELS, assignments, members, missing_entries, open_stage
from voting.errors import ImportRefused, VotingError
from voting.extensions import db
from voting.formatting import utc_now
from voting.forms import ConfirmForm, Form, show_refusal

bp = Blueprint("emulation", __name__)


def _cluster_page(cluster: Cluster, status: int = 200, **forms: Any) -> tuple[str, int]:
    """Render a cluster's tables with its two forms (a refused one in place of its blank)."""
    page = render_template(
        "emulation/cluster.html",
        cluster=cluster,
        tables=tables.tables_of(cluster),
        may_manage=can_manage(user(), cluster),
        create_form=forms.get("create_form") or CreateTableForm(formdata=None),
        import_form=forms.get("import_form") or ImportTableForm(formdata=None),
        problems=forms.get("problems", []),
    )
    return page, status


def table_page(table: CriteriaTable, status: int = 200, **forms: Any) -> tuple[str, int]:
    """Render a table: its items and rules, its stages and what is late, its editing and scoring forms."""
    sections = [section.code for section in table.sections]
    units = members(table)
    now, current = utc_now(), open_stage(table)
    may_manage = can_manage(user(), table.cluster)
    page = render_template(
        "emulation/table.html",
        table=table,
        units=units,
        may_manage=may_manage,
        stage_labels=STAGE_LABELS,
        open_stage=current,
        missing=missing_entries(table, now=now) if table.is_locked else [],
        start_question=questions.start_question(table) if may_manage and not table.is_locked else "",
        close_question=questions.close_stage_question(table, current, now=now)
        if may_manage and current is not None
        else "",
        assignments=assignments(table),
        rule_labels=TIE_RULE_LABELS,
        kind_labels=ITEM_KIND_LABELS,
        section_form=forms.get("section_form") or AddSectionForm(formdata=None),
        item_form=forms.get("item_form") or AddItemForm(sections, formdata=None),
        rule_form=forms.get("rule_form") or AddTieRuleForm(formdata=None),
        start_form=forms.get("start_form") or StartScoringForm(formdata=None),
        assign_form=forms.get("assign_form") or AssignForm(units, formdata=None),
        confirm_form=ConfirmForm(),
        remove_form=RemoveItemForm(formdata=None),
    )
    return page, status


def refused(form: Form, error: VotingError) -> int:
    """Show a refused rule on its form; return the status to answer with (nothing was written)."""
    db.session.rollback()
    show_refusal(form, error)
    return error.status_code


def submit_table_form(
    table: CriteriaTable, name: str, form: Form, act: Callable[[], object], done: str = ""
) -> tuple[str, int] | Response:
    """Validate a form of the table's page and run its service; commit and go back, else show the refusal."""
    if not form.validate():
        return table_page(table, 422, **{name: form})
    try:
        act()
    except VotingError as error:
        return table_page(table, refused(form, error), **{name: form})
    db.session.commit()
    if done:
        flash(done, "success")
    return redirect(url_for("emulation.show", table_id=table.id))


@bp.get("/emulation")
@role_required(*READER_ROLES)
def index() -> str:
    """List the clusters whose bình xét the user reads (the archive and the administration: every one)."""
    account = user()
    clusters = [
        found
        for found in db.session.scalars(sa.select(Cluster).order_by(Cluster.name))
        if can_read(account, found)
    ]
    return render_template(
        "emulation/index.html", clusters=[(found, tables.tables_of(found)) for found in clusters]
    )


@bp.get("/clusters/<int:cluster_id>/emulation")
@role_required(*READER_ROLES)
def cluster(cluster_id: int) -> tuple[str, int]:
    """List a cluster's criteria tables, year by year."""
    return _cluster_page(load_cluster(cluster_id))


@bp.post("/clusters/<int:cluster_id>/emulation/tables")
@role_required(*MANAGER_ROLES)
def create(cluster_id: int) -> tuple[str, int] | Response:
    """Create an empty criteria table for a year."""
    current = load_cluster(cluster_id)
    form = CreateTableForm()
    if not form.validate():
        return _cluster_page(current, 422, create_form=form)
    try:
        made = tables.create_table(
            current, form.year.data or 0, form.title.data or "", by=user(), now=utc_now()
        )
    except VotingError as error:
        return _cluster_page(current, refused(form, error), create_form=form)
    db.session.commit()
    flash("Đã tạo bảng tiêu chí.", "success")
    return redirect(url_for("emulation.show", table_id=made.id))


@bp.post("/clusters/<int:cluster_id>/emulation/import")
@role_required(*MANAGER_ROLES)
def import_(cluster_id: int) -> tuple[str, int] | Response:
    """Create a year's table from a CSV or XLSX file, or list every bad row and import nothing."""
    current = load_cluster(cluster_id)
    form = ImportTableForm()
    if not form.validate():
        return _cluster_page(current, 422, import_form=form)
    upload = form.file.data
    try:
        made = importing.import_table(
            current,
            form.year.data or 0,
            form.title.data or "",
            upload.filename or "",
            upload.read(importing.MAX_IMPORT_BYTES + 1),
            by=user(),
            now=utc_now(),
        )
    except ImportRefused as error:
        problems = [(line, column, gettext(message)) for line, column, message in error.problems]
        return _cluster_page(current, refused(form, error), import_form=form, problems=problems)
    except VotingError as error:
        return _cluster_page(current, refused(form, error), import_form=form)
    db.session.commit()
    flash("Đã nhập bảng tiêu chí.", "success")
    return redirect(url_for("emulation.show", table_id=made.id))


@bp.get("/emulation/tables/<int:table_id>")
@role_required(*READER_ROLES)
def show(table_id: int) -> tuple[str, int]:
    """Show a criteria table and its scoring."""
    return table_page(load_table(table_id))


@bp.post("/emulation/tables/<int:table_id>/sections")
@role_required(*MANAGER_ROLES)
def add_section(table_id: int) -> tuple[str, int] | Response:
    """Add a section to an unlocked table."""
    table = load_table(table_id)
    form = AddSectionForm()

    def add() -> object:
        return tables.add_section(
            table, form.code.data or "", form.title.data or "", by=user(), now=utc_now()
        )

    return submit_table_form(table, "section_form", form, add)


@bp.post("/emulation/tables/<int:table_id>/items")
@role_required(*MANAGER_ROLES)
def add_item(table_id: int) -> tuple[str, int] | Response:
    """Add a criterion, bonus or penalty item to an unlocked table."""
    table = load_table(table_id)
    form = AddItemForm([section.code for section in table.sections])

    def add() -> object:
        kind = ItemKind(form.kind.data)
        spec = tables.ItemSpec(
            kind,
            form.code.data or "",
            form.text.data or "",
            tables.parse_points(form.max_points.data or "", field_name="max_points"),
            (form.section_code.data or None) if kind is ItemKind.CRITERION else None,
        )
        return tables.add_item(table, spec, by=user(), now=utc_now())

    return submit_table_form(table, "item_form", form, add)


@bp.post("/emulation/tables/<int:table_id>/items/remove")
@role_required(*MANAGER_ROLES)
def remove_item(table_id: int) -> tuple[str, int] | Response:
    """Remove an item from an unlocked table."""
    table = load_table(table_id)
    form = RemoveItemForm()
    typed = form.item_id.data or ""
    item = db.session.get(Criterion, int(typed)) if typed.isdigit() else None
    if not form.validate() or item is None or item.table_id != table.id:
        flash("Không tìm thấy mục cần bỏ.", "error")
        return table_page(table, 422)
    tables.remove_item(table, item, by=user(), now=utc_now())  # a refusal shows as the error page
    db.session.commit()
    return redirect(url_for("emulation.show", table_id=table.id))


@bp.post("/emulation/tables/<int:table_id>/tie-rules")
@role_required(*MANAGER_ROLES)
def add_tie_rule(table_id: int) -> tuple[str, int] | Response:
    """Append a tie rule to an unlocked table."""
    table = load_table(table_id)
    form = AddTieRuleForm()

    def add() -> object:
        kind = TieRuleKind(form.kind.data)
        return tables.add_tie_rule(table, kind, form.subject_code.data or "", by=user(), now=utc_now())

    return submit_table_form(table, "rule_form", form, add)


@bp.post("/emulation/tables/<int:table_id>/tie-rules/clear")
@role_required(*MANAGER_ROLES)
def clear_tie_rules(table_id: int) -> Response:
    """Remove the tie rules of an unlocked table."""
    table = load_table(table_id)
    tables.clear_tie_rules(table, by=user(), now=utc_now())
    db.session.commit()
    return redirect(url_for("emulation.show", table_id=table.id))


@bp.post("/emulation/tables/<int:table_id>/copy")
@role_required(*MANAGER_ROLES)
def copy(table_id: int) -> Response:
    """Copy the table forward to the next year, unlocked."""
    table = load_table(table_id)
    made = tables.copy_forward(table, by=user(), now=utc_now())
    db.session.commit()
    flash("Đã chép bảng tiêu chí sang năm sau.", "success")
    return redirect(url_for("emulation.show", table_id=made.id))
