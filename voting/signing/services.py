"""The root CA, signers' credentials, signing a document's next block, and verifying any PDF."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from cryptography import x509
from pyhanko.stamp import TextStampStyle

from voting.auth.models import Role, User
from voting.documents.archive import find_file
from voting.documents.kinds import is_agency_slot
from voting.documents.models import DocumentFile, DocumentVersion
from voting.documents.services import record_document_action
from voting.errors import InvalidState, SigningRefused
from voting.extensions import db
from voting.formatting import nfc
from voting.i18n import N_
from voting.signing import appearance, pades, pki, trust
from voting.signing.models import SignatureImage, SignerCredential, SigningAuthority

#: years a CA and a signer certificate are valid
CA_YEARS, SIGNER_YEARS = 30, 20
DEFAULT_CA_NAME = "Luân Lưu – CA ký số nội bộ"


def active_authority() -> SigningAuthority | None:
    """Return the CA that issues new certificates."""
    return db.session.scalar(sa.select(SigningAuthority).where(SigningAuthority.is_active))


def trust_roots() -> list[x509.Certificate]:
    """Return the trust list's active roots (every in-app CA unless retired, and imported ones)."""
    return trust.trusted_roots()


def _add_authority(pair: pki.KeyPair, *, now: datetime) -> SigningAuthority:
    cert = pki.load_certificate(pair.certificate_pem)
    db.session.execute(sa.update(SigningAuthority).values(is_active=False))
    authority = SigningAuthority(
        certificate_pem=pair.certificate_pem,
        sealed_key=pair.sealed_key,
        fingerprint=pki.fingerprint(cert),
        created_at=now,
        is_active=True,
    )
    db.session.add(authority)
    db.session.flush()
    if not any(entry.fingerprint == authority.fingerprint for entry in trust.active_certificates()):
        trust.add_certificate(cert, by=None, now=now, audit=False)  # like the CA's creation itself
    return authority


def init_authority(
    *,
    passphrase: str,
    now: datetime,
    name: str = DEFAULT_CA_NAME,
    organization: str = "",
    replace: bool = False,
) -> SigningAuthority:
    """Create the organisation's root CA, its key sealed under *passphrase*."""
    if active_authority() is not None and not replace:
        raise InvalidState(
            "Đã có CA gốc; dùng --replace để tạo CA mới (CA cũ vẫn được tin cậy khi kiểm tra)."
        )
    pair = pki.make_root_ca(name, organization, now=now, years=CA_YEARS, passphrase=passphrase)
    return _add_authority(pair, now=now)


def import_authority(
    cert_pem: bytes, key_pem: bytes, key_password: str | None, *, passphrase: str, now: datetime
) -> SigningAuthority:
    """Import an existing CA (certificate and PEM key) and seal its key under *passphrase*."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pki.check_pin(passphrase)
    cert = pki.load_certificate(cert_pem)
    key = serialization.load_pem_private_key(key_pem, key_password.encode() if key_password else None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise InvalidState(N_("Chỉ nhập được CA dùng khóa ECDSA."))
    if key.public_key().public_numbers() != cert.public_key().public_numbers():  # type: ignore[union-attr]
        raise InvalidState(N_("Khóa không khớp với chứng thư CA."))
    return _add_authority(
        pki.KeyPair(cert.public_bytes(serialization.Encoding.PEM).decode(), pki.seal_key(key, passphrase)),
        now=now,
    )


def credential_of(account: User) -> SignerCredential | None:
    """Return the account's active signing credential."""
    return db.session.scalar(
        sa.select(SignerCredential).where(SignerCredential.user_id == account.id, SignerCredential.is_active)
    )


def administrators() -> list[User]:
    """Return the enabled administrators: the people who issue signing certificates."""
    return list(
        db.session.scalars(
            sa.select(User).where(User.role == Role.ADMIN, User.is_enabled).order_by(User.full_name)
        )
    )


