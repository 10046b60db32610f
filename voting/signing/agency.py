"""The agency's signature: the clerk (văn thư) signs for the issuing body, last, and publishes the version.

Decree 30/2020/NĐ-CP Arts 13.7, 14.3 and 32.2(c–d): after the competent persons have signed, the
clerk applies the issuing body's digital signature and registers the document as issued. The key
never enters the app: it stays on a PKCS#11 token or HSM (pyHanko's PKCS#11 signer over
python-pkcs11; the module path comes from the settings, never from a form, because loading a
module runs its code) or, for a small office, in a PKCS#12 file used once and not stored. The
signature is accepted only from the key of the certificate the administrator configured for the
cluster, and only if it validates and chains to a trusted root.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import pkcs11
import sqlalchemy as sa
from cryptography import x509
from pkcs11 import exceptions as p11_errors
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.sign import pkcs11 as pyhanko_p11
from pyhanko.sign.signers import Signer

from voting.auth.models import Role, User
from voting.clusters.models import Cluster
from voting.conferences.access import can_see
from voting.documents.kinds import is_agency_slot
from voting.documents.models import DocumentFile, DocumentVersion
from voting.errors import InvalidState, SigningRefused, WrongPin
from voting.extensions import db
from voting.formatting import nfc
from voting.i18n import N_
from voting.signing import appearance, pades, pki
from voting.signing.models import AgencyCertificate
from voting.signing.services import store_signature, trust_roots
from voting.signing.trust import validation_context

_REINITIALISE = threading.Lock()


@dataclass(frozen=True)
class TokenLogin:
    """What the clerk types to use the agency's key on a PKCS#11 token: which token, which key, the PIN."""

    module: str  # the PKCS#11 module's path, from the settings
    token_label: str
    key_label: str
    pin: str


def agency_certificate(cluster: Cluster) -> AgencyCertificate | None:
    """Return the cluster's active agency certificate."""
    return db.session.scalar(
        sa.select(AgencyCertificate).where(
            AgencyCertificate.cluster_id == cluster.id, AgencyCertificate.is_active
        )
    )


def set_agency_certificate(
    cluster: Cluster,
    *,
    certificate_pem: bytes,
    agency_name: str,
    seal_png: bytes | None,
    by: User,
    now: datetime,
) -> AgencyCertificate:
    """Make a certificate (and seal image) the cluster's agency certificate; the one before stays for history.

    Without a new seal image the previous one is kept.
    """
    try:
        cert = pki.load_certificate(certificate_pem)
    except ValueError:
        raise InvalidState(N_("Tệp không phải là chứng thư số dạng PEM.")) from None
    moment = now.replace(tzinfo=UTC) if now.tzinfo is None else now
    if not cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc:
        raise InvalidState(N_("Chứng thư số không còn (hoặc chưa) có hiệu lực."))
    name = nfc(agency_name).strip() or pki.common_name(cert)
    previous = agency_certificate(cluster)
    seal = appearance.check_png(seal_png) if seal_png else (previous.seal_png if previous else None)
    db.session.execute(
        sa.update(AgencyCertificate).where(AgencyCertificate.cluster_id == cluster.id).values(is_active=False)
    )
    record = AgencyCertificate(
        cluster_id=cluster.id,
        agency_name=name[:160],
        certificate_pem=pki.pem(cert),
        fingerprint=pki.fingerprint(cert),
        seal_png=seal,
        created_at=now.replace(tzinfo=None),
        created_by_id=by.id,
        is_active=True,
    )
    db.session.add(record)
    db.session.flush()
    return record


def may_seal(version: DocumentVersion, account: User) -> bool:
    """Return whether *account* may apply the agency's signature to the version now."""
    slot = version.next_slot
    return (
        slot is not None
        and is_agency_slot(slot)
        and not version.is_superseded
        and account.role is Role.CLERK
        and can_see(account, version.document.conference)
    )


