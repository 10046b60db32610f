/*
 * eg.js: the browser side of the election protocol "luanluu-eg-1" (docs/election-protocol.md):
 * exponential ElGamal over the prime-order subgroup of Ed25519, with disjunctive Chaum–Pedersen (0/1)
 * proofs and a sum proof made non-interactive by Fiat–Shamir, and the Benaloh challenge (Helios,
 * Belenios). This file holds the encodings and the ballots; eg-trustee.js the key ceremony and the
 * partial decryptions. Both mirror voting/crypto/prover.py byte for byte (tests/browser/test_eg_js.py).
 *
 * Group arithmetic, hashes and HMAC come from @noble/curves and @noble/hashes (v2; ed25519.Point),
 * vendored in /static/vendor/noble/noble.js, which must be loaded first (it defines `noble`).
 * This file depends on no page: the ballot and trustee pages' own scripts call it. Load it as
 *   <script src="/static/vendor/noble/noble.js" defer></script>
 *   <script src="/static/js/eg.js" defer></script>
 *   <script src="/static/js/eg-trustee.js" defer></script>   (the trustees' page only)
 * then the page's own script, also deferred (same origin, no inline code: the app's
 * Content-Security-Policy allows exactly that).
 *
 * API (global `LuanLuuEG`; points and scalars are lowercase hex strings, as in the protocol's JSON):
 *
 *   Ballots
 *     prepare(manifest): build the tables the encryption uses (~0.4 s the first time on a slow machine);
 *         call it when the ballot page opens, so that the voter's click does not wait for them
 *     encryptBallot(manifest, choice, zero = [], rng?) -> {ballot, randomness, tracker}
 *         choice: option index (0-based, in manifest.options order); zero: the indexes this voter may not
 *         choose (proved to hold 0). randomness: the r_o as hex, kept only for a Benaloh challenge.
 *     challenge(ballot, choice, randomness, zero = []) -> audit {ballot, choice, randomness[, zero]}
 *         (never cast an audited ballot: encrypt again)
 *     verifyChallenge(audit, manifest, zero = audit.zero) -> the option index the audited ballot encrypts
 *         (checks the proofs too; throws Invalid)
 *     verifyBallot(manifest, ballot, zero = []) -> tracker (the server does the same check)
 *     manifestCtx(manifest) -> ctx; trackerOf(ballot) -> tracker; shortTracker(tracker) -> "3f2a-91c0-…"
 *
 *   Key ceremony and tally: in eg-trustee.js (loaded after this file on the trustees' page), which adds
 *   Trustee, verifyPhase1, electionKey, verificationKey, keyFingerprint, ceremonyCtx and the storage
 *   functions to LuanLuuEG.
 *
 *   Helpers: canonical(obj) -> string (the protocol's canonical JSON); sha256Hex(obj); Invalid (Error class);
 *   hashToScalar(tag, ...parts) -> bigint (the protocol's Hs); readPoint(hex, what) -> noble point and
 *   readScalar(hex, what) -> bigint (the checks applied to everything received; throw Invalid);
 *   randomScalar() -> bigint. `rng`, where accepted, is a function returning scalars (bigint) in [1, l):
 *   the tests pass the vectors' fixed ones; by default they come from crypto.getRandomValues (which works
 *   on plain HTTP, unlike crypto.subtle).
 *
 * Every point received from another party is checked: canonical encoding, in the prime-order subgroup,
 * not the identity. Every received scalar is checked to be < l.
 */
