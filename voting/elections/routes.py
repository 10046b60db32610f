"""Voting (ballot, review, cast, receipt), the round page, and the chair's rules and round actions."""

from __future__ import annotations

import sqlalchemy.orm as sa_orm
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from voting.auth.access import role_required, user
from voting.auth.models import Role
from voting.clusters.models import Unit
from voting.conferences.access import can_see, load_conference
from voting.conferences.models import Conference
from voting.conferences.services import is_committee_member
from voting.confirm import ask_confirmation, is_confirmed
from voting.elections import decisions, encrypted, exports, review, services
from voting.elections.ballots import BLANK, BallotType
from voting.elections.board import board_of, short_tracker
from voting.elections.casting import candidate_id
from voting.elections.forms import (
    BallotForm,
    CastBallotForm,
    DecisionForm,
    OpenRoundForm,
    RefusedOnConsole,
    RulesForm,
    VoidRoundForm,
)
from voting.elections.models import OFFICES, DecisionMethod, Election, Office, Round
from voting.elections.questions import certify_question, close_round_question, void_round_question
from voting.elections.results import round_view
from voting.elections.rules import (
    RulesChange,
    ThresholdBase,
    VoteForm,
    are_locked,
    describe,
    rules_of,
    set_rules,
)
from voting.elections.services import situation_of
from voting.errors import VotingError
from voting.extensions import db
from voting.formatting import utc_now
from voting.forms import ConfirmForm
from voting.transactions import writes_late
from voting.trustees.keys import election_key_of

bp = Blueprint("elections", __name__)

#: roles that may read a round's page (members of the counting committee are checked apart)
READERS = (Role.CHAIR, Role.SECRETARY, Role.REPRESENTATIVE, Role.ARCHIVIST, Role.ADMIN, Role.COUNTER)


def load_for_reading(conference_id: int) -> Conference:
    """Return a conference the user may read: its staff, its units, the archive, or its committee."""
    conference = db.session.get(Conference, conference_id) or abort(404)
    account = user()
    if account.role is Role.COUNTER:
        key = election_key_of(conference)
        if not is_committee_member(account, conference) and not (key and key.index_of(account.id)):
            abort(403)
    elif not can_see(account, conference):
        abort(403)
    return conference


def _load_round(round_id: int, *roles: Role, with_candidates: bool = False) -> Round:
    """Return a round (with its conference, in one query) of a conference the user may see, else 404/403."""
    options = [sa_orm.joinedload(Round.election).joinedload(Election.conference)]
    if with_candidates:
        options.append(sa_orm.joinedload(Round.candidates))
    round_ = db.session.get(Round, round_id, options=options) or abort(404)
    load_conference(round_.election.conference_id, *roles)
    return round_


def _candidates(round_: Round) -> list[Unit]:
    return [candidate.unit for candidate in round_.candidates]


def _voter_unit() -> Unit:
    unit = user().unit
    assert unit is not None  # a database constraint for representatives
    return unit


def _console(conference_id: int) -> Response:
    return redirect(url_for("console.console", conference_id=conference_id))


def _ask(question: str, label: str, conference_id: int) -> Response:
    """Ask the chair to confirm an irreversible step; "back" leads to the console."""
    return ask_confirmation(question, label, url_for("console.console", conference_id=conference_id))


