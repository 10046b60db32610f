"""The counting committee's views: members, paper count, four-eyes confirmation."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from voting.auth.access import role_required, user
from voting.auth.models import Role, User
from voting.conferences.access import load_conference
from voting.conferences.models import Conference
from voting.conferences.services import is_committee_member
from voting.elections import paper
from voting.elections.counting import paper_count
from voting.elections.forms import AddCommitteeMemberForm, paper_count_form
from voting.elections.models import Election, Round, RoundMethod, RoundStatus
from voting.elections.paper import PaperEntry
from voting.elections.rules import rules_of
from voting.extensions import db
from voting.formatting import utc_now
from voting.forms import ConfirmForm

bp = Blueprint("paper", __name__)


def _counter_accounts() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.COUNTER, User.is_enabled.is_(True))
            .order_by(User.full_name)
        )
    )


@bp.route("/conferences/<int:conference_id>/committee", methods=["GET", "POST"])
@role_required(Role.CHAIR, Role.SECRETARY, Role.COUNTER)
def committee(conference_id: int) -> str | Response:
    """Show the counting committee and its paper rounds; the chair adds members."""
    conference = db.session.get(Conference, conference_id) or abort(404)
    account = user()
    if account.role is Role.COUNTER:
        if not is_committee_member(account, conference):
            abort(403)
    else:
        load_conference(conference_id, Role.CHAIR, Role.SECRETARY)
    form = AddCommitteeMemberForm(_counter_accounts())
    if form.validate_on_submit():
        if account.role is not Role.CHAIR:
            abort(403)
        member = db.session.get(User, int(form.member.data or 0)) or abort(400)
        paper.add_committee_member(
            conference,
            member,
            is_head=form.is_head.data,
            approvals=form.approvals.data or 0,
            by=account,
            now=utc_now(),
        )
        db.session.commit()
        flash(_("Đã bổ sung %(name)s vào Ban kiểm phiếu.", name=member.full_name), "success")
        return redirect(url_for(".committee", conference_id=conference.id))
    rounds = list(
        db.session.scalars(
            sa.select(Round)
            .join(Election)
            .where(Election.conference_id == conference.id, Round.method == RoundMethod.PAPER)
            .order_by(Election.office, Round.number)
        )
    )
    return render_template(
        "elections/committee.html",
        conference=conference,
        members=paper.committee_members(conference),
        form=form,
        rounds=rounds,
        counts={r.id: paper_count(r) for r in rounds},
        is_chair=account.role is Role.CHAIR,
        is_member=is_committee_member(account, conference),
    )


def _committee_round(round_id: int) -> Round:
    """Return a paper round of a conference whose committee the user sits on."""
    round_ = db.session.get(Round, round_id) or abort(404)
    if not is_committee_member(user(), round_.election.conference):
        abort(403)
    return round_


@bp.route("/rounds/<int:round_id>/paper", methods=["GET", "POST"])
@role_required(Role.COUNTER)
def enter_count(round_id: int) -> str | Response:
    """Enter (or correct, until confirmed) the paper count; the arithmetic is checked."""
    round_ = _committee_round(round_id)
    candidates = [c.unit for c in round_.candidates]
    ballot = rules_of(round_.election.conference).ballot
    existing = paper_count(round_)
    data = None
    if existing is not None:
        data = {name: getattr(existing, name) for name in ("issued", "returned", "valid", "invalid", "blank")}
        for line in existing.lines:
            data |= {f"{column}_{line.unit_id}": getattr(line, column) for column in ballot.paper_columns}
    form = paper_count_form(candidates, ballot, data=data)
    if form.validate_on_submit():
        columns = {
            column: {u.id: form[f"{column}_{u.id}"].data or 0 for u in candidates}
            for column in ballot.paper_columns
        }
        entry = PaperEntry(
            issued=form.issued.data or 0,
            returned=form.returned.data or 0,
            valid=form.valid.data or 0,
            invalid=form.invalid.data or 0,
            blank=form.blank.data or 0,
            votes=columns["votes"],
            against=columns.get("against", {}),
        )
        paper.enter_paper_count(round_, entry, by=user(), now=utc_now())
        db.session.commit()
        flash(_("Đã nhập kết quả; cần một thành viên khác của Ban kiểm phiếu xác nhận."), "success")
        return redirect(url_for(".committee", conference_id=round_.election.conference_id))
    return render_template(
        "elections/paper.html",
        round=round_,
        form=form,
        count=existing,
        confirm_form=ConfirmForm(),
        is_closed=round_.status is RoundStatus.CLOSED,
    )


@bp.post("/rounds/<int:round_id>/paper/confirm")
@role_required(Role.COUNTER)
def confirm_count(round_id: int) -> Response:
    """Confirm another member's entry (four eyes)."""
    round_ = _committee_round(round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    paper.confirm_paper_count(round_, by=user(), now=utc_now())
    db.session.commit()
    flash(_("Đã xác nhận kết quả kiểm phiếu vòng %(number)s.", number=round_.number), "success")
    return redirect(url_for(".committee", conference_id=round_.election.conference_id))
