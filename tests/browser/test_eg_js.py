"""The browser's election protocol (voting/static/js/eg.js, eg-trustee.js) against Python, in Chromium.

eg.js, eg-trustee.js and @noble/curves are loaded from the app's static route into one of its pages,
under the app's Content-Security-Policy. The Python side (voting.crypto: prover and verifier on
libsodium) is the reference: the same randomness gives the same bytes (tests/crypto/vectors.json), JS
ballots pass the verifier, and JS and Python trustees run a ceremony and a tally together.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from playwright.async_api import Page

from tests.browser.pages import chromium
from voting.crypto import prover
from voting.crypto import verifier as v

VECTORS = Path(__file__).resolve().parents[1] / "crypto" / "vectors.json"
CEREMONY = {"version": v.VERSION, "conference": 7, "ceremony": 2, "trustees": [41, 42, 43], "threshold": 2}

# A replayable rng inside the page: the scalars Python drew, in the order it drew them. (Defined by
# evaluate: the app's CSP refuses inline scripts, add_script_tag(content=...) included.)
REPLAY = """() => {
  window.replay = function (hexes) {
    var queue = hexes.map(function (h) { return noble.bytesToNumberLE(noble.hexToBytes(h)); });
    return function () {
      if (!queue.length) throw new Error("the JS side drew more random scalars than Python");
      return queue.shift();
    };
  };
}"""


@asynccontextmanager
async def eg_page(base: str, test_name: str) -> AsyncIterator[Page]:
    """Open one of the app's pages and load noble.js, eg.js and eg-trustee.js from its static route."""
    async with chromium(test_name) as (browser, pages):
        page = await (await browser.new_context()).new_page()
        pages.append(page)
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        await page.goto(f"{base}/login")
        await page.add_script_tag(url="/static/vendor/noble/noble.js")
        await page.add_script_tag(url="/static/js/eg.js")
        await page.add_script_tag(url="/static/js/eg-trustee.js")
        await page.evaluate(REPLAY)
        loaded = "[typeof LuanLuuEG.encryptBallot, typeof LuanLuuEG.Trustee]"
        assert await page.evaluate(loaded) == ["function", "function"], errors
        yield page


def run(live_server: str, request: pytest.FixtureRequest, body: Callable[[Page], Any]) -> None:
    """Run *body(page)* in a page with eg.js loaded."""

    async def main() -> None:
        async with eg_page(live_server, request.node.name) as page:
            await body(page)

    asyncio.run(main())


def python_ceremony(seed: str) -> tuple[list[prover.Trustee], list[dict[str, Any]]]:
    """Run a whole ceremony in Python; return the trustees and their phase-1 posts."""
    rng = prover.seeded_rng(seed)
    trustees = [prover.Trustee(CEREMONY, i, rng) for i in (1, 2, 3)]
    phase1 = [t.phase1() for t in trustees]
    shares = [s for t in trustees for s in t.phase2(phase1)]
    for t in trustees:
        assert t.phase3(phase1, [s for s in shares if s["to"] == t.index])["ok"]
    return trustees, phase1


def manifest_for(phase1: list[dict[str, Any]], options: list[str], round_id: int = 5) -> dict[str, Any]:
    election_key = v.election_key(phase1)
    return {
        "version": v.VERSION,
        "conference": CEREMONY["conference"],
        "round": round_id,
        "key": v.key_fingerprint(CEREMONY, election_key, phase1),
        "election_key": election_key,
        "options": options,
    }


def static_file(client: FlaskClient, path: str) -> tuple[str, bytes]:
    """Return the mimetype and body of a static file (closing the file the response holds)."""
    with client.get(path) as response:
        assert response.status_code == 200, path
        return response.mimetype, response.get_data()


def test_static_files_are_served_with_their_licence(client: FlaskClient) -> None:
    for path in ("/static/js/eg.js", "/static/js/eg-trustee.js", "/static/vendor/noble/noble.js"):
        assert static_file(client, path)[0] == "text/javascript"
    version = static_file(client, "/static/vendor/noble/VERSION")[1].decode()
    assert "@noble/curves 2." in version
    noble_js = static_file(client, "/static/vendor/noble/noble.js")[1]
    assert hashlib.sha256(noble_js).hexdigest() in version  # the file is the one the script built
    assert b"MIT License" in static_file(client, "/static/vendor/noble/LICENSE")[1]


