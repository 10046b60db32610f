"""The key ceremony: the chair starts it, each trustee's browser posts its three steps, the server checks.

Protocol: docs/election-protocol.md ("luanluu-eg-1"), after the ElectionGuard 2.0 key ceremony
(Feldman commitments with Schnorr proofs, shares sent encrypted between guardians) and Belenios'
threshold mode. The server keeps only public values and checks every proof with
``voting.crypto.verifier``; a trustee's secret never leaves their browser. Each step waits for
every trustee; a complaint about a share ends the ceremony, and the chair starts a new one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from voting.audit.services import record
from voting.auth.models import Role, User
from voting.conferences.models import CommitteeMember, Conference
from voting.crypto import verifier
from voting.errors import InvalidProof, InvalidState, NotTrustee, VotingError
from voting.extensions import db
from voting.i18n import N_
from voting.trustees import posts
from voting.trustees.keys import current_ceremony
from voting.trustees.models import CeremonyShare, CeremonyStatus, CeremonyTrustee, KeyCeremony

log = logging.getLogger(__name__)

VERSION = "luanluu-eg-1"
#: fewer trustees than this and one lost browser, or two colluding people, would decide everything
MIN_TRUSTEES = 3
#: a threshold of 1 would let one trustee decrypt alone
MIN_THRESHOLD = 2
#: the errors a check of received values may raise: the verifier's own, or libsodium's on a bad value
_CHECK_ERRORS = (verifier.Invalid, ValueError, TypeError, KeyError, RuntimeError)


def default_threshold(n: int) -> int:
    """Return the default quorum of *n* trustees: a majority (2 of 3, 3 of 4 or 5)."""
    return n // 2 + 1


def committee_trustees(conference: Conference) -> list[User]:
    """Return the counting committee's accounts, the default trustees, in a stable order."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(CommitteeMember, CommitteeMember.user_id == User.id)
            .where(CommitteeMember.conference_id == conference.id)
            .order_by(CommitteeMember.is_head.desc(), User.id)
        )
    )


def description(ceremony: KeyCeremony) -> dict[str, Any]:
    """Return the ceremony as the protocol describes it; its hash (cctx) is in every proof."""
    return {
        "version": VERSION,
        "conference": ceremony.conference_id,
        "ceremony": ceremony.id,
        "trustees": [trustee.user_id for trustee in ceremony.trustees],
        "threshold": ceremony.threshold,
    }


def start_refusal(conference: Conference) -> VotingError | None:
    """Return why the chair may not start a ceremony now (the console's button), None when they may."""
    if conference.is_ended:
        return InvalidState(N_("Hội nghị đã kết thúc."))
    running = current_ceremony(conference)
    if running is not None and running.is_done:
        return InvalidState(N_("Khóa bầu cử của hội nghị đã được tạo xong."))
    return None