(function (root, noble) {
  "use strict";

  var Point = noble.ed25519.Point;
  var G = Point.BASE;
  var L = Point.Fn.ORDER; // 2^252 + 27742317777372353535851937790883648493
  var VERSION = "luanluu-eg-1";

  /** A proof, point or message that does not verify; the message says which, in English. */
  class Invalid extends Error {
    constructor(message) {
      super(message);
      this.name = "Invalid";
    }
  }

  // ---- Encodings -------------------------------------------------------------------------------

  function mod(a) {
    var r = a % L;
    return r < 0n ? r + L : r;
  }

  function scalarHex(s) {
    return noble.bytesToHex(noble.numberToBytesLE(mod(s), 32));
  }

  function pointHex(P) {
    return P.toHex();
  }

  function isHex64(text) {
    return typeof text === "string" && /^[0-9a-f]{64}$/.test(text);
  }

  /**
   * Check that a received object has exactly these keys (optional ones may be missing): a tracker is the
   * hash of the ballot's bytes, so no variant shape may pass (docs/election-protocol.md, strict shapes).
   */
  function shape(value, keys, what, optional) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Invalid(what + ": not an object");
    var allowed = keys.concat(optional || []);
    var present = Object.keys(value);
    var ok = keys.every(function (k) { return present.indexOf(k) !== -1; }) &&
      present.every(function (k) { return allowed.indexOf(k) !== -1; });
    if (!ok) throw new Invalid(what + ": expected the fields " + keys.join(", "));
    return value;
  }

  function list(value, what, length) {
    if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
      throw new Invalid(what + (length === undefined ? ": not a list" : ": expected " + length + " items"));
    }
    return value;
  }

  /** Read a received scalar: 32 bytes little-endian, lowercase hex, < l. */
  function parseScalar(text, what) {
    if (!isHex64(text)) throw new Invalid(what + ": not a 32-byte hex scalar");
    var s = noble.bytesToNumberLE(noble.hexToBytes(text));
    if (s >= L) throw new Invalid(what + ": scalar not below the group order");
    return s;
  }

  /** Read a received point: canonical encoding, prime-order subgroup, not the identity. */
  function parsePoint(text, what) {
    if (!isHex64(text)) throw new Invalid(what + ": not a 32-byte hex point");
    var P;
    try {
      P = Point.fromHex(text, false);
    } catch (error) {
      throw new Invalid(what + ": not a point of the curve");
    }
    if (P.toHex() !== text) throw new Invalid(what + ": non-canonical encoding");
    if (P.is0()) throw new Invalid(what + ": the identity");
    if (!P.isTorsionFree()) throw new Invalid(what + ": outside the prime-order subgroup");
    return P;
  }

  /** Canonical JSON: sorted keys, no whitespace, ASCII only (as Python's json.dumps(sort_keys=True, separators=(",", ":"))). */
  function canonical(value) {
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value !== null && typeof value === "object") {
      var keys = Object.keys(value).sort();
      return "{" + keys.map(function (k) { return asciiJson(k) + ":" + canonical(value[k]); }).join(",") + "}";
    }
    if (typeof value === "number" && !Number.isSafeInteger(value)) {
      throw new Error("canonical JSON: only integers, got " + value);
    }
    return typeof value === "string" ? asciiJson(value) : JSON.stringify(value);
  }

  function asciiJson(text) {
    // JSON.stringify leaves DEL and non-ASCII as they are; Python's ensure_ascii escapes them (lowercase hex).
    return JSON.stringify(text).replace(/[^\x20-\x7e]/g, function (ch) {
      return "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0");
    });
  }

  function sha256Hex(value) {
    return noble.bytesToHex(noble.sha256(noble.utf8ToBytes(canonical(value))));
  }

  /** Hs(tag, *parts): SHA-512 of tag + "|" + parts joined by "|", read little-endian, reduced mod l. */
  function hashToScalar(tag) {
    var parts = Array.prototype.slice.call(arguments, 1).map(String);
    var digest = noble.sha512(noble.utf8ToBytes(tag + "|" + parts.join("|")));
    return mod(noble.bytesToNumberLE(digest));
  }

  /** A uniformly random non-zero scalar from crypto.getRandomValues (64 bytes reduced mod l). */
  function randomScalar() {
    for (;;) {
      var bytes = new Uint8Array(64);
      root.crypto.getRandomValues(bytes);
      var s = mod(noble.bytesToNumberLE(bytes));
      if (s !== 0n) return s;
    }
  }

  // Secret scalars go through the constant-time multiply; public ones (challenges, responses) through
  // multiplyUnsafe, which also accepts 0 (a challenge may be 0; a secret never is).
  function secretTimes(P, s) {
    return s === 0n ? Point.ZERO : P.multiply(s); // noble refuses 0; a random scalar is 0 with probability 1/l
  }

  function publicTimes(P, s) {
    return P.multiplyUnsafe(s);
  }

  // ---- Proof building blocks -------------------------------------------------------------------

  function proofHex(c, z) {
    return { c: scalarHex(c), z: scalarHex(z) };
  }

  /** Recompute a commitment from a response: z·Base − c·Public. */
  function commitmentFrom(base, z, c, publicPoint) {
    return publicTimes(base, z).subtract(publicTimes(publicPoint, c));
  }

  // ---- Manifest and ballots --------------------------------------------------------------------

  function manifestCtx(manifest) {
    return sha256Hex(manifest);
  }

  function trackerOf(ballot) {
    return sha256Hex(ballot);
  }

  function shortTracker(tracker) {
    return tracker.slice(0, 16).match(/.{4}/g).join("-");
  }

  function encryptOption(H, m, r) {
    var alpha = secretTimes(G, r);
    var beta = secretTimes(H, r);
    return { alpha: alpha, beta: m === 1 ? beta.add(G) : beta };
  }

  /** Disjunctive Chaum–Pedersen proof that (alpha, beta) encrypts m ∈ {0, 1}; the other branch is simulated. */
  function proveZeroOrOne(ctx, o, H, ct, m, r, rng) {
    var w = rng();
    var cu = rng();
    var zu = rng();
    var u = 1 - m;
    var a = [null, null];
    var b = [null, null];
    a[m] = secretTimes(G, w);
    b[m] = secretTimes(H, w);
    // The simulated branch, a_u = z_u·G − c_u·alpha and b_u = z_u·H − c_u·(beta − u·G), written with the
    // voter's own r (alpha = r·G, beta − u·G = r·H + (m − u)·G) so that only G and H, whose tables are
    // precomputed, are multiplied: t = z_u − c_u·r, a_u = t·G, b_u = t·H − (m − u)·c_u·G. Same points,
    // about twice as fast as multiplying the fresh alpha and beta.
    var t = mod(zu - cu * r);
    a[u] = secretTimes(G, t);
    b[u] = m === 1 ? secretTimes(H, t).subtract(secretTimes(G, cu)) : secretTimes(H, t).add(secretTimes(G, cu));
    var c = rangeChallenge(ctx, o, ct, a, b);
    var cm = mod(c - cu);
    var zm = mod(w + cm * r);
    var cs = m === 0 ? [cm, cu] : [cu, cm];
    var zs = m === 0 ? [zm, zu] : [zu, zm];
    return { c0: scalarHex(cs[0]), c1: scalarHex(cs[1]), z0: scalarHex(zs[0]), z1: scalarHex(zs[1]) };
  }

  function rangeChallenge(ctx, o, ct, a, b) {
    return hashToScalar("luanluu/v1/range", ctx, o, pointHex(ct.alpha), pointHex(ct.beta),
      pointHex(a[0]), pointHex(b[0]), pointHex(a[1]), pointHex(b[1]));
  }

  /** Chaum–Pedersen proof that (alpha, beta) encrypts 0: log_G(alpha) == log_H(beta). */
  function proveZero(ctx, o, H, ct, r, rng) {
    var w = rng();
    var a = secretTimes(G, w);
    var b = secretTimes(H, w);
    var c = hashToScalar("luanluu/v1/zero", ctx, o, pointHex(ct.alpha), pointHex(ct.beta), pointHex(a), pointHex(b));
    return proofHex(c, mod(w + c * r));
  }

  /** Chaum–Pedersen proof that the product of the ciphertexts encrypts 1 (exactly one option chosen). */
  function proveSumIsOne(ctx, H, cts, R, rng) {
    var A = sumPoints(cts.map(function (ct) { return ct.alpha; }));
    var B = sumPoints(cts.map(function (ct) { return ct.beta; }));
    var w = rng();
    var a = secretTimes(G, w);
    var b = secretTimes(H, w);
    var c = hashToScalar("luanluu/v1/sum", ctx, pointHex(A), pointHex(B), pointHex(a), pointHex(b));
    return proofHex(c, mod(w + c * R));
  }

  function sumPoints(points) {
    return points.reduce(function (acc, P) { return acc.add(P); }, Point.ZERO);
  }

  var precomputedKeys = {};

  /**
   * The election key as a point, with noble's precomputed tables (a ballot multiplies H 3 times per
   * option). Window 6: building it takes ~65 ms and a multiplication ~1.2 ms; window 8 multiplies a
   * little faster but takes ~4 times longer to build, which a 9- or 61-option ballot never repays.
   */
  function electionKeyPoint(hex) {
    if (!precomputedKeys[hex]) precomputedKeys[hex] = parsePoint(hex, "election key").precompute(6, false);
    return precomputedKeys[hex];
  }

  /** Build the tables for G and the manifest's election key now (e.g. while the voter reads the ballot). */
  function prepare(manifest) {
    secretTimes(G, 1n);
    electionKeyPoint(manifest.election_key);
  }

  function checkChoice(manifest, choice, zero) {
    var n = manifest.options.length;
    if (!Number.isInteger(choice) || choice < 0 || choice >= n) throw new Invalid("choice out of range");
    zero.forEach(function (o) {
      if (!Number.isInteger(o) || o < 0 || o >= n) throw new Invalid("excluded option out of range");
    });
    if (zero.indexOf(choice) !== -1) throw new Invalid("the chosen option is excluded for this voter");
  }

  /** Encrypt a ballot for option `choice`; return {ballot, randomness, tracker}. */
  function encryptBallot(manifest, choice, zero, rng) {
    zero = zero || [];
    rng = rng || randomScalar;
    checkChoice(manifest, choice, zero);
    var ctx = manifestCtx(manifest);
    var H = electionKeyPoint(manifest.election_key);
    var rs = [];
    var cts = [];
    var choices = manifest.options.map(function (_, o) {
      var m = o === choice ? 1 : 0;
      var r = rng();
      var ct = encryptOption(H, m, r);
      var proof = zero.indexOf(o) !== -1 ? proveZero(ctx, o, H, ct, r, rng) : proveZeroOrOne(ctx, o, H, ct, m, r, rng);
      rs.push(r);
      cts.push(ct);
      return { alpha: pointHex(ct.alpha), beta: pointHex(ct.beta), proof: proof };
    });
    var R = mod(rs.reduce(function (acc, r) { return acc + r; }, 0n));
    var ballot = { ctx: ctx, round: manifest.round, choices: choices, sum_proof: proveSumIsOne(ctx, H, cts, R, rng) };
    return { ballot: ballot, randomness: rs.map(scalarHex), tracker: trackerOf(ballot) };
  }

  /** Benaloh challenge: reveal the randomness of a ballot that will never be cast (it reveals the choice). */
  function challenge(ballot, choice, randomness, zero) {
    var audit = { ballot: ballot, choice: choice, randomness: randomness.slice() };
    if (zero && zero.length) audit.zero = zero.slice().sort(function (x, y) { return x - y; });
    return audit;
  }

  /** Check an audited ballot (proofs, then openings) against the manifest; return the option it encrypts. */
  function verifyChallenge(audit, manifest, zero) {
    shape(audit, ["ballot", "choice", "randomness"], "audit", ["zero"]);
    var ballot = audit.ballot;
    var excluded = zero || list(audit.zero || [], "audit: zero");
    verifyBallot(manifest, ballot, excluded);
    var H = electionKeyPoint(manifest.election_key);
    var n = manifest.options.length;
    list(audit.randomness, "audit: randomness", n);
    if (!Number.isInteger(audit.choice) || audit.choice < 0 || audit.choice >= n || excluded.indexOf(audit.choice) !== -1) {
      throw new Invalid("audit: the choice is not an option the voter may choose");
    }
    ballot.choices.forEach(function (item, o) {
      var r = parseScalar(audit.randomness[o], "audit: randomness of option " + o);
      var alpha = parsePoint(item.alpha, "audit: alpha of option " + o);
      var beta = parsePoint(item.beta, "audit: beta of option " + o);
      var expected = encryptOption(H, o === audit.choice ? 1 : 0, r);
      if (!alpha.equals(expected.alpha) || !beta.equals(expected.beta)) {
        throw new Invalid("audit: option " + o + " does not match the revealed randomness");
      }
    });
    return audit.choice;
  }

  /** Check a ballot's points and proofs as the server does; return its tracker. */
  function verifyBallot(manifest, ballot, zero) {
    zero = zero || [];
    var ctx = manifestCtx(manifest);
    var H = electionKeyPoint(manifest.election_key);
    shape(ballot, ["ctx", "round", "choices", "sum_proof"], "ballot");
    if (ballot.ctx !== ctx) throw new Invalid("ballot for another round, conference or key");
    if (ballot.round !== manifest.round) throw new Invalid("ballot for another round");
    list(ballot.choices, "ballot: choices", manifest.options.length);
    var cts = ballot.choices.map(function (item, o) {
      shape(item, ["alpha", "beta", "proof"], "option " + o);
      var ct = { alpha: parsePoint(item.alpha, "alpha of option " + o), beta: parsePoint(item.beta, "beta of option " + o) };
      if (zero.indexOf(o) !== -1) verifyZeroProof(ctx, o, H, ct, item.proof);
      else verifyZeroOrOneProof(ctx, o, H, ct, item.proof);
      return ct;
    });
    verifySumProof(ctx, H, cts, ballot.sum_proof);
    return trackerOf(ballot);
  }

  function verifyZeroOrOneProof(ctx, o, H, ct, proof) {
    var what = "0/1 proof of option " + o;
    shape(proof, ["c0", "c1", "z0", "z1"], what);
    var cs = [parseScalar(proof.c0, what), parseScalar(proof.c1, what)];
    var zs = [parseScalar(proof.z0, what), parseScalar(proof.z1, what)];
    var betaMinus = [ct.beta, ct.beta.subtract(G)];
    var a = [0, 1].map(function (v) { return commitmentFrom(G, zs[v], cs[v], ct.alpha); });
    var b = [0, 1].map(function (v) { return commitmentFrom(H, zs[v], cs[v], betaMinus[v]); });
    if (mod(cs[0] + cs[1]) !== rangeChallenge(ctx, o, ct, a, b)) throw new Invalid(what + " fails");
  }

  function verifyZeroProof(ctx, o, H, ct, proof) {
    var what = "zero proof of option " + o;
    shape(proof, ["c", "z"], what);
    var c = parseScalar(proof.c, what);
    var z = parseScalar(proof.z, what);
    var a = commitmentFrom(G, z, c, ct.alpha);
    var b = commitmentFrom(H, z, c, ct.beta);
    var expected = hashToScalar("luanluu/v1/zero", ctx, o, pointHex(ct.alpha), pointHex(ct.beta), pointHex(a), pointHex(b));
    if (c !== expected) throw new Invalid(what + " fails");
  }

  function verifySumProof(ctx, H, cts, proof) {
    shape(proof, ["c", "z"], "sum proof");
    var c = parseScalar(proof.c, "sum proof");
    var z = parseScalar(proof.z, "sum proof");
    var A = sumPoints(cts.map(function (ct) { return ct.alpha; }));
    var B = sumPoints(cts.map(function (ct) { return ct.beta; }));
    var a = commitmentFrom(G, z, c, A);
    var b = commitmentFrom(H, z, c, B.subtract(G));
    if (c !== hashToScalar("luanluu/v1/sum", ctx, pointHex(A), pointHex(B), pointHex(a), pointHex(b))) {
      throw new Invalid("sum proof fails");
    }
  }

  root.LuanLuuEG = {
    VERSION: VERSION,
    Invalid: Invalid,
    canonical: canonical,
    sha256Hex: sha256Hex,
    hashToScalar: hashToScalar,
    readPoint: parsePoint,
    readScalar: parseScalar,
    randomScalar: randomScalar,
    manifestCtx: manifestCtx,
    trackerOf: trackerOf,
    shortTracker: shortTracker,
    prepare: prepare,
    encryptBallot: encryptBallot,
    challenge: challenge,
    verifyChallenge: verifyChallenge,
    verifyBallot: verifyBallot,
    // The building blocks eg-trustee.js shares; not for pages.
    blocks: {
      G: G, L: L, mod: mod, scalarHex: scalarHex, pointHex: pointHex, isHex64: isHex64, shape: shape,
      list: list, secretTimes: secretTimes, publicTimes: publicTimes, proofHex: proofHex,
      commitmentFrom: commitmentFrom, sumPoints: sumPoints,
    },
  };
})(typeof window !== "undefined" ? window : globalThis, (typeof window !== "undefined" ? window : globalThis).noble);
