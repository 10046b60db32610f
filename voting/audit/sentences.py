"""The audit log read as sentences: one per action, in the reader's language, never raw JSON.

The log stores ids (units, rounds) and login names; the page that shows it looks up what they stand for
(``Names``) so that this module stays below the packages that own those rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
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


class _Values(Mapping[str, str]):
    """The values a sentence names (``%(unit)s``, ``%(round)s``…), read from an entry's details on demand.

    A missing or unknown value reads as a stand-in ("một đơn vị", "?"), never as an id or JSON.
    """

    def __init__(self, actor: str, details: Mapping[str, Any], names: Names) -> None:
        self.actor, self.details, self.names = actor, details, names

    def __getitem__(self, key: str) -> str:
        getters: dict[str, Callable[[], str]] = {
            "actor": lambda: self.actor,
            "unit": lambda: self._unit("unit_id"),
            "giver": lambda: self._unit("from_unit_id"),
            "receiver": lambda: self._unit("to_unit_id"),
            "checker": lambda: self._unit("checker_unit_id"),
            "checked": lambda: self._unit("checked_unit_id"),
            "round": self._round,
            "office": lambda: _t(self.names.offices.get(self._raw("office"), self._raw("office"))),
            "kind": self._kind,
            "person": self._person,
            "member": self._person,
            "candidates": lambda: self._count("candidates"),
            "trustees": lambda: self._count("trustees"),
            "key": lambda: self._raw("key")[:16],
        }
        getter = getters.get(key)
        return getter() if getter is not None else self._raw(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.details)

    def __len__(self) -> int:
        return len(self.details)

    def _raw(self, key: str) -> str:
        value = self.details.get(key)
        return "?" if value is None or value == "" else str(value)

    def _unit(self, key: str) -> str:
        value = self.details.get(key)
        name = self.names.units.get(value) if isinstance(value, int) else None
        return name or _t(N_("một đơn vị"))

    def _round(self) -> str:
        value = self.details.get("round_id")
        found = self.names.rounds.get(value) if isinstance(value, int) else None
        if found is None:
            return _t(N_("một vòng bầu"))
        return _t(N_("vòng %(number)s bầu %(office)s"), number=found[1], office=_t(found[0]))

    def _person(self) -> str:
        keys = ("member", "username", "holder", "account")
        login = next((self._raw(key) for key in keys if key in self.details), "?")
        return self.names.people.get(login, login)

    def _kind(self) -> str:
        value = self._raw("kind")
        return _t(self.names.kinds[value]) if value in self.names.kinds else _t(N_("văn bản"))

    def _count(self, key: str) -> str:
        value = self.details.get(key)
        return str(len(value)) if isinstance(value, list | tuple) else self._raw(key)


#: one sentence per action (``%(actor)s`` is who acted; the other names are ``_Values``' keys)
SENTENCES: dict[str, str] = {
    "conference.created": N_("%(actor)s đã tạo hội nghị năm %(year)s của cụm %(cluster)s."),
    "unit.checked_in": N_("%(unit)s đã điểm danh."),
    "delegate.added": N_("%(actor)s đã thêm đại biểu %(name)s của %(unit)s."),
    "delegate.removed": N_("%(actor)s đã bỏ đại biểu %(name)s của %(unit)s khỏi danh sách."),
    "rules.changed": N_("%(actor)s đã thay đổi quy chế bầu cử."),
    "round.opened": N_("%(actor)s đã mở %(round)s với %(candidates)s đơn vị ứng cử."),
    "round.closed": N_("%(actor)s đã kết thúc %(round)s; %(turnout)s đơn vị đã bỏ phiếu."),
    "round.voided": N_("%(actor)s đã hủy %(round)s. Lý do: %(reason)s"),
    "ballot.cast": N_("%(unit)s đã bỏ phiếu ở %(round)s."),
    "committee.member_added": N_("%(actor)s đã bổ sung %(member)s vào Ban kiểm phiếu."),
    "ceremony.started": N_(
        "%(actor)s đã bắt đầu phiên tạo khóa bầu cử: %(trustees)s người giữ khóa, "
        "cần %(threshold)s người để giải mã."
    ),
    "ceremony.finished": N_("Phiên tạo khóa bầu cử đã hoàn tất; dấu vân tay của khóa: %(key)s."),
    "ceremony.failed": N_("Phiên tạo khóa bầu cử không thành công: %(reason)s"),
    "paper.entered": N_("%(actor)s đã nhập kết quả kiểm phiếu giấy của %(round)s."),
    "paper.confirmed": N_("%(actor)s đã xác nhận kết quả kiểm phiếu giấy của %(round)s."),
    "round.decryption_posted": N_(
        "%(actor)s (người giữ khóa số %(trustee)s) đã gửi phần giải mã của %(round)s."
    ),
    "round.decrypted": N_("Kết quả %(round)s đã được giải mã bởi %(trustees)s người giữ khóa."),
    "election.decided": N_("%(actor)s đã ghi nhận quyết định chọn %(unit)s làm %(office)s."),
    "election.certified": N_("%(actor)s đã chứng nhận %(unit)s trúng cử %(office)s."),
    "handover.recorded": N_("%(actor)s đã ghi nhận việc bàn giao cờ từ %(giver)s cho %(receiver)s."),
    "minutes.approved": N_(
        "Hội nghị đã biểu quyết dự thảo biên bản: %(agreed)s trong %(present)s đơn vị có mặt đồng ý."
    ),
    "minutes.issued": N_("%(actor)s đã phát hành biên bản hội nghị."),
    "minutes.overrun": N_("%(actor)s đã ghi lý do hội nghị kéo dài sang ngày khác."),
    "document issued": N_("%(actor)s đã phát hành %(kind)s số %(document)s."),
    "document corrected": N_("%(actor)s đã đính chính %(kind)s số %(document)s."),
    "document replaced": N_(
        "%(actor)s đã phát hành %(kind)s số %(document)s thay thế văn bản số %(replaces)s."
    ),
    "document signed": N_("%(actor)s đã ký số %(kind)s số %(document)s."),
    "document published": N_(
        "%(actor)s (văn thư) đã ký số của cơ quan và phát hành %(kind)s số %(document)s."
    ),
    "login.failed": N_("Đăng nhập không thành công với tên đăng nhập %(username)s."),
    "signing.pin_attempt": N_("%(actor)s đã nhập mã PIN ký số (lần thứ %(attempt)s)."),
    "signing.pin_wrong": N_("%(actor)s đã nhập sai mã PIN ký số (lần thứ %(attempt)s)."),
    "signing.pin_changed": N_("%(actor)s đã đổi mã PIN ký số."),
    "signing.authority_created": N_("%(actor)s đã tạo CA gốc của cơ quan."),
    "signing.certificate_issued": N_("%(actor)s đã cấp chứng thư số ký cho %(person)s."),
    "signing.certificate_renewed": N_("%(actor)s đã cấp lại chứng thư số ký cho %(person)s."),
    "signer certificate revoked": N_("%(actor)s đã thu hồi chứng thư số ký của %(person)s."),
    "trusted certificate added": N_("%(actor)s đã đưa chứng thư %(subject)s vào danh sách tin cậy."),
    "trusted certificate retired": N_("%(actor)s đã thôi tin cậy chứng thư %(subject)s."),
    "crl imported": N_(
        "%(actor)s đã nhập danh sách thu hồi của %(issuer)s (%(revoked)s chứng thư bị thu hồi)."
    ),
    "crl issued": N_(
        "%(actor)s đã phát hành danh sách thu hồi của %(issuer)s (%(revoked)s chứng thư bị thu hồi)."
    ),
    "external certificate registered": N_("%(actor)s đã đăng ký chứng thư số riêng của %(person)s."),
    "external certificate retired": N_("%(actor)s đã ngừng sử dụng chứng thư số riêng của %(person)s."),
    "emulation.table_created": N_("%(actor)s đã tạo bảng tiêu chí thi đua năm %(year)s (%(items)s mục)."),
    "emulation.table_changed": N_("%(actor)s đã sửa bảng tiêu chí thi đua (mục %(code)s)."),
    "emulation.scoring_started": N_("%(actor)s đã khóa bảng tiêu chí và bắt đầu chấm điểm."),
    "emulation.cross_check_assigned": N_("%(actor)s đã phân công %(checker)s chấm chéo %(checked)s."),
    "emulation.score_entered": N_("%(actor)s đã nhập %(points)s điểm mục %(item)s cho %(unit)s."),
    "emulation.evidence_added": N_("%(actor)s đã đính kèm minh chứng mục %(item)s của %(unit)s."),
    "emulation.stage_closed": N_("%(actor)s đã kết thúc một giai đoạn chấm điểm."),
    # suy tôn (award votes)
    "award.created": N_("%(actor)s đã tạo cuộc bỏ phiếu suy tôn “%(title)s” (chọn tối đa %(seats)s đơn vị)."),
    "award.certified": N_(
        "%(actor)s đã chứng nhận kết quả suy tôn “%(title)s”: %(count)s đơn vị được đề nghị."
    ),
}


def describe(action: str, details: Mapping[str, Any], actor_username: str, names: Names) -> str:
    """Return the sentence saying what an entry records; an unknown action gets a generic sentence."""
    actor = names.people.get(actor_username, actor_username) if actor_username else _t(N_("Hệ thống"))
    known = SENTENCES.get(action)
    if known is None:
        readable = action.replace(".", " ").replace("_", " ")
        return _t(N_("%(actor)s đã thực hiện thao tác “%(action)s”."), actor=actor, action=readable)
    sentence = _t(known) % _Values(actor, details, names)
    return sentence[:1].upper() + sentence[1:]  # "một đơn vị …" when the unit is unknown
