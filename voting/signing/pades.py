"""PAdES signing and validation with pyHanko: empty fields, visible stamps in Vietnamese, reports.

Pure functions over PDF bytes: no database, no Flask.
"""

from __future__ import annotations

import asyncio
import base64
import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import ExpiredError, PathError, RevokedError
from pyhanko_certvalidator.errors import ValidationError as ChainError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from voting.errors import SigningRefused
from voting.formatting import VN_TZ, nfc
from voting.i18n import N_
from voting.signing import ltv

FONT = Path(__file__).resolve().parent.parent / "documents" / "fonts" / "NotoSerif-Regular.ttf"
_LOCK = threading.Lock()


@dataclass(frozen=True)
class StampText:
    """What the visible stamp says."""

    name: str
    title: str
    signed_at: datetime  # aware


@dataclass(frozen=True)
class SignatureReport:
    """One signature of a PDF as a validator sees it."""

    field: str
    signer: str  # the certificate's common name
    signed_at: datetime | None  # claimed signing time, Vietnam time
    intact: bool  # the signed bytes hash to the signed digest
    valid: bool  # the cryptographic signature checks out
    trusted: bool  # the certificate chains to a trusted root
    certifying: bool  # the first, DocMDP signature
    modification: str  # pyHanko's ModificationLevel name for changes after this signature
    covers_whole_file: bool  # nothing at all was appended after it
    bottom_line: bool  # pyHanko's overall verdict
    timestamped_at: datetime | None = None  # the TSA's time, when a valid, trusted RFC 3161 token is attached
    level: str | None = None  # the PAdES baseline level reached (ltv.LEVELS), None when not valid
    proven_at: datetime | None = None  # validated as of this document timestamp (certificate since expired)
    revoked: bool = False  # the signer's certificate (or a CA above it) is revoked per the stored CRLs
    certificate: bytes | None = None  # the signer's certificate, DER

    @property
    def is_ok(self) -> bool:
        """Return whether this signature is intact, valid, trusted and not undermined."""
        return self.bottom_line and self.intact and self.valid and self.trusted

    @property
    def change_after_signing(self) -> str:
        """Return what changed in the file after this signature, as a catalogue msgid for the pages.

        Signed bytes that no longer hash to the signed digest were changed, whatever pyHanko's
        modification level says about the revisions appended after (it says NONE when there are none).
        """
        if not (self.intact and self.valid):
            return N_("Nội dung đã ký bị sửa (không được phép)")
        if self.covers_whole_file:
            return N_("Không có")
        if self.modification == "LTA_UPDATES":
            return N_("Chỉ thêm dữ liệu kiểm tra dài hạn (được phép)")
        if self.modification in ("NONE", "FORM_FILLING"):
            return N_("Chỉ thêm chữ ký (được phép)")
        return N_("Có thay đổi không được phép")


def _basic_auth(credentials: tuple[str, str] | None) -> dict[str, str]:
    """Return the HTTP Basic Authorization header (RFC 7617) for *credentials*, or no header."""
    if credentials is None:
        return {}
    pair = ":".join(credentials).encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}


def format_signing_time(moment: datetime) -> str:
    """Return ISO 8601 in Vietnam time: 2016-11-11T15:30:00+07:00."""
    return moment.astimezone(VN_TZ).replace(microsecond=0).isoformat()


#: what stamps print: ASCII, Latin with Vietnamese letters, combining marks, dashes and quotes
STAMP_CHARACTERS = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x324),
    *range(0x1EA0, 0x1EFA),
    *range(0x2010, 0x2027),
]


@lru_cache(maxsize=1)
def _font_bytes() -> bytes:
    """Return Noto Serif cut down to the stamp's characters without layout tables, made once.

    pyHanko subsets the font at every signature; from the full face that costs most of a signature's
    time (decompiling GSUB/GPOS), from this cut it is quick. NFC Vietnamese needs no shaping.
    """
    from fontTools import subset

    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    options.notdef_outline = True
    font = subset.load_font(str(FONT), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=STAMP_CHARACTERS)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    font.close()
    return out.getvalue()


@dataclass(frozen=True)
class _FontFactory(GlyphAccumulatorFactory):
    """pyHanko's OpenType font engine, fed from bytes read once (its own factory leaks a file handle)."""

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_font_bytes()),
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )


