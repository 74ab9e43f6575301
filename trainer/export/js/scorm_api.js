/*
 * The SCORM 1.2 reporter of a package's module page (window.TrainerScorm, used by player.js).
 *
 * Finds the LMS's API object with the standard ADL algorithm (walk up window.parent, then the
 * opener's parents), and uses only SCORM 1.2 run-time elements (cmi.core.*, cmi.suspend_data,
 * cmi.interactions.n.*). With no API the package still works, reporting nothing.
 *
 * Order of writes on submission: interactions, then cmi.core.score.min/max/raw, then
 * cmi.core.lesson_status (score before status: some LMSs set the status from the score), then
 * cmi.suspend_data, then LMSCommit. On leaving: nothing is written unless an answer exists; then
 * cmi.core.exit ("suspend" while unsubmitted) and cmi.core.session_time, LMSCommit; always LMSFinish.
 */
(function () {
  "use strict";

  var LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789";
  var MAX_PARENTS = 500;
  var api = null;
  var started = false;
  var finished = false;
  var startedAt = Date.now();

  function findAPI(win) {
    var tries = 0;
    try {
      while ((win.API === undefined || win.API === null) && win.parent && win.parent !== win) {
        tries += 1;
        if (tries > MAX_PARENTS) { return null; }
        win = win.parent;
      }
      return win.API || null;
    } catch (e) {
      return null; /* a frame of another origin: no API there */
    }
  }

  function getAPI() {
    var found = findAPI(window);
    try {
      if (!found && window.opener) { found = findAPI(window.opener); }
    } catch (e) { found = null; }
    return found;
  }

  function call(name, args) {
    try {
      return String(api[name].apply(api, args));
    } catch (e) {
      return "false";
    }
  }

  function set(element, value) {
    return call("LMSSetValue", [element, String(value)]) === "true";
  }

  function get(element) {
    return call("LMSGetValue", [element]);
  }

  function pad(number, width) {
    var text = String(number);
    while (text.length < width) { text = "0" + text; }
    return text;
  }

  /* CMITime: HH:MM:SS (local clock time). */
  function clockTime(date) {
    return pad(date.getHours(), 2) + ":" + pad(date.getMinutes(), 2) + ":" + pad(date.getSeconds(), 2);
  }

  /* CMITimespan: HHHH:MM:SS.SS */
  function timespan(ms) {
    var centis = Math.max(0, Math.round(ms / 10));
    var hours = Math.floor(centis / 360000);
    var minutes = Math.floor((centis % 360000) / 6000);
    var seconds = (centis % 6000) / 100;
    return pad(Math.min(hours, 9999), 4) + ":" + pad(minutes, 2) + ":" +
      (seconds < 10 ? "0" : "") + seconds.toFixed(2);
  }

  function clip(text) {
    return String(text).replace(/[\u0000-\u001f]/g, " ").slice(0, 255);
  }

  function decimal(value) {
    return String(Math.round(value * 100) / 100);
  }

  /* The 1.2 interaction type, learner response and right pattern of one graded answer. */
  function describe(question, response) {
    var kind = question.kind;
    var options = question.options || [];
    function optionLetter(id) {
      for (var i = 0; i < options.length; i++) { if (options[i].id === id) { return LETTERS.charAt(i); } }
      return "";
    }
    if (kind === "true_false") {
      var truth = function (id) {
        var n = options.map(function (o) { return o.id; }).indexOf(id);
        if (id === "true" || id === "false") { return id.charAt(0); }
        return n === 0 ? "t" : (n === 1 ? "f" : "");
      };
      var right = options.filter(function (o) { return o.correct; })[0];
      return { type: "true-false", response: response ? truth(response) : "", pattern: right ? truth(right.id) : "" };
    }
    if (kind === "single" || kind === "multiple") {
      var chosen = kind === "multiple" ? (response || []) : (response ? [response] : []);
      return {
        type: "choice",
        response: chosen.map(optionLetter).join(","),
        pattern: options.filter(function (o) { return o.correct; }).map(function (o) { return optionLetter(o.id); }).join(",")
      };
    }
    if (kind === "short_answer") {
      return { type: "fill-in", response: clip(response || ""), pattern: clip(question.accepted[0]) };
    }
    if (kind === "numeric") {
      return {
        type: "numeric",
        response: clip(response || ""),
        pattern: question.answer !== null && question.answer !== undefined ? String(question.answer) : ""
      };
    }
    if (kind === "matching") {
      var choiceIds = question.pairs.map(function (p) { return p.id; })
        .concat(question.distractors.map(function (d) { return d.id; }));
      var given = [];
      question.pairs.forEach(function (pair, i) {
        var c = response ? choiceIds.indexOf(response[pair.id]) : -1;
        if (c >= 0) { given.push(LETTERS.charAt(i) + "." + LETTERS.charAt(c)); }
      });
      return {
        type: "matching",
        response: given.join(","),
        pattern: question.pairs.map(function (p, i) { return LETTERS.charAt(i) + "." + LETTERS.charAt(i); }).join(",")
      };
    }
    var ids = question.items.map(function (item) { return item.id; });
    return {
      type: "sequencing",
      response: (response || []).map(function (id) { return LETTERS.charAt(ids.indexOf(id)); }).join(","),
      pattern: ids.map(function (id, i) { return LETTERS.charAt(i); }).join(",")
    };
  }

  function writeInteraction(n, answer, when, latency) {
    var base = "cmi.interactions." + n + ".";
    var described = describe(answer.question, answer.response);
    if (!set(base + "id", answer.question.id)) { return false; }
    if (answer.question.objective) { set(base + "objectives.0.id", answer.question.objective); }
    set(base + "time", clockTime(when));
    set(base + "type", described.type);
    if (described.pattern) { set(base + "correct_responses.0.pattern", described.pattern); }
    set(base + "weighting", decimal(answer.result.max));
    set(base + "student_response", described.response);
    set(base + "result", answer.result.status === "correct" ? "correct" : "wrong");
    set(base + "latency", latency);
    return true;
  }

  window.TrainerScorm = {
    start: function () {
      api = getAPI();
      if (!api) {
        return { connected: false, state: null, message: window.TrainerSay("js_no_lms") };
      }
      if (call("LMSInitialize", [""]) !== "true") {
        api = null;
        return { connected: false, state: null, message: window.TrainerSay("js_no_session") };
      }
      started = true;
      var status = get("cmi.core.lesson_status");
      var saved = get("cmi.suspend_data");
      if (status === "not attempted" || status === "") {
        set("cmi.core.lesson_status", "incomplete");
      }
      return { connected: true, state: saved || null, message: "" };
    },

    saveProgress: function (text) {
      if (!started || finished) { return; }
      set("cmi.suspend_data", text);
    },

    submit: function (report, text) {
      if (!started || finished) { return; }
      var count = parseInt(get("cmi.interactions._count"), 10);
      var n = isNaN(count) ? 0 : count;
      var latency = timespan(report.submitted_at - report.started_at);
      for (var i = 0; i < report.answers.length; i++) {
        if (!writeInteraction(n, report.answers[i], report.submitted_at, latency)) { break; }
        n += 1;
      }
      set("cmi.core.score.min", "0");
      set("cmi.core.score.max", "100");
      set("cmi.core.score.raw", decimal(report.percent));
      set("cmi.core.lesson_status", report.passed ? "passed" : "failed");
      set("cmi.suspend_data", text);
      call("LMSCommit", [""]);
    },

    leave: function (hasAnswers, submitted) {
      if (!started || finished) { return; }
      finished = true;
      if (hasAnswers) {
        if (!submitted) { set("cmi.core.exit", "suspend"); }
        set("cmi.core.session_time", timespan(Date.now() - startedAt));
        call("LMSCommit", [""]);
      }
      call("LMSFinish", [""]);
    }
  };
})();