# Replays tests/crypto/vectors.json (made by scripts/make_eg_vectors.py from prover.py) in the page and
# returns what eg.js computed, in the vectors' own shape, for Python to compare.
REPLAY_VECTORS = """(vectors) => {
  var EG = LuanLuuEG;
  var kc = vectors.key_ceremony;
  var out = {hash_to_scalar: [], canonical_json: [], invalid_points: [], invalid_scalars: [], ballots: [],
             partial_decryptions: []};
  vectors.hashing.hash_to_scalar.forEach(function (item) {
    var s = EG.hashToScalar.apply(null, [item.tag].concat(item.parts));
    out.hash_to_scalar.push(noble.bytesToHex(noble.numberToBytesLE(s, 32)));
  });
  vectors.hashing.canonical_json.forEach(function (item) {
    out.canonical_json.push({canonical: EG.canonical(item.value), sha256: EG.sha256Hex(item.value)});
  });
  function refused(read, hex) {
    try { read(hex, "vector"); return false; } catch (e) { return e instanceof EG.Invalid; }
  }
  vectors.invalid.points.forEach(function (p) { out.invalid_points.push(refused(EG.readPoint, p.hex)); });
  vectors.invalid.scalars.forEach(function (p) { out.invalid_scalars.push(refused(EG.readScalar, p.hex)); });

  var trustees = kc.trustees.map(function (t) {
    return new EG.Trustee(kc.ceremony, t.index, replay(t.phase1.rng.concat(t.phase2.rng)));
  });
  var phase1 = trustees.map(function (t) { return t.phase1(); });
  var phase2 = trustees.map(function (t) { return t.phase2(phase1); });
  var shares = [].concat.apply([], phase2);
  var phase3 = trustees.map(function (t) {
    var confirmation = t.phase3(phase1, shares.filter(function (s) { return s.to === t.index; }));
    return {confirmation: confirmation, share: noble.bytesToHex(noble.numberToBytesLE(t.share, 32))};
  });
  out.key_ceremony = {
    cctx: EG.ceremonyCtx(kc.ceremony), election_key: EG.electionKey(phase1),
    key: EG.keyFingerprint(kc.ceremony, EG.electionKey(phase1), phase1),
    trustees: trustees.map(function (t, n) {
      return {phase1: phase1[n], phase2: phase2[n], phase3: phase3[n],
              verification_key: EG.verificationKey(phase1, t.index)};
    }),
  };
  vectors.ballots.forEach(function (item) {
    var e = EG.encryptBallot(item.manifest, item.choice, item.zero, replay(item.rng));
    out.ballots.push({ctx: EG.manifestCtx(item.manifest), ballot: e.ballot, randomness: e.randomness,
                      tracker: e.tracker, tracker_display: EG.shortTracker(e.tracker),
                      audit: EG.challenge(e.ballot, item.choice, e.randomness, item.zero),
                      audit_choice: EG.verifyChallenge(item.audit, item.manifest)});
  });
  vectors.tallies.forEach(function (tally) {
    out.partial_decryptions.push(tally.partial_decryptions.map(function (item) {
      var share = phase3[item.post.index - 1].share;
      var t = EG.Trustee.restore(kc.ceremony, item.post.index, share, replay(item.rng));
      return t.partialDecrypt(tally.ctx, tally.aggregate);
    }));
  });
  return out;
}"""


