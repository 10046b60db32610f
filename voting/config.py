"""Configuration read from the environment."""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import socket
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: values that must never be used as a real secret key
PLACEHOLDER_KEYS = {"", "dev", "change-me", "secret", "changeme"}

#: the public base URL when none is set: this machine only (the demo)
LOOPBACK_BASE_URL = "http://127.0.0.1:5000"

logger = logging.getLogger(__name__)


def database_url(instance_path: str) -> str:
    """Return the SQLAlchemy URL from ``DATABASE_URL``, defaulting to SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'luanluu.sqlite3'}"
    return sqlalchemy_url(url)


def sqlalchemy_url(url: str) -> str:
    """Return *url* as SQLAlchemy reads it: psycopg 3 for PostgreSQL, several hosts as ``?host=`` items.

    An operator writes libpq's form, ``postgresql://u@pg1:5432,pg2:5432/db?target_session_attrs=read-write``
    (the same URL serves ``pg_dump`` and ``psql``); SQLAlchemy's parser refuses a comma in the authority
    but passes ``?host=pg1:5432&host=pg2:5432`` on to libpq, which tries the hosts in order.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):  # psycopg 3 is the driver we ship
            url = "postgresql+psycopg://" + url[len(prefix) :]
    if not url.startswith("postgresql+psycopg://"):
        return url
    parts = urllib.parse.urlsplit(url)
    credentials, at, hosts = parts.netloc.rpartition("@")
    if "," not in hosts:
        return url
    query = "&".join([*(f"host={host}" for host in hosts.split(",")), *filter(None, [parts.query])])
    return urllib.parse.urlunsplit((parts.scheme, credentials + at, parts.path, query, parts.fragment))


def public_base_url(environ: Mapping[str, str]) -> str:
    """Return the base of every absolute link from ``PUBLIC_BASE_URL`` (or the old ``VERIFY_BASE_URL``)."""
    url = environ.get("PUBLIC_BASE_URL", "")
    if not url and environ.get("VERIFY_BASE_URL"):
        logger.warning("VERIFY_BASE_URL is deprecated: set PUBLIC_BASE_URL instead (it drives every link)")
        url = environ["VERIFY_BASE_URL"]
    return (url or LOOPBACK_BASE_URL).rstrip("/")


def is_loopback_url(url: str) -> bool:
    """Return whether *url* names this machine only (127.0.0.0/8, ::1, localhost): no phone can open it."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name: the operator's DNS decides where it points
        return False


def lan_address() -> str | None:
    """Return this machine's IPv4 address on its network, or None when it has none but loopback.

    The address its default route leaves from, else the first one its host name resolves to.
    """
    candidates = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            # A UDP "connection" sends nothing: it only asks the kernel which address it would use.
            probe.connect(("10.255.255.255", 1))
            candidates.append(str(probe.getsockname()[0]))
        except OSError:
            pass
    try:
        found = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        candidates += [str(entry[4][0]) for entry in found]
    except OSError:
        pass
    return next((a for a in candidates if not ipaddress.ip_address(a).is_loopback), None)


def tsa_credentials(config: Mapping[str, Any]) -> tuple[str, str] | None:
    """Return the timestamp authority's HTTP Basic user and password, or None when none is set."""
    username = config.get("SIGNING_TSA_USERNAME") or ""
    return (username, config.get("SIGNING_TSA_PASSWORD") or "") if username else None


def file_code_problem(pattern: str) -> str | None:
    """Return why a ``REGISTER_FILE_CODE`` pattern cannot be filled in, or None when it can."""
    try:
        pattern.format(cluster="CTĐ4", year=2016)
    except (KeyError, IndexError, ValueError) as error:
        return (
            f"REGISTER_FILE_CODE {pattern!r} cannot be filled in ({type(error).__name__}: {error}); "
            "it may name only {cluster} and {year}, e.g. {cluster}/HNTK/{year}."
        )
    return None


def secret_key(instance_path: str) -> str:
    """Return ``SECRET_KEY`` from the environment or from ``instance/secret_key``."""
    key = os.environ.get("SECRET_KEY", "")
    key_file = Path(instance_path) / "secret_key"
    if not key and key_file.exists():
        key = key_file.read_text().strip()
    return key


def default_config(instance_path: str) -> dict[str, Any]:
    """Return the settings every deployment starts from."""
    return {
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        # A conference day is long; the token is bound to the session anyway.
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # The app's address as phones and readers of printed documents reach it: the base of every
        # absolute link (the join link and its QR code, the projector link, the documents' verification
        # link and QR code). VERIFY_BASE_URL is its former, deprecated name.
        "PUBLIC_BASE_URL": public_base_url(os.environ),
        # Whether documents may be issued while PUBLIC_BASE_URL is a loopback address (their QR code
        # would open nothing): only the demo (`make run` sets LUANLUU_DEMO=1) and the tests.
        "LOOPBACK_LINKS_ALLOWED": os.environ.get("LUANLUU_DEMO") == "1",
        # The register of outgoing documents: the file code pattern ({cluster}, {year}) and, as JSON,
        # retention periods per document kind that override the kinds' own ({"counting_minutes": "70 năm"}).
        "REGISTER_FILE_CODE": os.environ.get("REGISTER_FILE_CODE", "{cluster}/HNTK/{year}"),
        "DOCUMENT_RETENTION": json.loads(os.environ.get("DOCUMENT_RETENTION") or "{}"),
        # Optional RFC 3161 timestamp authority for signatures (empty: none): each signature is
        # timestamped (PAdES B-T) and the last one of a document is followed by a document timestamp
        # (B-LTA). HTTP Basic credentials if the TSA wants them.
        "SIGNING_TSA_URL": os.environ.get("SIGNING_TSA_URL", ""),
        "SIGNING_TSA_USERNAME": os.environ.get("SIGNING_TSA_USERNAME", ""),
        "SIGNING_TSA_PASSWORD": os.environ.get("SIGNING_TSA_PASSWORD", ""),
        # The PKCS#11 module (a path to a .so) of the agency's token or HSM; set by the operator only,
        # never typed in a form (loading a library runs its code). Empty: the clerk signs with PKCS#12.
        "SIGNING_PKCS11_MODULE": os.environ.get("SIGNING_PKCS11_MODULE", ""),
        # 1: validation may fetch OCSP responses and CRLs named in certificates (off: an offline intranet
        # relies on the CRLs imported by hand).
        "REVOCATION_FETCH": os.environ.get("REVOCATION_FETCH") == "1",
        # Reverse proxies in front of the app (nginx: 1) whose X-Forwarded-For/-Proto are believed.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES") or 0),
    }


def served_base_url(host: str, port: int, environ: Mapping[str, str]) -> str:
    """Return the public base URL for ``make run HOST=… PORT=…``: the setting, else where it listens.

    Listening on every interface (0.0.0.0) means phones on the LAN reach this machine by its LAN
    address, so that is the base printed (falling back to loopback on a machine with no network).
    """
    if environ.get("PUBLIC_BASE_URL") or environ.get("VERIFY_BASE_URL"):
        return public_base_url(environ)
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - recognising the wildcard, not binding to it
        host = lan_address() or "127.0.0.1"
    return f"http://{host}:{port}"
