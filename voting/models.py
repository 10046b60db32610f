"""Column helpers shared by the feature models, and the import of every model for Alembic."""

from __future__ import annotations

import enum
from typing import Any

import sqlalchemy as sa


def enum_column(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """Store an enum by value as a string with a CHECK constraint (portable across databases)."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [member.value for member in members],
    )


def import_all_models() -> dict[str, Any]:
    """Import every feature's models so that metadata knows all tables."""
    from voting.api import models as api
    from voting.audit import models as audit
    from voting.auth import models as auth
    from voting.clusters import models as clusters
    from voting.conferences import models as conferences
    from voting.documents import models as documents
    from voting.elections import models as elections
    from voting.elections import rules as election_rules
    from voting.handovers import models as handovers

    return {
        "api": api,
        "audit": audit,
        "auth": auth,
        "clusters": clusters,
        "conferences": conferences,
        "documents": documents,
        "elections": elections,
        "election_rules": election_rules,
        "handovers": handovers,
    }