def test_js_reproduces_the_vectors(live_server: str, request: pytest.FixtureRequest) -> None:
    """eg.js replays tests/crypto/vectors.json to the byte: hashes, ceremony, ballots, audits, decryptions."""
    vectors = json.loads(VECTORS.read_text())

    async def body(page: Page) -> None:
        js = await page.evaluate(REPLAY_VECTORS, vectors)
        hashing = vectors["hashing"]
        assert js["hash_to_scalar"] == [item["scalar"] for item in hashing["hash_to_scalar"]]
        assert js["canonical_json"] == [
            {"canonical": item["canonical"], "sha256": item["sha256"]} for item in hashing["canonical_json"]
        ]
        assert all(js["invalid_points"]) and len(js["invalid_points"]) == len(vectors["invalid"]["points"])
        assert all(js["invalid_scalars"]) and len(js["invalid_scalars"]) == len(vectors["invalid"]["scalars"])
        kc = vectors["key_ceremony"]
        assert js["key_ceremony"]["cctx"] == kc["cctx"]
        assert js["key_ceremony"]["election_key"] == kc["election_key"]
        assert js["key_ceremony"]["key"] == kc["key"]
        for mine, theirs in zip(js["key_ceremony"]["trustees"], kc["trustees"], strict=True):
            assert mine["phase1"] == theirs["phase1"]["post"]
            assert mine["phase2"] == theirs["phase2"]["posts"]
            assert mine["phase3"] == theirs["phase3"]
            assert mine["verification_key"] == theirs["verification_key"]
        for mine, theirs in zip(js["ballots"], vectors["ballots"], strict=True):
            assert mine.pop("audit_choice") == theirs["choice"]
            assert mine == {key: theirs[key] for key in mine}
        for mine, tally in zip(js["partial_decryptions"], vectors["tallies"], strict=True):
            assert mine == [item["post"] for item in tally["partial_decryptions"]]

    run(live_server, request, body)


def test_js_ballots_pass_the_python_verifier(live_server: str, request: pytest.FixtureRequest) -> None:
    """Ballots of 8 and 61 options encrypted in the browser (random scalars) verify in Python; audits too."""
    _, phase1 = python_ceremony("verifier")
    small = manifest_for(phase1, [f"unit:{n}" for n in range(1, 8)] + ["blank"])
    large = manifest_for(phase1, [f"unit:{n}" for n in range(1, 61)] + ["blank"], round_id=6)
    python_ballot, python_randomness = prover.encrypt_ballot(small, 4)

    async def body(page: Page) -> None:
        out = await page.evaluate(
            """([small, large, pythonAudit]) => {
              var a = LuanLuuEG.encryptBallot(small, 2, [5]);
              var b = LuanLuuEG.encryptBallot(large, 60);
              return {a: a, b: b, audit: LuanLuuEG.challenge(a.ballot, 2, a.randomness, [5]),
                      short: LuanLuuEG.shortTracker(a.tracker),
                      selfCheck: LuanLuuEG.verifyBallot(small, a.ballot, [5]),
                      pythonAuditChoice: LuanLuuEG.verifyChallenge(pythonAudit, small)};
            }""",
            [small, large, prover.challenge(python_ballot, 4, python_randomness)],
        )
        a, b = out["a"], out["b"]
        assert v.verify_ballot(small, a["ballot"], [5]) == a["tracker"] == out["selfCheck"]
        assert v.verify_ballot(large, b["ballot"]) == b["tracker"]
        assert v.verify_challenge(out["audit"], small) == 2
        assert out["pythonAuditChoice"] == 4
        assert out["short"] == "-".join(a["tracker"][n : n + 4] for n in range(0, 16, 4))
        assert len(set(a["randomness"])) == 8  # fresh randomness per option
        with pytest.raises(v.Invalid):  # the voter's excluded option must carry the zero proof
            v.verify_ballot(small, a["ballot"], [])
        with pytest.raises(v.Invalid):  # a ballot for another round
            v.verify_ballot(large, a["ballot"])

    run(live_server, request, body)