def start_ceremony(
    conference: Conference,
    trustees: Sequence[User] | None = None,
    threshold: int | None = None,
    *,
    by: User,
    now: datetime,
) -> KeyCeremony:
    """Start a key ceremony; an unfinished one is abandoned (marked failed), a finished one stays."""
    refusal = start_refusal(conference)
    if refusal is not None:
        raise refusal
    if by.id != conference.chair_id:
        raise NotTrustee(N_("Chỉ chủ tọa hội nghị bắt đầu phiên tạo khóa bầu cử."))
    people = list(trustees) if trustees is not None else committee_trustees(conference)
    if len({person.id for person in people}) != len(people):
        raise InvalidState(N_("Mỗi người chỉ giữ một phần khóa."), field="trustees")
    if len(people) < MIN_TRUSTEES:
        raise InvalidState(
            N_("Cần ít nhất %(min)s người giữ khóa (Ban kiểm phiếu hoặc người chủ tọa chỉ định); có %(n)s."),
            field="trustees",
            min=MIN_TRUSTEES,
            n=len(people),
        )
    if any(person.role is Role.REPRESENTATIVE or not person.is_enabled for person in people):
        raise InvalidState(
            N_("Người giữ khóa không được là đại biểu bỏ phiếu và phải có tài khoản đang hoạt động.")
        )
    k = threshold if threshold is not None else default_threshold(len(people))
    if not MIN_THRESHOLD <= k <= len(people):
        raise InvalidState(
            N_("Số người cần để giải mã phải từ %(min)s đến %(n)s."),
            field="threshold",
            min=MIN_THRESHOLD,
            n=len(people),
        )
    running = current_ceremony(conference)
    if running is not None:
        _fail(running, N_("Chủ tọa bắt đầu lại phiên tạo khóa."), now=now, actor=by)
    ceremony = KeyCeremony(
        conference=conference,
        threshold=k,
        status=CeremonyStatus.COLLECTING,
        cctx="",
        started_by=by,
        started_at=now,
    )
    db.session.add(ceremony)
    db.session.flush()
    for index, person in enumerate(people, start=1):
        db.session.add(CeremonyTrustee(ceremony=ceremony, user_id=person.id, index=index))
    db.session.flush()
    db.session.refresh(ceremony, ["trustees"])
    ceremony.cctx = verifier.ceremony_ctx(description(ceremony))
    record(
        "ceremony.started",
        actor=by,
        conference=conference,
        details={"ceremony": ceremony.id, "trustees": [p.id for p in people], "threshold": k},
        now=now,
    )
    db.session.flush()
    return ceremony


def trustee_of(ceremony: KeyCeremony, account: User) -> CeremonyTrustee:
    """Return the account's seat in the ceremony, or refuse one who has none."""
    seat = db.session.get(CeremonyTrustee, (ceremony.id, account.id))
    if seat is None:
        raise NotTrustee(N_("Bạn không phải người giữ khóa của phiên tạo khóa này."))
    return seat


def _step(ceremony: KeyCeremony, account: User, status: CeremonyStatus) -> CeremonyTrustee:
    """Return the poster's seat once the ceremony is at *status*, else refuse."""
    seat = trustee_of(ceremony, account)
    if ceremony.status is not status:
        raise InvalidState(
            N_("Phiên tạo khóa không ở bước này (hiện tại: %(status)s)."), status=ceremony.status.label
        )
    return seat


def phase1_posts(ceremony: KeyCeremony) -> list[dict[str, Any]]:
    """Return every trustee's phase-1 post in index order (those posted so far)."""
    return [json.loads(t.phase1) for t in ceremony.trustees if t.phase1 is not None]


def post_phase1(ceremony: KeyCeremony, account: User, value: Any, *, now: datetime) -> None:
    """Take a trustee's commitments and communication key once their proofs verify."""
    seat = _step(ceremony, account, CeremonyStatus.COLLECTING)
    if seat.phase1 is not None:
        raise InvalidState(N_("Bạn đã gửi bước này."))
    post = posts.phase1_post(value, index=seat.index, threshold=ceremony.threshold)
    try:
        verifier.verify_phase1(ceremony.cctx, post)
    except _CHECK_ERRORS as error:
        log.info("ceremony %s: trustee %s phase 1 refused: %s", ceremony.id, seat.index, error)
        raise InvalidProof(N_("Chứng minh của cam kết khóa không hợp lệ; không có gì được ghi.")) from None
    seat.phase1 = verifier.canonical(post).decode("ascii")
    db.session.flush()
    if all(t.phase1 is not None for t in ceremony.trustees):
        ceremony.status = CeremonyStatus.SHARING
        db.session.flush()


