"""Administration of the trust list: CA certificates, CRLs, and revoking in-app signer certificates."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from voting.admin.forms import ImportTrustFileForm, RevokeCredentialForm
from voting.auth.access import role_required, user
from voting.auth.models import Role
from voting.errors import VotingError
from voting.extensions import db
from voting.formatting import utc_now
from voting.forms import ConfirmForm
from voting.signing import trust
from voting.signing.models import SignerCredential, TrustedCertificate

bp = Blueprint("trust", __name__, url_prefix="/admin/trust")

#: largest certificate or CRL file accepted (a national CA's CRL runs to a few hundred KB)
MAX_TRUST_FILE_BYTES = 1024 * 1024


def _page(
    certificate_form: ImportTrustFileForm | None = None,
    crl_form: ImportTrustFileForm | None = None,
    revoke_form: RevokeCredentialForm | None = None,
    error: str | None = None,
) -> tuple[str, int] | str:
    credentials = db.session.scalars(
        sa.select(SignerCredential).order_by(SignerCredential.revoked_at.is_not(None), SignerCredential.id)
    ).all()
    page = render_template(
        "admin/trust.html",
        certificates=trust.all_certificates(),
        crls=trust.revocation_lists(),
        credentials=credentials,
        certificate_form=certificate_form or ImportTrustFileForm(),
        crl_form=crl_form or ImportTrustFileForm(),
        revoke_form=revoke_form or RevokeCredentialForm(),
        confirm=ConfirmForm(),
        error=error,
    )
    return (page, 422) if error else page


def _store_upload(
    kind: str, store: Callable[[bytes], str], nothing_done: str
) -> str | tuple[str, int] | Response:
    """Read the uploaded file, let *store* keep it (it returns the message), commit; or show why not."""
    form = ImportTrustFileForm()
    data = form.file.data.read(MAX_TRUST_FILE_BYTES + 1) if form.validate_on_submit() else None
    if data is not None and len(data) > MAX_TRUST_FILE_BYTES:
        form.file.errors, data = [_("Tệp quá lớn (tối đa 1 MB).")], None
    if data is None:
        return _page(**{kind: form}, error=nothing_done)
    try:
        message = store(bytes(data))
    except VotingError as refused:
        db.session.rollback()
        return _page(**{kind: form}, error=str(refused))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".index"))


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> str | tuple[str, int]:
    """List the trust list, the stored CRLs and the in-app signer certificates."""
    return _page()


@bp.post("/certificates")
@role_required(Role.ADMIN)
def add_certificate() -> str | tuple[str, int] | Response:
    """Put the CA certificate(s) of an uploaded file on the trust list."""

    def store(data: bytes) -> str:
        added = trust.import_certificates(data, by=user(), now=utc_now())
        return str(_("Đã thêm %(count)d chứng thư vào danh sách tin cậy.", count=len(added)))

    return _store_upload("certificate_form", store, _("Chưa thêm chứng thư nào."))


@bp.post("/certificates/<int:entry_id>/retire")
@role_required(Role.ADMIN)
def retire_certificate(entry_id: int) -> Response:
    """Stop trusting a certificate; it stays on the list."""
    entry = db.session.get(TrustedCertificate, entry_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            trust.retire_certificate(entry, by=user(), now=utc_now())
        except VotingError as refused:
            db.session.rollback()
            flash(str(refused), "danger")
        else:
            db.session.commit()
            flash(_("Đã thôi tin cậy %(subject)s.", subject=entry.subject), "success")
    return redirect(url_for(".index"))


@bp.post("/crls")
@role_required(Role.ADMIN)
def import_crl() -> str | tuple[str, int] | Response:
    """Store an uploaded CRL signed by a CA on the trust list."""

    def store(data: bytes) -> str:
        stored = trust.import_crl(data, by=user(), now=utc_now())
        return str(_("Đã nhập danh sách thu hồi của %(issuer)s.", issuer=stored.issuer))

    return _store_upload("crl_form", store, _("Chưa nhập danh sách thu hồi nào."))


@bp.post("/credentials/<int:credential_id>/revoke")
@role_required(Role.ADMIN)
def revoke_credential(credential_id: int) -> str | tuple[str, int] | Response:
    """Revoke an in-app signer certificate; the in-app CA issues a new CRL."""
    credential = db.session.get(SignerCredential, credential_id) or abort(404)
    form = RevokeCredentialForm()
    if not form.validate_on_submit():
        return _page(revoke_form=form, error=_("Cần mật khẩu bảo vệ khóa CA để thu hồi."))
    try:
        trust.revoke_credential(
            credential, ca_passphrase=form.ca_passphrase.data or "", by=user(), now=utc_now()
        )
    except VotingError as refused:
        db.session.rollback()
        return _page(error=str(refused))
    db.session.commit()
    flash(_("Đã thu hồi chứng thư số của %(name)s.", name=credential.user.full_name), "success")
    return redirect(url_for(".index"))
