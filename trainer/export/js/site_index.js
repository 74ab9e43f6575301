/*
 * The offline site's front page: shows each module's latest result from localStorage and exports
 * the participant's results file (format: docs/results-file.md) as a download, with no network.
 */
(function () {
  "use strict";

  var site = window.TrainerSiteData;
  var store = window.TrainerSiteStore;
  if (!site || !store) { return; }

  function latest(moduleId) {
    var found = null;
    store.attempts().forEach(function (attempt) {
      if (attempt.module === moduleId) { found = attempt; }
    });
    return found;
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-module]"), function (card) {
    var attempt = latest(card.getAttribute("data-module"));
    var line = card.querySelector(".status");
    if (!attempt) { return; }
    line.textContent = (attempt.passed ? "Passed" : "Not passed yet") + " — latest score " +
      attempt.percent + "%";
    line.classList.add(attempt.passed ? "passed" : "failed");
    line.hidden = false;
  });

  var box = document.getElementById("export-box");
  var name = document.getElementById("participant");
  var error = document.getElementById("export-error");
  var done = document.getElementById("export-done");
  document.getElementById("js-note").hidden = true;
  box.hidden = false;
  name.value = store.read("participant") || "";
  name.addEventListener("input", function () { store.write("participant", name.value); });

  document.getElementById("export").addEventListener("click", function () {
    var participant = name.value.replace(/\s+/g, " ").trim();
    error.textContent = "";
    done.textContent = "";
    if (!participant) {
      error.textContent = "Type your name first, so your trainer knows whose results these are.";
      name.focus();
      return;
    }
    var attempts = store.attempts();
    if (attempts.length === 0) {
      error.textContent = "There is nothing to export yet: take a module quiz first.";
      return;
    }
    var payload = {
      format: "trainer-results",
      version: 1,
      curriculum: site.curriculum,
      workshop: site.workshop,
      participant: participant,
      exported_at: new Date().toISOString(),
      attempts: attempts
    };
    var blob = new Blob([JSON.stringify(payload, null, 1)], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "results-" + site.curriculum + ".json";
    document.body.appendChild(link);
    link.click();
    link.remove();
    done.textContent = "Saved " + attempts.length + " result" + (attempts.length === 1 ? "" : "s") +
      " as " + link.download + " (look in your Downloads folder).";
  });
})();
