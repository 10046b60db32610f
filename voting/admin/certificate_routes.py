"""Administration of in-app signing keys: the root CA and each account's signing certificate."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from voting.admin import services
from voting.admin.forms import CreateAuthorityForm, IssueCertificateForm
from voting.auth.access import role_required, user
from voting.auth.models import Role, User
from voting.errors import VotingError
from voting.extensions import db
from voting.formatting import utc_now
from voting.forms import show_refusal
from voting.signing.services import DEFAULT_CA_NAME, active_authority, credential_of

bp = Blueprint("certificates", __name__, url_prefix="/admin/users")


def _account(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _page(account: User, form: IssueCertificateForm, authority_form: CreateAuthorityForm) -> str:
    authority, credential = active_authority(), credential_of(account)
    return render_template(
        "admin/certificate.html",
        account=account,
        authority=services.summarize_certificate(authority.certificate_pem, authority.created_at)
        if authority is not None
        else None,
        certificate=services.summarize_certificate(credential.certificate_pem, credential.issued_at)
        if credential is not None
        else None,
        form=form,
        authority_form=authority_form,
    )


@bp.get("/<int:user_id>/certificate")
@role_required(Role.ADMIN)
def show(user_id: int) -> str:
    """Show an account's signing certificate, with the form that issues or renews it."""
    authority_form = CreateAuthorityForm(name=DEFAULT_CA_NAME)
    return _page(_account(user_id), IssueCertificateForm(), authority_form)


@bp.post("/<int:user_id>/certificate")
@role_required(Role.ADMIN)
def issue(user_id: int) -> str | tuple[str, int]:
    """Issue or renew the account's certificate under a new PIN, shown once on the answer page."""
    account = _account(user_id)
    form = IssueCertificateForm()
    if form.validate_on_submit():
        try:
            credential, pin = services.issue_signing_certificate(
                account, ca_passphrase=form.ca_passphrase.data or "", by=user(), now=utc_now()
            )
        except VotingError as refused:
            db.session.rollback()
            show_refusal(form, refused, "ca_passphrase")
        else:
            db.session.commit()
            summary = services.summarize_certificate(credential.certificate_pem, credential.issued_at)
            return render_template(
                "admin/certificate_pin.html", account=account, pin=pin, certificate=summary
            )
    return _page(account, form, CreateAuthorityForm(name=DEFAULT_CA_NAME)), 422


@bp.post("/<int:user_id>/authority")
@role_required(Role.ADMIN)
def create_authority(user_id: int) -> str | Response | tuple[str, int]:
    """Create the organisation's root CA (only while there is none), then come back to the account."""
    account = _account(user_id)
    form = CreateAuthorityForm()
    if form.validate_on_submit():
        try:
            services.create_signing_authority(
                form.name.data or "",
                form.passphrase.data or "",
                organization=form.organization.data or "",
                by=user(),
                now=utc_now(),
            )
        except VotingError as refused:
            db.session.rollback()
            show_refusal(form, refused, "passphrase")
        else:
            db.session.commit()
            flash(_("Đã tạo CA gốc; hãy giữ kỹ mật khẩu bảo vệ khóa CA."), "success")
            return redirect(url_for(".show", user_id=account.id))
    return _page(account, IssueCertificateForm(), form), 422
