"""Issue 12's attacks on the secret ballot, replayed after 8 known ballots cast through the web interface.

An attacker who reads the database (the xmin join, dead row versions through pageinspect), the
access log (the size of every response of the cast) or a browser's cookie learns no choice: the
server only ever holds ciphertexts, and nothing it stores or sends depends on the choice.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.eg import ballot_request_of, post_json, web_decrypt
from tests.factories import Site, Stage
from tests.helpers import confirm
from tests.trustees.helpers import TRUSTEES
from voting.conferences.models import Conference
from voting.crypto.prover import encrypt_ballot
from voting.extensions import db
from voting.trustees.keys import election_key_of

#: the known choices of the 8 units, by index into the round's options (the last is blank)
CHOICES = [1, 1, 2, 1, 3, 2, -1, 1]


def is_postgres(app: Flask) -> bool:
    return str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql")


def cast_and_log(
    browser: FlaskClient, round_id: int, choice: int
) -> tuple[dict[str, Any], list[int], list[str]]:
    """Cast as the ballot page does; return the ballot, each response's size (the access log) and r_o."""
    page = browser.get(f"/rounds/{round_id}/ballot")  # before any choice exists
    request = ballot_request_of(page.get_data(as_text=True))
    manifest = request["manifest"]
    ballot, randomness = encrypt_ballot(manifest, choice % len(manifest["options"]), request["zero"])
    answer = post_json(browser, f"/eg/rounds/{round_id}/ballot", {"ballot": ballot})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return ballot, [len(page.get_data()), len(answer.get_data())], randomness


@pytest.fixture
def played(
    app: Flask, make_site: Callable[..., Site], login: Callable[[str], FlaskClient]
) -> tuple[Site, int, list[FlaskClient], list[list[int]], list[str]]:
    """A conference whose first round got the 8 known ballots; the round is still open."""
    site = make_site(Stage.ROUND_OPEN)
    reps = [login(username) for username in site.representatives]
    with app.app_context():
        round_id = int(db.session.scalar(sa.text("SELECT max(id) FROM rounds")))
        db.session.rollback()  # SQLite: hold no lock while the requests write
    sizes, secrets = [], []
    for rep, choice in zip(reps, CHOICES, strict=True):
        _ballot, logged, randomness = cast_and_log(rep, round_id, choice)
        sizes.append(logged)
        secrets += randomness
    return site, round_id, reps, sizes, secrets


def test_the_access_log_and_the_cookie_reveal_no_choice(
    app: Flask, played: tuple[Site, int, list[FlaskClient], list[list[int]], list[str]]
) -> None:
    site, round_id, reps, sizes, _secrets = played
    # The ballot page is served before there is a choice; the cast's answer is the tracker alone.
    assert len({answer for _page, answer in sizes}) == 1, sizes
    # The ballot page is the same for every choice (it is sent before one is made): asked again by a
    # unit that has voted, it only says so.
    assert reps[0].get(f"/rounds/{round_id}/ballot").status_code == 302
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    names = set(site.unit_names)
    for rep in reps:
        cookie = rep.get_cookie("session")
        assert cookie is not None
        session = serializer.loads(cookie.value)
        flat = json.dumps(session, ensure_ascii=False)
        assert not any(key.startswith("receipt") for key in session)
        assert not any(name in flat for name in names) and "unit:" not in flat and "tracker" not in flat


def test_the_database_holds_only_ciphertexts_and_no_secret(
    app: Flask,
    played: tuple[Site, int, list[FlaskClient], list[list[int]], list[str]],
    login: Callable[[str], FlaskClient],
) -> None:
    site, round_id, _reps, _sizes, secrets = played
    with app.app_context():
        columns = {
            column["name"] for column in sa.inspect(db.session.connection()).get_columns("encrypted_ballots")
        }
        assert columns == {"id", "round_id", "tracker", "content", "zero"}  # no unit, no time, no choice
        assert db.session.scalar(sa.text("SELECT count(*) FROM ballots")) == 0  # no plaintext ballot
        if is_postgres(app):
            # The xmin join still pairs each participation with its ballot: with a ciphertext.
            linked = db.session.execute(
                sa.text(
                    "SELECT p.unit_id, b.content FROM participations p JOIN encrypted_ballots b "
                    "ON b.xmin::text = p.xmin::text AND b.round_id = p.round_id WHERE p.round_id = :r"
                ),
                {"r": round_id},
            ).all()
            assert len(linked) == 8
            for _unit, content in linked:
                assert set(json.loads(content)) == {"ctx", "round", "choices", "sum_proof"}
                assert "unit:" not in content and not any(name in content for name in site.unit_names)
        db.session.rollback()  # SQLite: hold no lock while the requests write
    # Decrypting takes a quorum of trustees, and yields only the sums.
    assert confirm(login(site.chair), f"/rounds/{round_id}/close").status_code == 302
    web_decrypt(app, login, round_id)
    with app.app_context():
        key = election_key_of(db.session.get(Conference, site.conference_id))  # type: ignore[arg-type]
        assert key is not None
        shares = [t.share for t in TRUSTEES[key.key_fingerprint].values() if t.share]
        everything = dump(app)
        # Neither a trustee's key share nor any ballot's randomness ever reached the server.
        assert not any(secret in everything for secret in shares + secrets)
        if is_postgres(app):
            raw = dead_and_live_tuples(["encrypted_ballots", "participations", "ballots"])
            if raw is not None:  # pageinspect available: old row versions hold no plaintext either
                assert b"unit:" not in raw and not any(n.encode() in raw for n in site.unit_names)


def dump(app: Flask) -> str:
    """Return every row of every table as text, as a backup would hold it."""
    tables = sa.inspect(db.session.connection()).get_table_names()
    rows = []
    for table in tables:
        rows += [str(tuple(row)) for row in db.session.execute(sa.text(f'SELECT * FROM "{table}"'))]  # noqa: S608
    return "\n".join(rows)


def dead_and_live_tuples(tables: list[str]) -> bytes | None:
    """Return the raw tuple data of every row version in *tables* (pageinspect), None without it."""
    try:
        with db.session.begin_nested():
            db.session.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
    except sa.exc.DBAPIError:
        return None
    raw = b""
    for table in tables:
        pages = db.session.scalar(sa.text("SELECT pg_relation_size(:t) / 8192"), {"t": table}) or 0
        for page in range(int(pages)):
            rows = db.session.execute(
                sa.text("SELECT t_data FROM heap_page_items(get_raw_page(:t, :p)) WHERE t_data IS NOT NULL"),
                {"t": table, "p": page},
            )
            raw += b"".join(bytes(data) for (data,) in rows)
    return raw
