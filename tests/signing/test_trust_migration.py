"""The trust-list migration puts every in-app CA that existed before it on the trust list."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from tests.helpers import STARTS_AT
from voting import create_app
from voting.extensions import db
from voting.signing import pki

BEFORE_TRUST_LIST = "1b6311290ce9"


def test_existing_authorities_are_backfilled(tmp_path: Path) -> None:
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-0123456789",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}",
        }
    )
    old, new = (
        pki.make_root_ca(name, "", now=STARTS_AT, years=30, passphrase="ca-phrase-1")
        for name in ("CA cũ", "CA mới")
    )
    with application.app_context():
        upgrade(revision=BEFORE_TRUST_LIST)
        for number, pair in enumerate((old, new), 1):
            db.session.execute(
                sa.text(
                    "INSERT INTO signing_authorities (id, certificate_pem, sealed_key, fingerprint,"
                    " created_at, is_active) VALUES (:id, :pem, :key, :fp, :at, :active)"
                ),
                {
                    "id": number,
                    "pem": pair.certificate_pem,
                    "key": pair.sealed_key,
                    "fp": pki.fingerprint(pki.load_certificate(pair.certificate_pem)),
                    "at": STARTS_AT,
                    "active": number == 2,
                },
            )
        db.session.commit()
        upgrade()
        rows = db.session.execute(
            sa.text(
                "SELECT fingerprint, subject, is_root, retired_at, added_at"
                " FROM trusted_certificates ORDER BY id"
            )
        ).all()
        db.session.remove()
        db.engine.dispose()
    assert [row.fingerprint for row in rows] == [
        pki.fingerprint(pki.load_certificate(pair.certificate_pem)) for pair in (old, new)
    ]
    assert [row.subject for row in rows] == ["C=VN,CN=CA cũ", "C=VN,CN=CA mới"]
    assert all(row.is_root and row.retired_at is None for row in rows)
