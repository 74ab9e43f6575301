/*
 * The quiz player of a module page in a SCORM package or the offline site.
 *
 * Reads the form into the response shapes of trainer.quiz.grading, grades with
 * window.TrainerGrading (js/grading.js, the port of the Python grader), shows the feedback that was
 * rendered into the page (hidden until submission), and hands progress and results to a reporter:
 * window.TrainerScorm (scorm_api.js: the LMS, when one is found) or window.TrainerSiteStore
 * (site_store.js: the browser's localStorage). Without either it still works, reporting nothing.
 *
 * Saved state (cmi.suspend_data or localStorage) is compact: {"v":1,"s":seed,"d":0|1,"r":[...]},
 * one short string per question (option letters, typed text, match letters, item order letters),
 * kept under MAX_STATE characters so it stays well inside SCORM 1.2's 4,096.
 *
 * The same player runs the offline site's pre-test and post-test (data.kind "pre"/"post": questions
 * from several modules, each naming its module; taken once, so no "Try again"). A reporter may
 * answer start() with `locked` ({message, href, link}): the quiz is not open yet (the site's
 * order: pre-test first, post-test last), and the form stays hidden.
 */
(function () {
  "use strict";

  var LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789";
  var MAX_STATE = 3000;
  var data = window.TrainerQuizData;
  var form = document.getElementById("quiz-form");
  if (!data || !form || !window.TrainerGrading) {
    return;
  }
  var reporter = window.TrainerScorm || window.TrainerSiteStore || null;
  var questions = data.questions;
  var kind = data.kind || "module";
  var fieldsets = Array.prototype.slice.call(form.querySelectorAll("fieldset.question"));
  var resultBox = document.getElementById("result");
  var scoreLine = document.getElementById("score");
  var lmsLine = document.getElementById("lms-status");
  var state = { v: 1, s: 0, d: 0, r: [] };
  var touched = false;
  var startedAt = new Date();

  function letter(i) { return LETTERS.charAt(i); }
  function indexOf(ch) { return LETTERS.indexOf(ch); }

  function inputs(fs, selector) {
    return Array.prototype.slice.call(fs.querySelectorAll(selector));
  }

  /* A small seeded generator (mulberry32) so a resumed attempt shows options in the same order. */
  function seeded(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function shuffleOptions(seed) {
    var random = seeded(seed);
    fieldsets.forEach(function (fs) {
      var box = fs.querySelector(".options");
      if (!box) { return; }
      var labels = inputs(box, "label.option");
      for (var i = labels.length - 1; i > 0; i--) {
        var j = Math.floor(random() * (i + 1));
        var tmp = labels[i]; labels[i] = labels[j]; labels[j] = tmp;
      }
      labels.forEach(function (label) { box.appendChild(label); });
    });
  }

  /* Read question i from the form as a grading response and as its compact saved string. */
  function read(i) {
    var fs = fieldsets[i];
    var q = questions[i].question;
    var kind = q.kind;
    if (kind === "single" || kind === "true_false") {
      var picked = fs.querySelector("input:checked");
      if (!picked) { return { response: null, compact: "" }; }
      var n = Number(picked.value);
      return { response: q.options[n].id, compact: letter(n) };
    }
    if (kind === "multiple") {
      var chosen = inputs(fs, "input:checked").map(function (el) { return Number(el.value); });
      chosen.sort(function (a, b) { return a - b; });
      return {
        response: chosen.map(function (n) { return q.options[n].id; }),
        compact: chosen.map(letter).join("")
      };
    }
    if (kind === "short_answer" || kind === "numeric") {
      var text = fs.querySelector("input").value;
      return { response: text.trim() === "" ? null : text, compact: text };
    }
    if (kind === "matching") {
      var choiceIds = q.pairs.map(function (p) { return p.id; })
        .concat(q.distractors.map(function (d) { return d.id; }));
      var response = {};
      var compact = "";
      var any = false;
      inputs(fs, "select").forEach(function (select) {
        var pair = q.pairs[Number(select.getAttribute("data-pair"))];
        if (select.value === "") { compact += "-"; return; }
        var c = Number(select.value);
        response[pair.id] = choiceIds[c];
        compact += letter(c);
        any = true;
      });
      return { response: any ? response : null, compact: any ? compact : "" };
    }
    if (kind === "ordering") {
      var order = inputs(fs, "li.order-item").map(function (li) { return Number(li.getAttribute("data-item")); });
      return {
        response: order.map(function (n) { return q.items[n].id; }),
        compact: fs.getAttribute("data-touched") ? order.map(letter).join("") : ""
      };
    }
    return { response: null, compact: "" };
  }

  /* Put a compact saved string back into the form. */
  function restore(i, compact) {
    var fs = fieldsets[i];
    var kind = questions[i].question.kind;
    if (!compact) { return; }
    if (kind === "single" || kind === "true_false" || kind === "multiple") {
      inputs(fs, "input").forEach(function (el) {
        el.checked = compact.indexOf(letter(Number(el.value))) >= 0;
      });
    } else if (kind === "short_answer" || kind === "numeric") {
      fs.querySelector("input").value = compact;
    } else if (kind === "matching") {
      inputs(fs, "select").forEach(function (select, k) {
        var ch = compact.charAt(k);
        select.value = ch && ch !== "-" ? String(indexOf(ch)) : "";
      });
    } else if (kind === "ordering") {
      var list = fs.querySelector("ol.order");
      var items = inputs(list, "li.order-item");
      compact.split("").forEach(function (ch) {
        items.forEach(function (li) {
          if (Number(li.getAttribute("data-item")) === indexOf(ch)) { list.appendChild(li); }
        });
      });
      fs.setAttribute("data-touched", "1");
    }
  }

  /* Serialise the state, shortening typed answers until it fits the budget. */
  function serialise() {
    state.r = fieldsets.map(function (fs, i) { return read(i).compact; });
    var text = JSON.stringify(state);
    var limit = 200;
    while (text.length > MAX_STATE && limit > 0) {
      limit = Math.floor(limit / 2);
      state.r = state.r.map(function (r, i) {
        var kind = questions[i].question.kind;
        return kind === "short_answer" || kind === "numeric" ? r.slice(0, limit) : r;
      });
      text = JSON.stringify(state);
    }
    if (text.length > MAX_STATE) {
      text = JSON.stringify({ v: 1, s: state.s, d: state.d, r: [] });
    }
    return text;
  }

  function parseState(text) {
    try {
      var parsed = JSON.parse(text);
      if (parsed && parsed.v === 1 && Array.isArray(parsed.r) && typeof parsed.s === "number") {
        return parsed;
      }
    } catch (e) { /* not ours, or damaged: start afresh */ }
    return null;
  }

  function hasAnswers() {
    return touched || state.d === 1;
  }

  function setHidden(el, hidden) { if (el) { el.hidden = hidden; } }

  function clearFeedback() {
    fieldsets.forEach(function (fs) {
      fs.classList.remove("is-correct", "is-partial", "is-wrong", "is-unanswered");
      setHidden(fs.querySelector(".feedback"), true);
      inputs(fs, ".option, .pair, .order-item").forEach(function (el) {
        el.classList.remove("right", "wrong", "missed");
      });
      inputs(fs, "input, select, button").forEach(function (el) { el.disabled = false; });
    });
    setHidden(resultBox, true);
  }

  var say = window.TrainerSay;

  function showFeedback(i, response, result) {
    var fs = fieldsets[i];
    var q = questions[i].question;
    var kind = q.kind;
    fs.classList.add("is-" + result.status);
    var box = fs.querySelector(".feedback");
    box.querySelector(".verdict").textContent = say("js_" + result.status) +
      " " + formatPoints(result.earned) + " / " + formatPoints(result.max);
    if (kind === "single" || kind === "true_false" || kind === "multiple") {
      var chosen = kind === "multiple" ? (response || []) : (response ? [response] : []);
      q.options.forEach(function (option, n) {
        var label = fs.querySelector('.option[data-option="' + n + '"]');
        var picked = chosen.indexOf(option.id) >= 0;
        if (option.correct) { label.classList.add(picked ? "right" : "missed"); }
        else if (picked) { label.classList.add("wrong"); }
        setHidden(fs.querySelector('[data-feedback="' + n + '"]'), !picked);
      });
    } else if (kind === "short_answer" || kind === "numeric") {
      setHidden(fs.querySelector(".wrong-feedback"), result.status === "correct");
      setHidden(fs.querySelector(".right-answer"), result.status === "correct");
    } else {
      /* Marks for display only; the points come from the grader. */
      if (kind === "matching") {
        inputs(fs, ".pair").forEach(function (label, k) {
          var id = q.pairs[k].id;
          label.classList.add(response && response[id] === id ? "right" : "wrong");
        });
      } else {
        inputs(fs, ".order-item").forEach(function (li, position) {
          var n = Number(li.getAttribute("data-item"));
          li.classList.add(n === position ? "right" : "wrong");
        });
      }
      setHidden(fs.querySelector(".right-answer"), result.status === "correct");
    }
    inputs(fs, "input, select, button").forEach(function (el) { el.disabled = true; });
    box.hidden = false;
  }

  function formatPoints(value) {
    return window.TrainerNumber(value, 2);
  }

  /* Grade every question; return the report a reporter records. */
  function gradeAll() {
    var earned = 0;
    var max = 0;
    var answers = fieldsets.map(function (fs, i) {
      var read_ = read(i);
      var result = window.TrainerGrading.grade(questions[i].question, read_.response);
      earned += result.earned;
      max += result.max;
      showFeedback(i, read_.response, result);
      return {
        index: i,
        module: questions[i].module || data.module,
        question: questions[i].question,
        hash: questions[i].hash,
        response: read_.response,
        result: result
      };
    });
    var percent = max > 0 ? Math.round((earned / max) * 10000) / 100 : 0;
    return {
      kind: kind,
      module: kind === "module" ? data.module : null,
      module_hash: kind === "module" ? data.module_hash : null,
      earned: Math.round(earned * 10000) / 10000,
      max: max,
      percent: percent,
      passed: percent >= data.pass_mark,
      started_at: startedAt,
      submitted_at: new Date(),
      answers: answers
    };
  }

  function showResult(report, announce) {
    scoreLine.textContent = say("js_score", {
      earned: formatPoints(report.earned), max: formatPoints(report.max),
      percent: window.TrainerNumber(report.percent, 1)
    }) + " " + (kind === "pre" ? "" : report.passed ? say("js_passed") :
      say("js_need", { mark: data.pass_mark }));
    resultBox.classList.toggle("passed", report.passed);
    resultBox.classList.toggle("failed", !report.passed);
    resultBox.hidden = false;
    form.querySelector("#submit").hidden = true;
    if (kind !== "module") { document.getElementById("retry").hidden = true; }
    if (announce) { resultBox.focus(); }
  }

  function onChange() {
    touched = true;
    if (reporter && state.d === 0) { reporter.saveProgress(serialise()); }
  }

  function move(button) {
    var li = button.closest("li");
    var list = li.parentNode;
    var step = Number(button.getAttribute("data-move"));
    if (step < 0 && li.previousElementSibling) {
      list.insertBefore(li, li.previousElementSibling);
    } else if (step > 0 && li.nextElementSibling) {
      list.insertBefore(li.nextElementSibling, li);
    }
    li.closest("fieldset").setAttribute("data-touched", "1");
    button.focus();
    onChange();
  }

  form.addEventListener("change", onChange);
  form.addEventListener("input", function () { touched = true; });
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-move]");
    if (button) { move(button); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    touched = true;
    var report = gradeAll();
    state.d = 1;
    showResult(report, true);
    if (reporter) { reporter.submit(report, serialise()); }
  });
  document.getElementById("retry").addEventListener("click", function () {
    clearFeedback();
    form.reset();
    state.d = 0;
    form.querySelector("#submit").hidden = false;
    fieldsets.forEach(function (fs) { fs.removeAttribute("data-touched"); });
    if (reporter) { reporter.saveProgress(serialise()); }
    fieldsets[0].querySelector("input, select, button").focus();
  });

  /* Say why the quiz is not open yet, with a link to what comes first (text only, no markup). */
  function showLocked(locked) {
    var box = document.getElementById("quiz-locked");
    document.getElementById("js-note").hidden = true;
    if (!box) { return; }
    box.textContent = locked.message + " ";
    if (locked.href) {
      var link = document.createElement("a");
      link.href = locked.href;
      link.textContent = locked.link;
      box.appendChild(link);
    }
    box.hidden = false;
  }

  function leave() {
    if (reporter) { reporter.leave(hasAnswers(), state.d === 1); }
  }
  window.addEventListener("pagehide", leave);
  window.addEventListener("beforeunload", leave);

  var start = reporter ? reporter.start(data) : { connected: false, state: null };
  if (start.locked) {
    showLocked(start.locked);
    return;
  }
  var saved = start.state ? parseState(start.state) : null;
  state.s = saved ? saved.s : Math.floor(Math.random() * 2147483647);
  if (data.shuffle) { shuffleOptions(state.s); }
  document.getElementById("js-note").hidden = true;
  form.hidden = false;
  if (saved) {
    saved.r.forEach(function (compact, i) { if (i < fieldsets.length) { restore(i, compact); } });
    touched = saved.r.some(function (r) { return r !== ""; });
    if (saved.d === 1) {
      state.d = 1;
      showResult(gradeAll(), false);
    }
  }
  if (lmsLine && start.message) { lmsLine.textContent = start.message; }
})();
