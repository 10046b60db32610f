"""Commands for keys (`pki init|import|issue|revoke|issue-p12|tls|export-ca`, `pki trust …`, `pki crl import`)
and `verify FILE`."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlalchemy as sa
from cryptography.hazmat.primitives.serialization import Encoding
from flask import current_app
from flask.cli import with_appcontext

from voting.auth.models import User
from voting.errors import VotingError
from voting.extensions import db
from voting.formatting import utc_now
from voting.signing import pki as keys
from voting.signing import services, trust
from voting.signing.models import TrustedCertificate
from voting.signing.pades import format_signing_time


def _ca_passphrase(confirm: bool = False) -> str:
    """Return the CA passphrase from LUANLUU_CA_PASSPHRASE or ask for it."""
    return os.environ.get("LUANLUU_CA_PASSPHRASE") or click.prompt(
        "Mật khẩu bảo vệ khóa CA (CA passphrase)", hide_input=True, confirmation_prompt=confirm
    )


def _run(action: Callable[[], object]) -> None:
    """Turn a refused rule into a command-line error, commit otherwise."""
    try:
        action()
    except VotingError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()


@click.group()
def pki() -> None:
    """Manage the root CA and the signers' certificates."""


@pki.command("init")
@click.option("--name", default=services.DEFAULT_CA_NAME, show_default=True, help="CA common name")
@click.option("--organization", default="", help='e.g. "Công an thành phố Hà Nội"')
@click.option("--replace", is_flag=True, help="make a new CA even if one exists (the old one stays trusted)")
@with_appcontext
def init_command(name: str, organization: str, replace: bool) -> None:
    """Create the root CA; its key is sealed under a passphrase (LUANLUU_CA_PASSPHRASE or prompt)."""
    passphrase = _ca_passphrase(confirm=True)
    _run(
        lambda: services.init_authority(
            passphrase=passphrase, now=utc_now(), name=name, organization=organization, replace=replace
        )
    )
    click.echo("Đã tạo CA gốc. Xuất chứng thư: flask --app wsgi pki export-ca --out ca.pem")


@pki.command("import")
@click.option(
    "--cert", "cert_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True
)
@click.option(
    "--key", "key_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True
)
@click.option("--key-password", default=None, help="password of the PEM key, if encrypted")
@with_appcontext
def import_command(cert_path: Path, key_path: Path, key_password: str | None) -> None:
    """Import an existing CA certificate and ECDSA key (PEM) instead of creating one."""
    passphrase = _ca_passphrase(confirm=True)
    _run(
        lambda: services.import_authority(
            cert_path.read_bytes(), key_path.read_bytes(), key_password, passphrase=passphrase, now=utc_now()
        )
    )
    click.echo("Đã nhập CA.")


@pki.command("issue")
@click.argument("username")
@click.option(
    "--pin",
    prompt="Mã PIN ký số do người ký tự chọn",
    hide_input=True,
    confirmation_prompt=True,
    help="the signer's PIN (at least 6 characters); asked for when omitted",
)
@with_appcontext
def issue_command(username: str, pin: str) -> None:
    """Give an account a signing certificate; its private key is sealed under the signer's PIN."""
    account = db.session.scalar(sa.select(User).where(User.username == username))
    if account is None:
        raise click.BadParameter(f"không có tài khoản {username}", param_hint="USERNAME")
    passphrase = _ca_passphrase()
    _run(lambda: services.issue_credential(account, ca_passphrase=passphrase, pin=pin, now=utc_now()))
    click.echo(f"Đã cấp chứng thư số cho {account.full_name} ({username}).")


@pki.command("revoke")
@click.argument("username")
@with_appcontext
def revoke_command(username: str) -> None:
    """Revoke an account's in-app signing certificate; the in-app CA issues a new CRL."""
    account = db.session.scalar(sa.select(User).where(User.username == username))
    if account is None:
        raise click.BadParameter(f"không có tài khoản {username}", param_hint="USERNAME")
    credential = services.credential_of(account)
    if credential is None:
        raise click.ClickException(f"{username} không có chứng thư số nào đang dùng.")
    passphrase = _ca_passphrase()
    _run(lambda: trust.revoke_credential(credential, ca_passphrase=passphrase, by=None, now=utc_now()))
    click.echo(f"Đã thu hồi chứng thư số của {account.full_name} ({username}) và phát hành CRL mới.")


