"""A conference's documents and their signatures, signing, and the public verification page (no login)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from voting.auth.access import role_required, user
from voting.auth.models import User
from voting.auth.throttle import Attempt
from voting.conferences.access import load_conference
from voting.config import tsa_credentials
from voting.documents import archive, questions, services
from voting.documents.access import ALL_ROLES, load_document
from voting.documents.archive import find_version, version_filename
from voting.documents.forms import ReplaceDocumentForm
from voting.documents.kinds import kind_entry
from voting.documents.models import Document
from voting.documents.routes import send_stored
from voting.errors import VotingError, WrongPin
from voting.extensions import db
from voting.formatting import utc_now
from voting.forms import ConfirmForm, show_refusal
from voting.signing import pin
from voting.signing.agency import may_seal
from voting.signing.external import accept_signed_upload, prepared_revision, registered_certificates
from voting.signing.forms import ChangePinForm, SignDocumentForm, UploadSignedForm, VerifyUploadForm
from voting.signing.services import administrators, credential_of, may_sign, sign_document, verify_pdf

bp = Blueprint("signing", __name__)


@bp.route("/verify", methods=["GET", "POST"])
def verify() -> str:
    """Check an uploaded PDF: archive match and version, each signature's signer, time, integrity, trust."""
    form = VerifyUploadForm()
    result = None
    if form.validate_on_submit():
        result = verify_pdf(form.pdf.data.read(), fetch=current_app.config["REVOCATION_FETCH"])
    anchor = archive.anchor_holds(result.version) if result is not None and result.version else None
    return render_template("signing/verify.html", form=form, result=result, version=None, anchor=anchor)


@bp.get("/verify/<code>")
def verify_link(code: str) -> str:
    """Show the version a printed QR code points to, with its stored states and their signatures."""
    version = find_version(code) or abort(404)
    result = verify_pdf(version.latest_file.content, fetch=current_app.config["REVOCATION_FETCH"])
    return render_template(
        "signing/verify.html",
        form=VerifyUploadForm(),
        result=result,
        version=version,
        anchor=archive.anchor_holds(version),
    )


@bp.get("/conferences/<int:conference_id>/documents")
@role_required(*ALL_ROLES)
def conference_documents(conference_id: int) -> str:
    """List the conference's documents with their versions, signatures and what the user may do."""
    conference = load_conference(conference_id, *ALL_ROLES)
    documents = archive.conference_documents(conference)
    issuable = []
    waiting: list[tuple[str, str]] = []  # what the chair issues later, and why not yet
    if user().id == conference.chair_id and not conference.is_ended:
        waiting = [(kind.label, refused.message_in(_)) for kind, refused in services.waiting(conference)]
        for kind, election in services.issuable(conference):
            office = election.office.value if election is not None else None
            issuable.append(
                (
                    url_for(
                        "documents.issue_document",
                        conference_id=conference.id,
                        slug=kind_entry(kind).slug,
                        office=office,
                    ),
                    kind_entry(kind).title(election),
                )
            )
    return render_template(
        "signing/documents.html",
        conference=conference,
        documents=documents,
        issuable=issuable,
        waiting=waiting,
        may_sign=lambda version: may_sign(version, user()),
        may_seal=lambda version: may_seal(version, user()),
        form=ConfirmForm(),
        replace_form=ReplaceDocumentForm(),
        questions=questions,  # what issuing and replacing ask first
    )


@bp.route("/documents/<int:document_id>/sign", methods=["GET", "POST"])
@role_required(*ALL_ROLES)
def sign(document_id: int) -> str | Response | tuple[str, int, dict[str, str]]:
    """Ask for the PIN (or a PKCS#12 file) and sign the document's next signature block."""
    document = load_document(document_id)
    version = document.current_version
    if not may_sign(version, user()):
        abort(403)
    form = SignDocumentForm()
    outcome = _Outcome(None, {})
    if form.validate_on_submit():
        upload, signer = form.pkcs12.data, user()
        outcome = _guarded(
            signer,
            lambda now: sign_document(
                version,
                by=signer,
                now=now,
                pin=form.pin.data or "",
                pkcs12=upload.read() if upload else None,
                pkcs12_password=form.pkcs12_password.data or "",
                timestamp_url=current_app.config.get("SIGNING_TSA_URL") or None,
                timestamp_auth=tsa_credentials(current_app.config),
                fetch_revocation=current_app.config["REVOCATION_FETCH"],
            ),
            uses_pin=not upload and credential_of(signer) is not None,
        )
        if outcome.error is None:
            flash(
                _("Đã ký số %(title)s số %(number)s.", title=_(document.kind.label), number=document.number),
                "success",
            )
            return redirect(url_for(".conference_documents", conference_id=document.conference_id))
    return outcome.answer(_sign_page(document, form, UploadSignedForm(formdata=None), outcome.error))


