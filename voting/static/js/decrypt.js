// The round page, for a trustee: decrypt this trustee's part of the round's aggregate in this browser,
// with the key share kept here since the ceremony (eg.js loadTrustee), and post it with its proof.
// No single ballot is ever decrypted: only the sum of all ballots, per option.
(function () {
  "use strict";
  var root = document.getElementById("decryption");
  if (!root || !root.dataset.stateUrl) { return; }
  var EG = window.LuanLuuEG;
  var data = root.dataset;
  var button = root.querySelector("[data-decrypt]");
  var mine = root.querySelector("[data-mine]");

  function say(text) { mine.textContent = text; }

  function answer(response) {
    return response.json().then(function (body) {
      if (!response.ok) { throw new Error(body && body.error ? body.error : String(response.status)); }
      return body;
    });
  }

  button.addEventListener("click", function () {
    var trustee = EG.loadTrustee(Number(data.conference), Number(data.ceremony), Number(data.user));
    if (!trustee) { say(data.msgLost); return; }
    button.disabled = true;
    say(data.msgWorking);
    fetch(data.stateUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(answer)
      .then(function (state) {
        var post = trustee.partialDecrypt(state.ctx, state.aggregate);
        return fetch(data.postUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": data.csrf },
          body: JSON.stringify(post),
        }).then(answer);
      })
      .then(function () {
        say(data.msgDone);
        window.location.reload();
      })
      .catch(function (e) {
        button.disabled = false;
        say(data.msgError + " " + e.message);
      });
  });
})();
