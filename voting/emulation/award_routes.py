"""The suy tôn screens: the chair's award votes (create, open, close, certify) and the ballot."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from voting.auth.access import role_required, user
from voting.auth.models import Role
from voting.clusters.models import Unit
from voting.conferences.access import load_conference
from voting.conferences.models import Conference
from voting.confirm import ask_confirmation, is_confirmed
from voting.elections import encrypted, services
from voting.elections.awards import (
    AwardVoteSpec,
    award_votes,
    certify_award,
    standing_of,
    threshold_sentence,
    winners_of,
)
from voting.elections.ballots import Mark
from voting.elections.models import Election, Round
from voting.elections.questions import close_round_question
from voting.elections.rules import rules_of
from voting.emulation.award_forms import ChooseUpToKForm, CreateAwardVoteForm
from voting.emulation.award_votes import create_from_ranking, open_next_round, ranked_units
from voting.emulation.models import CriteriaTable
from voting.emulation.ranking import Ranked
from voting.errors import InvalidState, VotingError
from voting.extensions import db
from voting.formatting import utc_now
from voting.forms import ConfirmForm, show_refusal

bp = Blueprint("awards", __name__)

#: who may read the award votes of a conference; only the chair acts
READERS = (Role.CHAIR, Role.SECRETARY, Role.ARCHIVIST)


def _page(
    conference: Conference, form: CreateAwardVoteForm | None = None, status: int = 200
) -> tuple[str, int]:
    """Render a conference's award votes, with the creation form (a refused one in place of its blank)."""
    rules = rules_of(conference)
    if form is None:
        form = CreateAwardVoteForm(
            data={
                "seats": 1,
                "threshold_numerator": rules.threshold_numerator,
                "threshold_denominator": rules.threshold_denominator,
                "threshold_inclusive": rules.threshold_inclusive,
            }
        )
    votes = [(standing_of(election), threshold_sentence(election, _)) for election in award_votes(conference)]
    page = render_template(
        "awards/index.html",
        conference=conference,
        votes=votes,
        form=form,
        confirm_form=ConfirmForm(),
        is_chair=user().role is Role.CHAIR,
        ranked=_ranking_or_none(conference),
        close_question=close_round_question,
        certify_question=certify_question,
        winners_of=winners_of,
    )
    return page, status


def certify_question(election: Election) -> str:
    """Return the question before certifying an award vote: which units it will propose."""
    proposed = ", ".join(unit.name for unit in standing_of(election).proposed) or _("không đơn vị nào")
    return str(
        _(
            "Chứng nhận kết quả suy tôn “%(title)s”: đề nghị %(units)s? "
            "Không thể thay đổi sau khi chứng nhận.",
            title=election.award_title,
            units=proposed,
        )
    )


def _back(conference_id: int) -> Response:
    return redirect(url_for(".index", conference_id=conference_id))


def _ranking_or_none(conference: Conference) -> list[Ranked] | None:
    """Return the ranking of the conference's year, None when there is none yet."""
    try:
        return ranked_units(conference)
    except InvalidState:
        return None


def _load_award(election_id: int) -> Election:
    """Return an award vote of a conference the chair runs, else 404/403."""
    election = db.session.get(Election, election_id)
    if election is None or not election.is_award:
        abort(404)
    load_conference(election.conference_id, Role.CHAIR)
    return election


@bp.get("/conferences/<int:conference_id>/awards")
@role_required(*READERS)
def index(conference_id: int) -> tuple[str, int]:
    """List the conference's award votes, their rounds and the units proposed."""
    return _page(load_conference(conference_id, *READERS))


@bp.get("/emulation/tables/<int:table_id>/awards")
@role_required(*READERS)
def from_table(table_id: int) -> Response:
    """Go from a table's ranking to the award votes of the conference of its cluster and year."""
    table = db.session.get(CriteriaTable, table_id) or abort(404)
    conference = db.session.scalar(
        sa.select(Conference).where(Conference.cluster_id == table.cluster_id, Conference.year == table.year)
    )
    if conference is None:
        abort(404, "Chưa có hội nghị của năm này.")
    return redirect(url_for(".index", conference_id=load_conference(conference.id, *READERS).id))


@bp.post("/conferences/<int:conference_id>/awards")
@role_required(Role.CHAIR)
def create(conference_id: int) -> tuple[str, int] | Response:
    """Create an award vote: title, k, candidates from the ranking, threshold."""
    conference = load_conference(conference_id, Role.CHAIR)
    form = CreateAwardVoteForm()
    if not form.validate_on_submit():
        return _page(conference, form, 400)
    spec = AwardVoteSpec(
        title=form.title.data or "",
        seats=form.seats.data or 0,
        threshold_numerator=form.threshold_numerator.data or 0,
        threshold_denominator=form.threshold_denominator.data or 0,
        inclusive=form.threshold_inclusive.data,
        candidates_top=form.candidates_top.data,
    )
    try:
        create_from_ranking(conference, spec, by=user(), now=utc_now())
    except VotingError as error:
        db.session.rollback()
        show_refusal(form, error)
        return _page(conference, form, error.status_code)
    db.session.commit()
    flash(_("Đã tạo cuộc bỏ phiếu suy tôn “%(title)s”.", title=spec.title.strip()), "success")
    return _back(conference.id)