def test_js_and_python_trustees_share_a_key_and_decrypt(
    live_server: str, request: pytest.FixtureRequest
) -> None:
    """Trustee 2 runs in the browser (its secrets in localStorage across reloads), 1 and 3 in Python."""
    trustees = {i: prover.Trustee(CEREMONY, i) for i in (1, 3)}
    py_phase1 = [trustees[1].phase1(), trustees[3].phase1()]
    key = [CEREMONY["conference"], CEREMONY["ceremony"], CEREMONY["trustees"][1]]

    async def reload(page: Page) -> None:
        await page.reload()
        await page.add_script_tag(url="/static/vendor/noble/noble.js")
        await page.add_script_tag(url="/static/js/eg.js")
        await page.add_script_tag(url="/static/js/eg-trustee.js")

    async def body(page: Page) -> None:
        js_phase1 = await page.evaluate(
            """([ceremony, key]) => {
              var t = new LuanLuuEG.Trustee(ceremony, 2);
              var post = t.phase1();
              LuanLuuEG.saveTrustee(key[0], key[1], key[2], t);
              return post;
            }""",
            [CEREMONY, key],
        )
        v.verify_phase1(v.ceremony_ctx(CEREMONY), js_phase1)
        phase1 = [py_phase1[0], js_phase1, py_phase1[1]]
        await reload(page)
        js_shares = await page.evaluate(
            """([key, phase1]) => {
              var t = LuanLuuEG.loadTrustee(key[0], key[1], key[2]);
              return t.phase2(phase1);
            }""",
            [key, phase1],
        )
        assert [(s["from"], s["to"]) for s in js_shares] == [(2, 1), (2, 3)]
        py_shares = [s for t in trustees.values() for s in t.phase2(phase1)]
        shares = py_shares + js_shares
        for t in trustees.values():
            assert t.phase3(phase1, [s for s in shares if s["to"] == t.index]) == {
                "index": t.index,
                "ok": True,
            }
        # A share with one changed byte (or a bad ephemeral key) gets a complaint against its sender.
        to_me = [s for s in shares if s["to"] == 2]
        flipped = [dict(to_me[0], ct=f"{int(to_me[0]['ct'][:2], 16) ^ 1:02x}" + to_me[0]["ct"][2:]), to_me[1]]
        outside = [to_me[0], dict(to_me[1], Y=BAD_POINTS["order 8"])]
        complaints = await page.evaluate(
            """([key, phase1, flipped, outside]) => [flipped, outside].map(function (sent) {
              return LuanLuuEG.loadTrustee(key[0], key[1], key[2]).phase3(phase1, sent);
            })""",
            [key, phase1, flipped, outside],
        )
        assert complaints == [
            {"index": 2, "ok": False, "complaints": [to_me[0]["from"]]},
            {"index": 2, "ok": False, "complaints": [to_me[1]["from"]]},
        ]
        confirmation, stored = await page.evaluate(
            """([key, phase1, shares]) => {
              var t = LuanLuuEG.loadTrustee(key[0], key[1], key[2]);
              var confirmation = t.phase3(phase1, shares.filter(function (s) { return s.to === 2; }));
              LuanLuuEG.saveTrustee(key[0], key[1], key[2], t);
              var stored = localStorage.getItem(LuanLuuEG.storageKey(key[0], key[1], key[2]));
              return [confirmation, JSON.parse(stored)];
            }""",
            [key, phase1, shares],
        )
        assert confirmation == {"index": 2, "ok": True}
        # After the ceremony only the share is kept, and it is the one the public commitments promise.
        assert stored["coefficients"] is None and stored["comm_secret"] is None
        assert v.base(bytes.fromhex(stored["share"])).hex() == v.verification_key(phase1, 2)

        manifest = manifest_for(phase1, ["for", "against", "blank"])
        choices = [0, 0, 1, 2, 0]
        await reload(page)
        js_ballots = await page.evaluate(
            """([manifest, choices]) => choices.map(function (c) {
              return LuanLuuEG.encryptBallot(manifest, c).ballot;
            })""",
            [manifest, choices[:3]],
        )
        ballots = js_ballots + [prover.encrypt_ballot(manifest, c)[0] for c in choices[3:]]
        for ballot in ballots:
            v.verify_ballot(manifest, ballot)
        aggregate = v.aggregate(ballots, 3)
        ctx = v.manifest_ctx(manifest)
        js_partial = await page.evaluate(
            """([key, ctx, aggregate]) =>
              LuanLuuEG.loadTrustee(key[0], key[1], key[2]).partialDecrypt(ctx, aggregate)""",
            [key, ctx, aggregate],
        )
        v.verify_partial(ctx, aggregate, v.verification_key(phase1, 2), js_partial)
        py_partial = trustees[3].partial_decrypt(ctx, aggregate)
        assert v.combine(aggregate, [js_partial, py_partial], len(ballots)) == [3, 1, 1]

    run(live_server, request, body)


IDENTITY = "01" + "00" * 31
BAD_POINTS = {
    "identity": IDENTITY,
    "order 2": "ec" + "ff" * 30 + "7f",
    "order 8": "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "y >= p (non-canonical identity)": "ee" + "ff" * 30 + "7f",
    "x = 0 with the sign bit set": "01" + "00" * 30 + "80",
    "too short": "58" + "66" * 30,
}


