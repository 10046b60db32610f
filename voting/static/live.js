// The one live mechanism of every page that shows a conference as it happens (the chair's console,
// the representative's page, the projector). It polls the conference's live state every second; the
// answer carries an ETag, so an unchanged poll costs a bodiless 304. Figures (units voted, the turnout
// bar) change in place; a region whose shape changed (attendance, a round opened or closed, a result)
// is drawn again by the server: the page is fetched and the region's content replaced, never built here.
//
// Markup: <script src="live.js" data-url="poll URL" data-page="page URL" data-present="…" data-shape="…">;
// [data-live-region="name"][data-live-on="present shape"] regions; [data-live-voted] numbers;
// [data-live-bar][data-base] SVG bars holding a [data-live-fill] rect 1000 wide at 100%.
(function () {
  "use strict";
  var script = document.currentScript;
  var shown = { present: script.dataset.present, shape: script.dataset.shape };
  var redrawing = false;

  function showFigures(data) {
    document.querySelectorAll("[data-live-voted]").forEach(function (el) {
      el.textContent = data.voted;
    });
    document.querySelectorAll("[data-live-bar]").forEach(function (bar) {
      var base = Number(bar.dataset.base) || 1;
      var fill = bar.querySelector("[data-live-fill]");
      if (fill) { fill.setAttribute("width", String(Math.floor(1000 * Math.min(data.voted, base) / base))); }
      bar.setAttribute("aria-label", data.voted + "/" + base);
    });
  }

  function regionsToRedraw(changed) {
    return Array.prototype.filter.call(document.querySelectorAll("[data-live-region]"), function (region) {
      return (region.dataset.liveOn || "").split(" ").some(function (key) { return changed.indexOf(key) >= 0; });
    });
  }

  function isEditing(region) {  // never throw away what someone is typing or choosing
    var active = document.activeElement;
    return active && active !== document.body && region.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
  }

  function redraw(regions, data) {
    redrawing = true;
    return fetch(script.dataset.page, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var replaced = regions.every(function (region) {
          var name = region.dataset.liveRegion;
          var next = fresh.querySelector('[data-live-region="' + name + '"]');
          if (!next) { return false; }
          // The children only: the region itself (and its aria-live) stays, so screen readers hear the change.
          region.replaceChildren.apply(region, Array.prototype.map.call(next.childNodes, function (node) {
            return document.importNode(node, true);
          }));
          return true;
        });
        if (!replaced) { window.location.reload(); return; }  // the page changed more than its regions
        shown = { present: data.present, shape: data.shape };
        showFigures(data);
      })
      .catch(function () { /* the next poll tries again */ })
      .finally(function () { redrawing = false; });
  }

  function apply(data) {
    showFigures(data);
    var changed = ["present", "shape"].filter(function (key) { return String(data[key]) !== String(shown[key]); });
    if (!changed.length || redrawing) { return; }
    var regions = regionsToRedraw(changed);
    if (regions.some(isEditing)) { return; }  // the next poll tries again
    if (!regions.length) { shown = { present: data.present, shape: data.shape }; return; }
    redraw(regions, data);
  }

  function poll() {
    if (document.hidden) { return; }
    fetch(script.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { apply(data); } })
      .catch(function () { /* the next poll tries again */ });
  }

  window.setInterval(poll, Number(script.dataset.interval) || 1000);
  document.addEventListener("visibilitychange", poll);
})();
