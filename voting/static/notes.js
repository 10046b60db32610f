// Save the minutes' texts as the secretary types: a few seconds after the last keystroke and when a
// field loses focus, by POSTing the form itself (its CSRF token included). The form's own submit
// button saves without this script.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector("[data-save-status]");
  var timer = null;
  var saved = new URLSearchParams(new FormData(form)).toString();
  var inFlight = false;
  function show(text, failed) {
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("warn", !!failed);
  }
  function save() {
    window.clearTimeout(timer);
    timer = null;
    var body = new URLSearchParams(new FormData(form));
    var text = body.toString();
    if (text === saved) { return; }
    if (inFlight) { timer = window.setTimeout(save, 1000); return; }
    inFlight = true;
    show(form.dataset.saving, false);
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.ok) { saved = text; show(data.saved || "", false); }
          else { show(data.error || form.dataset.failed, true); }
        });
      })
      .catch(function () { show(form.dataset.failed, true); })
      .then(function () { inFlight = false; });
  }
  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 3000);
  });
  form.querySelectorAll("textarea").forEach(function (area) { area.addEventListener("blur", save); });
  var submitting = false;
  form.addEventListener("submit", function () { submitting = true; window.clearTimeout(timer); });
  // Leaving with unsaved text: try to save it, and let the browser ask whether to stay.
  window.addEventListener("beforeunload", function (event) {
    if (submitting) { return; }
    if (new URLSearchParams(new FormData(form)).toString() !== saved) { save(); event.preventDefault(); }
  });
})();
