"""Registering a person's own signing certificate (the one on their token) on the accounts screen."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from voting.admin.forms import RegisterCertificateForm
from voting.auth.access import role_required, user
from voting.auth.models import Role, User
from voting.errors import VotingError
from voting.extensions import db
from voting.formatting import utc_now
from voting.forms import ConfirmForm, show_refusal
from voting.signing.external import register_certificate, registered_certificates, retire_certificate
from voting.signing.models import ExternalCertificate

bp = Blueprint("external_certificates", __name__, url_prefix="/admin")


@bp.route("/users/<int:user_id>/external-certificates", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def index(user_id: int) -> str | Response | tuple[str, int]:
    """List the certificates registered for an account and register another (.cer/.pem upload)."""
    account = db.session.get(User, user_id) or abort(404)
    form = RegisterCertificateForm()
    status = 200
    if form.validate_on_submit():
        try:
            registered = register_certificate(
                account,
                form.certificate.data.read(),
                matches_subject=bool(form.matches_subject.data),
                by=user(),
                now=utc_now(),
            )
        except VotingError as refused:
            db.session.rollback()
            show_refusal(form, refused, "certificate")
            status = 422
        else:
            db.session.commit()
            flash(_("Đã đăng ký chứng thư số %(subject)s.", subject=registered.subject), "success")
            return redirect(url_for(".index", user_id=account.id))
    page = render_template(
        "admin/external_certificates.html",
        account=account,
        certificates=registered_certificates(account),
        form=form,
        confirm=ConfirmForm(),
    )
    return (page, status) if status != 200 else page


@bp.post("/external-certificates/<int:certificate_id>/retire")
@role_required(Role.ADMIN)
def retire(certificate_id: int) -> Response:
    """Stop accepting signatures made with a registered certificate."""
    registered = db.session.get(ExternalCertificate, certificate_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            retire_certificate(registered, by=user(), now=utc_now())
        except VotingError as refused:
            db.session.rollback()
            flash(str(refused), "danger")
        else:
            db.session.commit()
            flash(_("Đã ngừng sử dụng chứng thư số %(subject)s.", subject=registered.subject), "success")
    return redirect(url_for(".index", user_id=registered.user_id))
