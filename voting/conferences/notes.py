"""What the secretary records for the minutes during the meeting: the delegates and the texts.

The texts (report, discussion, the directing leader's conclusions) are saved as the secretary types, every
few seconds: those saves are drafts of one field, not decisions, so they are not audited one by one; the
issued minutes freeze the text and the issue is audited. Adding or removing a delegate is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from voting.audit.services import record as audit_record
from voting.auth.models import Role, User
from voting.clusters.models import Unit
from voting.clusters.services import member_units
from voting.conferences.models import CheckIn, Conference, Delegate
from voting.errors import InvalidState, NotEligible
from voting.extensions import db
from voting.formatting import nfc
from voting.i18n import N_

#: the longest text of one section (about ten pages of minutes)
MAX_NOTE = 20_000


@dataclass(frozen=True)
class Person:
    """A delegate as the minutes print them."""

    name: str
    title: str


def _clean(text: str) -> str:
    """Return *text* in NFC with Unix line ends and no trailing blanks."""
    return "\n".join(line.rstrip() for line in nfc(text).replace("\r\n", "\n").split("\n")).strip()


def _require_open(conference: Conference) -> None:
    if conference.is_ended:
        raise InvalidState(N_("Biên bản đã phát hành: không thể sửa nội dung hội nghị."))


def save_notes(
    conference: Conference, *, report: str, discussion: str, conclusions: str, by: User, now: datetime
) -> None:
    """Store the three texts of the minutes as the secretary typed them."""
    _require_open(conference)
    texts = [_clean(text) for text in (report, discussion, conclusions)]
    if any(len(text) > MAX_NOTE for text in texts):
        raise InvalidState(N_("Mỗi phần tối đa %(n)s ký tự."), n=MAX_NOTE)
    conference.report_summary, conference.discussion, conference.conclusions = texts
    conference.notes_saved_at = now
    db.session.flush()


def add_delegate(
    conference: Conference, unit: Unit, *, full_name: str, title: str, by: User, now: datetime
) -> Delegate:
    """Record a delegate attending for a member unit."""
    _require_open(conference)
    if unit.cluster_id != conference.cluster_id:
        raise NotEligible(N_("%(unit)s không phải đơn vị thành viên của cụm."), unit=unit.name)
    name = " ".join(nfc(full_name).split())
    if not name:
        raise InvalidState(N_("Cần nhập họ và tên đại biểu."))
    delegate = Delegate(
        conference_id=conference.id,
        unit_id=unit.id,
        full_name=name,
        title=" ".join(nfc(title).split()),
        added_at=now,
        added_by_id=by.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(delegate)
    except sa.exc.IntegrityError:
        message = N_("%(name)s đã có trong danh sách của %(unit)s.")
        raise InvalidState(message, name=name, unit=unit.name) from None
    audit_record(
        "delegate.added",
        actor=by,
        conference=conference,
        now=now,
        details={"unit_id": unit.id, "name": name, "title": delegate.title},
    )
    return delegate


def remove_delegate(delegate: Delegate, *, by: User, now: datetime) -> None:
    """Take a delegate off the list."""
    conference = db.session.get(Conference, delegate.conference_id)
    assert conference is not None
    _require_open(conference)
    audit_record(
        "delegate.removed",
        actor=by,
        conference=conference,
        now=now,
        details={"unit_id": delegate.unit_id, "name": delegate.full_name},
    )
    db.session.delete(delegate)
    db.session.flush()


def delegates_of(conference: Conference) -> dict[int, list[Person]]:
    """Return the people attending for each unit: who checked it in, then those the secretary added."""
    people: dict[int, list[Person]] = {}
    check_ins = db.session.scalars(
        sa.select(CheckIn).where(CheckIn.conference_id == conference.id).order_by(CheckIn.checked_in_at)
    )
    for check_in in check_ins:
        account = db.session.get(User, check_in.checked_in_by_id)
        # only a unit's own representative speaks for it; the chair checking a unit in is not its delegate
        is_own = account is not None and account.unit_id == check_in.unit_id
        if account is not None and is_own and account.role is Role.REPRESENTATIVE:
            people.setdefault(check_in.unit_id, []).append(Person(account.full_name, account.title))
    added = db.session.scalars(
        sa.select(Delegate).where(Delegate.conference_id == conference.id).order_by(Delegate.id)
    )
    for delegate in added:
        known = people.setdefault(delegate.unit_id, [])
        if all(person.name != delegate.full_name for person in known):
            known.append(Person(delegate.full_name, delegate.title))
    return people


def delegate_list(conference: Conference) -> list[tuple[Unit, list[Delegate]]]:
    """Return each member unit with the delegates the secretary added for it (for the secretary's page)."""
    added = list(
        db.session.scalars(
            sa.select(Delegate).where(Delegate.conference_id == conference.id).order_by(Delegate.id)
        )
    )
    return [
        (unit, [d for d in added if d.unit_id == unit.id]) for unit in member_units(conference.cluster_id)
    ]
