"""Recording the flag handover and the chain of holders."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from voting.auth.access import role_required, user
from voting.auth.models import Role
from voting.conferences.access import load_conference
from voting.elections.models import Office
from voting.elections.services import get_election
from voting.extensions import db
from voting.formatting import to_local, to_utc_naive
from voting.handovers import services
from voting.handovers.access import HOLDER_ROLES, load_cluster_for_holders
from voting.handovers.forms import RecordHandoverForm

bp = Blueprint("handovers", __name__)


@bp.route("/conferences/<int:conference_id>/handover", methods=["GET", "POST"])
@role_required(Role.CHAIR)
def record(conference_id: int) -> str | Response:
    """Record the handover of the rotating flag to the new leader unit."""
    conference = load_conference(conference_id, Role.CHAIR)
    leader = get_election(conference, Office.LEADER)
    if services.find_handover(conference) is not None:
        flash("Việc bàn giao cờ luân lưu đã được ghi nhận.", "info")
        return redirect(url_for("console.console", conference_id=conference.id))
    form = RecordHandoverForm()
    if form.validate_on_submit():
        details = services.HandoverDetails(
            handed_over_at=to_utc_naive(form.handed_over_at.data),  # type: ignore[arg-type]
            giver_name=form.giver_name.data or "",
            giver_title=form.giver_title.data or "",
            receiver_name=form.receiver_name.data or "",
            receiver_title=form.receiver_title.data or "",
            witnesses=form.witnesses.data or "",
            flag_condition=form.flag_condition.data or "",
            files_handed_over=form.files_handed_over.data or "",
        )
        services.record_handover(conference, details, by=user())
        db.session.commit()
        flash("Đã ghi nhận việc bàn giao cờ luân lưu.", "success")
        return redirect(url_for("console.console", conference_id=conference.id))
    if not form.is_submitted():
        form.giver_name.data = conference.chair.full_name
        form.giver_title.data = conference.chair.title
        form.handed_over_at.data = to_local(conference.starts_at).replace(tzinfo=None)
    return render_template("handovers/record.html", conference=conference, leader=leader, form=form)


@bp.get("/clusters/<int:cluster_id>/flag-holders")
@role_required(*HOLDER_ROLES)
def chain(cluster_id: int) -> str:
    """List who held the rotating flag, year by year."""
    cluster = load_cluster_for_holders(cluster_id)
    return render_template("handovers/chain.html", cluster=cluster, handovers=services.holder_chain(cluster))
