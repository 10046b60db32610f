"""A signer's PIN can be tried at most five times in fifteen minutes; every try is audited."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.helpers import ENDED_AT
from voting.audit.models import AuditEntry
from voting.conferences.models import Conference
from voting.extensions import db
from voting.signing import pin


def _audited(action: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == action)) or 0


def test_five_tries_then_a_wait_of_fifteen_minutes(ended: Conference) -> None:
    signer, now = ended.secretary, ENDED_AT
    tries = [pin.reserve_pin_attempt(signer, now=now + timedelta(seconds=n)) for n in range(6)]
    assert [t.is_allowed for t in tries] == [True] * 5 + [False]
    assert _audited("signing.pin_attempt") == 6
    refusal = pin.wait_refusal(tries[-1], now + timedelta(seconds=5))
    assert "thử lại sau 11:45" in str(refusal) and "15 phút" in str(refusal)
    assert not pin.reserve_pin_attempt(signer, now=now + timedelta(minutes=14)).is_allowed
    assert pin.reserve_pin_attempt(signer, now=now + timedelta(minutes=15, seconds=5)).is_allowed


def test_a_right_pin_forgets_the_tries_and_signers_count_apart(ended: Conference) -> None:
    now = ENDED_AT
    for n in range(4):
        pin.reserve_pin_attempt(ended.secretary, now=now + timedelta(seconds=n))
    pin.forget_pin_attempts(ended.secretary)
    assert pin.reserve_pin_attempt(ended.secretary, now=now).tries_left == 4
    for n in range(5):
        pin.reserve_pin_attempt(ended.chair, now=now + timedelta(seconds=n))
    assert not pin.reserve_pin_attempt(ended.chair, now=now).is_allowed
    assert pin.reserve_pin_attempt(ended.secretary, now=now).is_allowed


def test_a_wrong_pin_is_audited(ended: Conference) -> None:
    attempt = pin.reserve_pin_attempt(ended.secretary, now=ENDED_AT)
    pin.record_wrong_pin(ended.secretary, attempt, now=ENDED_AT)
    assert _audited("signing.pin_wrong") == 1 and attempt.tries_left == 4
