"""Secret ballots in tests, as the browsers cast and count them: encrypted with the Python prover
(``voting.crypto.prover``), decrypted by Python trustees that a key ceremony made.

``open_round``, ``cast_ballot`` and ``close_round`` have the services' signatures: a secret round
gets the conference's election key first (a ceremony of three trustees, 2 of 3), a ballot for it is
encrypted and cast with ``encrypted.cast_encrypted``, and closing it has a quorum of the trustees
decrypt its count. Open (named) votes and paper rounds go straight to the services.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import csrf_token
from tests.trustees.helpers import TRUSTEES, run_ceremony
from voting import demo
from voting.auth.models import User
from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.crypto.prover import Trustee, encrypt_ballot
from voting.crypto.verifier import tracker_of
from voting.elections import encrypted, services
from voting.elections.ballots import Mark
from voting.elections.models import Office, Round
from voting.elections.rules import VoteForm, rules_of
from voting.errors import InvalidChoice
from voting.extensions import db
from voting.formatting import utc_now
from voting.i18n import N_
from voting.trustees.keys import election_key_of


def trustees_of(conference: Conference) -> dict[int, Trustee]:
    """Return the Python trustees of the conference's key, running the ceremony if there is none yet."""
    key = election_key_of(conference)
    if key is None:
        return run_ceremony(conference)
    return TRUSTEES[key.key_fingerprint]


def open_round(conference: Conference, office: Office, **kwargs: object) -> Round:
    """Open a round as ``services.open_round`` does, making the election key first for a secret ballot."""
    if rules_of(conference).vote_form is VoteForm.SECRET and not kwargs.get("on_paper"):
        trustees_of(conference)
    return services.open_round(conference, office, **kwargs)  # type: ignore[arg-type]


def option_index(round_: Round, mark: Mark) -> int:
    """Return the index of a mark among the round's encrypted options; refuse one not on the ballot."""
    rules_of(round_.election.conference).ballot.check([mark])
    for index, (_key, option) in enumerate(encrypted.options_of(round_)):
        if option == mark:
            return index
    raise InvalidChoice(N_("%(choice)s không có trong danh sách đề cử của vòng này."), choice=mark.unit_id)


def cast_ballot(
    round_: Round,
    unit: Unit,
    choice: Unit | None = None,
    *,
    against: bool = False,
    marks: Sequence[Mark] | None = None,
    by: User | None = None,
    now: datetime | None = None,
) -> str:
    """Cast a ballot as ``services.cast_ballot`` does; a secret one encrypted as the browser does.

    A vote for the voter's own unit, where the rules forbid it, is encrypted as a browser that
    ignored the rule would: the server's check of the proofs refuses it.
    """
    if not round_.is_encrypted:
        return services.cast_ballot(round_, unit, choice, against=against, marks=marks, by=by, now=now)
    (mark,) = marks if marks is not None else [Mark(choice.id if choice else None, against)]
    manifest = encrypted.manifest_of(round_)
    choice_index, zero = option_index(round_, mark), encrypted.zero_of(round_, unit)
    ballot, _randomness = encrypt_ballot(manifest, choice_index, [] if choice_index in zero else zero)
    return encrypted.cast_encrypted(round_, unit, ballot, by=by, now=now or utc_now())


def close_round(round_: Round, *, now: datetime, by: User | None = None) -> Round:
    """Close a round as ``services.close_round`` does; a quorum of trustees then decrypts an encrypted one."""
    round_ = services.close_round(round_, now=now, by=by)
    if round_.is_encrypted and not encrypted.decryption_of(round_).done:
        demo.decrypt(round_, trustees_of(round_.election.conference), now=now)
    return round_


# Through the web interface, as the browsers do -------------------------------------------------


def ballot_request_of(page: str) -> dict[str, Any]:
    """Return the ballot request (manifest, ctx, zero) the secret ballot page gives its script."""
    match = re.search(r'<script type="application/json" id="ballot-request"[^>]*>(.*?)</script>', page, re.S)
    assert match, "the page has no encrypted ballot"
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def post_json(browser: FlaskClient, url: str, body: object) -> Any:
    """POST JSON with the CSRF token in the X-CSRFToken header, as the pages' scripts do."""
    return browser.post(url, json=body, headers={"X-CSRFToken": csrf_token(browser)})


def web_vote(browser: FlaskClient, round_id: int, option: str) -> str:
    """Encrypt a ballot for *option* ("unit:<id>", "blank", "for"…), as the ballot page does."""
    page = browser.get(f"/rounds/{round_id}/ballot")
    assert page.status_code == 200, page.get_data(as_text=True)
    request = ballot_request_of(page.get_data(as_text=True))
    manifest = request["manifest"]
    ballot, _randomness = encrypt_ballot(manifest, manifest["options"].index(option), request["zero"])
    answer = post_json(browser, f"/eg/rounds/{round_id}/ballot", {"ballot": ballot})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json == {"tracker": tracker_of(ballot)}
    return str(answer.json["tracker"])


def web_decrypt(app: Flask, login: Callable[[str], FlaskClient], round_id: int) -> None:
    """Have the first quorum of trustees decrypt a closed round through the round page's endpoints."""
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert round_ is not None
        key = encrypted.key_of(round_.election.conference)
        python = TRUSTEES[key.key_fingerprint]
        accounts = {index: db.session.get(User, user_id) for index, user_id in key.trustees.items()}
        usernames = {index: account.username for index, account in accounts.items() if account}
        quorum = sorted(python)[: key.threshold]
    for index in quorum:
        trustee = login(usernames[index])
        state = trustee.get(f"/eg/rounds/{round_id}/decryption").json
        post = python[index].partial_decrypt(state["ctx"], state["aggregate"])
        answer = post_json(trustee, f"/eg/rounds/{round_id}/decryption", post)
        assert answer.status_code == 200, answer.get_data(as_text=True)