@bp.post("/awards/<int:election_id>/rounds")
@role_required(Role.CHAIR)
def open_round(election_id: int) -> Response:
    """Open an award vote's first round, or the runoff for the seats a tie left open."""
    election = _load_award(election_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    round_ = open_next_round(election, by=user(), now=utc_now())
    db.session.commit()
    flash(_("Đã mở vòng %(number)s bỏ phiếu suy tôn.", number=round_.number), "success")
    return _back(election.conference_id)


@bp.post("/awards/rounds/<int:round_id>/close")
@role_required(Role.CHAIR)
def close_round(round_id: int) -> Response:
    """Close an award vote's round (asked first): its count follows."""
    round_ = _load_round(round_id)
    election = _load_award(round_.election_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = url_for(".index", conference_id=election.conference_id)
    if not is_confirmed():
        return ask_confirmation(close_round_question(round_), _("Kết thúc vòng bầu và kiểm phiếu"), back)
    services.close_round(round_, now=utc_now(), by=user())
    db.session.commit()
    flash(_("Đã kết thúc vòng %(number)s; kết quả kiểm phiếu bên dưới.", number=round_.number), "success")
    return _back(election.conference_id)


@bp.post("/awards/<int:election_id>/certify")
@role_required(Role.CHAIR)
def certify(election_id: int) -> Response:
    """Certify an award vote's result (asked first): the units proposed are final."""
    election = _load_award(election_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = url_for(".index", conference_id=election.conference_id)
    if not is_confirmed():
        return ask_confirmation(certify_question(election), _("Chứng nhận kết quả"), back)
    certify_award(election, by=user(), now=utc_now())
    db.session.commit()
    flash(_("Đã chứng nhận kết quả suy tôn “%(title)s”.", title=election.award_title), "success")
    return _back(election.conference_id)


def _load_round(round_id: int, *roles: Role) -> Round:
    """Return an award vote's round of a conference the user may see, else 404/403."""
    round_ = db.session.get(Round, round_id)
    if round_ is None or not round_.election.is_award:
        abort(404)
    if roles:
        load_conference(round_.election.conference_id, *roles)
    return round_


def _voter_unit() -> Unit:
    unit = user().unit
    assert unit is not None  # a database constraint for representatives
    return unit


@bp.route("/awards/rounds/<int:round_id>/ballot", methods=["GET", "POST"])
@role_required(Role.REPRESENTATIVE)
def ballot(round_id: int) -> tuple[str, int] | Response:
    """Show the suy tôn ballot ("Chọn tối đa k đơn vị"); on submit cast it (more than k: refused)."""
    round_ = _load_round(round_id, Role.REPRESENTATIVE)
    conference_id = round_.election.conference_id
    unit = _voter_unit()
    if services.has_voted(round_, unit):
        return redirect(url_for(".receipt", round_id=round_.id))
    if not round_.is_open:
        flash(_("Vòng bầu đã kết thúc."), "info")
        return redirect(url_for("console.show", conference_id=conference_id))
    candidates = [candidate.unit for candidate in round_.candidates]
    election = round_.election
    rule = threshold_sentence(election, _)
    if round_.is_encrypted:  # encrypted, proved and cast in the browser (eg.js: checkboxes up to k)
        if request.method == "POST":
            abort(400)
        ballot_request = encrypted.ballot_request(round_, unit)
        page = render_template(
            "elections/ballot_encrypted.html",
            round=round_,
            labels=[unit.name for unit in candidates],
            zero=ballot_request["zero"],
            ballot_request=ballot_request,
            rules=rules_of(election.conference),
            rules_text=[rule, _("Chọn tối đa %(k)s đơn vị", k=round_.seats)],
            award_rule=rule,
        )
        return page, 200
    form = ChooseUpToKForm(candidates)
    status = 200
    if form.validate_on_submit():
        marks = [Mark(int(value)) for value in form.choices.data or []]
        try:
            code = services.cast_ballot(round_, unit, marks=marks, by=user(), now=utc_now())
        except VotingError as error:
            db.session.rollback()
            show_refusal(form, error, "choices")
            status = error.status_code
        else:
            db.session.commit()
            session[f"receipt-{round_id}"] = code  # only this browser sees it
            return redirect(url_for(".receipt", round_id=round_id))
    elif form.is_submitted():
        status = 400
    page = render_template("awards/ballot.html", round=round_, election=election, form=form, rule=rule)
    return page, status


@bp.get("/awards/rounds/<int:round_id>/receipt")
@role_required(Role.REPRESENTATIVE)
def receipt(round_id: int) -> str:
    """Confirm that the suy tôn ballot was counted and show its receipt code."""
    round_ = _load_round(round_id, Role.REPRESENTATIVE)
    if not services.has_voted(round_, _voter_unit()):
        abort(404)
    return render_template("awards/receipt.html", round=round_, code=session.get(f"receipt-{round_.id}"))
