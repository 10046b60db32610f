"""What voters' and trustees' browsers do in protocol "luanluu-eg-1", in Python: for tests, demo, vectors.

The browser runs the same steps in JavaScript (voting/static/js/eg.js); both follow
docs/election-protocol.md to the byte, which tests/crypto/vectors.json holds them to. The designs are
published ones: ElectionGuard 2.0's key ceremony (guardians' polynomial coefficients with Schnorr proofs,
shares encrypted under hashed ElGamal to each other's communication keys, partial decryption with a
Chaum–Pedersen proof) and Helios/Belenios ballots (exponential ElGamal per option, disjunctive 0/1 proofs,
a sum proof, the Benaloh challenge). All arithmetic is libsodium's, through the verifier's helpers (PyNaCl;
why is said there); this module imports nothing else of the app.

Randomness: ``rng`` is a callable returning a random non-zero scalar (32 bytes little-endian). It is
called in a fixed order, documented on each function, so that the vectors can replay it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from typing import Any

from voting.crypto import verifier as v

#: returns a random non-zero scalar, 32 bytes little-endian
Rng = Callable[[], bytes]
ZERO = bytes(32)


def random_scalar() -> bytes:
    """Return a uniformly random non-zero scalar (64 random bytes reduced mod l)."""
    while True:
        s = v.reduce(secrets.token_bytes(64))
        if s != ZERO:
            return s


def seeded_rng(seed: str) -> Rng:
    """Return a deterministic rng, for vectors and tests only: Hs("luanluu/v1/test-rng", seed, 0), 1, …."""
    counter = iter(range(2**62))
    return lambda: v.hs("luanluu/v1/test-rng", seed, next(counter))


def share_keys(cctx: str, i: int, j: int, Y: str, S: str) -> tuple[bytes, bytes]:  # noqa: N803
    """Return (pad, mac_key) for the share from trustee i to trustee j (hashed ElGamal, as ElectionGuard)."""
    kk = hashlib.sha512(f"luanluu/v1/share|{cctx}|{i}|{j}|{Y}|{S}".encode()).digest()
    return kk[:32], kk[32:]


def share_mac(mac_key: bytes, i: int, j: int, Y: str, ct: str) -> str:  # noqa: N803
    """Return the HMAC-SHA256 (hex) that authenticates an encrypted share."""
    return hmac.new(mac_key, f"{i}|{j}|{Y}|{ct}".encode(), hashlib.sha256).hexdigest()


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


class Trustee:
    """One trustee of a key ceremony: phases 1–3, then partial decryptions with their share s_j.

    rng order: phase1: a_0..a_{k-1}, e, then the proof nonces w for m = 0..k-1, then the comm proof's w;
    phase2: y for each other trustee j in increasing order; partial_decrypt: w for each option in order.
    """

    def __init__(self, ceremony: dict[str, Any], index: int, rng: Rng | None = None) -> None:
        self.ceremony = ceremony
        self.cctx = v.ceremony_ctx(ceremony)
        self.index = index
        self.n = len(ceremony["trustees"])
        self.k: int = ceremony["threshold"]
        self.rng: Rng = rng or random_scalar
        self.coefficients: list[bytes] = []
        self.comm_secret = ZERO
        #: s_j (hex) once phase 3 has accepted every share: all a trustee must keep
        self.share: str | None = None

    @classmethod
    def restore(cls, ceremony: dict[str, Any], index: int, share: str, rng: Rng | None = None) -> Trustee:
        """Return a trustee that kept only its share s_j, ready to decrypt."""
        trustee = cls(ceremony, index, rng)
        trustee.share = v.scalar(share, "share").hex()
        return trustee

    def _prove_knowledge(self, tag: str, m: int, secret: bytes, key: bytes, w: bytes) -> dict[str, str]:
        c = v.hs(tag, self.cctx, self.index, m, key.hex(), v.base(w).hex())
        return {"c": c.hex(), "z": v.s_add(w, v.s_mul(c, secret)).hex()}

    def phase1(self) -> dict[str, Any]:
        """Draw the polynomial and the communication key; return the phase-1 post."""
        self.coefficients = [self.rng() for _ in range(self.k)]
        self.comm_secret = self.rng()
        commitments = [v.base(a) for a in self.coefficients]
        nonces = [self.rng() for _ in range(self.k)]
        proofs = [
            self._prove_knowledge("luanluu/v1/coef", m, a, key, w)
            for m, (a, key, w) in enumerate(zip(self.coefficients, commitments, nonces, strict=True))
        ]
        comm_key = v.base(self.comm_secret)
        return {
            "index": self.index,
            "commitments": [key.hex() for key in commitments],
            "coef_proofs": proofs,
            "comm_key": comm_key.hex(),
            "comm_proof": self._prove_knowledge("luanluu/v1/comm", 0, self.comm_secret, comm_key, self.rng()),
        }

    def _checked(self, phase1: Sequence[dict[str, Any]]) -> dict[int, dict[str, Any]]:
        """Verify every trustee's phase-1 post; return them by index."""
        for post in phase1:
            v.verify_phase1(self.cctx, post)
        posts = {post["index"]: post for post in phase1}
        if sorted(posts) != list(range(1, self.n + 1)) or len(phase1) != self.n:
            raise v.Invalid("phase 1: expected one post from every trustee")
        if any(len(post["commitments"]) != self.k for post in phase1):
            raise v.Invalid(f"phase 1: every trustee must commit to {self.k} coefficients")
        return posts

    def _poly(self, j: int) -> bytes:
        """Return P_i(j) = Σ_m a_m·j^m mod l."""
        total = ZERO
        for m, a in enumerate(self.coefficients):
            total = v.s_add(total, v.s_mul(a, v.sc(pow(j, m, v.L))))
        return total

    def phase2(self, phase1: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Return the shares P_i(j), each encrypted to trustee j's communication key."""
        posts = self._checked(phase1)
        shares = []
        for j in range(1, self.n + 1):
            if j == self.index:
                continue
            y = self.rng()
            Y = v.base(y).hex()  # noqa: N806
            S = v.mul(y, v.point(posts[j]["comm_key"], f"trustee {j} communication key")).hex()  # noqa: N806
            pad, mac_key = share_keys(self.cctx, self.index, j, Y, S)
            ct = _xor(self._poly(j), pad).hex()
            mac = share_mac(mac_key, self.index, j, Y, ct)
            shares.append({"from": self.index, "to": j, "Y": Y, "ct": ct, "mac": mac})
        return shares

    def _open(self, post: dict[str, Any], commitments: list[str]) -> bytes | None:
        """Decrypt and check one share sent to this trustee; None if it is wrong."""
        try:
            i = post["from"]
            S = v.mul(self.comm_secret, v.point(post["Y"], "share Y")).hex()  # noqa: N806
            pad, mac_key = share_keys(self.cctx, i, self.index, post["Y"], S)
            if not hmac.compare_digest(share_mac(mac_key, i, self.index, post["Y"], post["ct"]), post["mac"]):
                return None
            p = v.scalar(_xor(bytes.fromhex(post["ct"]), pad).hex(), "share")
            terms = [
                (v.sc(pow(self.index, m, v.L)), v.point(k, "commitment")) for m, k in enumerate(commitments)
            ]
            return p if v.base(p) == v.lincomb(terms) else None
        except (v.Invalid, KeyError, TypeError, ValueError):
            return None

    def phase3(self, phase1: Sequence[dict[str, Any]], shares: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Check the shares sent to this trustee; keep s_j and confirm, or name who sent a wrong one."""
        posts = self._checked(phase1)
        received = {post.get("from"): post for post in shares if post.get("to") == self.index}
        total = self._poly(self.index)
        complaints = []
        for i in range(1, self.n + 1):
            if i == self.index:
                continue
            p = self._open(received[i], posts[i]["commitments"]) if i in received else None
            if p is None:
                complaints.append(i)
            else:
                total = v.s_add(total, p)
        if complaints:
            return {"index": self.index, "ok": False, "complaints": complaints}
        self.share = total.hex()
        return {"index": self.index, "ok": True}

    def partial_decrypt(self, ctx: str, aggregate: Sequence[dict[str, str]]) -> dict[str, Any]:
        """Return D_o = s_j·A_o for every option, each with its Chaum–Pedersen proof."""
        if self.share is None:
            raise v.Invalid(f"trustee {self.index} has no share")
        s = bytes.fromhex(self.share)
        shares = []
        for o, pair in enumerate(aggregate):
            a = v.point(pair["A"], f"aggregate {o} A")
            d = v.mul(s, a)
            w = self.rng()
            c = v.hs(
                "luanluu/v1/decrypt", ctx, self.index, o, a.hex(), d.hex(), v.base(w).hex(), v.mul(w, a).hex()
            )
            shares.append({"D": d.hex(), "proof": {"c": c.hex(), "z": v.s_add(w, v.s_mul(c, s)).hex()}})
        return {"index": self.index, "shares": shares}


def _prove_disjunctive(
    tag: str,
    prefix: Sequence[str | int],
    alpha: bytes,
    beta: bytes,
    H: bytes,
    m: int,
    k: int,
    r: bytes,
    rng: Rng,
) -> tuple[list[bytes], list[bytes]]:  # noqa: N803
    """Return (c_v, z_v) for v = 0..k: a disjunctive Chaum–Pedersen proof that (alpha, beta) encrypts m.

    Branch v states log_G(alpha) = log_H(beta − v·G); branch m is real (nonce w), the others simulated.
    rng order: w, then c_v and z_v for each simulated branch v in increasing order.
    """
    w = rng()
    cs, zs, parts = [ZERO] * (k + 1), [ZERO] * (k + 1), [alpha.hex(), beta.hex()]
    shifted = beta
    for u in range(k + 1):
        if u:
            shifted = v.sub(shifted, v.G)
        if u == m:
            a, b = v.base(w), v.mul(w, H)
        else:
            cs[u], zs[u] = rng(), rng()
            a, b = v.sub(v.base(zs[u]), v.mul(cs[u], alpha)), v.sub(v.mul(zs[u], H), v.mul(cs[u], shifted))
        parts += [a.hex(), b.hex()]
    c_real = v.hs(tag, *prefix, *parts)
    for u in range(k + 1):
        if u != m:
            c_real = v.s_sub(c_real, cs[u])
    cs[m], zs[m] = c_real, v.s_add(w, v.s_mul(c_real, r))
    return cs, zs


def _prove_range(
    ctx: str, o: int, m: int, r: bytes, alpha: bytes, beta: bytes, H: bytes, rng: Rng
) -> dict[str, str]:  # noqa: N803
    """Return the disjunctive Chaum–Pedersen proof that (alpha, beta) encrypts m ∈ {0, 1}."""
    cs, zs = _prove_disjunctive("luanluu/v1/range", (ctx, o), alpha, beta, H, m, 1, r, rng)
    return {"c0": cs[0].hex(), "c1": cs[1].hex(), "z0": zs[0].hex(), "z1": zs[1].hex()}


def _prove_cp(tag: str, prefix: Sequence[str | int], g2: bytes, secret: bytes, w: bytes) -> dict[str, str]:
    """Return a Chaum–Pedersen proof of log_G(x) == log_g2(y) = secret (x, y already in *prefix*)."""
    c = v.hs(tag, *prefix, v.base(w).hex(), v.mul(w, g2).hex())
    return {"c": c.hex(), "z": v.s_add(w, v.s_mul(c, secret)).hex()}


def encrypt_ballot(
    manifest: dict[str, Any], choice: int | Sequence[int], zero: Sequence[int] = (), rng: Rng | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Encrypt a vote; return (ballot, randomness r_o in hex).

    *choice* is the chosen option's index, or for a manifest with ``max_choices`` k the list of at most
    k distinct marked options (any order; empty for a blank ballot). rng order: for each option o in
    manifest order, r_o then the proof's nonces (w, c_u, z_u for a 0/1 proof; w for an excluded
    option's zero proof); last, the sum proof's w (then, choose-up-to-k, c_v and z_v for each branch
    v ≠ the number of marks, in increasing v).
    """
    draw = rng or random_scalar
    ctx = v.manifest_ctx(manifest)
    H = v.point(manifest["election_key"], "election key")  # noqa: N806
    k = v.max_choices(manifest)
    if k is not None and not isinstance(choice, int):
        choice = sorted(choice)  # marks_of wants them in increasing order; duplicates stay and are refused
    marks = v.marks_of(manifest, choice, zero)
    choices, randomness = [], []
    total_a, total_b, total_r = v.IDENTITY, v.IDENTITY, ZERO
    for o in range(len(manifest["options"])):
        r = draw()
        alpha = v.base(r)
        beta = v.add(v.mul(r, H), v.G) if o in marks else v.mul(r, H)
        if o in zero:
            proof = _prove_cp("luanluu/v1/zero", (ctx, o, alpha.hex(), beta.hex()), H, r, draw())
        else:
            proof = _prove_range(ctx, o, int(o in marks), r, alpha, beta, H, draw)
        choices.append({"alpha": alpha.hex(), "beta": beta.hex(), "proof": proof})
        randomness.append(r.hex())
        total_a, total_b, total_r = v.add(total_a, alpha), v.add(total_b, beta), v.s_add(total_r, r)
    sum_proof: dict[str, str] | list[dict[str, str]]
    if k is None:
        sum_proof = _prove_cp("luanluu/v1/sum", (ctx, total_a.hex(), total_b.hex()), H, total_r, draw())
    else:
        cs, zs = _prove_disjunctive(
            "luanluu/v1/sum-range", (ctx,), total_a, total_b, H, len(marks), k, total_r, draw
        )
        sum_proof = [{"c": c.hex(), "z": z.hex()} for c, z in zip(cs, zs, strict=True)]
    ballot = {"ctx": ctx, "round": manifest["round"], "choices": choices, "sum_proof": sum_proof}
    return ballot, randomness


def challenge(
    ballot: dict[str, Any], choice: int | Sequence[int], randomness: list[str], zero: Sequence[int] = ()
) -> dict[str, Any]:
    """Return the Benaloh audit of a ballot that will not be cast (it reveals the choice or the marks)."""
    shown = choice if isinstance(choice, int) else sorted(choice)
    audit: dict[str, Any] = {"ballot": ballot, "choice": shown, "randomness": list(randomness)}
    if zero:
        audit["zero"] = sorted(zero)
    return audit
