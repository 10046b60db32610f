"""Signing with the signer's own certificate in their own tool: the prepared revision out, the signed file in.

The signer downloads the exact prepared revision (the version's latest stored file, whose empty
signature fields were laid out when it was built), signs the block's field in any PAdES tool
(ETSI EN 319 142-1, ISO 32000-2 §12.8) with their token, and uploads the result. The upload is stored
only if it begins with the prepared bytes, adds exactly one signature, into the expected field, and
nothing else (pyHanko's difference analysis, ISO 32000-2 §12.8.2.2), the signature is intact and
chains to the trust list (RFC 5280 path validation by pyHanko's certvalidator, revocation checked
where it can be), and the certificate is the one the administrator registered for the person.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import (
    CatalogModificationRule,
    DocInfoRule,
    DSSCompareRule,
    FormUpdatingRule,
    GenericFieldModificationRule,
    MetadataUpdateRule,
    ModificationLevel,
    ObjectStreamRule,
    SigFieldModificationRule,
    StandardDiffPolicy,
    SuspiciousModification,
    XrefStreamRule,
)
from pyhanko.sign.diff_analysis.constants import ACROFORM_EXEMPT_STRICT_COMPARISON
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from voting.audit.services import record
from voting.auth.models import User
from voting.documents.models import DocumentFile, DocumentVersion
from voting.errors import InvalidState, SigningRefused
from voting.extensions import db
from voting.i18n import N_
from voting.signing import pki
from voting.signing.models import ExternalCertificate
from voting.signing.services import lock_turn, may_sign, store_signature
from voting.signing.trust import validation_context

#: the largest signed PDF accepted (the prepared file plus one signature with its chain)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: the largest certificate file the administrator uploads
MAX_CERTIFICATE_BYTES = 64 * 1024

#: pyHanko's default difference policy, with two changes for comparing against the *unsigned* prepared
#: revision: the first signature may set /SigFlags (SignaturesExist, AppendOnly: ISO 32000-2
#: §12.7.3), and no field may be created (the prepared file already has every signature field)
_ADDITION_POLICY = StandardDiffPolicy(
    global_rules=[
        CatalogModificationRule(),  # type: ignore[no-untyped-call]
        DocInfoRule().as_qualified(ModificationLevel.LTA_UPDATES),
        XrefStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
        ObjectStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
        DSSCompareRule().as_qualified(ModificationLevel.LTA_UPDATES),
        MetadataUpdateRule().as_qualified(ModificationLevel.LTA_UPDATES),  # type: ignore[no-untyped-call]
    ],
    form_rule=FormUpdatingRule(
        field_rules=[SigFieldModificationRule(), GenericFieldModificationRule()],
        ignored_acroform_keys=ACROFORM_EXEMPT_STRICT_COMPARISON | {"/SigFlags"},
    ),
)


# Registered certificates --------------------------------------------------------------------------


def read_certificate(data: bytes) -> x509.Certificate:
    """Parse an uploaded certificate file, PEM or DER (.cer/.crt/.pem); refuse anything else."""
    if len(data) > MAX_CERTIFICATE_BYTES:
        raise InvalidState(N_("Tệp chứng thư số quá lớn (tối đa 64 KB)."), field="certificate")
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise InvalidState(
            N_("Không đọc được chứng thư số: cần tệp .cer, .crt hoặc .pem (X.509)."), field="certificate"
        ) from None


def register_certificate(
    account: User, data: bytes, *, matches_subject: bool, by: User, now: datetime
) -> ExternalCertificate:
    """Register the person's own certificate; with *matches_subject* its subject and issuer match too."""
    cert = read_certificate(data)
    fingerprint = pki.fingerprint(cert)
    existing = db.session.scalar(
        sa.select(ExternalCertificate).where(
            ExternalCertificate.user_id == account.id, ExternalCertificate.fingerprint == fingerprint
        )
    )
    if existing is not None and existing.is_active:
        raise InvalidState(N_("Chứng thư số này đã được đăng ký cho tài khoản."), field="certificate")
    registered = existing or ExternalCertificate(
        user_id=account.id,
        certificate_pem=pki.pem(cert),
        fingerprint=fingerprint,
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
    )
    # a retired registration is taken up again: the row keeps its history in the audit log
    registered.matches_subject = matches_subject
    registered.registered_at = now
    registered.registered_by_id = by.id
    registered.retired_at = None
    db.session.add(registered)
    db.session.flush()
    record(
        "external certificate registered",
        actor=by,
        now=now,
        details={
            "account": account.username,
            "fingerprint": fingerprint,
            "subject": registered.subject,
            "matches_subject": matches_subject,
        },
    )
    return registered


def retire_certificate(registered: ExternalCertificate, *, by: User, now: datetime) -> None:
    """Stop accepting signatures made with a registered certificate."""
    if not registered.is_active:
        raise InvalidState(N_("Chứng thư số này đã ngừng sử dụng."))
    registered.retired_at = now
    db.session.flush()
    record(
        "external certificate retired",
        actor=by,
        now=now,
        details={"account": registered.user.username, "fingerprint": registered.fingerprint},
    )


def registered_certificates(account: User) -> list[ExternalCertificate]:
    """Return the account's registrations, newest first (retired ones too)."""
    return list(
        db.session.scalars(
            sa.select(ExternalCertificate)
            .where(ExternalCertificate.user_id == account.id)
            .order_by(ExternalCertificate.registered_at.desc(), ExternalCertificate.id.desc())
        )
    )


def is_registered(account: User, cert: x509.Certificate) -> bool:
    """Return whether *cert* is registered for *account*: its fingerprint, or confirmed subject fields."""
    subject, issuer = cert.subject.rfc4514_string(), cert.issuer.rfc4514_string()
    return any(
        r.fingerprint == pki.fingerprint(cert)
        or (r.matches_subject and r.subject == subject and r.issuer == issuer)
        for r in registered_certificates(account)
        if r.is_active
    )


