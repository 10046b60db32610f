"""Long-term validation: which PAdES baseline level a signature reaches, and checking it years later.

Levels follow ETSI EN 319 142-1 (PAdES baseline signatures):

- **B-B**: the signature is intact, valid and chains to a trusted root;
- **B-T**: it also carries a valid, trusted RFC 3161 signature timestamp;
- **B-LT**: the document's DSS (ISO 32000-2 §12.8.4.3) alone, with no network, proves the signer's and the
  timestamp authority's chains at the signature timestamp's time (certificates, and CRLs/OCSP responses
  wherever a certificate names a revocation source);
- **B-LTA**: a valid document timestamp (RFC 3161, ``/DocTimeStamp``) covers the signature and that DSS.

A signature whose certificate has expired (or whose CA is offline) still checks when a later valid document
timestamp exists: it is then validated at the document timestamp's time using only what is embedded
(the legacy "PAdES-LTA" model pyHanko used before its ETSI validator). Pure functions: no database, no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    EmbeddedPdfSignature,
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from voting.i18n import N_

#: the baseline levels, weakest first
LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
#: what reaching each level (None: none) means to a reader, shown by /verify and `flask verify`
MEANINGS: dict[str | None, str] = {
    None: N_("có chữ ký không hợp lệ hoặc không được tin cậy"),
    "B-B": N_("chữ ký không có dấu thời gian: chỉ kiểm tra được khi chứng thư còn hạn"),
    "B-T": N_("chữ ký có dấu thời gian, nhưng tài liệu thiếu dữ liệu để kiểm tra lâu dài"),
    "B-LT": N_(
        "chữ ký có dấu thời gian; chứng thư và dữ liệu thu hồi nằm trong tài liệu, "
        "chưa có dấu thời gian tài liệu"
    ),
    "B-LTA": N_(
        "có dấu thời gian tài liệu: kiểm tra được cả sau khi chứng thư hết hạn, không cần mạng, "
        "khi chứng thư của máy chủ dấu thời gian còn hạn"
    ),
}


@dataclass(frozen=True)
class Embedded:
    """What a document's DSS holds: certificates, CRLs and OCSP responses (empty without a DSS)."""

    certs: list[asn1_x509.Certificate] = field(default_factory=list)
    crls: list[asn1_crl.CertificateList] = field(default_factory=list)
    ocsps: list[asn1_ocsp.OCSPResponse] = field(default_factory=list)

    @property
    def is_present(self) -> bool:
        """Return whether the document has a DSS with at least one certificate."""
        return bool(self.certs)


def read_dss(handler: Any) -> Embedded:
    """Return the DSS of a reader (or of a historical revision of it)."""
    try:
        dss = DocumentSecurityStore.read_dss(handler)
    except Exception:  # noqa: BLE001 - no DSS (pyHanko raises NoDSSFoundError) or a broken one
        return Embedded()
    # as_validation_context parses every stream of the DSS; read the parsed lists back from it
    context = dss.as_validation_context({"allow_fetching": False, "trust_roots": []})
    return Embedded(
        certs=list(dss.load_certs()),
        crls=list(context.crls),
        ocsps=list(context.ocsps),
    )


def derive(
    base: ValidationContext,
    *,
    embedded: Embedded,
    moment: datetime | None = None,
    only_embedded: bool = False,
    strict: bool = False,
) -> ValidationContext:
    """Return a context with *base*'s trust anchors plus the document's DSS.

    *only_embedded* drops *base*'s own revocation data and network access (the document must suffice);
    *strict* requires revocation data for every certificate that names a CRL or OCSP source, and accepts
    data issued after *moment* (a CRL fetched after signing still says the certificate was good then).
    """
    return ValidationContext(
        trust_manager=base.path_builder.trust_manager,
        other_certs=[*embedded.certs, *base.certificate_registry],  # the base's intermediates too
        crls=embedded.crls + ([] if only_embedded else base.crls),
        ocsps=embedded.ocsps + ([] if only_embedded else base.ocsps),
        allow_fetching=base.fetching_allowed and not only_embedded,
        revocation_mode="hard-fail" if strict else "soft-fail",
        retroactive_revinfo=strict,
        moment=moment or base.moment,
    )


