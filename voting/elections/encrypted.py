"""Encrypted secret ballots (protocol "luanluu-eg-1", docs/election-protocol.md): a round's manifest,
casting a ballot encrypted in the voter's browser, the trustees' partial decryptions and the count.

The server never sees a choice: it checks every ballot's proofs (``voting.crypto.verifier``) and keeps
ciphertexts; once the round closes, the trustees' browsers decrypt the homomorphic sum of the ballots,
and only the sum, and the count is published when a quorum's proofs check out. The public record
of all this (the bulletin board and the election record) is ``board.py``'s.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from voting.audit.services import record
from voting.auth.models import User
from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.crypto import verifier
from voting.elections.ballots import Mark
from voting.elections.casting import (
    Admission,
    check_admission,
    insert_participation,
    read_admission,
)
from voting.elections.models import (
    DecryptedCount,
    EncryptedBallot,
    PartialDecryption,
    Participation,
    Round,
    RoundCandidate,
    new_ballot_id,
)
from voting.elections.rules import ballot_of, rules_of
from voting.elections.services import lock_round
from voting.errors import AlreadyVoted, InvalidChoice, InvalidState, NotEligible
from voting.extensions import db
from voting.i18n import N_
from voting.trustees.keys import ElectionKey, election_key_of

#: the protocol's version string, in every manifest and record
VERSION = "luanluu-eg-1"
#: the keys of a ballot as cast; anything else is refused (the tracker hashes the whole ballot)
BALLOT_KEYS = frozenset({"ctx", "round", "choices", "sum_proof"})
#: what a malformed or unprovable input raises inside the verifier
REFUSED = (ValueError, KeyError, TypeError, IndexError, AttributeError, RuntimeError)

#: plain SQL both databases read, so that SQLAlchemy caches it (as the plaintext cast's inserts,
#: ``casting``): the round's unique tracker makes a replayed ballot insert nothing
_INSERT_ENCRYPTED_BALLOT = sa.text(
    "INSERT INTO encrypted_ballots (id, round_id, tracker, content, zero) "
    "VALUES (:id, :round_id, :tracker, :content, :zero) ON CONFLICT DO NOTHING RETURNING id"
)


def key_of(conference: Conference) -> ElectionKey:
    """Return the conference's election key; refuse while the key ceremony is not done."""
    key = election_key_of(conference)
    if key is None:
        raise InvalidState(
            N_("Chưa có khóa bầu cử: các thành viên giữ khóa cần hoàn tất việc tạo khóa trước.")
        )
    return key


def candidate_ids(round_: Round) -> list[int]:
    """Return the round's candidate units' ids in ballot order, loading no unit unless already loaded."""
    if "candidates" in sa.inspect(round_).dict:
        return [candidate.unit_id for candidate in round_.candidates]
    return list(
        db.session.scalars(
            sa.select(RoundCandidate.unit_id)
            .where(RoundCandidate.round_id == round_.id)
            .order_by(RoundCandidate.unit_id)
        )
    )


def options_of(round_: Round) -> list[tuple[str, Mark]]:
    """Return the round's ballot options in manifest order, with the mark each stands for."""
    ballot = ballot_of(round_.election, rules_of(round_.election.conference))
    return ballot.encrypted_options(candidate_ids(round_))


def max_choices_of(round_: Round) -> int | None:
    """Return how many options a ballot of the round may mark: its seats on a choose-up-to-k ballot."""
    return round_.seats if round_.election.is_award else None


def manifest_of(
    round_: Round, key: ElectionKey | None = None, options: list[tuple[str, Mark]] | None = None
) -> dict[str, Any]:
    """Return the round's manifest: what every ballot's proofs are bound to."""
    conference = round_.election.conference
    key = key or key_of(conference)
    manifest: dict[str, Any] = {
        "version": VERSION,
        "conference": conference.id,
        "round": round_.id,
        "key": key.key_fingerprint,
        "election_key": key.election_key,
        "options": [option for option, _mark in options or options_of(round_)],
    }
    k = max_choices_of(round_)
    if k is not None:  # absent, never null, for exactly-one: those manifests stay byte for byte the same
        manifest["max_choices"] = k
    return manifest


def ctx_of(round_: Round, key: ElectionKey | None = None) -> str:
    """Return the round's ctx: the hash of its manifest, in every proof of its ballots and decryptions."""
    return verifier.manifest_ctx(manifest_of(round_, key))


def zero_of(round_: Round, unit: Unit, options: list[tuple[str, Mark]] | None = None) -> list[int]:
    """Return the options *unit* may not choose (its own unit, when the rules forbid self-votes)."""
    if rules_of(round_.election.conference).self_vote_allowed:
        return []
    return [
        index
        for index, (_key, mark) in enumerate(options or options_of(round_))
        if mark.unit_id == unit.id and not mark.is_against
    ]


