"""Who may read and run a cluster's bình xét: the one rule the services and the pages ask."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from voting.auth.access import user
from voting.auth.models import Role, User
from voting.clusters.models import Cluster
from voting.conferences.models import Conference
from voting.emulation.models import CriteriaTable
from voting.extensions import db

#: roles that read a cluster's table, scores and ranking (their own cluster; the archive and admin every one)
READER_ROLES = (Role.CHAIR, Role.REPRESENTATIVE, Role.ARCHIVIST, Role.ADMIN)
#: roles that run the scoring: write the table, assign cross-checks, review, close stages
MANAGER_ROLES = (Role.CHAIR, Role.ADMIN)


def _chairs_cluster(account: User, cluster: Cluster) -> bool:
    """Return whether a chair belongs to the cluster (home unit) or chaired one of its conferences."""
    if account.unit is not None and account.unit.cluster_id == cluster.id:
        return True
    chaired = sa.select(Conference.id).where(
        Conference.cluster_id == cluster.id, Conference.chair_id == account.id
    )
    return db.session.scalar(chaired.limit(1)) is not None


def can_manage(account: User, cluster: Cluster) -> bool:
    """Return whether an account runs the cluster's scoring: its chair (Cụm trưởng's head) or an admin."""
    if account.role is Role.ADMIN:
        return True
    return account.role is Role.CHAIR and _chairs_cluster(account, cluster)


def can_read(account: User, cluster: Cluster) -> bool:
    """Return whether an account reads the cluster's table, scores and ranking."""
    if account.role in (Role.ARCHIVIST, Role.ADMIN):
        return True
    if account.role is Role.REPRESENTATIVE:
        return account.unit is not None and account.unit.cluster_id == cluster.id
    return can_manage(account, cluster)


def load_cluster(cluster_id: int) -> Cluster:
    """Return a cluster whose bình xét the current user may read, else 404/403."""
    cluster = db.session.get(Cluster, cluster_id) or abort(404, "Không tìm thấy cụm thi đua.")
    if not can_read(user(), cluster):
        abort(403, "Không có quyền xem cụm này.")
    return cluster


def load_table(table_id: int) -> CriteriaTable:
    """Return a criteria table the current user may read, else 404/403."""
    table = db.session.get(CriteriaTable, table_id) or abort(404, "Không tìm thấy bảng tiêu chí.")
    if not can_read(user(), table.cluster):
        abort(403, "Không có quyền xem cụm này.")
    return table
