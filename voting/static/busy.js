// Show that a submitted form is being processed and prevent a second submission.
(function () {
  "use strict";
  var busyText = document.body.dataset.busyText || "…";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.method.toLowerCase() !== "post" || event.defaultPrevented) { return; }
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    form.setAttribute("aria-busy", "true");
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.dataset.label = button.textContent;
      button.textContent = busyText;
      button.classList.add("busy");
    });
  });
  window.addEventListener("pageshow", function () {  // back/forward cache: make forms usable again
    document.querySelectorAll("form[data-submitted]").forEach(function (form) {
      delete form.dataset.submitted;
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button.busy").forEach(function (button) {
        button.textContent = button.dataset.label;
        button.classList.remove("busy");
      });
    });
  });
})();
