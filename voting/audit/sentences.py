"""The audit log read as sentences: one per action, in the reader's language, never raw JSON.

The log stores ids (units, rounds) and login names; the page that shows it looks up what they stand for
(``Names``) so that this module stays below the packages that own those rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext

from voting.i18n import N_


@dataclass(frozen=True)
class Names:
    """What the ids and login names of a log stand for (looked up by the page that shows it)."""

    #: unit id → name
    units: Mapping[int, str] = field(default_factory=dict)
    #: round id → (office label, round number), e.g. ("Cụm trưởng", 1)
    rounds: Mapping[int, tuple[str, int]] = field(default_factory=dict)
    #: login name → full name
    people: Mapping[str, str] = field(default_factory=dict)
    #: document kind → its label
    kinds: Mapping[str, str] = field(default_factory=dict)
    #: office value → its label
    offices: Mapping[str, str] = field(default_factory=dict)


def _t(message: str, **params: object) -> str:
    """Translate a message into the reader's language (``gettext`` typed)."""
    return str(gettext(message, **params))


class _Reader:
    """The values a sentence names, read from an entry's details with a readable stand-in when missing."""

    def __init__(self, details: Mapping[str, Any], names: Names) -> None:
        self.details, self.names = details, names

    def raw(self, key: str) -> str:
        value = self.details.get(key)
        return "?" if value is None or value == "" else str(value)

    def unit(self, key: str = "unit_id") -> str:
        value = self.details.get(key)
        name = self.names.units.get(value) if isinstance(value, int) else None
        return name or _t("một đơn vị")

    def round(self) -> str:
        value = self.details.get("round_id")
        found = self.names.rounds.get(value) if isinstance(value, int) else None
        if found is None:
            return _t("một vòng bầu")
        return _t("vòng %(number)s bầu %(office)s", number=found[1], office=_t(found[0]))

    def person(self, key: str) -> str:
        login = self.raw(key)
        return self.names.people.get(login, login)

    def office(self) -> str:
        value = self.raw("office")
        return _t(self.names.offices.get(value, value))

    def kind(self) -> str:
        value = self.raw("kind")
        return _t(self.names.kinds[value]) if value in self.names.kinds else _t("văn bản")

    def count(self, key: str) -> str:
        value = self.details.get(key)
        return str(len(value)) if isinstance(value, list | tuple) else self.raw(key)


Params = Callable[[_Reader], dict[str, str]]


def _none(_: _Reader) -> dict[str, str]:
    return {}


