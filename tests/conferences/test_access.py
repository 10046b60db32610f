"""Who may see a conference: ``can_see`` in Python and ``visible_to`` in SQL say the same."""

from __future__ import annotations

import sqlalchemy as sa

from tests.factories import Factories
from tests.helpers import OPENED_AT
from voting.auth.models import Role, User
from voting.conferences.access import can_see, visible_to
from voting.conferences.models import CommitteeMember, Conference
from voting.extensions import db


def test_visible_to_selects_exactly_the_conferences_can_see_allows(factories: Factories) -> None:
    first = factories.conference()
    second = factories.conference()
    next_year = factories.conference(cluster=first.cluster, year=2017)
    counter = factories.user(Role.COUNTER)
    db.session.add(
        CommitteeMember(conference_id=second.id, user_id=counter.id, approvals=8, added_at=OPENED_AT)
    )
    factories.user(Role.COUNTER)  # on no committee
    factories.user(Role.CLERK)  # the whole installation's
    factories.user(Role.CLERK, unit=first.cluster.units[1])  # the first cluster's issuing body
    factories.user(Role.ARCHIVIST)
    factories.user(Role.ADMIN)
    db.session.flush()
    conferences = list(db.session.scalars(sa.select(Conference)))
    accounts = list(db.session.scalars(sa.select(User)))
    assert {account.role for account in accounts} == set(Role)

    for account in accounts:
        listed = set(db.session.scalars(sa.select(Conference.id).where(visible_to(account))))
        assert listed == {c.id for c in conferences if can_see(account, c)}, account.username
    representative = next(
        a for a in accounts if a.role is Role.REPRESENTATIVE and a.unit in first.cluster.units
    )
    seen = set(db.session.scalars(sa.select(Conference.id).where(visible_to(representative))))
    assert seen == {first.id, next_year.id}
    assert set(db.session.scalars(sa.select(Conference.id).where(visible_to(counter)))) == {second.id}
