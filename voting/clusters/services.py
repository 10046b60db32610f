"""Creating clusters and their member units."""

from __future__ import annotations

import sqlalchemy as sa

from voting.clusters.models import Cluster, Unit
from voting.errors import InvalidState
from voting.extensions import db
from voting.formatting import nfc
from voting.i18n import N_


def create_cluster(*, name: str, parent_body: str, code: str, city: str) -> Cluster:
    """Create a cluster; its code must be unused."""
    if db.session.scalar(sa.select(Cluster.id).where(Cluster.code == code)) is not None:
        raise InvalidState(N_("Mã cụm %(code)s đã được dùng."), code=code)
    cluster = Cluster(name=nfc(name), parent_body=nfc(parent_body), code=nfc(code), city=nfc(city))
    db.session.add(cluster)
    db.session.flush()
    return cluster


def add_unit(cluster: Cluster, name: str) -> Unit:
    """Add a member unit at the end of the cluster's list."""
    name = nfc(name.strip())
    existing = db.session.scalar(sa.select(Unit.id).where(Unit.cluster_id == cluster.id, Unit.name == name))
    if existing is not None:
        raise InvalidState(N_("Đơn vị %(name)s đã có trong %(cluster)s."), name=name, cluster=cluster.name)
    position = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Unit.position), 0)).where(Unit.cluster_id == cluster.id)
    )
    unit = Unit(cluster=cluster, name=name, position=(position or 0) + 1)
    db.session.add(unit)
    db.session.flush()
    return unit


def member_units(cluster_id: int) -> list[Unit]:
    """Return the cluster's active units in list order."""
    return list(
        db.session.scalars(
            sa.select(Unit)
            .where(Unit.cluster_id == cluster_id, Unit.is_active)
            .order_by(Unit.position, Unit.id)
        )
    )
