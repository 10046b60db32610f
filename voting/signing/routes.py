"""The public verification page: upload a PDF or follow the QR link printed on it (no login)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from voting.documents.services import find_version
from voting.signing.forms import VerifyUploadForm
from voting.signing.services import verify_pdf

bp = Blueprint("signing", __name__)


@bp.route("/verify", methods=["GET", "POST"])
def verify() -> str:
    """Check an uploaded PDF: archive match and version, each signature's signer, time, integrity, trust."""
    form = VerifyUploadForm()
    result = None
    if form.validate_on_submit():
        result = verify_pdf(form.pdf.data.read())
    return render_template("signing/verify.html", form=form, result=result, version=None)


@bp.get("/verify/<code>")
def verify_link(code: str) -> str:
    """Show the version a printed QR code points to, with its stored states and their signatures."""
    version = find_version(code) or abort(404)
    result = verify_pdf(version.latest_file.content)
    return render_template("signing/verify.html", form=VerifyUploadForm(), result=result, version=version)