def _ask_an_administrator(account: User) -> SigningRefused:
    """Return the refusal a signer without a certificate gets: what to ask for, and from whom."""
    names = ", ".join(f"{a.full_name} ({a.username})" for a in administrators())
    return SigningRefused(
        N_(
            "Tài khoản %(username)s chưa có chứng thư số để ký. Hãy đề nghị quản trị viên %(names)s "
            "cấp chứng thư số ký cho tài khoản này; hoặc ký bằng tệp chứng thư số PKCS#12 của chính "
            "bạn nếu đã có."
        ),
        username=account.username,
        names=names or "của hệ thống",
    )


def issue_credential(account: User, *, ca_passphrase: str, pin: str, now: datetime) -> SignerCredential:
    """Give an account a signing certificate; its key is sealed under the PIN the signer chose."""
    pki.check_pin(pin)
    authority = active_authority()
    if authority is None:
        raise InvalidState(N_("Chưa có CA gốc: chạy `flask --app wsgi pki init` trước."))
    ca = pki.KeyPair(authority.certificate_pem, authority.sealed_key)
    organization = account.unit.name if account.unit is not None else ""
    cert, key = pki.issue_signer(
        ca,
        ca_passphrase,
        common_name=account.full_name,
        title=account.title,
        organization=organization,
        now=now,
        years=SIGNER_YEARS,
    )
    db.session.execute(
        sa.update(SignerCredential).where(SignerCredential.user_id == account.id).values(is_active=False)
    )
    credential = SignerCredential(
        user_id=account.id,
        authority_id=authority.id,
        certificate_pem=pki.pem(cert),
        sealed_key=pki.seal_key(key, pin),
        fingerprint=pki.fingerprint(cert),
        issued_at=now,
        is_active=True,
    )
    db.session.add(credential)
    db.session.flush()
    return credential


def issue_pkcs12(name: str, title: str, *, ca_passphrase: str, password: str, now: datetime) -> bytes:
    """Return a PKCS#12 file for a signer without an account (e.g. the receiving unit's head)."""
    pki.check_pin(password)
    authority = active_authority()
    if authority is None:
        raise InvalidState(N_("Chưa có CA gốc: chạy `flask --app wsgi pki init` trước."))
    ca = pki.KeyPair(authority.certificate_pem, authority.sealed_key)
    cert, key = pki.issue_signer(
        ca,
        ca_passphrase,
        common_name=nfc(name),
        title=nfc(title),
        organization="",
        now=now,
        years=SIGNER_YEARS,
    )
    return pki.make_pkcs12(cert, key, [pki.load_certificate(authority.certificate_pem)], password)


def issue_tls_certificate(hosts: list[str], *, ca_passphrase: str, now: datetime) -> tuple[str, str]:
    """Return a TLS server certificate for the hall's hosts and its key (both PEM), from the active CA."""
    authority = active_authority()
    if authority is None:
        raise InvalidState(N_("Chưa có CA gốc: chạy `flask --app wsgi pki init` trước."))
    ca = pki.KeyPair(authority.certificate_pem, authority.sealed_key)
    cert, key = pki.issue_server(ca, ca_passphrase, hosts=hosts, now=now)
    return pki.pem(cert), pki.private_key_pem(key)


def _same_name(a: str, b: str) -> bool:
    return (
        unicodedata.normalize("NFC", a).casefold().split()
        == unicodedata.normalize("NFC", b).casefold().split()
    )


def may_sign(version: DocumentVersion, account: User) -> bool:
    """Return whether *account* may sign the version's next block (its own, or as chair for an outsider)."""
    slot = version.next_slot
    if slot is None or version.is_superseded or is_agency_slot(slot):
        return False  # the agency's block is the clerk's (signing.agency)
    if slot["user_id"] is not None:
        return bool(slot["user_id"] == account.id)
    return version.document.conference.chair_id == account.id


