"""A SoftHSM2 token holding the agency's key, for the demo and the tests (Debian's ``softhsm2``).

SoftHSM2 reads ``SOFTHSM2_CONF`` once, when the PKCS#11 module is first loaded in a process: the
token directory is fixed for the process, so callers make one and add tokens to it.
"""

from __future__ import annotations

import os
import shutil
import subprocess  # noqa: S404 - runs softhsm2-util with fixed arguments, never a shell
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from voting.signing.pki import PrivateKey

#: where Debian installs the module
MODULE = "/usr/lib/softhsm/libsofthsm2.so"


def is_available() -> bool:
    """Return whether SoftHSM2's tool and module are installed."""
    return shutil.which("softhsm2-util") is not None and Path(MODULE).exists()


def configure(directory: Path) -> Path:
    """Point this process's SoftHSM2 at *directory* (made if needed) unless it is configured already."""
    if os.environ.get("SOFTHSM2_CONF"):
        return Path(os.environ["SOFTHSM2_CONF"])
    tokens = directory / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    return conf


def _run(*args: str) -> None:
    subprocess.run(["softhsm2-util", *args], check=True, capture_output=True, timeout=60)  # noqa: S603,S607


def add_token_with_key(label: str, *, pin: str, key: PrivateKey, key_label: str) -> None:
    """Initialise a token *label* with user PIN *pin* and import *key* into it under *key_label*."""
    _run("--init-token", "--free", "--label", label, "--so-pin", pin + "so", "--pin", pin)
    der = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with tempfile.NamedTemporaryFile(suffix=".pem") as handle:
        handle.write(der)
        handle.flush()
        _run("--import", handle.name, "--token", label, "--label", key_label, "--id", "01", "--pin", pin)
