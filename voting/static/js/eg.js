/*
 * eg.js: the browser side of the election protocol "luanluu-eg-1" (docs/election-protocol.md):
 * threshold exponential ElGamal over the prime-order subgroup of Ed25519, disjunctive Chaum–Pedersen
 * (0/1) proofs, sum proofs, Schnorr proofs and share encryption, all made non-interactive by Fiat–Shamir.
 * References: ElectionGuard 2.0 (key ceremony, share encryption, partial decryption), Helios/Belenios
 * (0/1 and sum proofs, Benaloh challenge), Cortier et al., "Election verifiability: the Belenios
 * threshold mode". It mirrors voting/crypto/prover.py byte for byte (tests/browser/test_eg_js.py).
 *
 * Group arithmetic, hashes and HMAC come from @noble/curves and @noble/hashes (v2; ed25519.Point),
 * vendored in /static/vendor/noble/noble.js, which must be loaded first (it defines `noble`).
 * This file depends on no page: the ballot and trustee pages' own scripts call it. Load it as
 *   <script src="/static/vendor/noble/noble.js" defer></script>
 *   <script src="/static/js/eg.js" defer></script>      (then the page's own script, also deferred)
 * (same origin, no inline code: the app's Content-Security-Policy allows exactly that).
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
 *   Key ceremony and tally (one trustee, in their own browser)
 *     ceremonyCtx(ceremony) -> cctx
 *     new Trustee(ceremony, index, rng?)    ceremony: {version, conference, ceremony, trustees, threshold};
 *                                           index: 1-based position in ceremony.trustees
 *       .phase1() -> post {index, commitments, coef_proofs, comm_key, comm_proof}
 *       .phase2(allPhase1) -> [share post {from, to, Y, ct, mac} for each other trustee]
 *           (checks every other trustee's phase-1 post first; throws Invalid naming the bad one)
 *       .phase3(allPhase1, sharesToMe) -> confirmation {index, ok: true} or {index, ok: false, complaints}
 *           (on success keeps .share, the trustee's secret s_j, and forgets the ceremony's secrets)
 *       .partialDecrypt(ctx, aggregate) -> post {index, shares: [{D, proof}]} (aggregate: [{A, B}])
 *       .toJSON() / Trustee.fromJSON(obj): the secret state, for storage or a backup file;
 *       Trustee.restore(ceremony, index, shareHex, rng?): a trustee that kept only its share
 *     verifyPhase1(cctx, post); electionKey(allPhase1) -> H; verificationKey(allPhase1, j) -> V_j;
 *     keyFingerprint(ceremony, H, allPhase1) -> kfp
 *     storageKey(conference, ceremony, user) -> "luanluu-eg:<conference>:<ceremony>:<user>"
 *     saveTrustee(conference, ceremony, user, trustee); loadTrustee(conference, ceremony, user) -> Trustee | null;
 *     forgetTrustee(conference, ceremony, user)      (window.localStorage)
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

  // ---- Key ceremony ----------------------------------------------------------------------------

  function ceremonyCtx(ceremony) {
    return sha256Hex(ceremony);
  }

  /** Schnorr proof of knowledge of `secret` for K = secret·G, bound to (tag, cctx, i, m). */
  function proveKnowledge(tag, cctx, i, m, K, secret, rng) {
    var w = rng();
    var h = secretTimes(G, w);
    var c = hashToScalar(tag, cctx, i, m, pointHex(K), pointHex(h));
    return proofHex(c, mod(w + c * secret));
  }

  function verifyKnowledge(tag, cctx, i, m, K, proof, what) {
    shape(proof, ["c", "z"], what);
    var c = parseScalar(proof.c, what);
    var z = parseScalar(proof.z, what);
    var h = commitmentFrom(G, z, c, K);
    if (c !== hashToScalar(tag, cctx, i, m, pointHex(K), pointHex(h))) throw new Invalid(what + " fails");
  }

  /** Check one trustee's phase-1 post: every commitment and the communication key, with their proofs. */
  function verifyPhase1(cctx, post) {
    shape(post, ["index", "commitments", "coef_proofs", "comm_key", "comm_proof"], "phase-1 post");
    var i = post.index;
    var who = "trustee " + i;
    if (!Number.isInteger(i) || i < 1) throw new Invalid(who + ": bad index");
    if (!Array.isArray(post.commitments) || !Array.isArray(post.coef_proofs) ||
        post.commitments.length === 0 || post.commitments.length !== post.coef_proofs.length) {
      throw new Invalid(who + ": commitments and proofs do not match");
    }
    post.commitments.forEach(function (hex, m) {
      var K = parsePoint(hex, who + ": commitment " + m);
      verifyKnowledge("luanluu/v1/coef", cctx, i, m, K, post.coef_proofs[m], who + ": proof of coefficient " + m);
    });
    var E = parsePoint(post.comm_key, who + ": communication key");
    verifyKnowledge("luanluu/v1/comm", cctx, i, 0, E, post.comm_proof, who + ": proof of the communication key");
  }

  function byIndex(posts) {
    return posts.slice().sort(function (x, y) { return x.index - y.index; });
  }

  /** Election public key H = sum of every trustee's K_{i,0}. */
  function electionKey(allPhase1) {
    return pointHex(sumPoints(byIndex(allPhase1).map(function (post) {
      return parsePoint(post.commitments[0], "trustee " + post.index + ": commitment 0");
    })));
  }

  /** sum_m (j^m mod l)·K_{i,m}: trustee i's polynomial evaluated "in the exponent" at j. */
  function committedShare(post, j) {
    var total = Point.ZERO;
    var power = 1n;
    post.commitments.forEach(function (hex, m) {
      total = total.add(publicTimes(parsePoint(hex, "trustee " + post.index + ": commitment " + m), power));
      power = mod(power * BigInt(j));
    });
    return total;
  }

  /** Trustee j's verification key V_j = s_j·G, from the public commitments. */
  function verificationKey(allPhase1, j) {
    return pointHex(sumPoints(allPhase1.map(function (post) { return committedShare(post, j); })));
  }

  function keyFingerprint(ceremony, H, allPhase1) {
    return sha256Hex({ ceremony: ceremony, election_key: H, trustees: byIndex(allPhase1) });
  }

  /** kk = SHA-512("luanluu/v1/share|cctx|i|j|Y|S"): a one-time pad (32 bytes) and a MAC key (32 bytes). */
  function shareKeys(cctx, i, j, Y, S) {
    var kk = noble.sha512(noble.utf8ToBytes(["luanluu/v1/share", cctx, i, j, Y, S].join("|")));
    return { pad: kk.slice(0, 32), macKey: kk.slice(32, 64) };
  }

  function xorBytes(x, y) {
    return x.map(function (byte, n) { return byte ^ y[n]; });
  }

  function shareMac(macKey, i, j, Y, ct) {
    return noble.bytesToHex(noble.hmac(noble.sha256, macKey, noble.utf8ToBytes([i, j, Y, ct].join("|"))));
  }

  /** Hashed-ElGamal encryption of the share p = P_i(j) to trustee j's communication key E_j. */
  function encryptShare(cctx, i, j, p, E, rng) {
    var y = rng();
    var Y = pointHex(secretTimes(G, y));
    var S = pointHex(secretTimes(E, y));
    var keys = shareKeys(cctx, i, j, Y, S);
    var ct = noble.bytesToHex(xorBytes(noble.numberToBytesLE(p, 32), keys.pad));
    return { from: i, to: j, Y: Y, ct: ct, mac: shareMac(keys.macKey, i, j, Y, ct) };
  }

  function equalConstantTime(x, y) {
    if (x.length !== y.length) return false;
    var diff = 0;
    for (var n = 0; n < x.length; n++) diff |= x.charCodeAt(n) ^ y.charCodeAt(n);
    return diff === 0;
  }

  /** Decrypt and check a share sent to trustee j (secret e_j); return p, or throw Invalid. */
  function decryptShare(cctx, post, j, e, senderPhase1) {
    shape(post, ["from", "to", "Y", "ct", "mac"], "share");
    var i = post.from;
    var what = "share from trustee " + i;
    var Yp = parsePoint(post.Y, what + ": ephemeral key");
    if (!isHex64(post.ct) || !isHex64(post.mac)) throw new Invalid(what + ": bad ciphertext or MAC");
    var keys = shareKeys(cctx, i, j, post.Y, pointHex(secretTimes(Yp, e)));
    if (!equalConstantTime(shareMac(keys.macKey, i, j, post.Y, post.ct), post.mac)) {
      throw new Invalid(what + ": MAC does not match");
    }
    var p = noble.bytesToNumberLE(xorBytes(noble.hexToBytes(post.ct), keys.pad));
    if (p >= L || p === 0n) throw new Invalid(what + ": not a scalar");
    if (!secretTimes(G, p).equals(committedShare(senderPhase1, j))) {
      throw new Invalid(what + ": does not match the trustee's commitments");
    }
    return p;
  }

  /** P(x) = sum_m a_m·x^m mod l. */
  function evaluate(coefficients, x) {
    var total = 0n;
    var power = 1n;
    coefficients.forEach(function (a) {
      total = mod(total + a * power);
      power = mod(power * BigInt(x));
    });
    return total;
  }

  /**
   * One trustee of a key ceremony, with its secrets; `index` is 1-based (position in ceremony.trustees).
   * rng order (as prover.py): phase1: a_0..a_{k-1}, e, the proof nonces w for m = 0..k-1, the comm proof's w;
   * phase2: y for each other trustee in increasing index; partialDecrypt: w for each option in order.
   */
  class Trustee {
    constructor(ceremony, index, rng) {
      this.ceremony = ceremony;
      this.cctx = ceremonyCtx(ceremony);
      this.index = index;
      this.n = ceremony.trustees.length;
      this.threshold = ceremony.threshold;
      this.rng = rng || randomScalar;
      this.coefficients = null; // a_{i,0..k-1}, until phase 3 succeeds
      this.commSecret = null; // e_i, until phase 3 succeeds
      this.share = null; // s_i, the only secret needed after the ceremony
    }

    /** Phase 1: choose the polynomial and the communication key; publish commitments with proofs. */
    phase1() {
      var rng = this.rng;
      var cctx = this.cctx;
      var i = this.index;
      this.coefficients = [];
      for (var m = 0; m < this.threshold; m++) this.coefficients.push(rng());
      this.commSecret = rng();
      var commitments = [];
      var proofs = [];
      this.coefficients.forEach(function (a, m) {
        var K = secretTimes(G, a);
        commitments.push(pointHex(K));
        proofs.push(proveKnowledge("luanluu/v1/coef", cctx, i, m, K, a, rng));
      });
      var E = secretTimes(G, this.commSecret);
      return {
        index: i,
        commitments: commitments,
        coef_proofs: proofs,
        comm_key: pointHex(E),
        comm_proof: proveKnowledge("luanluu/v1/comm", cctx, i, 0, E, this.commSecret, rng),
      };
    }

    /** Phase 2: after checking every phase-1 post, send each other trustee its share, encrypted to it. */
    phase2(allPhase1) {
      var self = this;
      checkAllPhase1(this.cctx, allPhase1, this.n, this.threshold);
      return byIndex(allPhase1).filter(function (post) { return post.index !== self.index; }).map(function (post) {
        var E = parsePoint(post.comm_key, "trustee " + post.index + ": communication key");
        return encryptShare(self.cctx, self.index, post.index, evaluate(self.coefficients, post.index), E, self.rng);
      });
    }

    /** Phase 3: decrypt and check the shares sent to this trustee; keep s_j = sum_i P_i(j) if all are good. */
    phase3(allPhase1, sharesToMe) {
      var self = this;
      var j = this.index;
      checkAllPhase1(this.cctx, allPhase1, this.n, this.threshold);
      var total = evaluate(this.coefficients, j);
      var complaints = [];
      byIndex(allPhase1).forEach(function (post) {
        if (post.index === j) return;
        var sent = sharesToMe.filter(function (s) { return s.from === post.index && s.to === j; });
        try {
          if (sent.length !== 1) throw new Invalid("trustee " + post.index + ": no share");
          total = mod(total + decryptShare(self.cctx, sent[0], j, self.commSecret, post));
        } catch (error) {
          if (!(error instanceof Invalid)) throw error;
          complaints.push(post.index);
        }
      });
      if (complaints.length) return { index: j, ok: false, complaints: complaints };
      this.share = total;
      this.coefficients = null;
      this.commSecret = null;
      return { index: j, ok: true };
    }

    /** Partial decryption of a round's aggregate: D_o = s_j·A_o with a Chaum–Pedersen proof. */
    partialDecrypt(ctx, aggregate) {
      var self = this;
      if (this.share === null) throw new Error("this trustee holds no key share yet");
      var j = this.index;
      return {
        index: j,
        shares: list(aggregate, "aggregate").map(function (item, o) {
          shape(item, ["A", "B"], "aggregate of option " + o);
          var A = parsePoint(item.A, "aggregate A of option " + o);
          var D = secretTimes(A, self.share);
          var w = self.rng();
          var a = secretTimes(G, w);
          var b = secretTimes(A, w);
          var c = hashToScalar("luanluu/v1/decrypt", ctx, j, o, pointHex(A), pointHex(D), pointHex(a), pointHex(b));
          return { D: pointHex(D), proof: proofHex(c, mod(w + c * self.share)) };
        }),
      };
    }

    /** A trustee that kept only its share s_j (hex), ready to decrypt (as prover.Trustee.restore). */
    static restore(ceremony, index, share, rng) {
      var t = new Trustee(ceremony, index, rng);
      t.share = parseScalar(share, "share");
      return t;
    }

    toJSON() {
      var hex = function (s) { return s === null ? null : scalarHex(s); };
      return {
        version: VERSION,
        ceremony: this.ceremony,
        index: this.index,
        coefficients: this.coefficients === null ? null : this.coefficients.map(scalarHex),
        comm_secret: hex(this.commSecret),
        share: hex(this.share),
      };
    }

    static fromJSON(data) {
      if (data.version !== VERSION) throw new Invalid("key share of another protocol version");
      var t = new Trustee(data.ceremony, data.index);
      var read = function (s) { return s === null ? null : parseScalar(s, "stored secret"); };
      t.coefficients = data.coefficients === null ? null : data.coefficients.map(read);
      t.commSecret = read(data.comm_secret);
      t.share = read(data.share);
      return t;
    }
  }

  function checkAllPhase1(cctx, allPhase1, n, threshold) {
    var seen = {};
    allPhase1.forEach(function (post) {
      verifyPhase1(cctx, post);
      if (post.commitments.length !== threshold) throw new Invalid("trustee " + post.index + ": wrong number of commitments");
      if (seen[post.index]) throw new Invalid("trustee " + post.index + ": posted twice");
      seen[post.index] = true;
    });
    for (var i = 1; i <= n; i++) {
      if (!seen[i]) throw new Invalid("trustee " + i + ": no phase-1 post");
    }
    if (allPhase1.length !== n) throw new Invalid("phase 1: expected one post from every trustee");
  }

  // ---- Storage of a trustee's secrets (this browser's localStorage) ----------------------------

  function storageKey(conference, ceremony, user) {
    return "luanluu-eg:" + conference + ":" + ceremony + ":" + user;
  }

  function saveTrustee(conference, ceremony, user, trustee) {
    root.localStorage.setItem(storageKey(conference, ceremony, user), JSON.stringify(trustee.toJSON()));
  }

  function loadTrustee(conference, ceremony, user) {
    var text = root.localStorage.getItem(storageKey(conference, ceremony, user));
    return text === null ? null : Trustee.fromJSON(JSON.parse(text));
  }

  function forgetTrustee(conference, ceremony, user) {
    root.localStorage.removeItem(storageKey(conference, ceremony, user));
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
    encryptBallot: encryptBallot,
    prepare: prepare,
    challenge: challenge,
    verifyChallenge: verifyChallenge,
    verifyBallot: verifyBallot,
    ceremonyCtx: ceremonyCtx,
    verifyPhase1: verifyPhase1,
    electionKey: electionKey,
    verificationKey: verificationKey,
    keyFingerprint: keyFingerprint,
    Trustee: Trustee,
    storageKey: storageKey,
    saveTrustee: saveTrustee,
    loadTrustee: loadTrustee,
    forgetTrustee: forgetTrustee,
  };
})(typeof window !== "undefined" ? window : globalThis, (typeof window !== "undefined" ? window : globalThis).noble);
