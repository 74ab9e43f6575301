/*
 * The offline site's front page: shows the tests' and each module's latest result from
 * localStorage and exports the participant's results file (format: docs/results-file.md,
 * version 2) as a download, with no network.
 */
(function () {
  "use strict";

  var site = window.TrainerSiteData;
  var store = window.TrainerSiteStore;
  if (!site || !store) { return; }

  function latest(kind, moduleId) {
    var found = null;
    store.attempts().forEach(function (attempt) {
      if ((attempt.kind || "module") === kind && (kind !== "module" || attempt.module === moduleId)) {
        found = attempt;
      }
    });
    return found;
  }

  function show(card, attempt, text) {
    var line = card.querySelector(".status");
    if (!attempt) { return; }
    line.textContent = text;
    line.classList.add(attempt.kind === "pre" ? "done" : attempt.passed ? "passed" : "failed");
    line.hidden = false;
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-module]"), function (card) {
    var attempt = latest("module", card.getAttribute("data-module"));
    show(card, attempt, attempt && window.TrainerSay(
      attempt.passed ? "js_module_passed" : "js_module_not_passed", { percent: window.TrainerNumber(attempt.percent, 1) }));
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-test]"), function (card) {
    var kind = card.getAttribute("data-test");
    var attempt = latest(kind);
    show(card, attempt, attempt && window.TrainerSay(kind !== "post" ? "js_test_taken" :
      attempt.passed ? "js_test_passed" : "js_test_not_passed", { percent: window.TrainerNumber(attempt.percent, 1) }));
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
      error.textContent = window.TrainerSay("js_name_first");
      name.focus();
      return;
    }
    var attempts = store.attempts();
    if (attempts.length === 0) {
      error.textContent = window.TrainerSay("js_nothing_yet");
      return;
    }
    var payload = {
      format: "trainer-results",
      version: 2,
      curriculum: site.curriculum,
      workshop: site.workshop,
      learner: store.learner(),
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
    done.textContent = window.TrainerSay("js_saved", { count: attempts.length, file: link.download });
  });
})();
