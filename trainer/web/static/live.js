/* Live sessions: keep the phone, the presenter view and the room's screen current without a
   reload. Enhancement only: without this file each page reloads itself (meta refresh).
   It asks the page's poll URL every few seconds with the last ETag; the server answers 304 while
   nothing changed. A new state version fetches the page again and swaps its live region; a new
   count (presenter, screen) only updates the count text. */
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root || !window.fetch || !window.DOMParser) { return; }
  var etag = null;
  var delay = (parseFloat(root.getAttribute("data-interval")) || 1.5) * 1000;

  function guardForms() {
    var forms = root.querySelectorAll("form");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        var asking = form.querySelector("[data-confirm]");
        if (asking && !window.confirm(asking.getAttribute("data-confirm"))) {
          event.preventDefault();
          return;
        }
        var buttons = form.querySelectorAll("button[type=submit]");
        // Disable after this event, so the click is still sent once.
        window.setTimeout(function () {
          Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
        }, 0);
      });
    });
  }

  function swap() {
    return fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live]");
        if (!fresh) { window.location.reload(); return; }
        root.innerHTML = fresh.innerHTML;
        root.setAttribute("data-version", fresh.getAttribute("data-version"));
        guardForms();
      });
  }

  function showCount(text) {
    var counts = root.querySelectorAll("[data-live-count]");
    Array.prototype.forEach.call(counts, function (node) {
      if (node.textContent !== text) { node.textContent = text; }
    });
  }

  function poll() {
    var headers = {};
    if (etag) { headers["If-None-Match"] = etag; }
    // A phone's poll URL carries its own token: no cookie needed, so none is sent (cheaper).
    var credentials = root.getAttribute("data-credentials") || "same-origin";
    fetch(root.getAttribute("data-poll"), { credentials: credentials, cache: "no-store", headers: headers })
      .then(function (response) {
        if (response.status !== 200) { return null; }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (state) {
        if (!state) { return null; }
        if (String(state.v) !== root.getAttribute("data-version")) { return swap(); }
        if (state.text) { showCount(state.text); }
        return null;
      })
      .catch(function () { /* offline for a moment: ask again next time */ })
      .then(function () { window.setTimeout(poll, delay); });
  }

  guardForms();
  window.setTimeout(poll, delay);
}());
