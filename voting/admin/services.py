"""Administration: units, accounts, in-app signing certificates, and the CSV import."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from voting.audit.services import record
from voting.auth.models import Role, User
from voting.auth.services import create_user, end_access, hash_password
from voting.clusters.models import Cluster, Unit
from voting.clusters.services import add_unit
from voting.errors import InvalidState
from voting.extensions import db
from voting.formatting import nfc
from voting.i18n import N_
from voting.signing import pki
from voting.signing import services as signing
from voting.signing.models import SignerCredential, SigningAuthority

#: the columns of the CSV import, in this order, with a header row
IMPORT_COLUMNS = ("unit", "username", "full_name", "title")
MAX_IMPORT_ROWS = 500
#: the longest value each column holds, read from the columns the values go to
_LIMITS = tuple(
    column.type.length
    for column in (Unit.__table__.c.name, *(User.__table__.c[n] for n in IMPORT_COLUMNS[1:]))
)


@dataclass
class ImportReport:
    """What a CSV import found: every bad row with its reason, or what it created."""

    errors: list[tuple[int, str]] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    accounts: list[tuple[User, str]] = field(default_factory=list)  # with the temporary password


def temporary_password() -> str:
    """Return a random password to hand over once, e.g. "k7qx-92md-t4rw"."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def rename_unit(unit: Unit, name: str) -> Unit:
    """Rename a unit; names stay unique within the cluster."""
    name = nfc(name.strip())
    clash = db.session.scalar(
        sa.select(Unit.id).where(Unit.cluster_id == unit.cluster_id, Unit.name == name, Unit.id != unit.id)
    )
    if clash is not None:
        raise InvalidState(N_("Cụm đã có đơn vị tên %(name)s."), name=name)
    unit.name = name
    db.session.flush()
    return unit


def set_unit_active(unit: Unit, is_active: bool) -> Unit:
    """Deactivate or reactivate a unit; units with history are never deleted."""
    unit.is_active = is_active
    db.session.flush()
    return unit


def set_user_enabled(account: User, is_enabled: bool, *, by: User, now: datetime) -> User:
    """Disable (ending its sessions and tokens) or enable an account; never one's own disabling."""
    if account.id == by.id and not is_enabled:
        raise InvalidState(N_("Không thể tự khóa tài khoản của chính mình."))
    account.is_enabled = is_enabled
    if not is_enabled:
        end_access(account, now=now)
    db.session.flush()
    return account


def change_role(account: User, role: Role, *, by: User, now: datetime) -> User:
    """Give an account another role, ending its sessions and tokens (they carried the old role's rights)."""
    if role is Role.REPRESENTATIVE and account.unit_id is None:
        raise InvalidState(N_("Đại biểu phải thuộc một đơn vị."))
    if account.id == by.id and role is not Role.ADMIN:
        raise InvalidState(N_("Không thể tự bỏ quyền quản trị của chính mình."))
    if account.role is not role:
        account.role = role
        end_access(account, now=now)
    db.session.flush()
    return account


def reset_password(account: User, *, now: datetime) -> str:
    """Give an account a new temporary password, ending its sessions and tokens; return it (shown once)."""
    password = temporary_password()
    account.password_hash = hash_password(password)
    end_access(account, now=now)
    return password


@dataclass(frozen=True)
class CertificateSummary:
    """What the accounts screen shows of a signing certificate."""

    subject: str
    issuer: str
    fingerprint: str
    issued_at: datetime
    expires_at: datetime


def summarize_certificate(pem: str, issued_at: datetime) -> CertificateSummary:
    """Return a certificate's holder, issuer, fingerprint and validity for a page."""
    cert = pki.load_certificate(pem)
    return CertificateSummary(
        subject=cert.subject.rfc4514_string(),
        issuer=pki.common_name_of(cert.issuer),
        fingerprint=pki.fingerprint(cert),
        issued_at=issued_at,
        expires_at=cert.not_valid_after_utc.replace(tzinfo=None),
    )


def create_signing_authority(
    name: str, passphrase: str, *, organization: str, by: User, now: datetime
) -> SigningAuthority:
    """Create the organisation's root CA from the administration screen; audited."""
    authority = signing.init_authority(
        passphrase=passphrase, now=now, name=nfc(name), organization=organization
    )
    record("signing.authority_created", actor=by, now=now, details={"fingerprint": authority.fingerprint})
    return authority