def _sign_page(
    document: Document, form: SignDocumentForm, upload_form: UploadSignedForm, error: str | None
) -> str:
    """Render the signing page: the PIN or PKCS#12 form, and the signer's own tool's download and upload."""
    version = document.current_version
    return render_template(
        "signing/sign.html",
        document=document,
        version=version,
        slot=version.next_slot,
        form=form,
        upload_form=upload_form,
        error=error,
        has_key=credential_of(user()) is not None,
        has_own_certificate=any(r.is_active for r in registered_certificates(user())),
        administrators=administrators(),
    )


@bp.route("/signing/pin", methods=["GET", "POST"])
@role_required(*ALL_ROLES)
def change_pin() -> str | Response | tuple[str, int, dict[str, str]]:
    """Let a signer seal their in-app key under a PIN of their own (tries counted like signing's)."""
    form, signer = ChangePinForm(), user()
    outcome = _Outcome(None, {})
    if form.validate_on_submit():
        outcome = _guarded(
            signer,
            lambda now: pin.change_pin(signer, form.old_pin.data or "", form.new_pin.data or "", now=now),
            uses_pin=credential_of(signer) is not None,
        )
        if outcome.error is None:
            flash(_("Đã đổi mã PIN ký số."), "success")
            return redirect(url_for(".change_pin"))
    page = render_template(
        "signing/pin.html", form=form, error=outcome.error, has_key=credential_of(signer) is not None
    )
    return outcome.answer(page)


@dataclass(frozen=True)
class _Outcome:
    """What a PIN-guarded action answered: a refusal to show (with its headers), or None."""

    error: str | None
    headers: dict[str, str]

    def answer(self, page: str) -> str | tuple[str, int, dict[str, str]]:
        """Return the page, with 422 (or 429 while the signer must wait) after a refusal."""
        if self.error is None:
            return page
        return page, 429 if self.headers else 422, self.headers


def _guarded(signer: User, action: Callable[[datetime], object], *, uses_pin: bool) -> _Outcome:
    """Run *action*, counting and auditing the PIN try first when it uses the PIN; commit or roll back."""
    now, attempt = utc_now(), None
    if uses_pin:
        attempt = pin.reserve_pin_attempt(signer, now=now)
        db.session.commit()  # counted and audited before the PIN is tried, for every worker
    try:
        if attempt is not None and not attempt.is_allowed:
            raise pin.wait_refusal(attempt, now)
        action(now)
    except VotingError as refused:
        db.session.rollback()
        error, headers = _message(refused), {}
        if attempt is not None and isinstance(refused, WrongPin):
            pin.record_wrong_pin(signer, attempt, now=now)
            db.session.commit()
            error = f"{error} {_after_wrong_pin(attempt, now)}"
        if attempt is not None and isinstance(refused, pin.PinLocked):
            headers = {"Retry-After": str(max(1, math.ceil(attempt.wait(now).total_seconds())))}
        return _Outcome(error, headers)
    if attempt is not None:
        pin.forget_pin_attempts(signer)
    db.session.commit()
    return _Outcome(None, {})


def _message(refused: VotingError) -> str:
    return refused.message_in(_)


def _after_wrong_pin(attempt: Attempt, now: datetime) -> str:
    """Return what follows a wrong PIN: the tries left, or the wait that has just begun."""
    if attempt.tries_left == 0:
        return _message(pin.wait_refusal(attempt, now))
    message: str = ngettext(
        "Còn %(num)d lần thử; sau đó phải chờ %(minutes)d phút mới được thử tiếp.",
        "Còn %(num)d lần thử; sau đó phải chờ %(minutes)d phút mới được thử tiếp.",
        attempt.tries_left,
        minutes=int(pin.PIN_POLICY.first_delay.total_seconds() // 60),
    )
    return message


@bp.get("/documents/<int:document_id>/prepared")
@role_required(*ALL_ROLES)
def download_prepared(document_id: int) -> Response:
    """Send the exact prepared revision the signer signs in their own tool (Tải về để ký)."""
    document = load_document(document_id)
    try:
        slot, stored = prepared_revision(document.current_version, user())
    except VotingError:
        abort(403)
    return send_stored(
        stored, version_filename(stored.version).replace(".pdf", f"-de-ky-{slot['field']}.pdf")
    )


@bp.post("/documents/<int:document_id>/upload-signed")
@role_required(*ALL_ROLES)
def upload_signed(document_id: int) -> str | Response | tuple[str, int]:
    """Store the prepared revision as the signer's own tool signed it, or say which check failed."""
    document = load_document(document_id)
    version = document.current_version
    if not may_sign(version, user()):
        abort(403)
    upload_form = UploadSignedForm()
    error = None
    if upload_form.validate_on_submit():
        try:
            accept_signed_upload(version, upload_form.signed.data.read(), by=user(), now=utc_now())
        except VotingError as refused:
            db.session.rollback()
            error = show_refusal(upload_form, refused, "signed")
        else:
            db.session.commit()
            flash(
                _("Đã ký số %(title)s số %(number)s.", title=_(document.kind.label), number=document.number),
                "success",
            )
            return redirect(url_for(".conference_documents", conference_id=document.conference_id))
    page = _sign_page(document, SignDocumentForm(formdata=None), upload_form, None)
    return (page, 422) if error or upload_form.errors else page
