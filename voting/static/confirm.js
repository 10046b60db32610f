// Ask before an action that cannot be undone: a form with data-confirm opens a dialog saying what
// will happen (the server's numbers); only its confirming button posts the form, with confirmed=1.
// Focus starts on "Quay lại"; Escape or "Quay lại" leaves everything as it was.
(function () {
  "use strict";
  var script = document.currentScript;
  var dialog = null;
  var pending = null;  // {form, submitter} waiting for the answer

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    dialog.setAttribute("aria-describedby", "confirm-dialog-question");
    var title = document.createElement("h2");
    title.id = "confirm-dialog-title";
    title.textContent = script.dataset.title;
    var question = document.createElement("p");
    question.id = "confirm-dialog-question";
    var buttons = document.createElement("form");
    buttons.method = "dialog";
    buttons.className = "confirm-buttons";
    var back = document.createElement("button");
    back.value = "cancel";
    back.className = "btn btn-secondary";
    back.textContent = script.dataset.cancel;
    var go = document.createElement("button");
    go.value = "confirm";
    go.className = "btn btn-danger";
    buttons.append(back, go);
    dialog.append(title, question, buttons);
    document.body.append(dialog);
    dialog.addEventListener("close", function () {
      var chosen = pending;
      pending = null;
      if (dialog.returnValue !== "confirm" || !chosen) {
        if (chosen && chosen.submitter) { chosen.submitter.focus(); }
        return;
      }
      var field = chosen.form.querySelector("input[name=confirmed]");
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = "confirmed";
        chosen.form.append(field);
      }
      field.value = "1";
      chosen.form.requestSubmit(chosen.submitter || undefined);
    });
  }

  // Capture: runs before busy.js (which leaves a prevented submission alone).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.confirm) { return; }
    var field = form.querySelector("input[name=confirmed]");
    if (field && field.value === "1") { return; }  // confirmed: let it go
    if (typeof HTMLDialogElement !== "function") { return; }  // the server asks instead
    event.preventDefault();
    if (!dialog) { build(); }
    pending = { form: form, submitter: event.submitter };
    dialog.querySelector("#confirm-dialog-question").textContent = form.dataset.confirm;
    dialog.querySelector("button[value=confirm]").textContent = form.dataset.confirmLabel || script.dataset.ok;
    dialog.returnValue = "";
    dialog.showModal();
    dialog.querySelector("button[value=cancel]").focus();
  }, true);
})();
