"""The shape of what a trustee's browser posts, checked before any proof is: bad input is a 400, never a 500.

Shapes are those of docs/election-protocol.md (luanluu-eg-1). Only the shape is checked here; the
proofs are checked by ``voting.crypto.verifier`` in the services.
"""

from __future__ import annotations

import re
from typing import Any

from voting.crypto import verifier
from voting.errors import InvalidProof
from voting.i18n import N_

_HEX64 = re.compile(r"[0-9a-f]{64}")

#: keys of each post, exactly
PHASE1_KEYS = {"index", "commitments", "coef_proofs", "comm_key", "comm_proof"}
SHARE_KEYS = {"from", "to", "Y", "ct", "mac"}
PROOF_KEYS = {"c", "z"}


def malformed(what: str) -> InvalidProof:
    """Return the refusal of a post whose shape is wrong."""
    return InvalidProof(
        N_("Dữ liệu gửi lên không đúng định dạng (%(what)s); không có gì được ghi."), what=what
    )


def _object(value: Any, keys: set[str], what: str) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) != keys:
        raise malformed(what)
    return value


def _hex(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise malformed(what)
    return value


def _int(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise malformed(what)
    return value


def _proof(value: Any, what: str) -> dict[str, str]:
    proof = _object(value, PROOF_KEYS, what)
    return {"c": _hex(proof["c"], what), "z": _hex(proof["z"], what)}


def _hex_list(value: Any, length: int, what: str) -> list[Any]:
    if not isinstance(value, list) or len(value) != length:
        raise malformed(what)
    return value


def phase1_post(value: Any, *, index: int, threshold: int) -> dict[str, Any]:
    """Return a phase-1 post of trustee *index* (k commitments with their proofs, a communication key)."""
    post = _object(value, PHASE1_KEYS, "bước 1")
    if _int(post["index"], "số thứ tự") != index:
        raise malformed("số thứ tự")
    return {
        "index": index,
        "commitments": [_hex(k, "cam kết") for k in _hex_list(post["commitments"], threshold, "cam kết")],
        "coef_proofs": [
            _proof(p, "chứng minh") for p in _hex_list(post["coef_proofs"], threshold, "chứng minh")
        ],
        "comm_key": _hex(post["comm_key"], "khóa liên lạc"),
        "comm_proof": _proof(post["comm_proof"], "chứng minh khóa liên lạc"),
    }


def share_posts(value: Any, *, index: int, n: int) -> list[dict[str, Any]]:
    """Return trustee *index*'s phase-2 posts: one encrypted share per other trustee, by recipient."""
    if not isinstance(value, list) or len(value) != n - 1:
        raise malformed("số phần khóa")
    posts: list[dict[str, Any]] = []
    for item in value:
        post = _object(item, SHARE_KEYS, "phần khóa")
        if _int(post["from"], "người gửi") != index:
            raise malformed("người gửi")
        to = _int(post["to"], "người nhận")
        ephemeral = _hex(post["Y"], "khóa tạm")
        try:
            verifier.point(ephemeral, "share Y")
        except verifier.Invalid:
            raise InvalidProof(
                N_("Khóa tạm của phần khóa gửi người giữ khóa số %(to)s không thuộc nhóm."), to=to
            ) from None
        posts.append(
            {
                "from": index,
                "to": to,
                "Y": ephemeral,
                "ct": _hex(post["ct"], "bản mã"),
                "mac": _hex(post["mac"], "mã xác thực"),
            }
        )
    recipients = sorted(post["to"] for post in posts)
    if recipients != [j for j in range(1, n + 1) if j != index]:
        raise malformed("người nhận")
    return sorted(posts, key=lambda post: int(post["to"]))


def confirmation(value: Any, *, index: int, n: int) -> dict[str, Any]:
    """Return trustee *index*'s phase-3 answer: ``{"index", "ok": true}`` or ``ok: false`` with complaints."""
    if not isinstance(value, dict) or not isinstance(value.get("ok"), bool):
        raise malformed("xác nhận")
    if value["ok"]:
        post = _object(value, {"index", "ok"}, "xác nhận")
        complaints: list[int] = []
    else:
        post = _object(value, {"index", "ok", "complaints"}, "khiếu nại")
        if not isinstance(post["complaints"], list) or not post["complaints"]:
            raise malformed("khiếu nại")
        complaints = sorted({_int(i, "khiếu nại") for i in post["complaints"]})
        if any(i == index or not 1 <= i <= n for i in complaints):
            raise malformed("khiếu nại")
    if _int(post["index"], "số thứ tự") != index:
        raise malformed("số thứ tự")
    return (
        {"index": index, "ok": True}
        if value["ok"]
        else {"index": index, "ok": False, "complaints": complaints}
    )