def ballot_request(round_: Round, unit: Unit) -> dict[str, Any]:
    """Return what the voter's browser encrypts against: the manifest, its ctx and the zero options."""
    manifest = manifest_of(round_)
    return {"manifest": manifest, "ctx": verifier.manifest_ctx(manifest), "zero": zero_of(round_, unit)}


def cast_encrypted(
    round_: Round,
    unit: Unit,
    ballot: object,
    *,
    by: User | None,
    now: datetime,
    admission: Admission | None = None,
) -> str:
    """Check an encrypted ballot's proofs and cast it as the unit's ballot; return its tracker.

    Refused, with nothing written: a ballot for another round, conference or key, a malformed
    one, a point outside the group, a failing proof, a replayed ballot, a second ballot of a unit.
    *admission* is the round as the view read it (``read_admission``), else it is read here.
    """
    admission = admission or read_admission(round_.id, unit.id)
    assert admission is not None  # the round is loaded, so it exists
    check_admission(admission, unit)
    round_, rules = admission.round, admission.rules
    if not round_.is_encrypted:
        raise InvalidState(N_("Vòng này không bỏ phiếu mã hóa."))
    if admission.has_voted:  # before the proofs' check: a second click costs no CPU
        raise AlreadyVoted(
            N_("%(unit)s đã bỏ phiếu ở vòng này; mỗi đơn vị chỉ có một phiếu."), unit=unit.name
        )
    options = ballot_of(round_.election, rules).encrypted_options(candidate_ids(round_))
    manifest = manifest_of(round_, options=options)
    zero = zero_of(round_, unit, options)
    if not isinstance(ballot, dict) or set(ballot) != BALLOT_KEYS:
        raise InvalidChoice(N_("Phiếu mã hóa không đúng định dạng; phiếu không được ghi nhận."))
    if ballot["round"] != round_.id or ballot["ctx"] != verifier.manifest_ctx(manifest):
        raise InvalidChoice(
            N_(
                "Phiếu mã hóa không thuộc vòng bầu này (khác vòng, hội nghị hoặc khóa bầu cử); "
                "không được ghi nhận."
            )
        )
    if _proves_a_choice_of(ballot, zero):
        raise InvalidChoice(N_("Theo quy chế của hội nghị, đơn vị không được bầu cho chính mình."))
    try:
        tracker = verifier.verify_ballot(manifest, ballot, zero)
    except REFUSED:
        raise InvalidChoice(
            N_(
                "Phiếu mã hóa không hợp lệ (chứng minh sai hoặc dữ liệu ngoài nhóm); "
                "phiếu không được ghi nhận."
            )
        ) from None
    insert_participation(round_, unit)  # refused with nothing written: the ballot follows it
    ballot_row = {
        "id": new_ballot_id(),
        "round_id": round_.id,
        "tracker": tracker,
        "content": verifier.canonical(ballot).decode(),
        "zero": json.dumps(zero),
    }
    stored = db.session.execute(_INSERT_ENCRYPTED_BALLOT, ballot_row).first()
    if stored is None:  # the round's tracker is unique: a replayed ballot
        mine = sa.and_(Participation.round_id == round_.id, Participation.unit_id == unit.id)
        db.session.execute(sa.delete(Participation).where(mine))  # nothing of the refused cast stays
        raise InvalidChoice(N_("Phiếu mã hóa này đã được bỏ trước đó (phiếu lặp lại); không được ghi nhận."))
    # Who voted is public (turnout); the time is cut to the minute, as for every ballot.
    record(
        "ballot.cast",
        actor=by,
        conference=round_.election.conference,
        now=now.replace(second=0, microsecond=0),
        details={"round_id": round_.id, "unit_id": unit.id},
    )
    return tracker


def _proves_a_choice_of(ballot: dict[str, Any], zero: list[int]) -> bool:
    """Return whether the ballot carries a 0-or-1 proof, not a proof of 0, for an option it may not choose.

    Only the proof's shape is read (which option the voter may not choose is public): a browser
    that ignored the rule is told so, instead of a bare "invalid proof".
    """
    choices = ballot.get("choices")
    if not isinstance(choices, list):
        return False
    shapes = [
        set(choices[o]["proof"])
        if o < len(choices) and isinstance(choices[o], dict) and isinstance(choices[o].get("proof"), dict)
        else set()
        for o in zero
    ]
    return any(shape == {"c0", "c1", "z0", "z1"} for shape in shapes)


