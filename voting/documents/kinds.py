"""The kinds of documents a conference issues: one entry per kind, which issuing and correcting ask.

A new kind is a member of ``DocumentKind`` and its entry in ``KINDS`` here, the data it prints
(``minutes_data``), its collector (``collect``) and its pure PDF builder (``pdf/``). The issuing URL,
the documents page, numbering, file names, signing order, corrections and the archive follow the entry.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from voting.auth.models import User
from voting.conferences.models import Conference
from voting.documents import collect, collect_emulation
from voting.documents.approval import approval_fields
from voting.documents.emulation_data import AwardProposal, EmulationMinutes
from voting.documents.minutes_data import ConferenceMinutes, CountingMinutes, HandoverDocument
from voting.documents.pdf.conference import (
    AGENCY_FIELD,
    CHAIR_FIELD,
    SECRETARY_FIELD,
    build_conference_minutes,
)
from voting.documents.pdf.counting import HEAD_FIELD, build_counting_minutes
from voting.documents.pdf.emulation import build_award_proposal, build_emulation_minutes
from voting.documents.pdf.handover import (
    GIVER_FIELD,
    RECEIVER_FIELD,
    WITNESS_FIELD,
    build_handover_minutes,
)
from voting.documents.pdf.layout import BuiltPdf
from voting.elections.models import OFFICES, Election
from voting.elections.services import get_election
from voting.errors import InvalidState
from voting.extensions import db
from voting.formatting import nfc
from voting.handovers.services import find_handover
from voting.i18n import N_

Data = TypeVar("Data")
#: a signature block as stored with a version: field, label, name, title, user_id (or None)
Slot = dict[str, Any]


class DocumentKind(enum.StrEnum):
    """The kinds of minutes a conference produces; each has its entry in ``KINDS``."""

    CONFERENCE_MINUTES = "conference_minutes"
    COUNTING_MINUTES = "counting_minutes"
    HANDOVER_MINUTES = "handover_minutes"
    EMULATION_MINUTES = "emulation_minutes"
    AWARD_PROPOSAL = "award_proposal"

    @property
    def label(self) -> str:
        """Return the Vietnamese name of the document."""
        return kind_entry(self).label


class UnknownDocumentKind(LookupError):
    """A kind that no entry describes: a mistake in the code, never a refused rule."""


@dataclass(frozen=True)
class Stamp:
    """What a version adds to the collected data: its number, date, verification link and version."""

    number: str
    issued_at: datetime
    verify_url: str
    version: int

    def printed(self) -> dict[str, Any]:
        """Return what a collector prints of the stamp: number, issue time, verification link, version."""
        return {
            "number": self.number,
            "issued_at": self.issued_at,
            "verify_url": self.verify_url,
            "version": self.version,
        }


@dataclass(frozen=True)
class KindEntry(Generic[Data]):
    """Everything that differs between kinds of document."""

    #: the Vietnamese name: "Biên bản kiểm phiếu"
    label: str
    #: the kind in the issuing URL: /conferences/<id>/documents/<slug>[/<office>]
    slug: str
    #: the start of the file name: "bien-ban-kiem-phieu"
    file_stem: str
    #: one document per election (its office in the title, URL and file name), else one per conference
    per_election: bool
    #: the prerequisites: raise InvalidState unless the document may be issued now
    check: Callable[[Conference, Election | None], None]
    #: the data the document prints, collected from the database (the election: of a per-election kind)
    collect: Callable[[Conference, Election | None, Stamp], Data]
    #: the pure PDF builder: data -> bytes with the places of the signature spaces
    build: Callable[[Data], BuiltPdf]
    #: the signature blocks in signing order; the first one certifies the document
    signers: Callable[[Conference, Data], list[Slot]]
    #: the form code in the number: "01/BB-CTĐ4" (biên bản)
    form_code: str = "BB"
    #: issued by closing the conference, after the vote approving it; never on its own
    closes_conference: bool = False
    #: the retention period the register prints (thời hạn bảo quản). Every kind belongs to the file of
    #: a year-end review conference, which Circular 10/2022/TT-BNV (as read here) keeps permanently;
    #: a deployment's own file list overrides it with the DOCUMENT_RETENTION setting
    retention: str = "Vĩnh viễn"
    #: whether the conference has what the kind records, so that the documents page says why it
    #: cannot be issued yet (None: the page lists the kind only once it is ready)
    applies: Callable[[Conference], bool] | None = None

    def subjects(self, conference: Conference) -> list[Election | None]:
        """Return what one document of this kind records: each election so far, or the conference."""
        if not self.per_election:
            return [None]
        return [election for office in OFFICES if (election := get_election(conference, office)) is not None]

    def title(self, election: Election | None) -> str:
        """Return the name of one document of this kind: "Biên bản kiểm phiếu bầu Cụm trưởng"."""
        return f"{self.label} bầu {election.office.label}" if election is not None else self.label

    def summary(self, conference: Conference, election: Election | None) -> str:
        """Return the register's trích yếu: "Biên bản kiểm phiếu bầu Cụm trưởng – Hội nghị … năm 2016"."""
        what = f"{self.label} bầu {election.office.label}" if election is not None else self.label
        return f"{what} – {conference.title}"

    def refusal(self, conference: Conference) -> InvalidState | None:
        """Return why a kind that applies to the conference cannot be issued yet (None: ready, or n/a)."""
        if self.applies is None or self.per_election or not self.applies(conference):
            return None
        try:
            self.check(conference, None)
        except InvalidState as refused:
            return refused
        return None

    def is_ready(self, conference: Conference, election: Election | None) -> bool:
        """Return whether the prerequisites hold."""
        try:
            self.check(conference, election)
        except InvalidState:
            return False
        return True