def _token_signer(login: TokenLogin, cert: x509.Certificate) -> tuple[Signer, object]:
    """Open the token and return pyHanko's signer for the key, with the session to close afterwards."""
    criteria = TokenCriteria(label=login.token_label)
    try:
        try:
            session = pyhanko_p11.open_pkcs11_session(
                login.module, token_criteria=criteria, user_pin=login.pin
            )
        except p11_errors.PKCS11Error as missing:
            if "No token" not in str(missing):
                raise
            # A token plugged in (or made) after the module was loaded is seen only after re-initialising it.
            with _REINITIALISE:
                pkcs11.lib(login.module).reinitialize()
            session = pyhanko_p11.open_pkcs11_session(
                login.module, token_criteria=criteria, user_pin=login.pin
            )
    except p11_errors.PinIncorrect:
        raise WrongPin(N_("Mã PIN của thiết bị ký số không đúng; tài liệu chưa được ký.")) from None
    except (p11_errors.PKCS11Error, OSError, RuntimeError) as error:
        raise SigningRefused(
            N_("Không mở được thiết bị ký số (%(token)s): %(error)s"),
            token=login.token_label,
            error=type(error).__name__,
        ) from None
    signer = pyhanko_p11.PKCS11Signer(
        session,
        key_label=login.key_label,
        signing_cert=pades.to_asn1(cert),
        ca_chain=[pades.to_asn1(root) for root in trust_roots()],
        use_raw_mechanism=True,  # hash here, sign on the token: SoftHSM2 lacks CKM_ECDSA_SHA256
    )
    return signer, session


def seal_document(
    version: DocumentVersion,
    *,
    by: User,
    now: datetime,
    token: TokenLogin | None = None,
    pkcs12: bytes | None = None,
    pkcs12_password: str | None = None,
    timestamp_url: str | None = None,
    timestamp_auth: tuple[str, str] | None = None,
) -> DocumentFile:
    """Apply the agency's signature to the version's last block and publish it; nothing else changes.

    The key is on *token* or in *pkcs12*. A wrong PIN, another key, or a signature that does not
    validate as trusted raises and stores nothing.
    """
    locked = db.session.get(DocumentVersion, version.id, with_for_update=True, populate_existing=True)
    assert locked is not None
    version = locked
    if not may_seal(version, by):
        raise SigningRefused(
            N_("Chưa đến lượt chữ ký số của cơ quan, hoặc tài khoản này không phải văn thư.")
        )
    slot = version.next_slot
    assert slot is not None
    conference = version.document.conference
    configured = agency_certificate(conference.cluster)
    if configured is None:
        raise SigningRefused(N_("Quản trị chưa cấu hình chứng thư số của cơ quan cho cụm này."))
    cert = pki.load_certificate(configured.certificate_pem)
    session = None
    if pkcs12 is not None:
        file_cert, key, chain = pki.read_pkcs12(pkcs12, pkcs12_password or "")
        if pki.fingerprint(file_cert) != configured.fingerprint:
            raise SigningRefused(N_("Tệp PKCS#12 không chứa chứng thư số của cơ quan đã cấu hình."))
        signer = pades.key_signer(cert, key, [*chain, *trust_roots()])
    elif token is not None:
        signer, session = _token_signer(token, cert)
    else:
        raise SigningRefused(N_("Chọn thiết bị ký số hoặc tệp PKCS#12 của cơ quan."))
    previous = version.latest_file
    signed_at = now.replace(tzinfo=UTC) if now.tzinfo is None else now
    try:
        content = pades.sign(
            previous.content,
            field=slot["field"],
            signer=signer,
            certify=False,
            stamp=pades.StampText(configured.agency_name, "", signed_at),
            reason=f"Phát hành {version.document.kind.label} số {version.document.number}",
            location=conference.cluster.city,
            timestamp_url=timestamp_url,
            timestamp_auth=timestamp_auth,
            # the agency's signature is the document's last: with a TSA, a document timestamp follows (B-LTA)
            validation_context=validation_context(moment=signed_at),
            archive=previous.revision + 1 == len(version.slots),
            style=appearance.agency_style(configured.seal_png, pades.small_font()),
        )
    except p11_errors.PKCS11Error as error:  # the token refused, was pulled out or locked mid-way
        raise SigningRefused(
            N_("Không mở được thiết bị ký số (%(token)s): %(error)s"),
            token=token.token_label if token else "",
            error=type(error).__name__,
        ) from None
    finally:
        if session is not None:
            session.close()  # type: ignore[attr-defined]
    reports = pades.validate(content, lambda: validation_context(moment=signed_at))
    if not reports or not reports[-1].is_ok:
        raise SigningRefused(N_("Chữ ký của cơ quan không hợp lệ hoặc không tin cậy; chưa phát hành."))
    version.published_at, version.published_by_id = signed_at.replace(tzinfo=None), by.id
    return store_signature(
        version, slot, content, cert, by=by, signed_by=by, now=signed_at, action="document published"
    )
