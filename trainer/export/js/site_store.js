/*
 * The offline site's reporter (window.TrainerSiteStore, used by player.js): keeps progress and
 * submitted attempts in the browser's localStorage, under keys named after the curriculum, so a
 * participant can close the browser and come back. site_index.js reads the same keys to show
 * progress and to export the results file (docs/results-file.md, version 2).
 *
 * Attempts are stored exactly as the results file lists them, each with a random id made when it
 * is submitted, so a trainer who imports two exports of the same browser gets each attempt once.
 * The browser also keeps one random learner id for the same reason. The order of the web app
 * holds here too: module quizzes open once the pre-test is submitted, the post-test once every
 * module quiz has been, and each test is taken once. Nothing leaves the browser until the
 * participant exports the file.
 */
(function () {
  "use strict";

  var site = window.TrainerSiteData || { curriculum: "site", modules: [], tests: [] };
  var prefix = "trainer:" + site.curriculum + ":";
  var MAX_ATTEMPTS = 200;
  var step = null;

  function read(key) {
    try { return window.localStorage.getItem(prefix + key); } catch (e) { return null; }
  }

  function write(key, value) {
    try { window.localStorage.setItem(prefix + key, value); return true; } catch (e) { return false; }
  }

  function attempts() {
    var list;
    try {
      list = JSON.parse(read("attempts") || "[]");
    } catch (e) {
      return [];
    }
    if (!Array.isArray(list)) { return []; }
    /* Attempts kept by an earlier version of the site have no id or kind: give them theirs once. */
    var upgraded = false;
    list.forEach(function (a) {
      if (a && !a.id) {
        a.id = randomId();
        a.kind = a.kind || "module";
        (a.answers || []).forEach(function (answer) { answer.module = answer.module || a.module; });
        upgraded = true;
      }
    });
    if (upgraded) { write("attempts", JSON.stringify(list)); }
    return list;
  }

  /* A random id of 32 hex digits (crypto.getRandomValues works from file:// too). */
  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
  }

  function learner() {
    var found = read("learner");
    if (found && /^[A-Za-z0-9_-]{16,64}$/.test(found)) { return found; }
    var made = randomId();
    write("learner", made);
    return made;
  }

  function taken(kind, moduleId) {
    return attempts().some(function (a) {
      return (a.kind || "module") === kind && (kind !== "module" || a.module === moduleId);
    });
  }

  function iso(date) {
    return new Date(date).toISOString();
  }

  function record(report) {
    return {
      id: randomId(),
      kind: report.kind,
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
          module: answer.module,
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

  /* Why a step is not open yet, or null when it is. */
  function locked(kind) {
    var hasTests = (site.tests || []).length > 0;
    if (!hasTests || kind === "pre") { return null; }
    if (!taken("pre")) {
      return {
        message: window.TrainerSay("js_pre_first"),
        href: "../pre/index.html",
        link: window.TrainerSay("js_go_pre")
      };
    }
    if (kind === "post") {
      var missing = (site.modules || []).filter(function (m) { return !taken("module", m.id); });
      if (missing.length > 0) {
        return {
          message: window.TrainerSay("js_post_locked", { count: missing.length }),
          href: "../index.html",
          link: window.TrainerSay("js_all_modules")
        };
      }
    }
    return null;
  }

  /* Drop the oldest module attempts over the limit; the two tests are always kept. */
  function trimmed(list) {
    while (list.length > MAX_ATTEMPTS) {
      var oldest = -1;
      for (var i = 0; i < list.length; i++) {
        if ((list[i].kind || "module") === "module") { oldest = i; break; }
      }
      if (oldest < 0) { break; }
      list.splice(oldest, 1);
    }
    return list;
  }

  window.TrainerSiteStore = {
    prefix: prefix,
    attempts: attempts,
    learner: learner,
    read: read,
    write: write,

    start: function (data) {
      var kind = data.kind || "module";
      step = kind === "module" ? data.module : kind;
      var ok = write("probe", "1");
      return {
        connected: ok,
        locked: locked(kind),
        state: read("progress:" + step),
        message: window.TrainerSay(ok ? "js_kept" : "js_not_kept")
      };
    },

    saveProgress: function (text) {
      if (step) { write("progress:" + step, text); }
    },

    submit: function (report, text) {
      var list = attempts();
      if (report.kind !== "module" && taken(report.kind)) { return; }  /* one each */
      list.push(record(report));
      write("attempts", JSON.stringify(trimmed(list)));
      this.saveProgress(text);
    },

    leave: function () { /* everything is saved as it happens */ }
  };
})();
