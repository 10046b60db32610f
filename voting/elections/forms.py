"""The ballot and its confirmation; the chair's rules, round, void and decision forms; the paper count."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from voting.auth.models import User
from voting.clusters.models import Unit
from voting.elections.ballots import BallotKind, BallotType, ballot_kind
from voting.elections.models import DecisionMethod, Office
from voting.elections.rules import ThresholdBase, VoteForm
from voting.errors import VotingError
from voting.forms import Form


class BallotForm(Form):
    """The ballot: one of the options its ballot type offers (a unit, Đồng ý / Không đồng ý, blank)."""

    choice = RadioField(
        _l("Đơn vị bầu chọn"), validators=[InputRequired(_l("Hãy chọn một đơn vị hoặc phiếu trống."))]
    )

    def __init__(self, options: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choice.choices = options


class CastBallotForm(Form):
    """The review step's confirmation, carrying the choice made on the ballot (the cast reads it)."""

    choice = HiddenField(validators=[DataRequired()])


class RulesForm(Form):
    """The conference's election rules, set by the chair before the first round."""

    vote_form = SelectField(_l("Hình thức biểu quyết"), choices=[(f.value, _l(f.label)) for f in VoteForm])
    ballot_type = SelectField(
        _l("Loại phiếu"),
        choices=[(t.value, _l(t.label)) for t in BallotType if t.label and ballot_kind(t).for_offices],
    )
    quorum_numerator = IntegerField(
        _l("Tỷ lệ có mặt tối thiểu: tử số"), validators=[InputRequired(), NumberRange(1, 100)]
    )
    quorum_denominator = IntegerField(_l("mẫu số"), validators=[InputRequired(), NumberRange(1, 100)])
    threshold_numerator = IntegerField(
        _l("Ngưỡng trúng cử (trên): tử số"), validators=[InputRequired(), NumberRange(1, 100)]
    )
    threshold_denominator = IntegerField(_l("mẫu số"), validators=[InputRequired(), NumberRange(1, 100)])
    threshold_base = SelectField(
        _l("Tỷ lệ tính trên"), choices=[(b.value, _l(b.label)) for b in ThresholdBase]
    )
    threshold_inclusive = BooleanField(_l("Đạt đúng tỷ lệ là đủ (từ tỷ lệ đó trở lên, ≥)"))
    leader_excludes_outgoing = BooleanField(_l("Đơn vị Cụm trưởng đương nhiệm không ứng cử Cụm trưởng"))
    deputy_excludes_outgoing_leader = BooleanField(_l("Đơn vị Cụm trưởng đương nhiệm không ứng cử Cụm phó"))
    self_vote_allowed = BooleanField(_l("Đơn vị được bầu cho chính mình"))
    max_rounds = IntegerField(
        _l("Số vòng bầu tối đa mỗi chức danh"), validators=[InputRequired(), NumberRange(1, 10)]
    )


