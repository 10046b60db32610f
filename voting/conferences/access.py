"""Who may see a conference, and the loader that answers 404 or 403."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from voting.auth.access import user
from voting.auth.models import Role, User
from voting.clusters.models import Unit
from voting.conferences.models import CommitteeMember, Conference
from voting.conferences.services import is_committee_member
from voting.extensions import db


def load_conference(conference_id: int, *roles: Role) -> Conference:
    """Return a conference the current user may see in one of *roles*, else 404/403."""
    conference = db.session.get(Conference, conference_id) or abort(404)
    if not can_see(user(), conference) or user().role not in roles:
        abort(403)
    return conference


def can_see(account: User, conference: Conference) -> bool:
    """Return whether an account has a part in the conference."""
    match account.role:
        case Role.CHAIR:
            return conference.chair_id == account.id
        case Role.SECRETARY:
            return conference.secretary_id == account.id
        case Role.REPRESENTATIVE:
            return account.unit is not None and account.unit.cluster_id == conference.cluster_id
        case Role.COUNTER:
            return is_committee_member(account, conference)
        case Role.ARCHIVIST | Role.ADMIN:
            return True
        case Role.CLERK:  # the văn thư of the cluster's issuing body, or of the whole installation
            return account.unit is None or account.unit.cluster_id == conference.cluster_id
    return False


def visible_to(account: User) -> sa.ColumnElement[bool]:
    """Return ``can_see(account, ·)`` as a condition on the conferences of a statement (lists in SQL)."""
    cluster_id = account.unit.cluster_id if account.unit is not None else None
    match account.role:
        case Role.CHAIR:
            return Conference.chair_id == account.id
        case Role.SECRETARY:
            return Conference.secretary_id == account.id
        case Role.REPRESENTATIVE:
            return Conference.cluster_id == cluster_id if cluster_id is not None else sa.false()
        case Role.COUNTER:
            return sa.exists().where(
                CommitteeMember.conference_id == Conference.id, CommitteeMember.user_id == account.id
            )
        case Role.ARCHIVIST | Role.ADMIN:
            return sa.true()
        case Role.CLERK:
            return Conference.cluster_id == cluster_id if cluster_id is not None else sa.true()
    return sa.false()


def visible_to_account() -> sa.ColumnElement[bool]:
    """Return ``can_see`` as a condition on a conference and an account (users) of the same statement.

    For the live pages' poll, which checks the login session and the access in its own query; the
    roles that poll (chair, secretary, representative) are the ones spelled out here.
    """
    unit_cluster = sa.select(Unit.cluster_id).where(Unit.id == User.unit_id).scalar_subquery()
    return sa.case(
        (User.role == Role.CHAIR, Conference.chair_id == User.id),
        (User.role == Role.SECRETARY, Conference.secretary_id == User.id),
        (User.role == Role.REPRESENTATIVE, Conference.cluster_id == unit_cluster),
        else_=sa.false(),
    )