@bp.route("/rounds/<int:round_id>/ballot", methods=["GET", "POST"])
@role_required(Role.REPRESENTATIVE)
def ballot(round_id: int) -> str | Response:
    """Show the ballot with the rules in force; on submit go to the review step."""
    round_ = _load_round(round_id, Role.REPRESENTATIVE, with_candidates=True)
    if round_.election.is_award:  # a suy tôn ballot has its own page (checkboxes, up to k)
        return redirect(url_for("awards.ballot", round_id=round_id))
    conference_id = round_.election.conference_id
    if services.has_voted(round_, _voter_unit()):
        flash(_("Đơn vị của đồng chí đã bỏ phiếu ở vòng này."), "info")
        return redirect(url_for("console.show", conference_id=conference_id))
    if not round_.is_open or round_.is_paper:
        flash(
            _("Vòng bầu đã kết thúc.") if not round_.is_open else _("Vòng này bỏ phiếu bằng phiếu giấy."),
            "info",
        )
        return redirect(url_for("console.show", conference_id=conference_id))
    rules = rules_of(round_.election.conference)
    options = rules.ballot.options(_candidates(round_))
    if round_.is_encrypted:  # reviewed and encrypted in the browser: no request depends on the choice
        if request.method == "POST":
            abort(400)
        ballot_request = encrypted.ballot_request(round_, _voter_unit())
        return render_template(
            "elections/ballot_encrypted.html",
            round=round_,
            labels=[label for _value, label in options],
            zero=ballot_request["zero"],
            ballot_request=ballot_request,
            rules=rules,
            rules_text=describe(rules, _),
        )
    unit = _voter_unit()
    form = BallotForm(options, data={"choice": review.held_choice(round_.id, unit.id)})  # "Chọn lại"
    if form.validate_on_submit():
        # Post/redirect/get: the review is a page of its own, the choice sealed in the session meanwhile.
        review.hold_choice(round_.id, unit.id, form.choice.data)
        return redirect(url_for(".review_ballot", round_id=round_.id))
    return render_template(
        "elections/ballot.html", round=round_, form=form, rules=rules, rules_text=describe(rules, _)
    )


@bp.get("/rounds/<int:round_id>/review")
@role_required(Role.REPRESENTATIVE)
def review_ballot(round_id: int) -> str | Response:
    """Show the choice made on the ballot before it is cast; after casting, the receipt."""
    round_ = _load_round(round_id, Role.REPRESENTATIVE, with_candidates=True)
    unit = _voter_unit()
    if services.has_voted(round_, unit):  # Back from the receipt
        return redirect(url_for(".receipt", round_id=round_.id))
    if not round_.is_open or round_.is_encrypted or round_.is_paper:
        return redirect(url_for("console.show", conference_id=round_.election.conference_id))
    rules = rules_of(round_.election.conference)
    options = dict(rules.ballot.options(_candidates(round_)))
    choice = review.held_choice(round_.id, unit.id)
    if choice not in options:
        return redirect(url_for(".ballot", round_id=round_.id))
    return render_template(
        "elections/review.html",
        round=round_,
        chosen=options[choice],
        is_blank=choice == BLANK,
        form=CastBallotForm(data={"choice": choice}),
        rules=rules,
    )


@bp.post("/rounds/<int:round_id>/cast")
@writes_late
@role_required(Role.REPRESENTATIVE)
def cast(round_id: int) -> Response:
    """Cast the reviewed ballot and show the receipt."""
    unit = _voter_unit()
    # One query: the round with its conference and rules, and this unit's check-in (the service's).
    value = request.form.get("choice", "")
    # The same query reads the candidate the ballot names, by primary key (never the whole list).
    admission = services.read_admission(round_id, unit.id, choice_id=candidate_id(value)) or abort(404)
    round_ = admission.round
    load_conference(round_.election.conference_id, Role.REPRESENTATIVE)
    if round_.is_encrypted:  # a secret ballot is only ever posted encrypted (secret_routes.cast)
        abort(400)
    ballot = admission.rules.ballot
    # Held for the whole request, so the service's check of the candidate is answered from the session.
    offered = services.offered_candidates(admission, value, is_nominated=ballot.is_nominated)
    # The ballot reads the value itself (None: not on this ballot); the app checks every POST's CSRF
    # token before the view, so the review page's form is not built again here.
    mark = ballot.read(value, [candidate.unit for candidate in offered])
    if mark is None:
        flash(_("Phiếu không hợp lệ; hãy chọn lại."), "danger")
        return redirect(url_for(".ballot", round_id=round_.id))
    receipt_code = services.cast_ballot(
        round_, unit, marks=[mark], by=user(), now=utc_now(), admission=admission
    )
    db.session.commit()
    review.drop_choice(round_id)
    # Only this browser sees the receipt; the server keeps no link from unit to ballot.
    session[f"receipt-{round_id}"] = receipt_code
    return redirect(url_for(".receipt", round_id=round_id))


@bp.get("/rounds/<int:round_id>/receipt")
@role_required(Role.REPRESENTATIVE)
def receipt(round_id: int) -> str:
    """Confirm that the ballot was counted and show its receipt code."""
    round_ = _load_round(round_id, Role.REPRESENTATIVE)
    if not services.has_voted(round_, _voter_unit()):
        abort(404)
    return render_template("elections/receipt.html", round=round_, code=session.get(f"receipt-{round_.id}"))