@pki.command("issue-p12")
@click.option("--name", required=True, help="full name exactly as printed in the signature block")
@click.option("--title", default="", help="position")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--password", prompt="Mật khẩu tệp PKCS#12", hide_input=True, confirmation_prompt=True)
@with_appcontext
def issue_p12_command(name: str, title: str, out: Path, password: str) -> None:
    """Write a PKCS#12 file for a signer without an account (uploaded at signing, never stored)."""
    passphrase = _ca_passphrase()
    try:
        data = services.issue_pkcs12(name, title, ca_passphrase=passphrase, password=password, now=utc_now())
    except VotingError as error:
        raise click.ClickException(str(error)) from None
    out.write_bytes(data)
    click.echo(f"Đã ghi {out}.")


@pki.command("tls")
@click.argument("hosts", nargs=-1, required=True)
@click.option("--cert-out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--key-out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def tls_command(hosts: tuple[str, ...], cert_out: Path, key_out: Path) -> None:
    """Issue the hall's TLS server certificate (HOSTS: names and IP addresses) for nginx, from the CA."""
    passphrase = _ca_passphrase()
    try:
        cert_pem, key_pem = services.issue_tls_certificate(
            list(hosts), ca_passphrase=passphrase, now=utc_now()
        )
    except VotingError as error:
        raise click.ClickException(str(error)) from None
    cert_out.write_text(cert_pem)
    # The key is not sealed (nginx reads it at start): only its owner may read it.
    descriptor = os.open(key_out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write(key_pem)
    os.chmod(key_out, 0o600)
    fingerprint = keys.fingerprint(keys.load_certificate(cert_pem))
    click.echo(f"Đã ghi chứng thư TLS {cert_out} (SHA-256 {fingerprint}) và khóa {key_out}.")


@pki.command("export-ca")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--der", is_flag=True, help="only the in-app CA, DER-encoded (a .crt file for phones)")
@with_appcontext
def export_ca_command(out: Path, der: bool) -> None:
    """Write the trust list's active roots as PEM so that outside validators can trust them."""
    roots = [keys.pem(root) for root in trust.trusted_roots()]
    authority = services.active_authority()
    if der and authority is None:
        raise click.ClickException("Chưa có CA gốc: chạy `flask --app wsgi pki init` trước.")
    if not roots:
        raise click.ClickException("Danh sách tin cậy chưa có CA gốc nào.")
    if der:
        assert authority is not None
        root = keys.load_certificate(authority.certificate_pem)
        out.write_bytes(root.public_bytes(Encoding.DER))
        click.echo(f"Đã ghi chứng thư CA vào {out} (SHA-256 {keys.fingerprint(root)}).")
        return
    out.write_text("".join(roots))
    click.echo(f"Đã ghi {len(roots)} chứng thư CA gốc trong danh sách tin cậy vào {out}.")


@pki.group("trust")
def trust_group() -> None:
    """Manage the trust list: root and intermediate CA certificates signatures are checked against."""


@trust_group.command("add")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def trust_add_command(path: Path) -> None:
    """Put the CA certificate(s) of FILE (PEM or DER) on the trust list."""
    added: list[TrustedCertificate] = []
    _run(lambda: added.extend(trust.import_certificates(path.read_bytes(), by=None, now=utc_now())))
    for entry in added:
        click.echo(f"Đã thêm #{entry.id} {entry.subject} (SHA-256 {entry.fingerprint}).")


@trust_group.command("list")
@with_appcontext
def trust_list_command() -> None:
    """List the trust list, retired entries included."""
    for entry in trust.all_certificates():
        kind = "gốc" if entry.is_root else "trung gian"
        state = f"thôi tin cậy {entry.retired_at:%Y-%m-%d}" if entry.retired_at else "đang tin cậy"
        click.echo(
            f"#{entry.id} [{kind}, {state}] {entry.subject}; cấp bởi {entry.issuer}; "
            f"hiệu lực {entry.not_before:%Y-%m-%d} – {entry.not_after:%Y-%m-%d}; SHA-256 {entry.fingerprint}"
        )


@trust_group.command("retire")
@click.argument("entry_id", metavar="ID", type=int)
@with_appcontext
def trust_retire_command(entry_id: int) -> None:
    """Stop trusting entry ID (it stays on the list, marked retired)."""
    entry = db.session.get(TrustedCertificate, entry_id)
    if entry is None:
        raise click.BadParameter(f"không có mục #{entry_id}", param_hint="ID")
    _run(lambda: trust.retire_certificate(entry, by=None, now=utc_now()))
    click.echo(f"Đã thôi tin cậy #{entry.id} {entry.subject}.")


@pki.group("crl")
def crl_group() -> None:
    """Certificate revocation lists (CRLs) for an offline intranet."""


@crl_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def crl_import_command(path: Path) -> None:
    """Store the CRL of FILE (PEM or DER) after checking a CA on the trust list signed it."""
    _run(lambda: trust.import_crl(path.read_bytes(), by=None, now=utc_now()))
    click.echo(f"Đã nhập danh sách thu hồi {path}.")


def _yes(flag: bool) -> str:
    return "có" if flag else "KHÔNG"


@click.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--at",
    "moment",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Kiểm tra như vào thời điểm này (UTC), ví dụ 2046-01-01: sau khi chứng thư hết hạn.",
)
@with_appcontext
def verify_command(path: Path, moment: datetime | None) -> None:
    """Check a PDF against the archive and its signatures; exit 1 unless intact, trusted, archived."""
    result = services.verify_pdf(
        path.read_bytes(),
        fetch=current_app.config["REVOCATION_FETCH"],
        now=moment.replace(tzinfo=UTC) if moment else None,
    )
    click.echo(f"SHA-256: {result.sha256}")
    version = result.version
    if version is not None and result.file is not None:
        document = version.document
        click.echo(
            f"Trong kho lưu trữ: có – {document.kind.label} số {document.number}, phiên bản "
            f"{version.version} ({version.status}), trạng thái ký {result.file.revision}/{len(version.slots)}"
        )
    else:
        click.echo("Trong kho lưu trữ: KHÔNG (không có tệp nào trùng mã băm)")
    if not result.signatures:
        click.echo("Chữ ký số: không có")
    for i, sig in enumerate(result.signatures, 1):
        when = format_signing_time(sig.signed_at) if sig.signed_at else "?"
        click.echo(
            f"Chữ ký {i} ({sig.field}): {sig.signer}, lúc {when}; nguyên vẹn: {_yes(sig.intact)}; "
            f"hợp lệ: {_yes(sig.valid)}; tin cậy: {_yes(sig.trusted)}; "
            f"{'ĐÃ BỊ THU HỒI; ' if sig.revoked else ''}"
            f"thay đổi sau khi ký: {sig.modification}; kết luận: {_yes(sig.is_ok)}; mức: {sig.level or '-'}"
        )
        if sig.timestamped_at is not None:
            click.echo(f"  dấu thời gian (RFC 3161): {format_signing_time(sig.timestamped_at)}")
        if sig.proven_at is not None:
            click.echo(f"  hợp lệ tại dấu thời gian tài liệu {format_signing_time(sig.proven_at)}")
    for stamp in result.report.document_timestamps:
        click.echo(f"Dấu thời gian tài liệu ({stamp.field}): {format_signing_time(stamp.at)}")
    click.echo(f"Mức PAdES của tài liệu: {result.report.level or '-'} – {result.report.meaning}")
    click.echo("KẾT LUẬN: HỢP LỆ" if result.is_ok else "KẾT LUẬN: KHÔNG HỢP LỆ")
    if not result.is_ok:
        raise SystemExit(1)
