/*
 * The offline site's reporter (window.TrainerSiteStore, used by player.js): keeps progress and
 * submitted attempts in the browser's localStorage, under keys named after the curriculum, so a
 * participant can close the browser and come back. site_index.js reads the same keys to show
 * progress and to export the results file (docs/results-file.md).
 *
 * Attempts are stored exactly as the results file lists them. Nothing leaves the browser until the
 * participant exports the file.
 */
(function () {
  "use strict";

  var site = window.TrainerSiteData || { curriculum: "site" };
  var prefix = "trainer:" + site.curriculum + ":";
  var MAX_ATTEMPTS = 200;
  var moduleId = null;

  function read(key) {
    try { return window.localStorage.getItem(prefix + key); } catch (e) { return null; }
  }

  function write(key, value) {
    try { window.localStorage.setItem(prefix + key, value); return true; } catch (e) { return false; }
  }

  function attempts() {
    try {
      var list = JSON.parse(read("attempts") || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }

  function iso(date) {
    return new Date(date).toISOString();
  }

  function record(report) {
    return {
      module: report.module,
      module_hash: report.module_hash,
      started_at: iso(report.started_at),
      submitted_at: iso(report.submitted_at),
      earned: report.earned,
      max: report.max,
      percent: report.percent,
      passed: report.passed,
      answers: report.answers.map(function (answer) {
        return {
          question: answer.question.id,
          question_hash: answer.hash,
          response: answer.response === undefined ? null : answer.response,
          earned: answer.result.earned,
          max: answer.result.max,
          status: answer.result.status
        };
      })
    };
  }

  window.TrainerSiteStore = {
    prefix: prefix,
    attempts: attempts,
    read: read,
    write: write,

    start: function (data) {
      moduleId = data.module;
      var ok = write("probe", "1");
      return {
        connected: ok,
        state: read("progress:" + moduleId),
        message: ok ? "Your answers are kept in this browser on this device." :
          "This browser does not let the page keep your answers: export is not possible."
      };
    },

    saveProgress: function (text) {
      if (moduleId) { write("progress:" + moduleId, text); }
    },

    submit: function (report, text) {
      var list = attempts();
      list.push(record(report));
      while (list.length > MAX_ATTEMPTS) { list.shift(); }
      write("attempts", JSON.stringify(list));
      this.saveProgress(text);
    },

    leave: function () { /* everything is saved as it happens */ }
  };
})();