@bp.get("/rounds/<int:round_id>")
@role_required(*READERS)
def show_round(round_id: int) -> str:
    """Show a round: turnout while open; once counted, the count and the published receipts or named votes."""
    round_ = db.session.get(Round, round_id) or abort(404)
    conference = load_for_reading(round_.election.conference_id)
    view = round_view(round_)
    key = election_key_of(conference) if round_.is_encrypted else None
    return render_template(
        "elections/round.html",
        conference=conference,
        view=view,
        board=board_of(round_),
        decryption=encrypted.decryption_of(round_) if key and not round_.is_open else None,
        trustee_index=key.index_of(user().id) if key else None,
        ceremony_id=key.ceremony_id if key else None,
        short_tracker=short_tracker,
        office=round_.election.office,
        rules_text=describe(rules_of(conference), _),
    )


@bp.route("/conferences/<int:conference_id>/rules", methods=["GET", "POST"])
@role_required(Role.CHAIR, Role.SECRETARY)
def rules(conference_id: int) -> str | Response:
    """Show the election rules; the chair may change them until the first round opens."""
    conference = load_conference(conference_id, Role.CHAIR, Role.SECRETARY)
    current = rules_of(conference)
    form = RulesForm(obj=current)
    if form.validate_on_submit():
        if user().role is not Role.CHAIR:
            abort(403)
        change = RulesChange(
            vote_form=VoteForm(form.vote_form.data),
            ballot_type=BallotType(form.ballot_type.data),
            quorum_numerator=form.quorum_numerator.data or 0,
            quorum_denominator=form.quorum_denominator.data or 0,
            threshold_numerator=form.threshold_numerator.data or 0,
            threshold_denominator=form.threshold_denominator.data or 0,
            threshold_base=ThresholdBase(form.threshold_base.data),
            leader_excludes_outgoing=form.leader_excludes_outgoing.data,
            deputy_excludes_outgoing_leader=form.deputy_excludes_outgoing_leader.data,
            self_vote_allowed=form.self_vote_allowed.data,
            max_rounds=form.max_rounds.data or 0,
            threshold_inclusive=form.threshold_inclusive.data,
        )
        set_rules(conference, change, by=user(), now=utc_now())
        db.session.commit()
        flash(_("Đã lưu quy chế bầu cử."), "success")
        return _console(conference.id)
    return render_template(
        "elections/rules.html",
        conference=conference,
        form=form,
        rules_text=describe(current, _),
        is_locked=are_locked(conference),
        is_chair=user().role is Role.CHAIR,
    )


@bp.post("/conferences/<int:conference_id>/elections/<office>/rounds")
@role_required(Role.CHAIR)
def open_round(conference_id: int, office: str) -> Response:
    """Open the first round of an election, a runoff among the top units, or a rerun."""
    conference = load_conference(conference_id, Role.CHAIR)
    if office not in {o.value for o in OFFICES}:  # an award vote has its own pages
        abort(400)
    form = OpenRoundForm(Office(office))
    if not form.validate_on_submit():
        raise RefusedOnConsole(conference.id, form)
    nominee = db.session.get(Unit, int(form.nominee.data)) if (form.nominee.data or "").isdigit() else None
    try:
        round_ = services.open_round(
            conference, Office(office), now=utc_now(), by=user(), nominee=nominee, on_paper=form.on_paper.data
        )
    except VotingError as error:
        raise RefusedOnConsole(conference.id, form, error) from None
    db.session.commit()
    flash(
        _(
            "Đã mở vòng %(number)s bầu %(office)s.",
            number=round_.number,
            office=_(round_.election.office.label),
        ),
        "success",
    )
    return _console(conference.id)


@bp.post("/rounds/<int:round_id>/close")
@role_required(Role.CHAIR)
def close_round(round_id: int) -> Response:
    """Close a round and show its count."""
    round_ = _load_round(round_id, Role.CHAIR)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not is_confirmed():
        label = _("Kết thúc vòng bầu và kiểm phiếu")
        return _ask(close_round_question(round_), label, round_.election.conference_id)
    services.close_round(round_, now=utc_now(), by=user())
    db.session.commit()
    flash(_("Đã kết thúc vòng %(number)s; kết quả kiểm phiếu bên dưới.", number=round_.number), "success")
    return _console(round_.election.conference_id)


