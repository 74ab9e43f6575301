// Test runner for trainer/export/js/grading.js: reads {"script": path, "calls": [[fn, args...]]}
// as JSON on stdin and writes the list of results as JSON on stdout (used by test_grading_js.py).
"use strict";
const fs = require("fs");

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const grading = require(request.script);
const results = request.calls.map(([fn, ...args]) => grading[fn](...args));
process.stdout.write(JSON.stringify(results));
