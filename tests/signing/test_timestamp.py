"""An RFC 3161 timestamp authority set by configuration: a local TSA on 127.0.0.1 stamps each signature."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta

import pytest

from tests.documents.minutes import make_minutes
from tests.helpers import hanoi
from tests.signing.tsa import serve_tsa
from voting.documents.pdf import add_signature_fields, build_conference_minutes
from voting.signing import pades, pki
from voting.signing.pades import StampText

#: 11:05 in Hanoi, when the minutes are signed
NOW = hanoi(11, 5).replace(tzinfo=UTC)


@pytest.fixture
def tsa_url() -> Iterator[tuple[str, pki.KeyPair]]:
    ca = pki.make_root_ca("CA", "", now=NOW - timedelta(days=30), years=30, passphrase="ca-phrase-1")
    with serve_tsa(ca, "ca-phrase-1", now=NOW) as url:
        yield url, ca


def test_signature_carries_a_timestamp_token_from_the_configured_tsa(
    tsa_url: tuple[str, pki.KeyPair],
) -> None:
    url, ca = tsa_url
    built = build_conference_minutes(make_minutes(["Phòng A", "Phòng B", "Phòng C"], []))
    pdf = add_signature_fields(built.content, built.spots)
    cert, key = pki.issue_signer(
        ca,
        "ca-phrase-1",
        common_name="Trần Thị Mai",
        title="",
        organization="",
        now=NOW - timedelta(days=1),
        years=20,
    )
    root = pki.load_certificate(ca.certificate_pem)
    signed = pades.sign(
        pdf,
        field="thu_ky",
        certificate=cert,
        key=key,
        chain=[root],
        certify=True,
        stamp=StampText("Trần Thị Mai", "Thư ký", NOW),
        reason="ký",
        location="Hà Nội",
        timestamp_url=url,
    )
    (report,) = pades.validate(signed, [root])
    assert report.is_ok
    # the TSA's token sits in the signature, valid and trusted, with the TSA's time
    assert report.timestamped_at == NOW
    (unstamped,) = pades.validate(
        pades.sign(
            pdf,
            field="thu_ky",
            certificate=cert,
            key=key,
            chain=[root],
            certify=True,
            stamp=StampText("Trần Thị Mai", "Thư ký", NOW),
            reason="ký",
            location="Hà Nội",
        ),
        [root],
    )
    assert unstamped.is_ok and unstamped.timestamped_at is None


def test_an_unreachable_tsa_refuses_to_sign_and_says_so(tsa_url: tuple[str, pki.KeyPair]) -> None:
    from voting.errors import SigningRefused

    _url, ca = tsa_url
    built = build_conference_minutes(make_minutes(["Phòng A", "Phòng B", "Phòng C"], []))
    pdf = add_signature_fields(built.content, built.spots)
    cert, key = pki.issue_signer(
        ca,
        "ca-phrase-1",
        common_name="Trần Thị Mai",
        title="",
        organization="",
        now=NOW - timedelta(days=1),
        years=20,
    )
    with pytest.raises(SigningRefused, match="dấu thời gian"):
        pades.sign(
            pdf,
            field="thu_ky",
            certificate=cert,
            key=key,
            chain=[pki.load_certificate(ca.certificate_pem)],
            certify=True,
            stamp=StampText("Trần Thị Mai", "Thư ký", NOW),
            reason="ký",
            location="Hà Nội",
            timestamp_url="http://127.0.0.1:9/",
        )