# The prepared revision and the signed upload --------------------------------------------------------


def prepared_revision(version: DocumentVersion, by: User) -> tuple[dict[str, Any], DocumentFile]:
    """Return the block *by* signs next and the stored file to sign it in (the exact bytes to hand out)."""
    slot = version.next_slot
    if slot is None or not may_sign(version, by) or slot["user_id"] is None:
        raise SigningRefused(N_("Không có ô chữ ký nào chờ tài khoản này ký bằng công cụ riêng."))
    return slot, version.latest_file


@dataclass(frozen=True)
class Addition:
    """The one signature an upload added: its certificate and claimed signing time."""

    certificate: x509.Certificate
    signed_at: datetime | None


def examine_upload(prepared: bytes, upload: bytes, field: str, context: ValidationContext) -> Addition:
    """Check that *upload* is *prepared* plus one valid, trusted signature in *field* and nothing else."""
    if len(upload) > MAX_UPLOAD_BYTES:
        raise SigningRefused(N_("Tệp tải lên quá lớn (tối đa 20 MB)."))
    if len(upload) <= len(prepared) or upload[: len(prepared)] != prepared:
        raise SigningRefused(
            N_(
                "Tệp tải lên không bắt đầu bằng đúng bản đã tải về để ký (tệp đã bị sửa, hoặc là bản "
                "khác); hãy ký đúng tệp tải về và không lưu lại tệp bằng công cụ khác."
            )
        )
    try:
        base = PdfFileReader(io.BytesIO(prepared), strict=False).xrefs.total_revisions
        reader = PdfFileReader(io.BytesIO(upload), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 - any unreadable upload is refused, never a 500
        raise SigningRefused(N_("Tệp tải lên không phải tệp PDF đọc được.")) from None
    added = [s for s in signatures if s.signed_revision >= base]
    if len(added) != 1:
        raise SigningRefused(
            N_("Tệp tải lên phải thêm đúng một chữ ký số; tệp này thêm %(count)s."), count=len(added)
        )
    (signature,) = added
    if signature.field_name != field:
        raise SigningRefused(
            N_("Chữ ký nằm ở ô «%(found)s», không phải ô cần ký «%(expected)s»; hãy ký đúng ô."),
            found=signature.field_name,
            expected=field,
        )
    _check_nothing_else_changed(reader, base, field)
    try:
        status = validate_pdf_signature(signature, context)
    except Exception:  # noqa: BLE001 - a mangled signature is a refusal, not a 500
        raise SigningRefused(N_("Chữ ký số trong tệp tải lên bị hỏng.")) from None
    if not (status.intact and status.valid):
        raise SigningRefused(N_("Chữ ký số không hợp lệ: nội dung đã ký không khớp với chữ ký."))
    if status.revoked:
        raise SigningRefused(N_("Chứng thư số của người ký đã bị thu hồi."))
    if not status.trusted:
        raise SigningRefused(
            N_(
                "Chứng thư số của người ký không dẫn về một CA trong danh sách tin cậy (hoặc đã hết "
                "hạn); tài liệu chưa được ký."
            )
        )
    cert = x509.load_der_x509_certificate(status.signing_cert.dump())
    claimed = status.signer_reported_dt
    return Addition(cert, claimed)


def _check_nothing_else_changed(reader: PdfFileReader, base: int, field: str) -> None:
    """Refuse any change after the prepared revision beyond filling *field* (and LTV data)."""
    try:
        result = _ADDITION_POLICY.review_file(reader, base - 1)
    except Exception:  # noqa: BLE001 - the analysis itself failing is as suspicious as a finding
        result = SuspiciousModification("unreadable")
    if (
        isinstance(result, SuspiciousModification)
        or result.modification_level > ModificationLevel.FORM_FILLING
        or not result.changed_form_fields <= {field}
    ):
        raise SigningRefused(
            N_(
                "Tệp tải lên thay đổi cả nội dung khác ngoài chữ ký (trang, ô khác hoặc đối tượng của "
                "tài liệu); chỉ được thêm chữ ký vào ô cần ký."
            )
        )


def accept_signed_upload(
    version: DocumentVersion, upload: bytes, *, by: User, now: datetime, fetch: bool = False
) -> DocumentFile:
    """Store the signer's upload as the version's next revision if every check passes; else refuse.

    *fetch* allows OCSP/CRL look-ups on the network; without it revocation is checked only from
    what is at hand (soft-fail).
    """
    version, slot = lock_turn(version, by)
    if slot["user_id"] is None:
        raise SigningRefused(
            N_(
                "Ô chữ ký của người ngoài hội nghị chưa nhận tệp ký bằng công cụ riêng; "
                "hãy ký bằng tệp PKCS#12."
            )
        )
    moment = now.replace(tzinfo=UTC) if now.tzinfo is None else now
    addition = examine_upload(
        version.latest_file.content, upload, slot["field"], validation_context(moment=moment, fetch=fetch)
    )
    if not is_registered(by, addition.certificate):
        raise SigningRefused(
            N_(
                "Chứng thư số %(subject)s (vân tay SHA-256 %(fingerprint)s) chưa được đăng ký cho "
                "tài khoản này; hãy gửi tệp chứng thư (.cer) cho quản trị hệ thống để đăng ký."
            ),
            subject=addition.certificate.subject.rfc4514_string(),
            fingerprint=pki.fingerprint(addition.certificate)[:16],
        )
    return store_signature(
        version, slot, upload, addition.certificate, by=by, signed_by=by, now=now, way="external"
    )