@lru_cache(maxsize=1)
def _stamp_style() -> TextStampStyle:
    """Return the stamp style: a thin blue frame, Noto Serif (embedded subset) so Vietnamese renders."""
    return TextStampStyle(
        stamp_text="Ký số bởi: %(name)s\n%(title)s\nThời gian ký: %(when)s",
        text_box_style=TextBoxStyle(font=_FontFactory(str(FONT), font_size=8), leading=11),
        border_width=1,
        background=None,
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID, margins=Margins(4, 4, 4, 4)
        ),
    )


def small_font() -> _FontFactory:
    """Return the embedded Noto Serif subset at the small size of image stamps (see appearance)."""
    return _FontFactory(str(FONT), font_size=6)


def to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    """Convert a cryptography certificate for pyHanko."""
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def sign(
    pdf: bytes,
    *,
    field: str,
    certificate: x509.Certificate | None = None,
    key: object = None,
    chain: list[x509.Certificate] | None = None,
    signer: signers.Signer | None = None,
    certify: bool,
    stamp: StampText,
    reason: str,
    location: str,
    timestamp_url: str | None = None,
    timestamp_auth: tuple[str, str] | None = None,
    validation_context: ValidationContext | None = None,
    archive: bool = False,
    style: TextStampStyle | None = None,
) -> bytes:
    """Sign *pdf* in the empty field *field* as an incremental update and return the new bytes.

    The key is *key* with *certificate*, or a ready *signer* (e.g. pyHanko's PKCS#11 signer).
    The certifying (first) signature allows form filling and further signatures (DocMDP level 2),
    so later signatures keep it valid. With *validation_context* the signer's chain is checked first
    and its certificates and revocation data go into the document's DSS (B-LT); with a TSA at
    *timestamp_url* the signature is timestamped (B-T) and, if *archive*, a document timestamp
    follows it (B-LTA: for the last signature of a document). *timestamp_auth* is the TSA's HTTP
    Basic user and password, if it wants them. *style* replaces the
    text-only stamp (see appearance).
    """
    if signer is None:
        assert certificate is not None
        signer = key_signer(certificate, key, chain or [])
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        name=nfc(stamp.name),
        reason=nfc(reason),
        location=nfc(location),
        embed_validation_info=validation_context is not None,
        validation_context=validation_context,
        use_pades_lta=archive and bool(timestamp_url) and validation_context is not None,
    )
    timestamper = (
        timestamps.HTTPTimeStamper(timestamp_url, headers=_basic_auth(timestamp_auth))
        if timestamp_url
        else None
    )
    pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style or _stamp_style(), timestamper=timestamper)
    params = {
        "name": nfc(stamp.name),
        "title": nfc(stamp.title) or " ",
        "when": format_signing_time(stamp.signed_at),
    }
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    try:
        with _LOCK:  # the font engine and asyncio loop are not shared across threads
            return asyncio.run(_sign(pdf_signer, writer, params, stamp.signed_at))
    except TimestampRequestError:
        raise SigningRefused(
            "Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian (SIGNING_TSA_URL); "
            "tài liệu chưa được ký."
        ) from None
    except SigningError as error:
        if isinstance(error.__cause__, PathError | ChainError):  # refused by the validation context
            raise SigningRefused(_chain_refusal(error.__cause__)) from None
        raise SigningRefused(N_("Không ký được tài liệu: %(error)s"), error=error) from None


def _chain_refusal(error: Exception) -> str:
    """Return why the validation context refused the signer's certificate, in Vietnamese."""
    if isinstance(error, RevokedError):
        return N_("Chứng thư số của người ký đã bị thu hồi; tài liệu chưa được ký.")
    if isinstance(error, ExpiredError):
        return N_("Chứng thư số của người ký đã hết hạn; tài liệu chưa được ký.")
    return N_("Chứng thư số của người ký không chuỗi được tới CA tin cậy; tài liệu chưa được ký.")


