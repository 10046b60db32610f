// The trustee's page: run this trustee's steps of the key ceremony in their browser, as the ceremony advances.
// The secrets (polynomial, communication key, then the key share) stay in this browser's localStorage
// (eg.js saveTrustee); only public values are posted. Protocol: docs/election-protocol.md.
(function () {
  "use strict";
  var root = document.getElementById("ceremony");
  if (!root || !root.dataset.stateUrl) { return; }
  var EG = window.LuanLuuEG;
  var data = root.dataset;
  var conference = Number(data.conference);
  var userId = Number(data.user);
  var ceremonyId = Number(data.ceremony);
  var busy = false;
  var finished = false;

  function say(text) {
    var el = root.querySelector("[data-mine]");
    if (el) { el.textContent = text; }
  }

  function postKey() { return EG.storageKey(conference, ceremonyId, userId) + ":phase1"; }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": data.csrf },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) { throw new Error(answer && answer.error ? answer.error : String(response.status)); }
        return answer;
      });
    });
  }

  function show(state) {
    var status = root.querySelector("[data-status]");
    if (status) { status.textContent = state.status_label; }
    state.trustees.forEach(function (t) {
      var row = root.querySelector('[data-trustee="' + t.index + '"]');
      if (!row) { return; }
      row.querySelector('[data-step="phase1"]').textContent = t.phase1 ? "✔" : "…";
      row.querySelector('[data-step="shared"]').textContent = t.shared ? "✔" : "…";
      row.querySelector('[data-step="confirmed"]').textContent = t.confirmed === true ? "✔" : (t.confirmed === false ? "✖" : "…");
    });
  }

  // One step of this trustee, if the ceremony waits for it; returns a promise of the new state or null.
  function step(state, me) {
    var trustee = EG.loadTrustee(conference, ceremonyId, userId);
    if (state.status === "collecting" && !me.phase1) {
      var stored = window.localStorage.getItem(postKey());
      var first;
      if (trustee && stored) {
        first = JSON.parse(stored); // posted before and lost on the way: the same commitments again
      } else {
        trustee = new EG.Trustee(state.ceremony, state.me);
        first = trustee.phase1();
        // Saved before it is posted: a commitment the server holds must never lose its secret.
        EG.saveTrustee(conference, ceremonyId, userId, trustee);
        window.localStorage.setItem(postKey(), JSON.stringify(first));
      }
      return post(data.phase1Url, first);
    }
    if (state.status === "sharing" && !me.shared) {
      if (!trustee) { say(data.msgLost); return null; }
      return post(data.sharesUrl, trustee.phase2(state.phase1));
    }
    if (state.status === "confirming" && me.confirmed === null) {
      if (!trustee) { say(data.msgLost); return null; }
      var answer = trustee.phase3(state.phase1, state.shares || []);
      EG.saveTrustee(conference, ceremonyId, userId, trustee); // now only the share s_j
      window.localStorage.removeItem(postKey());
      return post(data.confirmationUrl, answer);
    }
    return null;
  }

  function settle(state) {
    if (state.status === "done") {
      finished = true;
      var H = EG.electionKey(state.phase1);
      if (H !== state.election_key || EG.keyFingerprint(state.ceremony, H, state.phase1) !== state.key) {
        say(data.msgMismatch);
        return;
      }
      if (state.me) {
        var trustee = EG.loadTrustee(conference, ceremonyId, userId);
        var kept = trustee && trustee.share !== null &&
          EG.verificationKey(state.phase1, state.me) === verificationOf(trustee);
        say(kept ? data.msgKept : data.msgMissing);
      }
    } else if (state.status === "failed") {
      finished = true;
      var failure = root.querySelector("[data-failure]");
      if (failure) { failure.textContent = state.failure; }
      EG.forgetTrustee(conference, ceremonyId, userId);
      window.localStorage.removeItem(postKey());
    }
  }

  // V_j = s_j·G from the share this browser keeps, to compare with the one the commitments give.
  function verificationOf(trustee) {
    try { return window.noble.ed25519.Point.BASE.multiply(trustee.share).toHex(); } catch (error) { return null; }
  }

  function poll() {
    if (busy || finished) { return; }
    busy = true;
    fetch(data.stateUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return null; }
        if (state.id !== ceremonyId) { window.location.reload(); return null; }
        show(state);
        if (state.status === "done" || state.status === "failed") { settle(state); return null; }
        if (!state.me) { return null; }
        var me = state.trustees[state.me - 1];
        var pending = step(state, me);
        if (!pending) { return null; }
        say(data.msgWorking);
        return pending.then(function (after) { show(after); say(data.msgWaiting); });
      })
      .catch(function (error) { say(data.msgError + " " + error.message); })
      .then(function () { busy = false; });
  }

  poll();
  window.setInterval(poll, 2000);
})();
