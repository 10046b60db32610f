// The projector refreshes itself: turnout in place, the whole page when the round changes.
(function () {
  "use strict";
  var script = document.currentScript;
  var shown = script.dataset.version;
  function poll() {
    fetch(script.dataset.url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        document.querySelectorAll("[data-turnout]").forEach(function (el) { el.textContent = data.voted; });
        if (data.version !== shown) { window.location.reload(); }
      })
      .catch(function () { /* the next poll tries again */ });
  }
  window.setInterval(poll, 2000);
})();