def _slot(field: str, label: str, name: str, title: str, user: User | None) -> Slot:
    return {
        "field": field,
        "label": label,
        "name": name,
        "title": title,
        "user_id": user.id if user else None,
    }


#: the label of the block the clerk signs with the issuing body's certificate (the seal)
AGENCY_LABEL = N_("Chữ ký số cơ quan (văn thư)")


def agency_slot(field: str, conference: Conference) -> Slot:
    """Return the last block of a sealed document: the issuing body's signature, applied by the clerk."""
    return {**_slot(field, AGENCY_LABEL, conference.cluster.name, "", None), "agency": True}


def is_agency_slot(slot: Slot) -> bool:
    """Return whether a block is the agency's (the clerk's), not a person's."""
    return bool(slot.get("agency"))


def _account_named(name: str) -> User | None:
    """Return the one enabled account with exactly this full name, if there is exactly one."""
    accounts = list(db.session.scalars(sa.select(User).where(User.full_name == nfc(name.strip())).limit(2)))
    return accounts[0] if len(accounts) == 1 else None


# Biên bản kiểm phiếu: one per certified election.


def _election_certified(conference: Conference, election: Election | None) -> None:
    assert election is not None  # a per-election kind
    if not election.is_certified:
        raise InvalidState(N_("Cần chứng nhận kết quả bầu %(label)s trước."), label=election.office.label)


def _collect_counting(conference: Conference, election: Election | None, stamp: Stamp) -> CountingMinutes:
    assert election is not None
    return collect.counting_data(election, **stamp.printed())


def _counting_signers(conference: Conference, data: CountingMinutes) -> list[Slot]:
    head = collect.committee_head(conference)
    if head is not None:
        return [_slot(HEAD_FIELD, N_("Trưởng Ban kiểm phiếu"), head.full_name, head.title, head)]
    chair = conference.chair
    return [_slot(HEAD_FIELD, N_("Chủ tọa"), chair.full_name, chair.title, chair)]


# Biên bản bàn giao cờ luân lưu: once the handover is recorded.


def _handover_recorded(conference: Conference, election: Election | None) -> None:
    if find_handover(conference) is None:
        raise InvalidState(N_("Cần ghi nhận việc bàn giao cờ luân lưu trước."))


def _collect_handover(conference: Conference, election: Election | None, stamp: Stamp) -> HandoverDocument:
    handover = find_handover(conference)
    assert handover is not None
    return collect.handover_data(handover, **stamp.printed())


def _handover_signers(conference: Conference, data: HandoverDocument) -> list[Slot]:
    chair, h = conference.chair, data.handover
    # A side signs through the account that bears its name (the outgoing chair usually hands over);
    # otherwise with its own PKCS#12 file, uploaded at the chair's signing page.
    giver = chair if nfc(h.giver_name) == nfc(chair.full_name) else _account_named(h.giver_name)
    receiver = _account_named(h.receiver_name)
    return [
        _slot(GIVER_FIELD, N_("Đại diện bên giao"), h.giver_name, h.giver_title, giver),
        _slot(RECEIVER_FIELD, N_("Đại diện bên nhận"), h.receiver_name, h.receiver_title, receiver),
        _slot(WITNESS_FIELD, N_("Chứng kiến – Chủ tọa"), chair.full_name, chair.title, chair),
    ]


# Biên bản hội nghị: closes the conference once everything it records is final.


def _everything_final(conference: Conference, election: Election | None) -> None:
    for office in OFFICES:
        held = get_election(conference, office)
        if held is None or not held.is_certified:
            raise InvalidState(N_("Cần chứng nhận kết quả bầu %(label)s trước."), label=office.label)
    _handover_recorded(conference, None)


def _collect_minutes(conference: Conference, election: Election | None, stamp: Stamp) -> ConferenceMinutes:
    # Dated when the conference ended (its approval), in every version: closing sets the end first.
    assert conference.ended_at is not None
    return collect.minutes_data(
        conference,
        number=stamp.number,
        ended_at=conference.ended_at,
        **approval_fields(conference),
        verify_url=stamp.verify_url,
        version=stamp.version,
    )


def _minutes_signers(conference: Conference, data: object) -> list[Slot]:
    secretary, chair = conference.secretary, conference.chair
    return [
        _slot(SECRETARY_FIELD, N_("Thư ký"), secretary.full_name, secretary.title, secretary),
        _slot(CHAIR_FIELD, N_("Chủ tọa"), chair.full_name, chair.title, chair),
        agency_slot(AGENCY_FIELD, conference),
    ]