def cast_ballots(round_: Round) -> list[EncryptedBallot]:
    """Return the round's encrypted ballots in tracker order."""
    return list(
        db.session.scalars(
            sa.select(EncryptedBallot)
            .where(EncryptedBallot.round_id == round_.id)
            .order_by(EncryptedBallot.tracker)
        )
    )


def aggregate_of(round_: Round, ballots: list[EncryptedBallot] | None = None) -> list[dict[str, str]]:
    """Return the homomorphic sum of the round's ballots per option: what the trustees decrypt."""
    rows = cast_ballots(round_) if ballots is None else ballots
    return verifier.aggregate([json.loads(row.content) for row in rows], len(options_of(round_)))


def partials_of(round_: Round) -> list[PartialDecryption]:
    """Return the partial decryptions posted for the round, in trustee order."""
    return list(
        db.session.scalars(
            sa.select(PartialDecryption)
            .where(PartialDecryption.round_id == round_.id)
            .order_by(PartialDecryption.trustee_index)
        )
    )


@dataclass(frozen=True)
class Decryption:
    """Where a closed encrypted round's decryption stands, for the chair and the trustees."""

    needed: int  # the quorum k
    posted: list[int]  # trustee indexes that posted
    missing: list[User]  # trustees who have not posted yet
    done: bool

    @property
    def remaining(self) -> int:
        """Return how many more trustees must decrypt."""
        return 0 if self.done else max(self.needed - len(self.posted), 0)


def decryption_of(round_: Round) -> Decryption:
    """Return how far the trustees' decryption of a round has gone, and who has not decrypted."""
    key = key_of(round_.election.conference)
    posted = [row.trustee_index for row in partials_of(round_)]
    missing_ids = [user_id for index, user_id in key.trustees.items() if index not in posted]
    missing = [user for user_id in missing_ids if (user := db.session.get(User, user_id)) is not None]
    done = db.session.scalar(sa.select(sa.exists().where(DecryptedCount.round_id == round_.id)))
    return Decryption(key.threshold, posted, missing, bool(done) or not cast_ballots(round_))


def post_partial_decryption(round_: Round, trustee: User, post: object, *, now: datetime) -> bool:
    """Check and keep a trustee's partial decryption; with a quorum, publish the count (return True)."""
    round_ = lock_round(round_, exclusive=True)
    if not round_.is_encrypted:
        raise InvalidState(N_("Vòng này không bỏ phiếu mã hóa."))
    if round_.is_open:
        raise InvalidState(N_("Vòng bầu chưa kết thúc; chỉ giải mã sau khi kết thúc vòng bầu."))
    conference = round_.election.conference
    key = key_of(conference)
    index = key.index_of(trustee.id)
    if index is None:
        raise NotEligible(N_("Đồng chí không phải thành viên giữ khóa của hội nghị này."))
    state = decryption_of(round_)
    if state.done:
        raise InvalidState(N_("Kết quả vòng này đã được giải mã và công bố."))
    if index in state.posted:
        raise InvalidState(N_("Đồng chí đã gửi phần giải mã của vòng này."))
    if not isinstance(post, dict) or post.get("index") != index or set(post) != {"index", "shares"}:
        raise InvalidChoice(N_("Phần giải mã không đúng định dạng hoặc không phải của đồng chí."))
    ballots = cast_ballots(round_)
    aggregate = aggregate_of(round_, ballots)
    ctx = ctx_of(round_, key)
    try:
        verifier.verify_partial(ctx, aggregate, key.verification_keys[index], post)
    except REFUSED:
        raise InvalidChoice(N_("Phần giải mã không hợp lệ (chứng minh sai); không được ghi nhận.")) from None
    db.session.add(
        PartialDecryption(
            round_id=round_.id,
            trustee_index=index,
            payload=verifier.canonical(post).decode(),
            posted_by_id=trustee.id,
            posted_at=now,
        )
    )
    db.session.flush()
    record(
        "round.decryption_posted",
        actor=trustee,
        conference=conference,
        now=now,
        details={"round_id": round_.id, "trustee": index},
    )
    partials = partials_of(round_)
    if len(partials) < key.threshold:
        return False
    used = [json.loads(row.payload) for row in partials[: key.threshold]]
    counts = verifier.combine(aggregate, used, len(ballots), max_choices=max_choices_of(round_))
    options = [option for option, _mark in options_of(round_)]
    db.session.add_all(
        DecryptedCount(round_id=round_.id, option=option, votes=votes)
        for option, votes in zip(options, counts, strict=True)
    )
    db.session.flush()
    record(
        "round.decrypted",
        actor=trustee,
        conference=conference,
        now=now,
        details={
            "round_id": round_.id,
            "trustees": [row.trustee_index for row in partials[: key.threshold]],
            "counts": dict(zip(options, counts, strict=True)),
        },
    )
    return True
