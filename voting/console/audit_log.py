"""The conference's audit log as the chair and the archivist read it: numbered rows of sentences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from voting.audit.models import AuditEntry
from voting.audit.sentences import Names, describe
from voting.audit.services import conference_log
from voting.auth.models import User
from voting.clusters.models import Unit
from voting.conferences.models import Conference
from voting.documents.kinds import DocumentKind
from voting.elections.models import Election, Office, Round
from voting.extensions import db


@dataclass(frozen=True)
class LogRow:
    """One entry of the log: its number in this conference, the entry and what it says."""

    number: int
    entry: AuditEntry
    sentence: str


def names_for(conference: Conference, entries: list[AuditEntry]) -> Names:
    """Look up the units, rounds and people a conference's entries name (three queries)."""
    units = db.session.execute(sa.select(Unit.id, Unit.name).where(Unit.cluster_id == conference.cluster_id))
    rounds = db.session.execute(
        sa.select(Round.id, Election.office, Round.number)
        .join(Election)
        .where(Election.conference_id == conference.id)
    )
    logins = {entry.actor_username for entry in entries if entry.actor_username}
    people = db.session.execute(sa.select(User.username, User.full_name).where(User.username.in_(logins)))
    return Names(
        units={unit_id: name for unit_id, name in units.tuples()},
        rounds={round_id: (office.label, number) for round_id, office, number in rounds.tuples()},
        people={login: name for login, name in people.tuples()},
        kinds={kind.value: kind.label for kind in DocumentKind},
        offices={office.value: office.label for office in Office},
    )


def log_rows(conference: Conference) -> list[LogRow]:
    """Return the conference's entries, oldest first, numbered 1, 2, … and told as sentences."""
    entries = conference_log(conference)
    names = names_for(conference, entries)
    return [
        LogRow(number, entry, describe(entry.action, _details(entry), entry.actor_username, names))
        for number, entry in enumerate(entries, start=1)
    ]


def _details(entry: AuditEntry) -> dict[str, Any]:
    """Return an entry's details, or nothing when they are not JSON (the chain check reports that entry)."""
    try:
        return entry.details_dict
    except ValueError:
        return {}
