// The secret ballot page: review, encryption, Benaloh challenge and cast, all in this browser (eg.js).
// The server receives only the encrypted ballot (POST {ballot}); its answer is the tracker, which this
// page already computed, so no request or response depends on the choice. Nothing is stored: the
// tracker is shown once. Protocol: docs/election-protocol.md.
// A choose-up-to-k ballot (the manifest has "max_choices": k; the page then has checkboxes) gives eg.js
// the list of checked options: once k are checked the other boxes are disabled, and a polite live
// message says so; none checked is a blank ballot. Otherwise the one checked radio button is the choice.
(function () {
  "use strict";
  var root = document.getElementById("secret-ballot");
  if (!root) { return; }
  var EG = window.LuanLuuEG;
  var data = root.dataset;
  var request = JSON.parse(document.getElementById("ballot-request").textContent);
  var manifest = request.manifest;
  var zero = request.zero;
  var k = EG.maxChoices(manifest); // null: exactly one option (radio buttons)
  var choose = root.querySelector('[data-step="choose"]');
  var review = root.querySelector('[data-step="review"]');
  var done = root.querySelector('[data-step="cast"]');
  var error = root.querySelector("[data-error]");
  var current = null; // {choice (an index, or choose-up-to-k a sorted list), ballot, randomness, tracker}
  var auditUrl = null;

  function show(step) {
    [choose, review, done].forEach(function (el) { el.hidden = el !== step; });
  }

  function fail(text) {
    error.textContent = text;
    error.hidden = false;
  }

  function chosen() {
    var picked = Array.prototype.map.call(choose.querySelectorAll('input[name="choice"]:checked'), function (input) {
      return Number(input.value);
    });
    if (k !== null) { return picked.sort(function (x, y) { return x - y; }); }
    return picked.length ? picked[0] : null;
  }

  // What the review and the audit show: the chosen option's label, or the marked ones' (or "none").
  function describe(choice) {
    var labels = choose.querySelectorAll("[data-label]");
    if (!Array.isArray(choice)) { return labels[choice].textContent; }
    if (!choice.length) { return data.msgNone; }
    return choice.map(function (o) { return labels[o].textContent; }).join("; ");
  }

  // Choose up to k: with k boxes checked, disable the others (the excluded ones stay disabled).
  function limit() {
    var boxes = choose.querySelectorAll('input[name="choice"]');
    var full = chosen().length >= k;
    Array.prototype.forEach.call(boxes, function (box) {
      if (!box.hasAttribute("data-excluded")) { box.disabled = full && !box.checked; }
    });
    var message = choose.querySelector("[data-limit]");
    var text = full ? data.msgFull : "";
    if (message.textContent !== text) { message.textContent = text; }
  }

  function encrypt(choice) {
    var encrypted = EG.encryptBallot(manifest, choice, zero);
    current = { choice: choice, ballot: encrypted.ballot, randomness: encrypted.randomness, tracker: encrypted.tracker };
    review.querySelector("[data-tracker]").textContent = EG.shortTracker(current.tracker);
  }

  choose.addEventListener("submit", function (event) {
    event.preventDefault();
    error.hidden = true;
    var choice = chosen();
    if (choice === null) { fail(data.msgPick); return; }
    review.querySelector("[data-chosen]").textContent = describe(choice);
    review.querySelector("[data-audit]").hidden = true;
    try {
      encrypt(choice); // eg.js refuses what the page should not have let through (more than k marks)
    } catch (e) {
      fail(data.msgError + " " + e.message);
      return;
    }
    show(review);
  });

  review.querySelector("[data-back]").addEventListener("click", function () {
    current = null;
    error.hidden = true;
    show(choose);
  });

  // Benaloh challenge: reveal this ballot's randomness, check it here, offer the audit file, and
  // encrypt again: the challenged ballot can never be cast.
  review.querySelector("[data-challenge]").addEventListener("click", function () {
    var audit = EG.challenge(current.ballot, current.choice, current.randomness, zero);
    var box = review.querySelector("[data-audit]");
    var text = review.querySelector("[data-audit-text]");
    try {
      var found = EG.verifyChallenge(audit, manifest, zero);
      if (JSON.stringify(found) !== JSON.stringify(current.choice)) { throw new EG.Invalid("another choice"); }
      text.textContent = data.msgChallenged + " " + describe(found) + " (" + EG.shortTracker(current.tracker) + ")";
    } catch (e) {
      text.textContent = data.msgChallengeFailed;
    }
    if (auditUrl) { URL.revokeObjectURL(auditUrl); }
    auditUrl = URL.createObjectURL(new Blob([JSON.stringify(audit)], { type: "application/json" }));
    review.querySelector("[data-audit-download]").href = auditUrl;
    box.hidden = false;
    encrypt(current.choice);
  });

  review.querySelector("[data-cast]").addEventListener("click", function (event) {
    var button = event.currentTarget;
    button.disabled = true;
    error.hidden = true;
    fetch(data.castUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": data.csrf },
      body: JSON.stringify({ ballot: current.ballot }),
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) { throw new Error(answer && answer.error ? answer.error : String(response.status)); }
        return answer;
      });
    }).then(function (answer) {
      if (answer.tracker !== current.tracker) { throw new Error("tracker"); }
      done.querySelector("[data-cast-tracker]").textContent = EG.shortTracker(current.tracker);
      done.querySelector("[data-cast-tracker-full]").textContent = current.tracker;
      current = null;
      show(done);
    }).catch(function (e) {
      button.disabled = false;
      fail(data.msgError + " " + e.message);
    });
  });

  if (k !== null) {
    choose.addEventListener("change", limit);
    limit(); // a reload may keep boxes checked
  }
  EG.prepare(manifest);
  show(choose);
})();