#: one sentence per action: the message (``actor`` is who acted) and the values it names
SENTENCES: dict[str, tuple[str, Params]] = {
    "conference.created": (
        N_("%(actor)s đã tạo hội nghị năm %(year)s của cụm %(cluster)s."),
        lambda r: {"year": r.raw("year"), "cluster": r.raw("cluster")},
    ),
    "unit.checked_in": (N_("%(unit)s đã điểm danh."), lambda r: {"unit": r.unit()}),
    "delegate.added": (
        N_("%(actor)s đã thêm đại biểu %(name)s của %(unit)s."),
        lambda r: {"name": r.raw("name"), "unit": r.unit()},
    ),
    "delegate.removed": (
        N_("%(actor)s đã bỏ đại biểu %(name)s của %(unit)s khỏi danh sách."),
        lambda r: {"name": r.raw("name"), "unit": r.unit()},
    ),
    "rules.changed": (N_("%(actor)s đã thay đổi quy chế bầu cử."), _none),
    "round.opened": (
        N_("%(actor)s đã mở %(round)s với %(candidates)s đơn vị ứng cử."),
        lambda r: {"round": r.round(), "candidates": r.count("candidates")},
    ),
    "round.closed": (
        N_("%(actor)s đã kết thúc %(round)s; %(turnout)s đơn vị đã bỏ phiếu."),
        lambda r: {"round": r.round(), "turnout": r.raw("turnout")},
    ),
    "round.voided": (
        N_("%(actor)s đã hủy %(round)s. Lý do: %(reason)s"),
        lambda r: {"round": r.round(), "reason": r.raw("reason")},
    ),
    "ballot.cast": (
        N_("%(unit)s đã bỏ phiếu ở %(round)s."),
        lambda r: {"unit": r.unit(), "round": r.round()},
    ),
    "committee.member_added": (
        N_("%(actor)s đã bổ sung %(member)s vào Ban kiểm phiếu."),
        lambda r: {"member": r.person("member")},
    ),
    "ceremony.started": (
        N_(
            "%(actor)s đã bắt đầu phiên tạo khóa bầu cử: %(trustees)s người giữ khóa, "
            "cần %(threshold)s người để giải mã."
        ),
        lambda r: {"trustees": r.count("trustees"), "threshold": r.raw("threshold")},
    ),
    "ceremony.finished": (
        N_("Phiên tạo khóa bầu cử đã hoàn tất; dấu vân tay của khóa: %(key)s."),
        lambda r: {"key": r.raw("key")[:16]},
    ),
    "ceremony.failed": (
        N_("Phiên tạo khóa bầu cử không thành công: %(reason)s"),
        lambda r: {"reason": r.raw("reason")},
    ),
    "paper.entered": (
        N_("%(actor)s đã nhập kết quả kiểm phiếu giấy của %(round)s."),
        lambda r: {"round": r.round()},
    ),
    "paper.confirmed": (
        N_("%(actor)s đã xác nhận kết quả kiểm phiếu giấy của %(round)s."),
        lambda r: {"round": r.round()},
    ),
    "round.decryption_posted": (
        N_("%(actor)s (người giữ khóa số %(trustee)s) đã gửi phần giải mã của %(round)s."),
        lambda r: {"trustee": r.raw("trustee"), "round": r.round()},
    ),
    "round.decrypted": (
        N_("Kết quả %(round)s đã được giải mã bởi %(trustees)s người giữ khóa."),
        lambda r: {"round": r.round(), "trustees": r.count("trustees")},
    ),
    "election.decided": (
        N_("%(actor)s đã ghi nhận quyết định chọn %(unit)s làm %(office)s."),
        lambda r: {"unit": r.unit(), "office": r.office()},
    ),
    "election.certified": (
        N_("%(actor)s đã chứng nhận %(unit)s trúng cử %(office)s."),
        lambda r: {"unit": r.unit(), "office": r.office()},
    ),
    "handover.recorded": (
        N_("%(actor)s đã ghi nhận việc bàn giao cờ từ %(giver)s cho %(receiver)s."),
        lambda r: {"giver": r.unit("from_unit_id"), "receiver": r.unit("to_unit_id")},
    ),
    "minutes.approved": (
        N_("Hội nghị đã biểu quyết dự thảo biên bản: %(agreed)s trong %(present)s đơn vị có mặt đồng ý."),
        lambda r: {"agreed": r.raw("agreed"), "present": r.raw("present")},
    ),
    "minutes.issued": (N_("%(actor)s đã phát hành biên bản hội nghị."), _none),
    "minutes.overrun": (N_("%(actor)s đã ghi lý do hội nghị kéo dài sang ngày khác."), _none),
    "document issued": (
        N_("%(actor)s đã phát hành %(kind)s số %(document)s."),
        lambda r: {"kind": r.kind(), "document": r.raw("document")},
    ),
    "document corrected": (
        N_("%(actor)s đã đính chính %(kind)s số %(document)s."),
        lambda r: {"kind": r.kind(), "document": r.raw("document")},
    ),
    "document replaced": (
        N_("%(actor)s đã phát hành %(kind)s số %(document)s thay thế văn bản số %(replaces)s."),
        lambda r: {"kind": r.kind(), "document": r.raw("document"), "replaces": r.raw("replaces")},
    ),
    "document signed": (
        N_("%(actor)s đã ký số %(kind)s số %(document)s."),
        lambda r: {"kind": r.kind(), "document": r.raw("document")},
    ),
    "document published": (
        N_("%(actor)s (văn thư) đã ký số của cơ quan và phát hành %(kind)s số %(document)s."),
        lambda r: {"kind": r.kind(), "document": r.raw("document")},
    ),
    "login.failed": (
        N_("Đăng nhập không thành công với tên đăng nhập %(username)s."),
        lambda r: {"username": r.raw("username")},
    ),
    "signing.pin_attempt": (
        N_("%(actor)s đã nhập mã PIN ký số (lần thứ %(attempt)s)."),
        lambda r: {"attempt": r.raw("attempt")},
    ),
    "signing.pin_wrong": (
        N_("%(actor)s đã nhập sai mã PIN ký số (lần thứ %(attempt)s)."),
        lambda r: {"attempt": r.raw("attempt")},
    ),
    "signing.pin_changed": (N_("%(actor)s đã đổi mã PIN ký số."), _none),
    "signing.authority_created": (N_("%(actor)s đã tạo CA gốc của cơ quan."), _none),
    "signing.certificate_issued": (
        N_("%(actor)s đã cấp chứng thư số ký cho %(person)s."),
        lambda r: {"person": r.person("username")},
    ),
    "signing.certificate_renewed": (
        N_("%(actor)s đã cấp lại chứng thư số ký cho %(person)s."),
        lambda r: {"person": r.person("username")},
    ),
    "signer certificate revoked": (
        N_("%(actor)s đã thu hồi chứng thư số ký của %(person)s."),
        lambda r: {"person": r.person("holder")},
    ),
    "trusted certificate added": (
        N_("%(actor)s đã đưa chứng thư %(subject)s vào danh sách tin cậy."),
        lambda r: {"subject": r.raw("subject")},
    ),
    "trusted certificate retired": (
        N_("%(actor)s đã thôi tin cậy chứng thư %(subject)s."),
        lambda r: {"subject": r.raw("subject")},
    ),
    "crl imported": (
        N_("%(actor)s đã nhập danh sách thu hồi của %(issuer)s (%(revoked)s chứng thư bị thu hồi)."),
        lambda r: {"issuer": r.raw("issuer"), "revoked": r.raw("revoked")},
    ),
    "crl issued": (
        N_("%(actor)s đã phát hành danh sách thu hồi của %(issuer)s (%(revoked)s chứng thư bị thu hồi)."),
        lambda r: {"issuer": r.raw("issuer"), "revoked": r.raw("revoked")},
    ),
    "external certificate registered": (
        N_("%(actor)s đã đăng ký chứng thư số riêng của %(person)s."),
        lambda r: {"person": r.person("account")},
    ),
    "external certificate retired": (
        N_("%(actor)s đã ngừng sử dụng chứng thư số riêng của %(person)s."),
        lambda r: {"person": r.person("account")},
    ),
}


def describe(action: str, details: Mapping[str, Any], actor_username: str, names: Names) -> str:
    """Return the sentence saying what an entry records; an unknown action gets a generic sentence."""
    actor = names.people.get(actor_username, actor_username) if actor_username else _t("Hệ thống")
    known = SENTENCES.get(action)
    if known is None:
        readable = action.replace(".", " ").replace("_", " ")
        return _t("%(actor)s đã thực hiện thao tác “%(action)s”.", actor=actor, action=readable)
    message, params = known
    sentence = _t(message, actor=actor, **params(_Reader(details, names)))
    return sentence[:1].upper() + sentence[1:]  # "một đơn vị …" when the unit is unknown