def sign_document(
    version: DocumentVersion,
    *,
    by: User,
    now: datetime,
    pin: str | None = None,
    pkcs12: bytes | None = None,
    pkcs12_password: str | None = None,
    timestamp_url: str | None = None,
    timestamp_auth: tuple[str, str] | None = None,
    fetch_revocation: bool = False,
) -> DocumentFile:
    """Sign the version's next signature block and store the result as a new file; nothing else changes.

    With *pin* the signer's stored key is used; with *pkcs12* the uploaded file (never stored). A wrong
    PIN or password raises WrongPin and stores nothing. The certificate must chain to the trust list,
    be valid at *now* and not revoked (*fetch_revocation*: also ask OCSP/CRL servers). The signer's chain
    and revocation data go into the document (B-LT); with a TSA at *timestamp_url* the signature is
    timestamped and the document's last one is followed by a document timestamp (B-LTA).
    """
    version, slot = lock_turn(version, by)
    if pkcs12 is not None:
        cert, key, chain = pki.read_pkcs12(pkcs12, pkcs12_password or "")
        if not _same_name(pki.common_name(cert), slot["name"]):
            raise SigningRefused(
                N_("Chứng thư số cấp cho %(holder)s, không phải %(name)s; tài liệu chưa được ký."),
                holder=pki.common_name(cert),
                name=slot["name"],
            )
        trust.check_signer(cert, intermediates=chain, now=now, fetch=fetch_revocation)
    else:
        credential = credential_of(by)
        if credential is None:
            raise _ask_an_administrator(by)
        if credential.revoked_at is not None:
            raise SigningRefused(
                N_("Chứng thư số của tài khoản này đã bị thu hồi; quản trị cần cấp chứng thư mới.")
            )
        cert = pki.load_certificate(credential.certificate_pem)
        authority = db.session.get(SigningAuthority, credential.authority_id)
        assert authority is not None
        chain = [pki.load_certificate(authority.certificate_pem)]
        trust.check_signer(cert, intermediates=chain, now=now, fetch=fetch_revocation)
        key = pki.unseal_key(credential.sealed_key, pin or "")
    previous = version.latest_file
    signed_at = now.replace(tzinfo=UTC) if now.tzinfo is None else now
    content = pades.sign(
        previous.content,
        field=slot["field"],
        certificate=cert,
        key=key,
        chain=chain,
        certify=previous.revision == 0,
        stamp=pades.StampText(pki.common_name(cert), slot["title"] or slot["label"], signed_at),
        reason=f"{slot['label']} ký {version.document.kind.label} số {version.document.number}",
        location=version.document.conference.cluster.city,
        timestamp_url=timestamp_url,
        timestamp_auth=timestamp_auth,
        validation_context=trust.validation_context(moment=signed_at, fetch=fetch_revocation),
        archive=previous.revision + 1 == len(version.slots),
        style=_image_style(by) if pkcs12 is None else None,
    )
    return store_signature(
        version, slot, content, cert, by=by, signed_by=by if pkcs12 is None else None, now=now
    )


def lock_turn(version: DocumentVersion, by: User) -> tuple[DocumentVersion, dict[str, Any]]:
    """Lock the version and return it with its next block, if *by* may sign that block now."""
    locked = db.session.get(DocumentVersion, version.id, with_for_update=True, populate_existing=True)
    assert locked is not None
    version = locked
    slot = version.next_slot
    if version.is_superseded:
        raise SigningRefused(N_("Phiên bản này đã bị thay thế; hãy ký phiên bản mới."))
    if slot is None:
        raise SigningRefused(N_("Tài liệu đã được ký đủ; không thêm gì sau chữ ký cuối cùng."))
    if not may_sign(version, by):
        raise SigningRefused(
            N_("Chữ ký tiếp theo (%(label)s) dành cho %(name)s, không phải tài khoản này."),
            label=slot["label"],
            name=slot["name"],
        )
    return version, slot


