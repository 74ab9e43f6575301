/*
 * A small, strict SCORM 1.2 run-time for the browser tests (the test's fake LMS).
 *
 * Implements window.API (LMSInitialize ... LMSGetDiagnostic) over the SCORM 1.2 data model only:
 * any element name outside SCORM 1.2 is refused with error 401, read-only and write-only rules are
 * enforced (403/404), vocabularies and formats are checked (405), and every call is recorded in
 * window.lmsCalls as [name, arg1, arg2, result]. With ?runtime=scorm-again, window.API is instead
 * scorm-again's Scorm12API (a real, independent implementation), wrapped so calls are recorded too.
 *
 * The starting data can be given with window.LMS_INITIAL (an object of cmi values, set by the test
 * before the page loads). The SCO to launch is ?sco=<relative path>, framed in #sco.
 */
(function () {
  "use strict";

  var params = new URLSearchParams(window.location.search);
  var calls = [];
  window.lmsCalls = calls;

  var RO = "ro", WO = "wo", RW = "rw";
  var ELEMENTS = [
    [/^cmi\.core\._children$/, RO], [/^cmi\.core\.student_id$/, RO], [/^cmi\.core\.student_name$/, RO],
    [/^cmi\.core\.lesson_location$/, RW], [/^cmi\.core\.credit$/, RO], [/^cmi\.core\.lesson_status$/, RW],
    [/^cmi\.core\.entry$/, RO], [/^cmi\.core\.score\._children$/, RO], [/^cmi\.core\.score\.(raw|min|max)$/, RW],
    [/^cmi\.core\.total_time$/, RO], [/^cmi\.core\.lesson_mode$/, RO], [/^cmi\.core\.exit$/, WO],
    [/^cmi\.core\.session_time$/, WO], [/^cmi\.suspend_data$/, RW], [/^cmi\.launch_data$/, RO],
    [/^cmi\.comments$/, RW], [/^cmi\.comments_from_lms$/, RO],
    [/^cmi\.student_data\.(mastery_score|max_time_allowed|time_limit_action)$/, RO],
    [/^cmi\.interactions\._children$/, RO], [/^cmi\.interactions\._count$/, RO],
    [/^cmi\.interactions\.\d+\.(id|time|type|weighting|student_response|result|latency)$/, WO],
    [/^cmi\.interactions\.\d+\.objectives\._count$/, RO],
    [/^cmi\.interactions\.\d+\.objectives\.\d+\.id$/, WO],
    [/^cmi\.interactions\.\d+\.correct_responses\._count$/, RO],
    [/^cmi\.interactions\.\d+\.correct_responses\.\d+\.pattern$/, WO]
  ];
  var FORMATS = {
    "cmi.core.lesson_status": /^(passed|completed|failed|incomplete|browsed)$/,
    "cmi.core.exit": /^(time-out|suspend|logout|)$/,
    "cmi.core.session_time": /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/,
    "cmi.core.score.raw": /^\d{1,3}(\.\d+)?$/,
    "cmi.core.score.min": /^\d{1,3}(\.\d+)?$/,
    "cmi.core.score.max": /^\d{1,3}(\.\d+)?$/,
    "cmi.suspend_data": /^[\s\S]{0,4096}$/,
    id: /^[\x21-\x7e]{1,255}$/,
    time: /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?$/,
    type: /^(true-false|choice|fill-in|matching|performance|sequencing|likert|numeric)$/,
    weighting: /^-?\d+(\.\d+)?$/,
    student_response: /^[\s\S]{0,255}$/,
    result: /^(correct|wrong|unanticipated|neutral|-?\d+(\.\d+)?)$/,
    latency: /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/,
    pattern: /^[\s\S]{0,255}$/
  };

  function strictApi() {
    var initial = window.LMS_INITIAL || {};
    var data = {
      "cmi.core._children": "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time",
      "cmi.core.score._children": "raw,min,max",
      "cmi.interactions._children": "id,objectives,time,type,correct_responses,weighting,student_response,result,latency",
      "cmi.core.student_id": "p-001",
      "cmi.core.student_name": "Participant, Test",
      "cmi.core.lesson_location": "",
      "cmi.core.credit": "credit",
      "cmi.core.lesson_status": "not attempted",
      "cmi.core.entry": "ab-initio",
      "cmi.core.score.raw": "", "cmi.core.score.min": "", "cmi.core.score.max": "",
      "cmi.core.total_time": "0000:00:00.00",
      "cmi.core.lesson_mode": "normal",
      "cmi.suspend_data": "",
      "cmi.launch_data": "",
      "cmi.comments": "", "cmi.comments_from_lms": "",
      "cmi.student_data.mastery_score": "", "cmi.student_data.max_time_allowed": "",
      "cmi.student_data.time_limit_action": ""
    };
    Object.keys(initial).forEach(function (key) { data[key] = initial[key]; });
    var interactions = [];
    var state = "new";
    var lastError = "0";
    window.lmsData = data;
    window.lmsInteractions = interactions;

    function fail(code, value) { lastError = code; return value; }
    function rule(element) {
      for (var i = 0; i < ELEMENTS.length; i++) { if (ELEMENTS[i][0].test(element)) { return ELEMENTS[i][1]; } }
      return null;
    }
    return {
      LMSInitialize: function (arg) {
        if (arg !== "") { return fail("201", "false"); }
        if (state !== "new") { return fail("101", "false"); }
        state = "running"; lastError = "0"; return "true";
      },
      LMSFinish: function (arg) {
        if (arg !== "") { return fail("201", "false"); }
        if (state !== "running") { return fail("301", "false"); }
        state = "finished"; lastError = "0"; return "true";
      },
      LMSCommit: function (arg) {
        if (arg !== "") { return fail("201", "false"); }
        if (state !== "running") { return fail("301", "false"); }
        lastError = "0"; return "true";
      },
      LMSGetValue: function (element) {
        if (state !== "running") { return fail("301", ""); }
        var access = rule(element);
        if (access === null) { return fail("401", ""); }
        if (access === WO) { return fail("404", ""); }
        lastError = "0";
        if (element === "cmi.interactions._count") { return String(interactions.length); }
        var m = /^cmi\.interactions\.(\d+)\.(objectives|correct_responses)\._count$/.exec(element);
        if (m) {
          var it = interactions[Number(m[1])];
          return String(it ? Object.keys(it[m[2]]).length : 0);
        }
        return data[element] === undefined ? "" : data[element];
      },
      LMSSetValue: function (element, value) {
        if (state !== "running") { return fail("301", "false"); }
        var access = rule(element);
        if (access === null) { return fail("401", "false"); }
        if (access === RO) { return fail("403", "false"); }
        if (typeof value !== "string") { return fail("405", "false"); }
        var m = /^cmi\.interactions\.(\d+)\.(.+)$/.exec(element);
        if (m) {
          var n = Number(m[1]);
          if (n > interactions.length) { return fail("201", "false"); }
          if (n === interactions.length) {
            if (m[2] !== "id") { return fail("201", "false"); }
            interactions.push({ objectives: {}, correct_responses: {} });
          }
          var leaf = m[2].split(".").pop();
          if (FORMATS[leaf] && !FORMATS[leaf].test(value)) { return fail("405", "false"); }
          var sub = /^(objectives|correct_responses)\.(\d+)\.(id|pattern)$/.exec(m[2]);
          if (sub) { interactions[n][sub[1]][sub[2]] = value; } else { interactions[n][m[2]] = value; }
          lastError = "0"; return "true";
        }
        if (FORMATS[element] && !FORMATS[element].test(value)) { return fail("405", "false"); }
        if (/^cmi\.core\.score\./.test(element) && Number(value) > 100) { return fail("405", "false"); }
        data[element] = value;
        lastError = "0"; return "true";
      },
      LMSGetLastError: function () { return lastError; },
      LMSGetErrorString: function (code) { return "error " + code; },
      LMSGetDiagnostic: function (code) { return "diagnostic " + code; }
    };
  }

  function recorded(api) {
    var names = ["LMSInitialize", "LMSFinish", "LMSCommit", "LMSGetValue", "LMSSetValue",
      "LMSGetLastError", "LMSGetErrorString", "LMSGetDiagnostic"];
    var wrapper = {};
    names.forEach(function (name) {
      wrapper[name] = function () {
        var args = Array.prototype.slice.call(arguments);
        var result = api[name].apply(api, args);
        var entry = [name].concat(args);
        entry.push(String(result));
        calls.push(entry);
        return result;
      };
    });
    return wrapper;
  }

  var runtime = params.get("runtime") || "strict";
  var inner = null;
  if (runtime === "scorm-again") {
    inner = new window.Scorm12API({ logLevel: 5, autocommit: false });
    window.scormAgain = inner;
    var start = window.LMS_INITIAL || {};
    if (Object.keys(start).length) {
      var cmi = { core: {} };
      if (start["cmi.suspend_data"]) { cmi.suspend_data = start["cmi.suspend_data"]; }
      if (start["cmi.core.entry"]) { cmi.core.entry = start["cmi.core.entry"]; }
      if (start["cmi.core.lesson_status"]) { cmi.core.lesson_status = start["cmi.core.lesson_status"]; }
      inner.loadFromJSON(cmi);
    }
  } else {
    inner = strictApi();
  }
  window.API = recorded(inner);

  var sco = params.get("sco") || "";
  if (/^[a-z0-9]+\/index\.html$/.test(sco)) {
    document.getElementById("sco").src = "pkg/" + sco;
  }
})();
