"""Who may read a cluster's chain of flag holders: the one rule the page and the API both ask."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from voting.auth.access import user
from voting.auth.models import Role, User
from voting.clusters.models import Cluster
from voting.conferences.models import Conference
from voting.extensions import db
from voting.i18n import N_

#: roles that may read a chain at all; counters count ballots and have no part in the cluster's history
HOLDER_ROLES = (Role.CHAIR, Role.SECRETARY, Role.ARCHIVIST, Role.ADMIN, Role.REPRESENTATIVE)


def can_see_holders(account: User, cluster: Cluster) -> bool:
    """Return whether an account may read the cluster's flag holders (names, titles, times).

    The archive and the administration see every cluster; anyone else only their own: a unit's
    representative (or a chair or secretary whose home unit is there), or the chair or secretary
    of one of the cluster's conferences.
    """
    if account.role in (Role.ARCHIVIST, Role.ADMIN):
        return True
    if account.role not in HOLDER_ROLES:
        return False
    if account.unit is not None and account.unit.cluster_id == cluster.id:
        return True
    if account.role is Role.REPRESENTATIVE:
        return False
    conducted = sa.select(Conference.id).where(
        Conference.cluster_id == cluster.id,
        sa.or_(Conference.chair_id == account.id, Conference.secretary_id == account.id),
    )
    return db.session.scalar(conducted.limit(1)) is not None


def load_cluster_for_holders(cluster_id: int) -> Cluster:
    """Return a cluster whose flag holders the current user may read, else 404/403."""
    cluster = db.session.get(Cluster, cluster_id) or abort(404, N_("Không tìm thấy cụm thi đua."))
    if not can_see_holders(user(), cluster):
        abort(403, N_("Không có quyền xem cụm này."))
    return cluster
