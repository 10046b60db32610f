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


def visible_to(role: Role) -> sa.ColumnElement[bool]:
    """Return ``can_see`` as a condition on conferences, its account bound later (``viewer``).

    For a statement built once per role: the values (``viewer_id``, ``viewer_unit_id``) are
    parameters, so that each poll need not load more than the login session already has.
    """
    account_id: sa.BindParameter[int] = sa.bindparam("viewer_id")
    unit_id: sa.BindParameter[int | None] = sa.bindparam("viewer_unit_id")
    unit_cluster = sa.select(Unit.cluster_id).where(Unit.id == unit_id).scalar_subquery()
    match role:
        case Role.CHAIR:
            return Conference.chair_id == account_id
        case Role.SECRETARY:
            return Conference.secretary_id == account_id
        case Role.REPRESENTATIVE:
            return Conference.cluster_id == unit_cluster  # NULL, so false, without a unit
        case Role.COUNTER:
            return sa.exists().where(
                CommitteeMember.conference_id == Conference.id, CommitteeMember.user_id == account_id
            )
        case Role.ARCHIVIST | Role.ADMIN:
            return sa.true()
        case Role.CLERK:
            return sa.or_(unit_id.is_(None), Conference.cluster_id == unit_cluster)
    return sa.false()


def viewer(account: User) -> dict[str, int | None]:
    """Return the values ``visible_to`` binds for *account*."""
    return {"viewer_id": account.id, "viewer_unit_id": account.unit_id}
