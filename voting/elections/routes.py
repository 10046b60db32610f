"""Voting (ballot, review, cast, receipt) and the chair's round actions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from voting.auth.access import load_conference, role_required, user
from voting.auth.models import Role
from voting.clusters.models import Unit
from voting.elections import services
from voting.elections.forms import BLANK, BallotForm, CastBallotForm
from voting.elections.models import Election, Office, Round
from voting.extensions import db
from voting.formatting import utc_now
from voting.forms import ConfirmForm

bp = Blueprint("elections", __name__)


def _load_round(round_id: int, *roles: Role) -> Round:
    """Return a round of a conference the user may see, else 404/403."""
    round_ = db.session.get(Round, round_id) or abort(404)
    load_conference(round_.election.conference_id, *roles)
    return round_


def _candidates(round_: Round) -> list[Unit]:
    return [candidate.unit for candidate in round_.candidates]


def _voter_unit() -> Unit:
    unit = user().unit
    assert unit is not None  # a database constraint for representatives
    return unit


@bp.route("/rounds/<int:round_id>/ballot", methods=["GET", "POST"])
@role_required(Role.REPRESENTATIVE)
def ballot(round_id: int) -> str | Response:
    """Show the ballot; on submit show the review step."""
    round_ = _load_round(round_id, Role.REPRESENTATIVE)
    conference_id = round_.election.conference_id
    if services.has_voted(round_, _voter_unit()):
        flash("Đơn vị của đồng chí đã bỏ phiếu ở vòng này.", "info")
        return redirect(url_for("conferences.show", conference_id=conference_id))
    if not round_.is_open:
        flash("Vòng bầu đã kết thúc.", "info")
        return redirect(url_for("conferences.show", conference_id=conference_id))
    candidates = _candidates(round_)
    form = BallotForm(candidates)
    if form.validate_on_submit():
        chosen = dict(form.choice.choices or [])[form.choice.data]  # type: ignore[arg-type]
        confirm = CastBallotForm(candidates, data={"choice": form.choice.data})
        return render_template(
            "elections/review.html", round=round_, chosen=chosen, is_blank=form.choice.data == BLANK, form=confirm
        )
    return render_template("elections/ballot.html", round=round_, form=form)


@bp.post("/rounds/<int:round_id>/cast")
@role_required(Role.REPRESENTATIVE)
def cast(round_id: int) -> Response:
    """Cast the reviewed ballot and show the receipt."""
    round_ = _load_round(round_id, Role.REPRESENTATIVE)
    form = CastBallotForm(_candidates(round_))
    if not form.validate_on_submit():
        flash("Phiếu không hợp lệ; hãy chọn lại.", "danger")
        return redirect(url_for(".ballot", round_id=round_.id))
    choice = None if form.choice.data == BLANK else db.session.get(Unit, int(form.choice.data))
    ballot = services.cast_ballot(round_, _voter_unit(), choice)
    db.session.commit()
    # Only this browser sees the receipt; the server keeps no link from unit to ballot.
    session[f"receipt-{round_.id}"] = ballot.receipt_code
    return redirect(url_for(".receipt", round_id=round_.id))


@bp.get("/rounds/<int:round_id>/receipt")
@role_required(Role.REPRESENTATIVE)
def receipt(round_id: int) -> str:
    """Confirm that the ballot was counted and show its receipt code."""
    round_ = _load_round(round_id, Role.REPRESENTATIVE)
    if not services.has_voted(round_, _voter_unit()):
        abort(404)
    return render_template(
        "elections/receipt.html", round=round_, code=session.get(f"receipt-{round_.id}")
    )


@bp.post("/conferences/<int:conference_id>/elections/<office>/rounds")
@role_required(Role.CHAIR)
def open_round(conference_id: int, office: str) -> Response:
    """Open the first round of an election, or a runoff among the top units."""
    conference = load_conference(conference_id, Role.CHAIR)
    if office not in Office._value2member_map_ or not ConfirmForm().validate_on_submit():
        abort(400)
    round_ = services.open_round(conference, Office(office), now=utc_now())
    db.session.commit()
    flash(f"Đã mở vòng {round_.number} bầu {round_.election.office.label}.", "success")
    return redirect(url_for("conferences.console", conference_id=conference.id))


@bp.post("/rounds/<int:round_id>/close")
@role_required(Role.CHAIR)
def close_round(round_id: int) -> Response:
    """Close a round and show its count."""
    round_ = _load_round(round_id, Role.CHAIR)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.close_round(round_, now=utc_now())
    db.session.commit()
    flash(f"Đã kết thúc vòng {round_.number}; kết quả kiểm phiếu bên dưới.", "success")
    return redirect(url_for("conferences.console", conference_id=round_.election.conference_id))


@bp.post("/elections/<int:election_id>/certify")
@role_required(Role.CHAIR)
def certify(election_id: int) -> Response:
    """Certify the elected unit; the election is final afterwards."""
    election = db.session.get(Election, election_id) or abort(404)
    load_conference(election.conference_id, Role.CHAIR)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.certify(election, by=user(), now=utc_now())
    db.session.commit()
    assert election.elected_unit is not None
    flash(
        f"Đã chứng nhận: {election.elected_unit.name} là đơn vị {election.office.label} "
        f"năm {election.conference.year + 1}.",
        "success",
    )
    return redirect(url_for("conferences.console", conference_id=election.conference_id))