# Biên bản họp bình xét, suy tôn and tờ trình đề nghị khen thưởng: once the ranking and the votes are final.


def _emulation_final(conference: Conference, election: Election | None) -> None:
    collect_emulation.check_ranking_final(conference)
    collect_emulation.check_votes_final(conference)


def _proposals_final(conference: Conference, election: Election | None) -> None:
    collect_emulation.check_proposals(conference)


def _collect_emulation(conference: Conference, election: Election | None, stamp: Stamp) -> EmulationMinutes:
    return collect_emulation.emulation_minutes_data(conference, **stamp.printed())


def _collect_proposal(conference: Conference, election: Election | None, stamp: Stamp) -> AwardProposal:
    return collect_emulation.award_proposal_data(conference, **stamp.printed())


def _proposal_signers(conference: Conference, data: AwardProposal) -> list[Slot]:
    chair = conference.chair
    return [
        _slot(CHAIR_FIELD, N_("Đơn vị Cụm trưởng – Chủ tọa"), chair.full_name, chair.title, chair),
        agency_slot(AGENCY_FIELD, conference),
    ]


#: every kind, in the order closing the conference numbers the ones not issued yet
KINDS: dict[DocumentKind, KindEntry[Any]] = {
    DocumentKind.COUNTING_MINUTES: KindEntry[CountingMinutes](
        label=N_("Biên bản kiểm phiếu"),
        slug="counting",
        file_stem="bien-ban-kiem-phieu",
        per_election=True,
        check=_election_certified,
        collect=_collect_counting,
        build=build_counting_minutes,
        signers=_counting_signers,
    ),
    DocumentKind.HANDOVER_MINUTES: KindEntry[HandoverDocument](
        label=N_("Biên bản bàn giao cờ luân lưu"),
        slug="handover",
        file_stem="bien-ban-ban-giao-co",
        per_election=False,
        check=_handover_recorded,
        collect=_collect_handover,
        build=build_handover_minutes,
        signers=_handover_signers,
    ),
    DocumentKind.EMULATION_MINUTES: KindEntry[EmulationMinutes](
        label=N_("Biên bản họp bình xét, suy tôn"),
        slug="emulation",
        file_stem="bien-ban-binh-xet-suy-ton",
        per_election=False,
        check=_emulation_final,
        collect=_collect_emulation,
        build=build_emulation_minutes,
        signers=_minutes_signers,  # the secretary, the chair, then the agency's seal
        applies=collect_emulation.has_criteria_table,
    ),
    DocumentKind.AWARD_PROPOSAL: KindEntry[AwardProposal](
        label=N_("Tờ trình đề nghị khen thưởng"),
        slug="award-proposal",
        file_stem="to-trinh-de-nghi-khen-thuong",
        per_election=False,
        check=_proposals_final,
        collect=_collect_proposal,
        build=build_award_proposal,
        signers=_proposal_signers,
        form_code="TTr",  # Decree 30 Appendix III: the abbreviation of a tờ trình
        applies=collect_emulation.has_criteria_table,
    ),
    DocumentKind.CONFERENCE_MINUTES: KindEntry[ConferenceMinutes](
        label=N_("Biên bản hội nghị"),
        slug="minutes",
        file_stem="bien-ban-hoi-nghi",
        per_election=False,
        check=_everything_final,
        collect=_collect_minutes,
        build=build_conference_minutes,
        signers=_minutes_signers,
        closes_conference=True,
    ),
}


def check_registry(kinds: Mapping[DocumentKind, KindEntry[Any]]) -> None:
    """Raise unless every kind has an entry, one kind closes the conference and no two share a slug."""
    missing = [kind.value for kind in DocumentKind if kind not in kinds]
    if missing:
        raise UnknownDocumentKind(f"No entry in KINDS for the document kinds {', '.join(missing)}.")
    if sum(entry.closes_conference for entry in kinds.values()) != 1:
        raise ValueError("Exactly one document kind closes the conference.")
    slugs = [entry.slug for entry in kinds.values()]
    if len(set(slugs)) != len(slugs):
        raise ValueError(f"Two document kinds share a slug: {slugs}.")


check_registry(KINDS)


def kind_entry(kind: DocumentKind | str) -> KindEntry[Any]:
    """Return the entry of a kind; raise UnknownDocumentKind for a kind without one."""
    try:
        return KINDS[DocumentKind(kind)]
    except (ValueError, KeyError):
        raise UnknownDocumentKind(f"No entry in KINDS for the document kind {kind!r}.") from None


def kind_of_slug(slug: str) -> DocumentKind | None:
    """Return the kind issued on its own that an issuing URL names, if any."""
    return next(
        (kind for kind, entry in KINDS.items() if entry.slug == slug and not entry.closes_conference), None
    )


def closing_kind() -> DocumentKind:
    """Return the kind issued by closing the conference (the Biên bản hội nghị)."""
    return next(kind for kind, entry in KINDS.items() if entry.closes_conference)
