"""Administration of the agency's signature: the cluster's agency certificate and seal, signers' images."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from voting.admin.forms import AgencyCertificateForm
from voting.auth.access import role_required, user
from voting.auth.models import Role, User
from voting.clusters.models import Cluster
from voting.errors import VotingError
from voting.extensions import db
from voting.formatting import utc_now
from voting.signing import agency, pki
from voting.signing.agency_routes import save_signature_image
from voting.signing.forms import SignatureImageForm
from voting.signing.services import signature_image

bp = Blueprint("admin_agency", __name__, url_prefix="/admin")


@bp.route("/clusters/<int:cluster_id>/agency", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def agency_certificate(cluster_id: int) -> str | Response | tuple[str, int]:
    """Show and replace the certificate and seal the clerk signs the cluster's sealed documents with."""
    cluster = db.session.get(Cluster, cluster_id) or abort(404)
    form = AgencyCertificateForm()
    error = None
    if form.validate_on_submit():
        seal = form.seal.data
        try:
            agency.set_agency_certificate(
                cluster,
                certificate_pem=form.certificate.data.read(),
                agency_name=form.agency_name.data or "",
                seal_png=seal.read() if seal else None,
                by=user(),
                now=utc_now(),
            )
        except VotingError as refused:
            db.session.rollback()
            error = str(refused)
        else:
            db.session.commit()
            flash(_("Đã lưu chứng thư số của cơ quan."), "success")
            return redirect(url_for(".agency_certificate", cluster_id=cluster.id))
    current = agency.agency_certificate(cluster)
    certificate = pki.load_certificate(current.certificate_pem) if current else None
    page = render_template(
        "admin/agency.html", cluster=cluster, form=form, error=error, current=current, certificate=certificate
    )
    return (page, 422) if error else page


@bp.route("/users/<int:user_id>/signature-image", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user_signature_image(user_id: int) -> str | Response | tuple[str, int]:
    """Upload the image of an account's handwritten signature for them."""
    account = db.session.get(User, user_id) or abort(404)
    form = SignatureImageForm()
    error = None
    if form.validate_on_submit():
        error = save_signature_image(account, form)
        if error is None:
            return redirect(url_for(".user_signature_image", user_id=account.id))
    page = render_template(
        "admin/signature_image.html",
        account=account,
        form=form,
        error=error,
        has_image=signature_image(account) is not None,
    )
    return (page, 422) if error else page