class OpenRoundForm(Form):
    """Open a round: on paper or not, and the nominee on approve/reject ballots."""

    on_paper = BooleanField(_l("Bỏ phiếu bằng phiếu giấy (Ban kiểm phiếu nhập kết quả)"))
    nominee = SelectField(_l("Đơn vị được đề cử"), choices=[], validators=[Optional()], validate_choice=False)

    def __init__(self, office: Office, nominees: list[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.office = office
        self.nominee.choices = [(str(u.id), u.name) for u in nominees or []]

    @property
    def slot(self) -> str:
        """Return where the form sits on the console: one per office."""
        return f"open-{self.office.value}"


class VoidRoundForm(Form):
    """Void a closed round, with the reason."""

    reason = StringField(
        _l("Lý do hủy vòng bầu"),
        validators=[
            DataRequired(_l("Cần ghi rõ lý do hủy vòng bầu (ít nhất 5 ký tự).")),
            Length(min=5, max=2000, message=_l("Cần ghi rõ lý do hủy vòng bầu (ít nhất 5 ký tự).")),
        ],
    )

    def __init__(self, round_id: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.round_id = round_id

    @property
    def slot(self) -> str:
        """Return where the form sits on the console: under its round."""
        return f"void-{self.round_id}"


class DecisionForm(Form):
    """The chair's decision after the last allowed round, or the consensus (hiệp thương)."""

    method = SelectField(
        _l("Cách quyết định"),
        choices=[
            (DecisionMethod.CONSENSUS.value, _l("Hiệp thương")),
            (DecisionMethod.LOTS.value, _l("Bốc thăm (hệ thống rút thăm bằng mã ngẫu nhiên được ghi lại)")),
        ],
    )
    unit = SelectField(_l("Đơn vị (hiệp thương)"), choices=[], validators=[Optional()], validate_choice=False)
    agreeing = IntegerField(
        _l("Số đơn vị biểu quyết đồng ý (giơ tay, hiệp thương)"),
        validators=[Optional(), NumberRange(min=0, message=_l("Số đơn vị biểu quyết đồng ý không thể âm."))],
    )
    statement = TextAreaField(
        _l("Kết luận của chủ tọa"),
        validators=[DataRequired(_l("Cần ghi lời kết luận của chủ tọa.")), Length(max=4000)],
    )
    witnesses = TextAreaField(
        _l("Người chứng kiến (bốc thăm), mỗi người một dòng"), validators=[Length(max=2000)]
    )

    def __init__(self, office: Office, candidates: list[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.office = office
        self.unit.choices = [("", "")] + [(str(u.id), u.name) for u in candidates or []]

    @property
    def slot(self) -> str:
        """Return where the form sits on the console: one per office."""
        return f"decide-{self.office.value}"


class RefusedOnConsole(Exception):
    """A chair's form from the console was refused: the console shows it again, in its place.

    The console sits in a higher layer and handles this exception (``app_errorhandler``), so the views
    here need not import it: it renders itself with this form, the error by *field* (or the field the
    error names), what the chair typed kept. ``error`` is the refused rule; None when the form itself
    was invalid (its fields carry the errors).
    """

    def __init__(
        self,
        conference_id: int,
        form: OpenRoundForm | VoidRoundForm | DecisionForm,
        error: VotingError | None = None,
        *,
        field: str | None = None,
    ) -> None:
        super().__init__(conference_id, form.slot, error)
        self.conference_id = conference_id
        self.form = form
        self.error = error
        self.field = field

    @property
    def status_code(self) -> int:
        """Return the refused rule's status (409 mostly), or 422 when the form itself was invalid."""
        return self.error.status_code if self.error is not None else 422


class AddCommitteeMemberForm(Form):
    """Add a member to the counting committee (approved by show of hands)."""

    member = SelectField(_l("Thành viên Ban kiểm phiếu"), choices=[])
    is_head = BooleanField(_l("Trưởng ban"))
    approvals = IntegerField(
        _l("Số đơn vị biểu quyết thông qua"), validators=[InputRequired(), NumberRange(min=0)]
    )

    def __init__(self, accounts: list[User], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.member.choices = [(str(a.id), f"{a.full_name} ({a.username})") for a in accounts]


class PaperCountForm(Form):
    """The committee's count of a paper round; per-candidate fields are added for the round."""

    issued = IntegerField(_l("Số phiếu phát ra"), validators=[InputRequired(), NumberRange(min=0)])
    returned = IntegerField(_l("Số phiếu thu vào"), validators=[InputRequired(), NumberRange(min=0)])
    valid = IntegerField(_l("Số phiếu hợp lệ"), validators=[InputRequired(), NumberRange(min=0)])
    invalid = IntegerField(_l("Số phiếu không hợp lệ"), validators=[InputRequired(), NumberRange(min=0)])
    blank = IntegerField(_l("Số phiếu trống"), validators=[InputRequired(), NumberRange(min=0)])

    def candidate_fields(self) -> list[list[Field]]:
        """Return each candidate's fields: the numbers its ballot type counts (votes, against...)."""
        return list(getattr(self, "_candidate_fields", []))


def paper_count_form(candidates: list[Unit], ballot: BallotKind, **kwargs: Any) -> PaperCountForm:
    """Return a count form with a field per candidate for each number the ballot type counts."""

    class RoundPaperCountForm(PaperCountForm):
        pass

    for unit in candidates:
        for column in ballot.paper_columns:
            setattr(
                RoundPaperCountForm,
                f"{column}_{unit.id}",
                IntegerField(
                    ballot.paper_label(column, unit), validators=[InputRequired(), NumberRange(min=0)]
                ),
            )
    form = RoundPaperCountForm(**kwargs)
    form._candidate_fields = [
        [form[f"{column}_{u.id}"] for column in ballot.paper_columns] for u in candidates
    ]
    return form
