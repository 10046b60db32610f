"""The trust list: CA certificates and CRLs the archive relies on, and checking a certificate against them.

Certificate paths and revocation follow RFC 5280 (path validation s. 6, CRLs s. 5) as implemented by
pyhanko-certvalidator; CRLs are parsed and their signatures checked by `cryptography`.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
    ValidationError,
)
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    FreshnessReqType,
    RevocationCheckingPolicy,
)

from voting.audit.services import record
from voting.auth.models import User
from voting.errors import InvalidState, SigningRefused, WrongPin
from voting.extensions import db
from voting.i18n import N_
from voting.signing import pki
from voting.signing.models import RevocationList, SignerCredential, SigningAuthority, TrustedCertificate
from voting.signing.pades import SignatureReport, to_asn1

#: Revocation is checked where information exists (soft-fail), and a CRL stays usable after its
#: nextUpdate: an offline intranet imports CRLs now and then, and a revocation is never undone.
REVOCATION_POLICY = CertRevTrustPolicy(
    RevocationCheckingPolicy.from_legacy("soft-fail"),
    freshness=timedelta(days=365 * 100),
    freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION,
)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _is_self_signed(cert: x509.Certificate) -> bool:
    if cert.subject != cert.issuer:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, InvalidSignature):  # signed by another key, or unsupported
        return False
    return True


def parse_certificates(data: bytes) -> list[x509.Certificate]:
    """Read one DER certificate or one or more PEM certificates; refuse anything else."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise InvalidState(N_("Tệp không phải chứng thư số X.509 (PEM hoặc DER).")) from None


def active_certificates() -> list[TrustedCertificate]:
    """Return the trust list's entries that are trusted now, roots first."""
    return list(
        db.session.scalars(
            sa.select(TrustedCertificate)
            .where(TrustedCertificate.retired_at.is_(None))
            .order_by(TrustedCertificate.is_root.desc(), TrustedCertificate.id)
        )
    )


def all_certificates() -> list[TrustedCertificate]:
    """Return every entry of the trust list, retired ones included, newest first."""
    return list(db.session.scalars(sa.select(TrustedCertificate).order_by(TrustedCertificate.id.desc())))


def trusted_roots() -> list[x509.Certificate]:
    """Return the active root certificates."""
    return [pki.load_certificate(e.certificate_pem) for e in active_certificates() if e.is_root]


def _trusted_intermediates() -> list[x509.Certificate]:
    return [pki.load_certificate(e.certificate_pem) for e in active_certificates() if not e.is_root]


def add_certificate(
    cert: x509.Certificate, *, by: User | None, now: datetime, audit: bool = True
) -> TrustedCertificate:
    """Put a CA certificate on the trust list (a retired one is trusted again); refuse a non-CA."""
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if not is_ca:
        raise InvalidState(
            N_("%(subject)s không phải chứng thư của CA; chỉ CA gốc và CA trung gian vào danh sách tin cậy."),
            subject=cert.subject.rfc4514_string(),
        )
    fingerprint = pki.fingerprint(cert)
    entry = db.session.scalar(
        sa.select(TrustedCertificate).where(TrustedCertificate.fingerprint == fingerprint)
    )
    if entry is not None and entry.is_active:
        raise InvalidState(N_("Chứng thư %(subject)s đã có trong danh sách tin cậy."), subject=entry.subject)
    if entry is None:
        entry = TrustedCertificate(
            certificate_pem=pki.pem(cert),
            fingerprint=fingerprint,
            subject=cert.subject.rfc4514_string(),
            issuer=cert.issuer.rfc4514_string(),
            not_before=_naive(cert.not_valid_before_utc),
            not_after=_naive(cert.not_valid_after_utc),
            is_root=_is_self_signed(cert),
            added_at=_naive(now),
            added_by_id=by.id if by is not None else None,
        )
        db.session.add(entry)
    else:
        entry.retired_at, entry.retired_by_id = None, None
    db.session.flush()
    if audit:
        record(
            "trusted certificate added",
            actor=by,
            now=_naive(now),
            details={"fingerprint": fingerprint, "subject": entry.subject, "root": entry.is_root},
        )
    return entry


def import_certificates(data: bytes, *, by: User | None, now: datetime) -> list[TrustedCertificate]:
    """Put every CA certificate of a PEM or DER file on the trust list."""
    return [add_certificate(cert, by=by, now=now) for cert in parse_certificates(data)]