def is_document_timestamp(sig: EmbeddedPdfSignature) -> bool:
    """Return whether the embedded signature is a document timestamp rather than a person's signature."""
    return bool(sig.sig_object_type == "/DocTimeStamp")


@dataclass(frozen=True)
class DocumentTimestamp:
    """A valid, trusted document timestamp: its revision and time."""

    field: str
    revision: int
    at: datetime  # aware, the TSA's time


def document_timestamps(
    reader: PdfFileReader, embedded: list[EmbeddedPdfSignature], base: ValidationContext
) -> list[DocumentTimestamp]:
    """Return the document timestamps that are intact, valid and trusted at *base*'s moment, oldest first."""
    dss = read_dss(reader)
    found = []
    for sig in embedded:
        if not is_document_timestamp(sig):
            continue
        try:
            status = validate_pdf_timestamp(sig, derive(base, embedded=dss), skip_diff=True)
        except Exception:  # noqa: BLE001, S112 - a mangled timestamp is simply not a proof
            continue
        if status.intact and status.valid and status.trusted:
            found.append(DocumentTimestamp(sig.field_name, sig.signed_revision, status.timestamp))
    return sorted(found, key=lambda ts: ts.revision)


def _is_ok(status: PdfSignatureStatus) -> bool:
    return bool(status.bottom_line and status.intact and status.valid and status.trusted)


def _timestamp_ok(status: PdfSignatureStatus) -> bool:
    token = status.timestamp_validity
    return token is not None and bool(token.intact and token.valid and token.trusted)


def validate_long_term(
    sig: EmbeddedPdfSignature, base: ValidationContext, archives: list[DocumentTimestamp]
) -> tuple[PdfSignatureStatus, DocumentTimestamp | None]:
    """Validate a signature now; failing that, at the time of a later document timestamp, from the DSS.

    Return the status and the document timestamp that proved it (None when it holds at *base*'s moment).
    """
    reader = sig.reader
    status = validate_pdf_signature(sig, derive(base, embedded=read_dss(reader)))
    if _is_ok(status) or not (status.intact and status.valid):
        return status, None
    for archive in archives:
        if archive.revision <= sig.signed_revision:
            continue
        as_of = read_dss(reader.get_historical_resolver(archive.revision))
        context = derive(base, embedded=as_of, moment=archive.at, only_embedded=True, strict=True)
        past = validate_pdf_signature(sig, context)
        if _is_ok(past):
            return past, archive
    return status, None


def _holds_from(sig: EmbeddedPdfSignature, dss: Embedded, base: ValidationContext, moment: datetime) -> bool:
    """Return whether *dss* alone proves the signer's and the TSA's chains at *moment*."""
    if not dss.is_present:
        return False
    context = derive(base, embedded=dss, moment=moment, only_embedded=True, strict=True)
    try:
        status = validate_pdf_signature(sig, context, skip_diff=True)
    except Exception:  # noqa: BLE001 - anything missing means "not self-contained"
        return False
    return bool(status.trusted and status.valid) and _timestamp_ok(status)


def level_of(
    sig: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    base: ValidationContext,
    archives: list[DocumentTimestamp],
) -> str | None:
    """Return the baseline level a validated signature reaches (None when it is not valid at all)."""
    if not _is_ok(status):
        return None
    if not _timestamp_ok(status):
        return "B-B"
    assert status.timestamp_validity is not None
    signed_at = status.timestamp_validity.timestamp
    if not _holds_from(sig, read_dss(sig.reader), base, signed_at):
        return "B-T"
    for archive in archives:
        if archive.revision > sig.signed_revision:
            as_of = read_dss(sig.reader.get_historical_resolver(archive.revision))
            if _holds_from(sig, as_of, base, signed_at):
                return "B-LTA"
    return "B-LT"


def lowest(levels: list[str | None]) -> str | None:
    """Return the weakest of several levels (None if any signature reaches none, or there are none)."""
    if not levels or any(level is None for level in levels):
        return None
    return min(levels, key=lambda level: LEVELS.index(level or ""))
