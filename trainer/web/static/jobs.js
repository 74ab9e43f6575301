/* Enhancement only: without this file the working page reloads itself (a meta refresh in a
   noscript). With it, the page asks for its own status every 1.5 s, swaps in the new status text
   (written and translated by the server) and starts the download once the file is ready. */
(function () {
  "use strict";
  var panel = document.querySelector("[data-job]");
  var status = document.getElementById("job-status");
  if (!panel || !status || !window.fetch || !window.DOMParser) { return; }
  if (document.getElementById("job-download") || !status.querySelector(".job__spinner")) {
    return;  // already made, failed or not started: nothing to wait for
  }
  var url = panel.getAttribute("data-job");
  function poll() {
    fetch(url, {headers: {"Accept": "text/html"}, credentials: "same-origin"})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("job-status");
        if (!fresh) { return; }
        status.innerHTML = fresh.innerHTML;
        var form = page.querySelector("[data-job] form");
        if (form && !panel.querySelector("form")) { status.after(document.importNode(form, true)); }
        var link = document.getElementById("job-download");
        if (link) { window.location.href = link.href; return; }
        if (status.querySelector(".job__spinner")) { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1500);
}());
