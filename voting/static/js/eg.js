/*
 * eg.js: the browser side of the election protocol "luanluu-eg-1" (docs/election-protocol.md):
 * exponential ElGamal over the prime-order subgroup of Ed25519, with disjunctive Chaum–Pedersen (0/1)
 * proofs and a sum proof (exactly one, or choose up to k: a (k + 1)-branch sum-range proof) made
 * non-interactive by Fiat–Shamir, and the Benaloh challenge (Helios,
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
 *         choice: option index (0-based, in manifest.options order), or when the manifest has
 *         "max_choices": k (choose up to k) the list of 0..k marked indexes, any order (more than k, a
 *         repeated or an excluded one throw Invalid); zero: the indexes this voter may not choose
 *         (proved to hold 0). randomness: the r_o as hex, kept only for a Benaloh challenge.
 *     maxChoices(manifest) -> k of a choose-up-to-k manifest, or null (exactly-one)
 *     challenge(ballot, choice, randomness, zero = []) -> audit {ballot, choice, randomness[, zero]}
 *         (never cast an audited ballot: encrypt again; a list choice is sorted)
 *     verifyChallenge(audit, manifest, zero = audit.zero) -> the option index the audited ballot encrypts,
 *         or choose-up-to-k the sorted list of its marks (checks the proofs too; throws Invalid)
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

  /**
   * Disjunctive Chaum–Pedersen proof that ct = (alpha, beta) = (r·G, r·H + m·G) encrypts m ∈ {0, …, k}:
   * branch v states log_G(alpha) = log_H(beta − v·G); branch m is real (nonce w), the others simulated.
   * The 0/1 proof of an option is this with k = 1 (tag "luanluu/v1/range", prefix ctx, o); the sum-range
   * proof of a choose-up-to-k ballot with k + 1 branches over the sums (tag "luanluu/v1/sum-range", prefix
   * ctx). rng order, as prover.py: w, then c_u and z_u for each simulated branch u in increasing order.
   * Returns the lists cs and zs (bigint), indexed by branch.
   */
  function proveDisjunctive(tag, prefix, H, ct, m, k, r, rng) {
    var w = rng();
    var cs = [];
    var zs = [];
    var parts = [pointHex(ct.alpha), pointHex(ct.beta)];
    for (var u = 0; u <= k; u++) {
      if (u === m) {
        cs.push(0n);
        zs.push(0n);
        parts.push(pointHex(secretTimes(G, w)), pointHex(secretTimes(H, w)));
        continue;
      }
      var cu = rng();
      var zu = rng();
      // The simulated branch, a_u = z_u·G − c_u·alpha and b_u = z_u·H − c_u·(beta − u·G), written with the
      // voter's own r (alpha = r·G, beta − u·G = r·H + (m − u)·G) so that only G and H, whose tables are
      // precomputed, are multiplied: t = z_u − c_u·r, a_u = t·G, b_u = t·H + (u − m)·c_u·G. Same points,
      // about twice as fast as multiplying the fresh alpha and beta.
      var t = mod(zu - cu * r);
      parts.push(pointHex(secretTimes(G, t)), pointHex(secretTimes(H, t).add(secretTimes(G, mod(cu * BigInt(u - m))))));
      cs.push(cu);
      zs.push(zu);
    }
    var c = hashToScalar.apply(null, [tag].concat(prefix, parts));
    cs.forEach(function (cu, v) { if (v !== m) c = mod(c - cu); });
    cs[m] = c;
    zs[m] = mod(w + c * r);
    return { cs: cs, zs: zs };
  }

  /** Whether a disjunctive proof (cs, zs: k + 1 branches, bigint) of ct under (tag, prefix) holds. */
  function disjunctiveHolds(tag, prefix, H, ct, cs, zs) {
    var parts = [pointHex(ct.alpha), pointHex(ct.beta)];
    var shifted = ct.beta;
    var total = 0n;
    cs.forEach(function (c, v) {
      if (v) shifted = shifted.subtract(G); // beta − v·G by subtracting G v times (beta − 0·G is beta)
      parts.push(pointHex(commitmentFrom(G, zs[v], c, ct.alpha)), pointHex(commitmentFrom(H, zs[v], c, shifted)));
      total = mod(total + c);
    });
    return total === hashToScalar.apply(null, [tag].concat(prefix, parts));
  }

  /** Disjunctive Chaum–Pedersen proof that (alpha, beta) encrypts m ∈ {0, 1}. */
  function proveZeroOrOne(ctx, o, H, ct, m, r, rng) {
    var p = proveDisjunctive("luanluu/v1/range", [ctx, o], H, ct, m, 1, r, rng);
    return { c0: scalarHex(p.cs[0]), c1: scalarHex(p.cs[1]), z0: scalarHex(p.zs[0]), z1: scalarHex(p.zs[1]) };
  }

  /** Chaum–Pedersen proof that (alpha, beta) encrypts 0: log_G(alpha) == log_H(beta). */
  function proveZero(ctx, o, H, ct, r, rng) {
    var w = rng();
    var a = secretTimes(G, w);
    var b = secretTimes(H, w);
    var c = hashToScalar("luanluu/v1/zero", ctx, o, pointHex(ct.alpha), pointHex(ct.beta), pointHex(a), pointHex(b));
    return proofHex(c, mod(w + c * r));
  }

  /**
   * The ballot's sum proof over the sums (A, B) of the ciphertexts, R = Σ r_o, s = the number of marks:
   * exactly-one, a Chaum–Pedersen proof that (A, B) encrypts 1 ({c, z}); choose-up-to-k, the sum-range
   * proof that it encrypts one of 0, …, k ([{c, z}] for the k + 1 branches in order).
   */
  function proveSum(ctx, H, cts, R, s, k, rng) {
    var sums = sumsOf(cts);
    if (k !== null) {
      var p = proveDisjunctive("luanluu/v1/sum-range", [ctx], H, sums, s, k, R, rng);
      return p.cs.map(function (c, v) { return proofHex(c, p.zs[v]); });
    }
    var w = rng();
    var a = secretTimes(G, w);
    var b = secretTimes(H, w);
    var c = hashToScalar("luanluu/v1/sum", ctx, pointHex(sums.alpha), pointHex(sums.beta), pointHex(a), pointHex(b));
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

  /**
   * k of a choose-up-to-k manifest (its "max_choices", 1 <= k <= the number of options), or null for an
   * exactly-one manifest (no such key: docs/election-protocol.md §3).
   */
  function maxChoices(manifest) {
    if (!Object.prototype.hasOwnProperty.call(manifest, "max_choices")) return null;
    var k = manifest.max_choices;
    if (!Number.isInteger(k) || k < 1 || k > manifest.options.length) {
      throw new Invalid("manifest max_choices: expected between 1 and the number of options");
    }
    return k;
  }

  /**
   * The options a choice marks, in increasing order, refusing what the manifest and `zero` do not allow:
   * exactly-one, `choice` is an option index; choose-up-to-k, a list of at most k distinct indexes (empty:
   * a blank ballot), which must already be in increasing order unless `sortFirst` (an audit's must be).
   */
  function marksOf(manifest, choice, zero, sortFirst) {
    var n = manifest.options.length;
    var k = maxChoices(manifest);
    zero.forEach(function (o) {
      if (!Number.isInteger(o) || o < 0 || o >= n) throw new Invalid("excluded option out of range");
    });
    var marks;
    if (k === null) {
      if (!Number.isInteger(choice) || choice < 0 || choice >= n) throw new Invalid("choice out of range");
      marks = [choice];
    } else {
      if (!Array.isArray(choice) || !choice.every(Number.isInteger)) throw new Invalid("choice: expected a list of options");
      marks = sortFirst ? choice.slice().sort(function (x, y) { return x - y; }) : choice;
      var increasing = marks.every(function (o, i) { return i === 0 || marks[i - 1] < o; });
      if (!increasing || marks.length > k) {
        throw new Invalid("choice: expected at most " + k + " distinct options in increasing order");
      }
      marks.forEach(function (o) { if (o < 0 || o >= n) throw new Invalid("choice out of range"); });
    }
    if (marks.some(function (o) { return zero.indexOf(o) !== -1; })) throw new Invalid("the chosen option is excluded for this voter");
    return marks;
  }

  /**
   * Encrypt a ballot; return {ballot, randomness, tracker}. `choice`: the chosen option's index, or for a
   * choose-up-to-k manifest the list of at most k marked options (any order; [] for a blank ballot).
   * rng order (prover.encrypt_ballot's): per option r_o, then its proof's nonces; last the sum proof's.
   */
  function encryptBallot(manifest, choice, zero, rng) {
    zero = zero || [];
    rng = rng || randomScalar;
    var marks = marksOf(manifest, choice, zero, true);
    var k = maxChoices(manifest);
    var ctx = manifestCtx(manifest);
    var H = electionKeyPoint(manifest.election_key);
    var rs = [];
    var cts = [];
    var choices = manifest.options.map(function (_, o) {
      var m = marks.indexOf(o) !== -1 ? 1 : 0;
      var r = rng();
      var ct = encryptOption(H, m, r);
      var proof = zero.indexOf(o) !== -1 ? proveZero(ctx, o, H, ct, r, rng) : proveZeroOrOne(ctx, o, H, ct, m, r, rng);
      rs.push(r);
      cts.push(ct);
      return { alpha: pointHex(ct.alpha), beta: pointHex(ct.beta), proof: proof };
    });
    var R = mod(rs.reduce(function (acc, r) { return acc + r; }, 0n));
    var sumProof = proveSum(ctx, H, cts, R, marks.length, k, rng);
    var ballot = { ctx: ctx, round: manifest.round, choices: choices, sum_proof: sumProof };
    return { ballot: ballot, randomness: rs.map(scalarHex), tracker: trackerOf(ballot) };
  }

  /**
   * Benaloh challenge: reveal the randomness of a ballot that will never be cast (it reveals the choice;
   * choose-up-to-k, the marked options, sorted).
   */
  function challenge(ballot, choice, randomness, zero) {
    var shown = Array.isArray(choice) ? choice.slice().sort(function (x, y) { return x - y; }) : choice;
    var audit = { ballot: ballot, choice: shown, randomness: randomness.slice() };
    if (zero && zero.length) audit.zero = zero.slice().sort(function (x, y) { return x - y; });
    return audit;
  }

  /**
   * Check an audited ballot (proofs, then openings) against the manifest; return what it encrypts: the
   * option index, or choose-up-to-k the sorted list of marked options.
   */
  function verifyChallenge(audit, manifest, zero) {
    shape(audit, ["ballot", "choice", "randomness"], "audit", ["zero"]);
    var ballot = audit.ballot;
    var excluded = zero || list(audit.zero || [], "audit: zero");
    verifyBallot(manifest, ballot, excluded);
    var H = electionKeyPoint(manifest.election_key);
    var n = manifest.options.length;
    list(audit.randomness, "audit: randomness", n);
    var marks;
    try {
      marks = marksOf(manifest, audit.choice, excluded, false);
    } catch (error) {
      throw new Invalid("audit: the choice is not an option the voter may choose (" + error.message + ")");
    }
    ballot.choices.forEach(function (item, o) {
      var r = parseScalar(audit.randomness[o], "audit: randomness of option " + o);
      var alpha = parsePoint(item.alpha, "audit: alpha of option " + o);
      var beta = parsePoint(item.beta, "audit: beta of option " + o);
      var expected = encryptOption(H, marks.indexOf(o) !== -1 ? 1 : 0, r);
      if (!alpha.equals(expected.alpha) || !beta.equals(expected.beta)) {
        throw new Invalid("audit: option " + o + " does not match the revealed randomness");
      }
    });
    return Array.isArray(audit.choice) ? marks.slice() : audit.choice;
  }

  /** Check a ballot's points and proofs as the server does; return its tracker. */
  function verifyBallot(manifest, ballot, zero) {
    zero = zero || [];
    var k = maxChoices(manifest);
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
    if (k === null) verifySumProof(ctx, H, cts, ballot.sum_proof);
    else verifySumRangeProof(ctx, H, cts, k, ballot.sum_proof);
    return trackerOf(ballot);
  }

  function verifyZeroOrOneProof(ctx, o, H, ct, proof) {
    var what = "0/1 proof of option " + o;
    shape(proof, ["c0", "c1", "z0", "z1"], what);
    var cs = [parseScalar(proof.c0, what), parseScalar(proof.c1, what)];
    var zs = [parseScalar(proof.z0, what), parseScalar(proof.z1, what)];
    if (!disjunctiveHolds("luanluu/v1/range", [ctx, o], H, ct, cs, zs)) throw new Invalid(what + " fails");
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

  function sumsOf(cts) {
    return { alpha: sumPoints(cts.map(function (ct) { return ct.alpha; })), beta: sumPoints(cts.map(function (ct) { return ct.beta; })) };
  }

  function verifySumProof(ctx, H, cts, proof) {
    shape(proof, ["c", "z"], "sum proof");
    var c = parseScalar(proof.c, "sum proof");
    var z = parseScalar(proof.z, "sum proof");
    var sums = sumsOf(cts);
    var a = commitmentFrom(G, z, c, sums.alpha);
    var b = commitmentFrom(H, z, c, sums.beta.subtract(G));
    if (c !== hashToScalar("luanluu/v1/sum", ctx, pointHex(sums.alpha), pointHex(sums.beta), pointHex(a), pointHex(b))) {
      throw new Invalid("sum proof fails");
    }
  }

  /** A choose-up-to-k ballot's sum proof: k + 1 branches, the sums encrypt one of 0, …, k. */
  function verifySumRangeProof(ctx, H, cts, k, proof) {
    var branches = list(proof, "sum proof", k + 1).map(function (branch, v) {
      return shape(branch, ["c", "z"], "sum proof branch " + v);
    });
    var cs = branches.map(function (branch, v) { return parseScalar(branch.c, "sum proof branch " + v); });
    var zs = branches.map(function (branch, v) { return parseScalar(branch.z, "sum proof branch " + v); });
    if (!disjunctiveHolds("luanluu/v1/sum-range", [ctx], H, sumsOf(cts), cs, zs)) {
      throw new Invalid("sum proof: the ballot does not mark between 0 and " + k + " options");
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
    maxChoices: maxChoices,
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
