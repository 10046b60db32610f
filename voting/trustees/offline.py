"""A key ceremony played by Python trustees (voting.crypto.prover) through the same services as the browsers.

For the demo and the tests: the trustees' secrets live in the returned objects, as they would live
in each trustee's browser. A real conference runs the ceremony on the trustees' page instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from voting.auth.models import User
from voting.conferences.models import Conference
from voting.crypto.prover import Rng, Trustee
from voting.trustees.services import (
    description,
    phase1_posts,
    post_confirmation,
    post_phase1,
    post_shares,
    shares_to,
    start_ceremony,
)


def play_ceremony(
    conference: Conference,
    trustees: Sequence[User] | None = None,
    threshold: int | None = None,
    *,
    by: User,
    now: datetime,
    rng: Rng | None = None,
) -> dict[int, Trustee]:
    """Start a ceremony and play every trustee's three steps; return the trustees, with their shares."""
    ceremony = start_ceremony(conference, trustees, threshold, by=by, now=now)
    seats = {seat.index: seat.user for seat in ceremony.trustees}
    players = {index: Trustee(description(ceremony), index, rng) for index in seats}
    for index, player in players.items():
        post_phase1(ceremony, seats[index], player.phase1(), now=now)
    phase1 = phase1_posts(ceremony)
    for index, player in players.items():
        post_shares(ceremony, seats[index], player.phase2(phase1), now=now)
    for index, player in players.items():
        post_confirmation(ceremony, seats[index], player.phase3(phase1, shares_to(ceremony, index)), now=now)
    return players
