// Keep turnout (k of n units voted) current without reloading; reload when a round opens or closes.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script.dataset.url;
  var shownRound = script.dataset.round;
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (String(data.round_id || "") !== shownRound) { window.location.reload(); return; }
        document.querySelectorAll("[data-turnout]").forEach(function (el) { el.textContent = data.voted; });
      })
      .catch(function () { /* the next poll tries again */ });
  }
  window.setInterval(poll, 3000);
})();