@bp.post("/rounds/<int:round_id>/void")
@role_required(Role.CHAIR)
def void_round(round_id: int) -> Response:
    """Void a closed round before certification, with a reason."""
    round_ = _load_round(round_id, Role.CHAIR)
    form = VoidRoundForm(round_.id)
    if not form.validate_on_submit():
        raise RefusedOnConsole(round_.election.conference_id, form)
    if not is_confirmed():
        return _ask(void_round_question(round_), _("Hủy vòng bầu này"), round_.election.conference_id)
    try:
        services.void_round(round_, reason=form.reason.data or "", by=user(), now=utc_now())
    except VotingError as error:
        raise RefusedOnConsole(round_.election.conference_id, form, error, field="reason") from None
    db.session.commit()
    flash(_("Đã hủy vòng %(number)s; có thể mở lại vòng bầu.", number=round_.number), "success")
    return _console(round_.election.conference_id)


@bp.post("/conferences/<int:conference_id>/elections/<office>/decision")
@role_required(Role.CHAIR)
def decide(conference_id: int, office: str) -> Response:
    """Record the chair's decision (consensus or drawing of lots)."""
    conference = load_conference(conference_id, Role.CHAIR)
    if office not in {o.value for o in OFFICES}:  # an award vote has its own pages
        abort(404)
    form = DecisionForm(Office(office))
    if not form.validate_on_submit():
        raise RefusedOnConsole(conference.id, form)
    unit = db.session.get(Unit, int(form.unit.data)) if (form.unit.data or "").isdigit() else None
    try:
        election = decisions.record_decision(
            conference,
            Office(office),
            method=DecisionMethod(form.method.data),
            unit=unit,
            statement=form.statement.data or "",
            agreeing=form.agreeing.data,
            witnesses=form.witnesses.data or "",
            by=user(),
            now=utc_now(),
        )
    except VotingError as error:
        raise RefusedOnConsole(conference.id, form, error) from None
    db.session.commit()
    assert election.decided_unit is not None
    flash(_("Đã ghi nhận quyết định: %(unit)s.", unit=election.decided_unit.name), "success")
    return _console(conference.id)


@bp.post("/elections/<int:election_id>/certify")
@role_required(Role.CHAIR)
def certify(election_id: int) -> Response:
    """Certify the elected unit; the election is final afterwards."""
    election = db.session.get(Election, election_id) or abort(404)
    load_conference(election.conference_id, Role.CHAIR)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not is_confirmed():
        question = certify_question(election, situation_of(election.conference, election.office).last_result)
        return _ask(question, _("Chứng nhận kết quả"), election.conference_id)
    services.certify(election, by=user(), now=utc_now())
    db.session.commit()
    assert election.elected_unit is not None
    flash(
        _(
            "Đã chứng nhận: %(unit)s là đơn vị %(office)s năm %(year)s.",
            unit=election.elected_unit.name,
            office=_(election.office.label),
            year=election.conference.year + 1,
        ),
        "success",
    )
    return _console(election.conference_id)


def _export(conference_id: int, kind: str) -> Response:
    """Return one CSV export of a conference's rounds."""
    conference = load_conference(conference_id, Role.CHAIR, Role.ARCHIVIST, Role.ADMIN)
    body = exports.to_csv(exports.rows(conference, kind))
    filename = f"{kind}-{conference.cluster_id}-{conference.year}.csv"
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/conferences/<int:conference_id>/exports/turnout.csv")
@role_required(Role.CHAIR, Role.ARCHIVIST, Role.ADMIN)
def export_turnout(conference_id: int) -> Response:
    """Download the turnout of every round as CSV."""
    return _export(conference_id, "turnout")


@bp.get("/conferences/<int:conference_id>/exports/counts.csv")
@role_required(Role.CHAIR, Role.ARCHIVIST, Role.ADMIN)
def export_counts(conference_id: int) -> Response:
    """Download the counts of every counted round as CSV."""
    return _export(conference_id, "counts")


@bp.get("/conferences/<int:conference_id>/exports/receipts.csv")
@role_required(Role.CHAIR, Role.ARCHIVIST, Role.ADMIN)
def export_receipts(conference_id: int) -> Response:
    """Download the published receipt codes of every closed secret round as CSV."""
    return _export(conference_id, "receipts")