def store_signature(
    version: DocumentVersion,
    slot: dict[str, Any],
    content: bytes,
    cert: x509.Certificate,
    *,
    by: User,
    signed_by: User | None,
    now: datetime,
    action: str = "document signed",
    **audit: str,
) -> DocumentFile:
    """Store *content*, the version's latest file with the block's signature added, and audit it."""
    stored = DocumentFile(
        version_id=version.id,
        revision=version.latest_file.revision + 1,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        created_at=now.replace(tzinfo=None) if now.tzinfo else now,
        signature_field=slot["field"],
        signer_name=pki.common_name(cert),
        signer_title=slot["title"],
        signed_by_id=signed_by.id if signed_by is not None else None,
        certificate_sha256=pki.fingerprint(cert),
    )
    db.session.add(stored)
    db.session.flush()
    db.session.refresh(version)
    record_document_action(
        action,
        by,
        version.document.conference,
        version.document,
        stored.created_at,
        field=slot["field"],
        signer=stored.signer_name,
        sha256=stored.sha256,
        **audit,
    )
    return stored


def signature_image(account: User) -> SignatureImage | None:
    """Return the account's handwritten-signature image, if it uploaded one."""
    return db.session.scalar(sa.select(SignatureImage).where(SignatureImage.user_id == account.id))


def set_signature_image(account: User, png: bytes, *, now: datetime) -> SignatureImage:
    """Check and store the account's handwritten-signature image (a PNG), replacing any before."""
    clean = appearance.check_png(png)
    image = signature_image(account) or SignatureImage(user_id=account.id)
    image.png, image.uploaded_at = clean, now.replace(tzinfo=None)
    db.session.add(image)
    db.session.flush()
    return image


def _image_style(account: User) -> TextStampStyle | None:
    """Return the stamp with the signer's handwritten signature, or None for the text-only stamp."""
    image = signature_image(account)
    return appearance.person_style(image.png, pades.small_font()) if image is not None else None


@dataclass(frozen=True)
class Verification:
    """What the archive says about a PDF: its match, version and every signature."""

    sha256: str
    file: DocumentFile | None
    report: pades.PdfReport  # the signatures, document timestamps and PAdES level

    @property
    def signatures(self) -> list[pades.SignatureReport]:
        """Return the report of each person's signature, in signing order."""
        return self.report.signatures

    @property
    def version(self) -> DocumentVersion | None:
        """Return the archived version the file belongs to."""
        return self.file.version if self.file is not None else None

    def slot_label(self, field: str) -> str | None:
        """Return the label of the signature block a signature field is (a catalogue msgid), if known."""
        slots = self.version.slots if self.version is not None else []
        return next((slot["label"] for slot in slots if slot["field"] == field), None)

    @property
    def is_in_archive(self) -> bool:
        """Return whether these exact bytes are stored in the archive."""
        return self.file is not None

    @property
    def is_fully_signed(self) -> bool:
        """Return whether the file is the version's last state with every block signed."""
        return (
            self.file is not None
            and self.file.revision == len(self.file.version.slots)
            and len(self.signatures) == len(self.file.version.slots)
        )

    @property
    def is_ok(self) -> bool:
        """Return whether the file is an intact, trusted, signed document of the archive."""
        return self.is_in_archive and bool(self.signatures) and all(s.is_ok for s in self.signatures)


def verify_pdf(content: bytes, *, fetch: bool = False, now: datetime | None = None) -> Verification:
    """Check a PDF against the archive (by SHA-256) and validate each signature against the trust list.

    *now* is the validation time (default: the present); *fetch* lets validation fetch OCSP and CRLs.
    """
    digest = hashlib.sha256(content).hexdigest()
    report = pades.examine(content, trust.validation_context(moment=now, fetch=fetch))
    signatures = trust.with_stored_revocations(report.signatures, now=now or datetime.now(UTC))
    return Verification(digest, find_file(digest), pades.PdfReport(signatures, report.document_timestamps))