def issue_signing_certificate(
    account: User, *, ca_passphrase: str, by: User, now: datetime
) -> tuple[SignerCredential, str]:
    """Issue (or renew) an account's in-app signing certificate under a new PIN; return it and the PIN.

    The PIN is shown once to the administrator, who hands it to the signer in person: the key must be
    sealed when it is made, and the signer is not there when the CA's passphrase is typed.
    """
    renewed = signing.credential_of(account) is not None
    pin = signing_pin()
    credential = signing.issue_credential(account, ca_passphrase=ca_passphrase, pin=pin, now=now)
    record(
        "signing.certificate_renewed" if renewed else "signing.certificate_issued",
        actor=by,
        now=now,
        details={"username": account.username, "fingerprint": credential.fingerprint},
    )
    return credential, pin


def signing_pin() -> str:
    """Return a random eight-digit initial PIN, e.g. "4071 8826" without the space."""
    return "".join(secrets.choice("0123456789") for _ in range(8))


def import_units_and_representatives(cluster: Cluster, content: str) -> ImportReport:
    """Import units and one representative account per row; nothing is written unless every row is good."""
    report = ImportReport()
    rows = _read_rows(nfc(content))
    header = rows[0][1] if rows else None
    if header is None or [cell.strip().lower() for cell in header] != list(IMPORT_COLUMNS):
        report.errors.append((1, "Dòng tiêu đề phải là: " + ",".join(IMPORT_COLUMNS)))
        return report
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        report.errors.append((1, f"Tối đa {MAX_IMPORT_ROWS} dòng mỗi lần nhập."))
        return report
    existing_units = {
        u.name: u for u in db.session.scalars(sa.select(Unit).where(Unit.cluster_id == cluster.id))
    }
    taken = set(db.session.scalars(sa.select(User.username)))
    seen_usernames: set[str] = set()
    good: list[tuple[str, str, str, str]] = []
    for line, row in rows[1:]:
        if row is None:
            report.errors.append((line, "Giá trị quá dài hoặc dòng CSV hỏng (dấu ngoặc kép không đóng)."))
            continue
        if not any(cell.strip() for cell in row):
            continue
        reason = _row_problem(row, taken, seen_usernames)
        if reason:
            report.errors.append((line, reason))
            continue
        unit_name, username, full_name, title = (cell.strip() for cell in row)
        seen_usernames.add(username)
        good.append((unit_name, username, full_name, title))
    if report.errors:
        return report
    if not good:
        report.errors.append((2, "Tệp không có dòng dữ liệu nào."))
        return report
    for unit_name, username, full_name, title in good:
        unit = existing_units.get(unit_name)
        if unit is None:
            unit = existing_units[unit_name] = add_unit(cluster, unit_name)
            report.units.append(unit)
        password = temporary_password()
        account = create_user(
            username, password, full_name=full_name, title=title, role=Role.REPRESENTATIVE, unit=unit
        )
        report.accounts.append((account, password))
    return report


def _read_rows(content: str) -> list[tuple[int, list[str] | None]]:
    """Return (line number, cells) per CSV row; None for a row the csv module refuses (over 128 KiB)."""
    reader = csv.reader(io.StringIO(content))
    rows: list[tuple[int, list[str] | None]] = []
    while True:
        try:
            row: list[str] | None = next(reader)
        except StopIteration:
            return rows
        except csv.Error:
            row = None  # the reader starts afresh on the next line
        rows.append((reader.line_num, row))


def _row_problem(row: list[str], taken: set[str], seen: set[str]) -> str | None:
    """Return why a CSV row cannot be imported, or None."""
    if len(row) != len(IMPORT_COLUMNS):
        return f"Cần {len(IMPORT_COLUMNS)} cột, dòng có {len(row)}."
    unit_name, username, full_name, title = (cell.strip() for cell in row)
    if not unit_name or not username or not full_name:
        return "Thiếu tên đơn vị, tên đăng nhập hoặc họ tên."
    if any("\x00" <= ch < " " for cell in row for ch in cell):
        return "Có ký tự điều khiển không hợp lệ."
    too_long = [
        f"{name} (tối đa {limit} ký tự)"
        for name, value, limit in zip(
            IMPORT_COLUMNS, (unit_name, username, full_name, title), _LIMITS, strict=True
        )
        if len(value) > limit
    ]
    if too_long:
        return "Giá trị quá dài: " + ", ".join(too_long) + "."
    if not username.isascii() or not username.replace("_", "").replace(".", "").isalnum():
        return f"Tên đăng nhập {username!r} chỉ được gồm chữ không dấu, số, dấu chấm và gạch dưới."
    if username in taken:
        return f"Tên đăng nhập {username} đã được dùng."
    if username in seen:
        return f"Tên đăng nhập {username} lặp lại trong tệp."
    return None
