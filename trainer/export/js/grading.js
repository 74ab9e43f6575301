/*
 * grading.js: the browser port of trainer.quiz.grading.grade (Python), for the SCORM package and
 * the offline static site. Dependency-free; ES2017 plus Unicode property escapes (\p{M}, \p{P}).
 *
 * grade(question, response) -> {earned, max, status}
 *   question: the question as a plain object in the YAML shape (trainer/content/models.py).
 *   response: single/true_false: option id or null; multiple: array of option ids;
 *             short_answer/numeric: the typed text; matching: {pairId: chosenId};
 *             ordering: array of item ids in the learner's order.
 * The rules (partial credit, normalisation, number parsing, rounding) are those stated in the
 * docstrings of trainer/quiz/grading.py and trainer/quiz/normalise.py. tests/quiz/test_grading_js.py
 * checks that both give identical results on tests/data/grading_vectors.json: change both together.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module && module.exports) {
    module.exports = api;
  }
  if (typeof window !== "undefined") {
    window.TrainerGrading = api;
  }
})(this, function () {
  "use strict";

  var NUMERIC_SLACK = 1e-9;
  // Spelled out rather than \s because Python's and JavaScript's ideas of whitespace differ.
  var WS = "\\t\\n\\v\\f\\r \\x1c\\x1d\\x1e\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a" +
    "\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
  var WS_RUN = new RegExp("[" + WS + "]+", "g");
  var MARKS = new RegExp("\\p{M}", "gu");
  var ENDS = new RegExp("^[" + WS + "\\p{P}]+|[" + WS + "\\p{P}]+$", "gu");
  var NUMBER = /^([+\-\u2212]?)([0-9]{1,3}(?: [0-9]{3})+|[0-9]+)?(?:[.,]([0-9]+))?([\s\S]*)$/;
  // Where per-code-point toLowerCase() differs from Python's str.casefold() once the text is
  // NFKD-decomposed and stripped of marks (found by comparing every assigned code point).
  var FOLD = {
    "\u00df": "ss", "\u1e9e": "ss", "\u03c2": "\u03c3",
    "\u1c80": "\u0432", "\u1c81": "\u0434", "\u1c82": "\u043e", "\u1c83": "\u0441",
    "\u1c84": "\u0442", "\u1c85": "\u0442", "\u1c86": "\u044a", "\u1c87": "\u0463",
    "\u1c88": "\ua64b"
  };

  // Spelling variants, as _SPELLING_FOLD in normalise.py (after NFKD and mark removal): French
  // typographic apostrophes and hyphens, oe/ae ligatures; Arabic alef variants -> alef, taa marbuta
  // -> haa, alef maqsura and Farsi yeh -> yaa; tatweel and direction marks removed; Arabic-Indic
  // and Eastern Arabic-Indic digits -> 0-9.
  var SPELLING_FOLD = {
    "\u2019": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-", "\u0153": "oe", "\u0152": "oe",
    "\u00e6": "ae", "\u00c6": "ae",
    "\u0671": "\u0627", "\u0672": "\u0627", "\u0673": "\u0627", "\u0629": "\u0647",
    "\u0649": "\u064a", "\u06cc": "\u064a", "\u0640": "", "\u061c": "", "\u200e": "",
    "\u200f": "", "\u202a": "", "\u202b": "", "\u202c": "", "\u202d": "", "\u202e": "",
    "\u2066": "", "\u2067": "", "\u2068": "", "\u2069": ""
  };
  for (var digit = 0; digit < 10; digit += 1) {
    SPELLING_FOLD[String.fromCharCode(0x0660 + digit)] = String(digit);
    SPELLING_FOLD[String.fromCharCode(0x06f0 + digit)] = String(digit);
  }
  var SPELLING = /[\u2019\u02bc\u2010\u2011\u0153\u0152\u00e6\u00c6\u0671-\u0673\u0629\u0649\u06cc\u0640\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u0660-\u0669\u06f0-\u06f9]/g;
  // In numbers also: the Arabic decimal separator is a decimal point, the thousands separator a space.
  var NUMBER_FOLD = /[\u2019\u02bc\u2010\u2011\u0153\u0152\u00e6\u00c6\u0671-\u0673\u0629\u0649\u06cc\u0640\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u0660-\u0669\u06f0-\u06f9\u066b\u066c]/g;
  var NUMBER_SEPARATORS = { "\u066b": ".", "\u066c": " " };

  function foldSpelling(text, pattern) {
    return text.replace(pattern, function (c) {
      return Object.prototype.hasOwnProperty.call(NUMBER_SEPARATORS, c) ? NUMBER_SEPARATORS[c] :
        SPELLING_FOLD[c];
    });
  }

  // Cherokee case-folds to its capital letters (they were encoded first).
  function isCherokee(codePoint) {
    return (codePoint >= 0x13a0 && codePoint <= 0x13fd) ||
      (codePoint >= 0xab70 && codePoint <= 0xabbf);
  }

  function fold(text) {
    var out = "";
    var chars = Array.from(text);
    for (var i = 0; i < chars.length; i += 1) {
      var c = chars[i];
      if (Object.prototype.hasOwnProperty.call(FOLD, c)) {
        out += FOLD[c];
      } else if (isCherokee(c.codePointAt(0))) {
        out += c.toUpperCase();
      } else {
        out += c.toLowerCase();
      }
    }
    return out;
  }

  function normaliseText(text) {
    var bare = foldSpelling(text.normalize("NFKD").replace(MARKS, ""), SPELLING);
    return fold(bare).replace(WS_RUN, " ").replace(ENDS, "");
  }

  function parseNumber(text) {
    var arabic = foldSpelling(text.normalize("NFKD"), NUMBER_FOLD);
    var trimmed = arabic.replace(WS_RUN, " ").replace(/^ +| +$/g, "");
    var match = NUMBER.exec(trimmed);
    if (match === null) {
      return null;
    }
    var whole = match[2];
    var fraction = match[3];
    if (whole === undefined && fraction === undefined) {
      return null;
    }
    if (/[0-9]/.test(match[4])) {
      return null;
    }
    var value = Number((whole === undefined ? "0" : whole.replace(/ /g, "")) + "." +
      (fraction === undefined ? "0" : fraction));
    if (!isFinite(value)) {
      return null;
    }
    return match[1] === "-" || match[1] === "\u2212" ? -value : value;
  }

  function isObject(value) {
    return typeof value === "object" && value !== null && !Array.isArray(value);
  }

  function isBlank(response) {
    return response === null || response === undefined || response === "" ||
      (Array.isArray(response) && response.length === 0) ||
      (isObject(response) && Object.keys(response).length === 0);
  }

  // Returns the response as an array of distinct strings, or null when it is not one.
  function stringList(response) {
    if (!Array.isArray(response)) {
      return null;
    }
    var seen = new Set();
    for (var i = 0; i < response.length; i += 1) {
      if (typeof response[i] !== "string" || seen.has(response[i])) {
        return null;
      }
      seen.add(response[i]);
    }
    return response.slice();
  }

  function ids(list) {
    return (list || []).map(function (entry) { return entry.id; });
  }

  var MALFORMED = 0;
  var UNANSWERED = null;

  function gradeChoice(question, response) {
    var optionIds = new Set(ids(question.options));
    var rightIds = new Set(question.options.filter(function (option) {
      return option.correct === true;
    }).map(function (option) { return option.id; }));
    if (question.kind === "multiple") {
      var chosen = stringList(response);
      if (chosen === null || !chosen.every(function (id) { return optionIds.has(id); })) {
        return MALFORMED;
      }
      var rightCount = chosen.filter(function (id) { return rightIds.has(id); }).length;
      var wrongCount = chosen.length - rightCount;
      return rightIds.size === 0 ? 0 : Math.max(0, (rightCount - wrongCount) / rightIds.size);
    }
    if (typeof response !== "string" || !optionIds.has(response)) {
      return MALFORMED;
    }
    return rightIds.has(response) ? 1 : 0;
  }

  function gradeShortAnswer(question, response) {
    if (typeof response !== "string") {
      return MALFORMED;
    }
    var typed = normaliseText(response);
    if (typed === "") {
      return UNANSWERED;
    }
    return question.accepted.some(function (answer) {
      return normaliseText(answer) === typed;
    }) ? 1 : 0;
  }

  function within(value, low, high) {
    return low - NUMERIC_SLACK * Math.max(1, Math.abs(low)) <= value &&
      value <= high + NUMERIC_SLACK * Math.max(1, Math.abs(high));
  }

  function gradeNumeric(question, response) {
    if (typeof response !== "string") {
      return MALFORMED;
    }
    if (normaliseText(response) === "") {
      return UNANSWERED;
    }
    var value = parseNumber(response);
    if (value === null) {
      return 0;
    }
    var bounds = [];
    if (typeof question.answer === "number") {
      var tolerance = Math.abs(typeof question.tolerance === "number" ? question.tolerance : 0);
      bounds.push([question.answer - tolerance, question.answer + tolerance]);
    }
    if (isObject(question.range)) {
      bounds.push([question.range.min, question.range.max]);
    }
    return bounds.some(function (b) { return within(value, b[0], b[1]); }) ? 1 : 0;
  }

  function gradeMatching(question, response) {
    var pairIds = ids(question.pairs);
    var pairSet = new Set(pairIds);
    var choiceIds = new Set(pairIds.concat(ids(question.distractors)));
    if (!isObject(response)) {
      return MALFORMED;
    }
    var keys = Object.keys(response);
    var given = new Map();
    for (var i = 0; i < keys.length; i += 1) {
      if (!pairSet.has(keys[i])) {
        return MALFORMED;
      }
    }
    for (var j = 0; j < keys.length; j += 1) {
      var chosen = response[keys[j]];
      if (chosen === null || chosen === undefined || chosen === "") {
        continue;
      }
      if (typeof chosen !== "string" || !choiceIds.has(chosen)) {
        return MALFORMED;
      }
      given.set(keys[j], chosen);
    }
    if (given.size === 0) {
      return UNANSWERED;
    }
    var right = pairIds.filter(function (id) { return given.get(id) === id; }).length;
    return right / pairIds.length;
  }

  function gradeOrdering(question, response) {
    var right = ids(question.items);
    var order = stringList(response);
    if (order === null || order.length !== right.length) {
      return MALFORMED;
    }
    var itemSet = new Set(right);
    if (!order.every(function (id) { return itemSet.has(id); })) {
      return MALFORMED;
    }
    var scoring = question.scoring === undefined || question.scoring === null ?
      "relative_to_next" : question.scoring;
    if (scoring === "position") {
      var inPlace = right.filter(function (id, index) { return order[index] === id; }).length;
      return inPlace / right.length;
    }
    if (scoring === "longest_ordered_subset") {
      var kept = longestOrderedSubset(order.map(function (id) { return right.indexOf(id); }));
      return kept >= 2 ? kept / right.length : 0;
    }
    if (scoring !== "relative_to_next") {
      throw new Error("unknown ordering scoring: " + String(scoring));
    }
    var followed = 0;
    for (var i = 0; i + 1 < order.length; i += 1) {
      var rank = right.indexOf(order[i]);
      if (rank + 1 < right.length && right[rank + 1] === order[i + 1]) {
        followed += 1;
      }
    }
    return followed / (right.length - 1);
  }

  // The length of a longest increasing subsequence of ranks (as _longest_ordered_subset in
  // grading.py, which also returns which items it keeps).
  function longestOrderedSubset(ranks) {
    var length = ranks.map(function () { return 1; });
    var best = 0;
    for (var i = 0; i < ranks.length; i += 1) {
      for (var j = 0; j < i; j += 1) {
        if (ranks[j] < ranks[i] && length[j] + 1 > length[i]) {
          length[i] = length[j] + 1;
        }
      }
      best = Math.max(best, length[i]);
    }
    return best;
  }

  var GRADERS = {
    single: gradeChoice,
    true_false: gradeChoice,
    multiple: gradeChoice,
    short_answer: gradeShortAnswer,
    numeric: gradeNumeric,
    matching: gradeMatching,
    ordering: gradeOrdering
  };

  // Half-up on the exact binary value, like Python's Decimal(x).quantize(..., ROUND_HALF_UP).
  function round4(value) {
    return Number(value.toFixed(4));
  }

  function grade(question, response) {
    var points = typeof question.points === "number" ? question.points : 1;
    var grader = Object.prototype.hasOwnProperty.call(GRADERS, question.kind) ?
      GRADERS[question.kind] : null;
    if (grader === null) {
      throw new Error("unknown question kind: " + String(question.kind));
    }
    var fraction = isBlank(response) ? UNANSWERED : grader(question, response);
    if (fraction === UNANSWERED) {
      return { earned: 0, max: points, status: "unanswered" };
    }
    var status = fraction >= 1 ? "correct" : fraction > 0 ? "partial" : "wrong";
    return { earned: round4(points * fraction), max: points, status: status };
  }

  return {
    grade: grade,
    normaliseText: normaliseText,
    parseNumber: parseNumber
  };
});