def test_js_refuses_points_outside_the_group_and_big_scalars(
    live_server: str, request: pytest.FixtureRequest
) -> None:
    """Every received point is canonical, in the prime-order subgroup, not the identity; scalars are < l."""
    trustees, phase1 = python_ceremony("refusals")
    manifest = manifest_for(phase1, ["unit:1", "unit:2", "blank"])
    ballot, _ = prover.encrypt_ballot(manifest, 0)
    aggregate = v.aggregate([ballot], 3)
    bad_points = dict(BAD_POINTS, **{"a valid point in upper case": manifest["election_key"].upper()})
    assert bad_points["a valid point in upper case"] != manifest["election_key"]

    async def body(page: Page) -> None:
        # G plus a point of order 8: on the curve, not small order, but outside the prime-order subgroup.
        bad_points["G + order 8"] = await page.evaluate(
            """(t) => noble.ed25519.Point.BASE.add(noble.ed25519.Point.fromHex(t)).toHex()""",
            BAD_POINTS["order 8"],
        )
        for name, bad in bad_points.items():
            tampered = json.loads(json.dumps(ballot))
            tampered["choices"][1]["beta"] = bad
            phase1_bad = json.loads(json.dumps(phase1))
            phase1_bad[2]["commitments"][1] = bad
            aggregate_bad = [dict(aggregate[0], A=bad), *aggregate[1:]]
            refusals = await page.evaluate(
                """([manifest, tampered, ceremony, phase1Bad, aggregateBad, share]) => {
                  function refusal(f) {
                    try { f(); return null; }
                    catch (e) { return e instanceof LuanLuuEG.Invalid ? e.message : "not Invalid: " + e; }
                  }
                  var otherKey = Object.assign({}, manifest, {election_key: tampered.choices[1].beta});
                  var t = LuanLuuEG.Trustee.restore(ceremony, 1, share);
                  return [
                    refusal(function () { LuanLuuEG.verifyBallot(manifest, tampered); }),
                    refusal(function () { new LuanLuuEG.Trustee(ceremony, 1).phase2(phase1Bad); }),
                    refusal(function () { t.partialDecrypt("00", aggregateBad); }),
                    refusal(function () { LuanLuuEG.encryptBallot(otherKey, 0); }),
                  ];
                }""",
                [manifest, tampered, CEREMONY, phase1_bad, aggregate_bad, trustees[0].share],
            )
            for message in refusals:
                assert message is not None and not message.startswith("not Invalid"), (name, refusals)
            with pytest.raises(v.Invalid):
                v.verify_ballot(manifest, tampered)

        # Strict shapes: an extra or a missing field would give the same ballot another tracker.
        extra = dict(ballot, note="x")
        no_proof = json.loads(json.dumps(ballot))
        del no_proof["choices"][0]["proof"]
        round_as_text = dict(ballot, round=str(ballot["round"]))
        messages = await page.evaluate(
            """([manifest, ballots]) => ballots.map(function (ballot) {
              try { LuanLuuEG.verifyBallot(manifest, ballot); return null; }
              catch (e) { return e instanceof LuanLuuEG.Invalid ? e.message : "not Invalid: " + e; }
            })""",
            [manifest, [extra, no_proof, round_as_text]],
        )
        assert messages == [
            "ballot: expected the fields ctx, round, choices, sum_proof",
            "option 0: expected the fields alpha, beta, proof",
            "ballot for another round",
        ]
        for bad_ballot in (extra, no_proof, round_as_text):
            with pytest.raises(v.Invalid):
                v.verify_ballot(manifest, bad_ballot)

        big = json.loads(json.dumps(ballot))
        big["choices"][0]["proof"]["c0"] = v.L.to_bytes(32, "little").hex()
        message = await page.evaluate(
            """([manifest, ballot]) => {
              try { LuanLuuEG.verifyBallot(manifest, ballot); } catch (e) { return e.message; }
            }""",
            [manifest, big],
        )
        assert "below the group order" in message
        with pytest.raises(v.Invalid):
            v.verify_ballot(manifest, big)

    run(live_server, request, body)