def retire_certificate(entry: TrustedCertificate, *, by: User | None, now: datetime) -> None:
    """Stop trusting a certificate; it stays on the list, marked retired."""
    if not entry.is_active:
        raise InvalidState(N_("Chứng thư này đã thôi tin cậy từ trước."))
    entry.retired_at, entry.retired_by_id = _naive(now), by.id if by is not None else None
    db.session.flush()
    record(
        "trusted certificate retired",
        actor=by,
        now=_naive(now),
        details={"fingerprint": entry.fingerprint, "subject": entry.subject},
    )


def parse_crl(data: bytes) -> x509.CertificateRevocationList:
    """Read a CRL in PEM or DER."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError:
        raise InvalidState(N_("Tệp không phải danh sách thu hồi chứng thư (CRL, PEM hoặc DER).")) from None


def _crl_issuer(crl: x509.CertificateRevocationList) -> TrustedCertificate:
    """Return the active trust-list entry whose key signed the CRL."""
    for entry in active_certificates():
        cert = pki.load_certificate(entry.certificate_pem)
        if cert.subject == crl.issuer and crl.is_signature_valid(cert.public_key()):  # type: ignore[arg-type]
            return entry
    raise InvalidState(
        N_("CRL của %(issuer)s không được ký bởi CA nào trong danh sách tin cậy; chưa lưu."),
        issuer=crl.issuer.rfc4514_string(),
    )


def store_crl(
    crl: x509.CertificateRevocationList, *, by: User | None, now: datetime, action: str = "crl imported"
) -> RevocationList:
    """Store a CRL after checking it is signed by a trusted CA; the same CRL twice is refused."""
    issuer = _crl_issuer(crl)
    der = crl.public_bytes(serialization.Encoding.DER)
    digest = hashlib.sha256(der).hexdigest()
    if db.session.scalar(sa.select(RevocationList.id).where(RevocationList.sha256 == digest)) is not None:
        raise InvalidState(N_("CRL này đã được nhập."))
    stored = RevocationList(
        content=der,
        sha256=digest,
        issuer=crl.issuer.rfc4514_string(),
        issuer_certificate_id=issuer.id,
        this_update=_naive(crl.last_update_utc),
        next_update=_naive(crl.next_update_utc) if crl.next_update_utc else None,
        revoked_count=len(crl),
        imported_at=_naive(now),
        imported_by_id=by.id if by is not None else None,
    )
    db.session.add(stored)
    db.session.flush()
    record(
        action,
        actor=by,
        now=_naive(now),
        details={"issuer": stored.issuer, "sha256": digest, "revoked": stored.revoked_count},
    )
    return stored


def import_crl(data: bytes, *, by: User | None, now: datetime) -> RevocationList:
    """Store a CRL file (PEM or DER) signed by a CA on the trust list."""
    return store_crl(parse_crl(data), by=by, now=now)


def revocation_lists() -> list[RevocationList]:
    """Return the stored CRLs, newest first."""
    return list(db.session.scalars(sa.select(RevocationList).order_by(RevocationList.id.desc())))


def _crls() -> Iterable[bytes]:
    return db.session.scalars(
        sa.select(RevocationList.content)
        .join(TrustedCertificate, RevocationList.issuer_certificate_id == TrustedCertificate.id)
        .where(TrustedCertificate.retired_at.is_(None))
    )


def revocation_date(cert: x509.Certificate) -> datetime | None:
    """Return when a stored CRL of the certificate's (trusted) issuer says it was revoked, if it does.

    pyHanko consults CRLs only for certificates that name a distribution point; the in-app CA's
    certificates name none, so every stored CRL is also checked here.
    """
    dates = []
    for stored in db.session.scalars(
        sa.select(RevocationList).where(RevocationList.issuer == cert.issuer.rfc4514_string())
    ):
        issuer = stored.issuer_certificate
        if not issuer.is_active:
            continue
        try:
            cert.verify_directly_issued_by(pki.load_certificate(issuer.certificate_pem))
        except (ValueError, TypeError, InvalidSignature):  # another CA with the same name issued it
            continue
        entry = x509.load_der_x509_crl(stored.content).get_revoked_certificate_by_serial_number(
            cert.serial_number
        )
        if entry is not None:
            dates.append(_naive(entry.revocation_date_utc))
    return min(dates, default=None)


def with_stored_revocations(reports: list[SignatureReport], *, now: datetime) -> list[SignatureReport]:
    """Mark untrusted each signature whose certificate a stored CRL revoked before *now*."""
    marked = []
    for report in reports:
        revoked = (
            revocation_date(x509.load_der_x509_certificate(report.certificate))
            if report.certificate is not None and not report.revoked
            else None
        )
        if revoked is not None and revoked <= _naive(now):
            report = replace(report, revoked=True, trusted=False)
        marked.append(report)
    return marked


def validation_context(*, moment: datetime | None = None, fetch: bool = False) -> ValidationContext:
    """Return a pyHanko validation context: trusted roots, intermediates and stored CRLs.

    *moment* is the validation time (default now); *fetch* lets pyHanko fetch OCSP responses and CRLs
    over the network (the REVOCATION_FETCH setting). Revocation is checked where information exists
    ("soft-fail"): a certificate listed in any stored CRL, however old, is revoked from its revocation
    date on. Make a new context per validation.
    """
    return ValidationContext(
        trust_roots=[to_asn1(cert) for cert in trusted_roots()],
        other_certs=[to_asn1(cert) for cert in _trusted_intermediates()],
        crls=list(_crls()),
        moment=_aware(moment) if moment is not None else None,
        allow_fetching=fetch,
        revinfo_policy=REVOCATION_POLICY,
    )


def _has_signing_usage(cert: x509.Certificate) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True  # RFC 5280 s. 4.2.1.3: no extension, no restriction
    return bool(usage.digital_signature or usage.content_commitment)


def check_signer(
    cert: x509.Certificate,
    *,
    intermediates: Iterable[x509.Certificate] = (),
    now: datetime,
    fetch: bool = False,
) -> None:
    """Refuse a signing certificate that is not for signing, expired, untrusted or revoked at *now*."""
    if not _has_signing_usage(cert):
        raise SigningRefused(
            N_(
                "Chứng thư số không dùng để ký (thiếu mục đích chữ ký số/chống chối bỏ); "
                "tài liệu chưa được ký."
            )
        )
    validator = CertificateValidator(
        to_asn1(cert),
        intermediate_certs=[to_asn1(c) for c in intermediates],
        validation_context=validation_context(moment=now, fetch=fetch),
    )
    try:
        asyncio.run(validator.async_validate_path())
    except RevokedError:
        raise SigningRefused(N_("Chứng thư số đã bị thu hồi; tài liệu chưa được ký.")) from None
    except ExpiredError:
        raise SigningRefused(N_("Chứng thư số (hoặc CA cấp nó) đã hết hạn; tài liệu chưa được ký.")) from None
    except NotYetValidError:
        raise SigningRefused(N_("Chứng thư số chưa đến ngày có hiệu lực; tài liệu chưa được ký.")) from None
    except PathBuildingError:
        raise SigningRefused(
            N_(
                "Chứng thư số không do CA nào trong danh sách tin cậy cấp (có thể là CA giả mạo trùng tên); "
                "tài liệu chưa được ký."
            )
        ) from None
    except (PathValidationError, ValidationError) as error:
        raise SigningRefused(
            N_("Chuỗi chứng thư số không hợp lệ (%(error)s); tài liệu chưa được ký."), error=str(error)
        ) from None
    revoked = revocation_date(cert)
    if revoked is not None and revoked <= _naive(now):
        raise SigningRefused(N_("Chứng thư số đã bị thu hồi; tài liệu chưa được ký."))


def revoke_credential(
    credential: SignerCredential, *, ca_passphrase: str, by: User | None, now: datetime
) -> RevocationList:
    """Revoke an in-app signer certificate: its CA issues and stores a new CRL listing it."""
    if credential.revoked_at is not None:
        raise InvalidState(N_("Chứng thư số này đã bị thu hồi từ trước."))
    authority = db.session.get(SigningAuthority, credential.authority_id)
    assert authority is not None
    try:
        ca_key = pki.unseal_key(authority.sealed_key, ca_passphrase)
    except WrongPin:
        raise WrongPin(N_("Mật khẩu bảo vệ khóa CA không đúng; chưa thu hồi chứng thư nào.")) from None
    credential.revoked_at = _naive(now)
    revoked = db.session.scalars(
        sa.select(SignerCredential).where(
            SignerCredential.authority_id == authority.id, SignerCredential.revoked_at.is_not(None)
        )
    )
    listed = [(pki.load_certificate(c.certificate_pem).serial_number, c.revoked_at or now) for c in revoked]
    ca_cert = pki.load_certificate(authority.certificate_pem)
    issued = db.session.scalar(
        sa.select(sa.func.count(RevocationList.id)).where(
            RevocationList.issuer == ca_cert.subject.rfc4514_string()
        )
    )
    crl = pki.make_crl(ca_cert, ca_key, listed, number=(issued or 0) + 1, now=now)
    record(
        "signer certificate revoked",
        actor=by,
        now=_naive(now),
        details={"fingerprint": credential.fingerprint, "holder": credential.user.username},
    )
    return store_crl(crl, by=by, now=now, action="crl issued")
