"""The clerk's step (the agency's signature, then "Đã phát hành"); a signer's handwritten-signature image."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from voting.auth.access import role_required, user
from voting.auth.models import Role, User
from voting.config import tsa_credentials
from voting.documents.access import ALL_ROLES, load_document
from voting.errors import VotingError
from voting.extensions import db
from voting.formatting import utc_now
from voting.signing import agency
from voting.signing.forms import SealDocumentForm, SignatureImageForm
from voting.signing.routes import _guarded, _Outcome  # the PIN-counting runner the sign page uses
from voting.signing.services import set_signature_image, signature_image

bp = Blueprint("agency", __name__)


@bp.route("/documents/<int:document_id>/seal", methods=["GET", "POST"])
@role_required(Role.CLERK)
def seal(document_id: int) -> str | Response | tuple[str, int, dict[str, str]]:
    """Apply the issuing body's signature from its token (or PKCS#12 file) and publish the document."""
    document = load_document(document_id)
    version = document.current_version
    if not agency.may_seal(version, user()):
        abort(403)
    module = current_app.config.get("SIGNING_PKCS11_MODULE") or ""
    form = SealDocumentForm()
    outcome = _Outcome(None, {})
    if form.validate_on_submit():
        upload, clerk = form.pkcs12.data, user()
        token = None
        if module and form.token_label.data and not upload:
            token = agency.TokenLogin(
                module, form.token_label.data, form.key_label.data or "", form.pin.data or ""
            )
        # A token's PIN tries are counted like a stored key's (five, then a wait), and audited.
        outcome = _guarded(
            clerk,
            lambda now: agency.seal_document(
                version,
                by=clerk,
                now=now,
                token=token,
                pkcs12=upload.read() if upload else None,
                pkcs12_password=form.pkcs12_password.data or "",
                timestamp_url=current_app.config.get("SIGNING_TSA_URL") or None,
                timestamp_auth=tsa_credentials(current_app.config),
            ),
            uses_pin=token is not None,
        )
        if outcome.error is None:
            flash(
                _(
                    "Đã ký số cơ quan và phát hành %(title)s số %(number)s.",
                    title=_(document.kind.label),
                    number=document.number,
                ),
                "success",
            )
            return redirect(url_for("signing.conference_documents", conference_id=document.conference_id))
    page = render_template(
        "signing/seal.html",
        document=document,
        slot=version.next_slot,
        form=form,
        error=outcome.error,
        has_module=bool(module),
        configured=agency.agency_certificate(document.conference.cluster),
    )
    return outcome.answer(page)


@bp.route("/account/signature-image", methods=["GET", "POST"])
@role_required(*ALL_ROLES)
def signature_image_view() -> str | Response | tuple[str, int]:
    """Upload the image of one's handwritten signature, shown in one's signature stamps."""
    form = SignatureImageForm()
    error = None
    if form.validate_on_submit():
        error = save_signature_image(user(), form)
        if error is None:
            return redirect(url_for(".signature_image_view"))
    page = render_template(
        "signing/signature_image.html", form=form, error=error, has_image=signature_image(user()) is not None
    )
    return (page, 422) if error else page


def save_signature_image(account: User, form: SignatureImageForm) -> str | None:
    """Store the form's PNG as the account's signature image and commit; return the refusal, if any."""
    try:
        set_signature_image(account, form.image.data.read(), now=utc_now())
    except VotingError as refused:
        db.session.rollback()
        return str(refused)
    db.session.commit()
    flash(_("Đã lưu ảnh chữ ký."), "success")
    return None