def key_signer(certificate: x509.Certificate, key: object, chain: list[x509.Certificate]) -> signers.Signer:
    """Return pyHanko's signer for a private key held in memory."""
    der = key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return signers.SimpleSigner(
        signing_cert=to_asn1(certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs([to_asn1(c) for c in chain]),
    )


async def _sign(
    pdf_signer: signers.PdfSigner, writer: IncrementalPdfFileWriter, params: dict[str, str], when: datetime
) -> bytes:
    """Run pyHanko's signing steps with our own signing time (PdfSigner.sign_pdf always uses now)."""
    session = pdf_signer.init_signing_session(writer, existing_fields_only=True)
    session.system_time = when
    validation_info = await session.perform_presign_validation(writer)
    reserved = await session.estimate_signature_container_size(validation_info, tight=False)
    tbs = session.prepare_tbs_document(
        validation_info=validation_info, bytes_reserved=reserved, appearance_text_params=params
    )
    digest, output = tbs.digest_tbs_document(in_place=False, output=None, chunk_size=4096)
    post = await tbs.perform_signature(
        document_digest=digest.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=when),
    )
    await post.post_signature_processing(output, chunk_size=4096)
    output.seek(0)
    return bytes(output.read())


def _trusted_timestamp(status: object) -> datetime | None:
    """Return the time of the signature's RFC 3161 token if it is valid and trusted."""
    token = getattr(status, "timestamp_validity", None)
    if token is None or not (token.intact and token.valid and token.trusted):
        return None
    return token.timestamp.astimezone(VN_TZ)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class PdfReport:
    """Every signature of a PDF, its valid document timestamps and the level the whole document reaches."""

    signatures: list[SignatureReport]
    document_timestamps: list[ltv.DocumentTimestamp]

    @property
    def level(self) -> str | None:
        """Return the weakest level among the signatures (None if one is invalid or there are none)."""
        return ltv.lowest([sig.level for sig in self.signatures])

    @property
    def meaning(self) -> str:
        """Return what the document's level means to a reader (a Vietnamese msgid)."""
        return ltv.MEANINGS[self.level]


#: what validation trusts: a context, a function making one, or a list of roots (offline, now)
Trust = ValidationContext | Callable[[], ValidationContext] | Sequence[x509.Certificate]


def _trust_context(trust: Trust) -> ValidationContext:
    """Return the validation context *trust* stands for."""
    if isinstance(trust, ValidationContext):
        return trust
    if callable(trust):
        return trust()
    return ValidationContext(
        trust_roots=[to_asn1(root) for root in trust], allow_fetching=False, revocation_mode="soft-fail"
    )


def _broken(field: str) -> SignatureReport:
    return SignatureReport(field, "?", None, False, False, False, False, "OTHER", False, False)


def examine(pdf: bytes, trust: Trust) -> PdfReport:
    """Validate every signature and document timestamp of *pdf* and say which level each reaches.

    *trust* gives the trust anchors, any revocation data of our own, whether to fetch, and the
    validation time (its ``moment``); a list of roots means "offline, now". See ``ltv`` for the levels.
    """
    base = _trust_context(trust)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
        archives = ltv.document_timestamps(reader, embedded, base)
    except Exception:  # noqa: BLE001 - any unreadable upload is "no valid signature"
        return PdfReport([], [])
    reports = []
    for sig in embedded:
        if ltv.is_document_timestamp(sig):
            continue
        try:
            status, proof = ltv.validate_long_term(sig, base, archives)
            level = ltv.level_of(sig, status, base, archives)
        except Exception:  # noqa: BLE001 - a mangled signature is reported as broken, not a 500
            reports.append(_broken(sig.field_name))
            continue
        cert = status.signing_cert
        claimed = status.signer_reported_dt
        modification = status.modification_level
        reports.append(
            SignatureReport(
                field=sig.field_name,
                signer=str(cert.subject.native.get("common_name", cert.subject.human_friendly)),
                signed_at=claimed.astimezone(VN_TZ) if claimed else None,
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                certifying=sig.docmdp_level is not None,
                modification=modification.name if modification is not None else ModificationLevel.OTHER.name,
                covers_whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
                bottom_line=bool(status.bottom_line),
                timestamped_at=_trusted_timestamp(status),
                level=level,
                proven_at=proof.at.astimezone(VN_TZ) if proof is not None else None,
                revoked=bool(status.revoked),
                certificate=cert.dump(),
            )
        )
    return PdfReport(reports, archives)


def validate(pdf: bytes, trust: Trust) -> list[SignatureReport]:
    """Validate every signature of *pdf* (document timestamps aside); see ``examine``."""
    return examine(pdf, trust).signatures
