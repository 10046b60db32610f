/*
 * eg-trustee.js: a trustee's part of the election protocol "luanluu-eg-1" in the browser
 * (docs/election-protocol.md): the key ceremony without a trusted dealer (each trustee's polynomial with
 * Feldman commitments and Schnorr proofs, shares sent under hashed ElGamal to the other trustees'
 * communication keys) and the partial decryption of a round's aggregate with a Chaum–Pedersen proof.
 * References: ElectionGuard 2.0's key ceremony and guardians; Cortier et al., "Election verifiability:
 * the Belenios threshold mode"; Pedersen 1991, Feldman 1987. It mirrors voting/crypto/prover.Trustee
 * byte for byte (tests/browser/test_eg_js.py).
 *
 * Load after noble.js and eg.js (see eg.js); it adds to the global `LuanLuuEG`:
 *
 *   ceremonyCtx(ceremony) -> cctx      ceremony: {version, conference, ceremony, trustees, threshold}
 *   new Trustee(ceremony, index, rng?)  index: 1-based position in ceremony.trustees
 *     .phase1() -> post {index, commitments, coef_proofs, comm_key, comm_proof}
 *     .phase2(allPhase1) -> [share post {from, to, Y, ct, mac} for each other trustee]
 *         (checks every trustee's phase-1 post first; throws Invalid naming the bad one)
 *     .phase3(allPhase1, sharesToMe) -> confirmation {index, ok: true} or {index, ok: false, complaints}
 *         (on success keeps .share, the trustee's secret s_j, and forgets the ceremony's secrets)
 *     .partialDecrypt(ctx, aggregate) -> post {index, shares: [{D, proof}]}   (aggregate: [{A, B}])
 *     .toJSON() / Trustee.fromJSON(obj): the secret state, for storage or a backup file
 *   Trustee.restore(ceremony, index, shareHex, rng?): a trustee that kept only its share
 *   verifyPhase1(cctx, post); electionKey(allPhase1) -> H; verificationKey(allPhase1, j) -> V_j;
 *   keyFingerprint(ceremony, H, allPhase1) -> kfp
 *   storageKey(conference, ceremony, user) -> "luanluu-eg:<conference>:<ceremony>:<user>"
 *   saveTrustee(conference, ceremony, user, trustee); loadTrustee(conference, ceremony, user) -> Trustee | null;
 *   forgetTrustee(conference, ceremony, user)      (window.localStorage; save after phase 1 and after
 *   phase 3: phases 2 and 3 need the phase-1 secrets, which phase 3 drops once it succeeds)
 *
 * Why localStorage: the ceremony spans several page loads (each phase waits for the other trustees),
 * and a share kept in this browser needs no file handling at the conference; toJSON gives a backup file
 * for a trustee who wants one. Anyone with this browser profile can read it: a trustee uses their own.
 */
(function (root, noble, EG) {
  "use strict";

  var Point = noble.ed25519.Point;
  var b = EG.blocks;
  var G = b.G;
  var L = b.L;
  var Invalid = EG.Invalid;
  var VERSION = EG.VERSION;
  var mod = b.mod;
  var scalarHex = b.scalarHex;
  var pointHex = b.pointHex;
  var isHex64 = b.isHex64;
  var shape = b.shape;
  var list = b.list;
  var secretTimes = b.secretTimes;
  var publicTimes = b.publicTimes;
  var proofHex = b.proofHex;
  var commitmentFrom = b.commitmentFrom;
  var sumPoints = b.sumPoints;
  var parsePoint = EG.readPoint;
  var parseScalar = EG.readScalar;
  var hashToScalar = EG.hashToScalar;
  var sha256Hex = EG.sha256Hex;
  var randomScalar = EG.randomScalar;

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

  Object.assign(EG, {
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
  });
})(
  typeof window !== "undefined" ? window : globalThis,
  (typeof window !== "undefined" ? window : globalThis).noble,
  (typeof window !== "undefined" ? window : globalThis).LuanLuuEG
);
