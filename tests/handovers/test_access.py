"""Who reads a cluster's flag holders: its own people, the archive and the administration (issue 17)."""

from __future__ import annotations

from tests.factories import Factories, representative
from voting.auth.models import Role
from voting.handovers.access import can_see_holders


def test_only_the_clusters_own_people_read_its_flag_holders(factories: Factories) -> None:
    first = factories.conference(units=3)
    second = factories.conference(units=3, year=2017)
    own, other = first.cluster, second.cluster
    assert can_see_holders(first.chair, own) and can_see_holders(first.secretary, own)
    assert can_see_holders(representative(own.units[0]), own)
    assert not can_see_holders(first.chair, other)
    assert not can_see_holders(first.secretary, other)
    assert not can_see_holders(representative(own.units[0]), other)
    assert not can_see_holders(factories.user(Role.COUNTER, unit=own.units[1]), own)
    for role in (Role.ARCHIVIST, Role.ADMIN):
        assert can_see_holders(factories.user(role), other)
