// Author preview live reload: poll the content version; reload the page when it moves.
// A static file (no inline script, for the Content-Security-Policy).
(function () {
  "use strict";
  var body = document.body;
  var shown = body.getAttribute("data-version");
  var url = body.getAttribute("data-version-url");
  var INTERVAL = 250;
  function poll() {
    fetch(url, { cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (String(data.version) !== shown) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, INTERVAL);
      })
      .catch(function () {
        // The preview server is restarting or stopped: try again, more slowly.
        window.setTimeout(poll, 1000);
      });
  }
  if (url) {
    window.setTimeout(poll, INTERVAL);
  }
})();