def post_shares(ceremony: KeyCeremony, account: User, value: Any, *, now: datetime) -> None:
    """Take a trustee's shares, each encrypted to one other trustee (only the recipient can check them)."""
    seat = _step(ceremony, account, CeremonyStatus.SHARING)
    if seat.has_shared:
        raise InvalidState(N_("Bạn đã gửi bước này."))
    for post in posts.share_posts(value, index=seat.index, n=len(ceremony.trustees)):
        db.session.add(
            CeremonyShare(
                ceremony_id=ceremony.id,
                from_index=seat.index,
                to_index=post["to"],
                payload=verifier.canonical(post).decode("ascii"),
            )
        )
    seat.has_shared = True
    db.session.flush()
    if all(t.has_shared for t in ceremony.trustees):
        ceremony.status = CeremonyStatus.CONFIRMING
        db.session.flush()


def shares_to(ceremony: KeyCeremony, index: int) -> list[dict[str, Any]]:
    """Return the shares sent to trustee *index*, by sender."""
    rows = db.session.scalars(
        sa.select(CeremonyShare)
        .where(CeremonyShare.ceremony_id == ceremony.id, CeremonyShare.to_index == index)
        .order_by(CeremonyShare.from_index)
    )
    return [json.loads(row.payload) for row in rows]


def all_shares(ceremony: KeyCeremony) -> list[dict[str, Any]]:
    """Return every encrypted share of the ceremony, by sender then recipient."""
    rows = db.session.scalars(
        sa.select(CeremonyShare)
        .where(CeremonyShare.ceremony_id == ceremony.id)
        .order_by(CeremonyShare.from_index, CeremonyShare.to_index)
    )
    return [json.loads(row.payload) for row in rows]


def post_confirmation(ceremony: KeyCeremony, account: User, value: Any, *, now: datetime) -> None:
    """Take a trustee's check of the shares received: the last finishes the ceremony, a complaint fails it."""
    seat = _step(ceremony, account, CeremonyStatus.CONFIRMING)
    if seat.confirmed_ok is not None:
        raise InvalidState(N_("Bạn đã gửi bước này."))
    post = posts.confirmation(value, index=seat.index, n=len(ceremony.trustees))
    seat.confirmed_ok = post["ok"]
    seat.complaints = ",".join(str(i) for i in post.get("complaints", []))
    db.session.flush()
    if not post["ok"]:
        _fail(
            ceremony,
            N_("Người giữ khóa số %(index)s báo phần khóa nhận từ số %(from)s không hợp lệ."),
            now=now,
            actor=account,
            index=seat.index,
            **{"from": seat.complaints.replace(",", ", ")},
        )
    elif all(t.confirmed_ok for t in ceremony.trustees):
        _finish(ceremony, account, now=now)


def _finish(ceremony: KeyCeremony, actor: User, *, now: datetime) -> None:
    """Compute the election key and each trustee's verification key from the commitments."""
    phase1 = phase1_posts(ceremony)
    election_key = verifier.election_key(phase1)
    for seat in ceremony.trustees:
        seat.verification_key = verifier.verification_key(phase1, seat.index)
    ceremony.election_key = election_key
    ceremony.key_fingerprint = verifier.key_fingerprint(description(ceremony), election_key, phase1)
    ceremony.status = CeremonyStatus.DONE
    ceremony.finished_at = now
    record(
        "ceremony.finished",
        actor=actor,
        conference=ceremony.conference,
        details={"ceremony": ceremony.id, "election_key": election_key, "key": ceremony.key_fingerprint},
        now=now,
    )
    db.session.flush()


def _fail(
    ceremony: KeyCeremony, reason: str, *, now: datetime, actor: User | None = None, **params: object
) -> None:
    """End a ceremony without a key, saying why; the chair may start a new one."""
    ceremony.status = CeremonyStatus.FAILED
    ceremony.finished_at = now
    ceremony.failure = reason % params if params else reason
    record(
        "ceremony.failed",
        actor=actor,
        conference=ceremony.conference,
        details={"ceremony": ceremony.id, "reason": ceremony.failure},
        now=now,
    )
    db.session.flush()
