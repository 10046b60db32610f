"""What the ceremony publishes: its part of the election record, and what each trustee's browser needs now."""

from __future__ import annotations

from typing import Any

from voting.auth.models import User
from voting.conferences.models import Conference
from voting.trustees.keys import current_ceremony
from voting.trustees.models import CeremonyStatus, KeyCeremony
from voting.trustees.services import all_shares, description, phase1_posts, shares_to


def ceremony_record(conference: Conference) -> dict[str, Any] | None:
    """Return the "ceremony" part of the conference's election record, None before the key is made."""
    ceremony = current_ceremony(conference)
    if ceremony is None or not ceremony.is_done:
        return None
    return {
        **description(ceremony),
        "cctx": ceremony.cctx,
        "phase1": phase1_posts(ceremony),
        "phase2": all_shares(ceremony),
        "confirmations": [{"index": t.index, "ok": bool(t.confirmed_ok)} for t in ceremony.trustees],
        "election_key": ceremony.election_key,
        "key": ceremony.key_fingerprint,
    }


def browser_state(ceremony: KeyCeremony, viewer: User) -> dict[str, Any]:
    """Return the ceremony's state for a page: everyone's progress and what a trustee's next step reads.

    Public values only: the phase-1 posts once all are in, and the shares encrypted to the viewer.
    """
    seat = next((t for t in ceremony.trustees if t.user_id == viewer.id), None)
    status = ceremony.status
    state: dict[str, Any] = {
        "id": ceremony.id,
        "status": status.value,
        "status_label": status.label,
        "failure": ceremony.failure,
        "ceremony": description(ceremony),
        "cctx": ceremony.cctx,
        "me": seat.index if seat else None,
        "trustees": [
            {
                "index": t.index,
                "name": t.user.full_name,
                "phase1": t.phase1 is not None,
                "shared": t.has_shared,
                "confirmed": t.confirmed_ok,
            }
            for t in ceremony.trustees
        ],
        "election_key": ceremony.election_key,
        "key": ceremony.key_fingerprint,
    }
    if status in (CeremonyStatus.SHARING, CeremonyStatus.CONFIRMING, CeremonyStatus.DONE):
        state["phase1"] = phase1_posts(ceremony)
    if status is CeremonyStatus.CONFIRMING and seat is not None:
        state["shares"] = shares_to(ceremony, seat.index)
    return state
