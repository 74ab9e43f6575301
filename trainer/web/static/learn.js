/* Enhancement only: every page works without this file.

   On a quiz page: answers are saved as the trainee goes (a moment after each change, and when the
   page is hidden or left), with a visible "Saved" / "Not saved yet - offline" state; while the
   network is down they are kept in this browser (localStorage) and sent when it returns. A save
   speaks only for the questions changed since the last confirmed one (`fields`), each with its
   sequence number (the time of its change in ms, always increasing): the server keeps, field by
   field, the newest. So two tabs of one attempt never clear each other's answers, and each
   shows what the other changes (the kept save is shared through localStorage, whose "storage"
   event reaches the other tabs). Enter in a text box moves on to the next question instead of
   sending the form. The count of answered questions and the question navigator follow the answers live. Ordering
   questions become a list with "Move up" / "Move down" buttons (the drop-downs stay in the form,
   hidden, and carry the answer).

   On the review page: the final button sends once (a double click submits once). */
(function () {
  "use strict";

  var finalForm = document.querySelector("form[data-final]");
  if (finalForm) {
    finalForm.addEventListener("submit", function () {
      var button = finalForm.querySelector("[data-submit]");
      // Disable after this event, so the button's own value is still sent.
      if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
    });
  }

  var form = document.querySelector("form[data-quiz]");
  if (!form) { return; }

  var SAVE_DELAY_MS = 1200;
  var RETRY_MS = 10000;
  var key = "trainer-draft:" + form.getAttribute("data-attempt");
  var stateBox = document.querySelector("[data-save-state]");
  var countBox = document.querySelector("[data-answered-count]");
  var lastSeq = Number(form.getAttribute("data-seq")) || 0;
  var timer = null;
  var retry = null;
  var inFlight = false;
  var again = false;
  var closed = false;
  var sending = false;
  var serverStates = {};
  var page = form.querySelector("input[name='page']").value;
  var touched = {};  // field name → sequence number: changed in this tab since its last confirmed save
  var touchedSeq = 0;

  function message(name) { return form.getAttribute("data-msg-" + name) || ""; }

  function setState(text, kind) {
    if (!stateBox) { return; }
    stateBox.textContent = text;
    stateBox.setAttribute("data-kind", kind);
  }

  // The answer fields' names in `root` (the form, or one question's fieldset), each once.
  function fieldNames(root) {
    var names = [];
    Array.prototype.forEach.call(root.querySelectorAll("[name]"), function (el) {
      if (/^q\d/.test(el.name) && names.indexOf(el.name) < 0) { names.push(el.name); }
    });
    return names;
  }

  function snapshot() {
    var values = {};
    fieldNames(form).forEach(function (name) { values[name] = []; });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !Object.prototype.hasOwnProperty.call(values, el.name)) { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      if (el.value !== "") { values[el.name].push(el.value); }
    });
    return values;
  }

  function restore(values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !Object.prototype.hasOwnProperty.call(values, el.name)) { return; }
      var given = values[el.name] || [];
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = given.indexOf(el.value) >= 0;
      } else {
        el.value = given.length ? given[0] : "";
      }
    });
  }

  // What is kept until the server confirms it: {seq, fields: {name: seq}, values: {name:
  // [values]}}, one per attempt, shared by this browser's tabs of it.
  function remember(seq, fields, values) {
    try {
      window.localStorage.setItem(key, JSON.stringify({ seq: seq, fields: fields, values: values }));
    } catch (error) { /* storage full or refused: the server copy is the only one */ }
  }

  function keptFields(kept) {
    if (!kept || !kept.values) { return {}; }
    if (kept.fields && !Array.isArray(kept.fields)) { return kept.fields; }
    var fields = {};  // kept by an older page: a whole page, changed at kept.seq
    Object.keys(kept.values).forEach(function (name) { fields[name] = kept.seq; });
    return fields;
  }

  function fieldsParameter(fields) {
    return Object.keys(fields).map(function (name) { return name + ":" + fields[name]; }).join(" ");
  }

  function remembered() {
    try {
      var raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch (error) { return null; }
  }

  function forget(seq) {
    var kept = remembered();
    if (kept && kept.seq <= seq) {
      try { window.localStorage.removeItem(key); } catch (error) { /* nothing kept */ }
    }
  }

  // -- where the trainee is: count and navigator ---------------------------------------------
  function localState(fieldset) {
    var kind = fieldset.getAttribute("data-kind");
    var inputs = fieldset.querySelectorAll("input[name^='q'], select[name^='q']");
    if (kind === "matching" || kind === "ordering") {
      var filled = 0;
      var seen = {};
      var repeated = false;
      Array.prototype.forEach.call(inputs, function (el) {
        if (el.value) {
          filled += 1;
          if (seen[el.value]) { repeated = true; }
          seen[el.value] = true;
        }
      });
      if (filled === 0) { return "unanswered"; }
      if ((kind === "ordering" && repeated) || filled < inputs.length) { return "attention"; }
      return "answered";
    }
    var answered = Array.prototype.some.call(inputs, function (el) {
      if (el.type === "radio" || el.type === "checkbox") { return el.checked; }
      return el.value.trim() !== "";
    });
    return answered ? "answered" : "unanswered";
  }

  function showProgress() {
    var fieldsets = form.querySelectorAll("fieldset[data-question]");
    var local = {};
    Array.prototype.forEach.call(fieldsets, function (fieldset) {
      local[fieldset.getAttribute("data-question")] = localState(fieldset);
    });
    var links = document.querySelectorAll("[data-nav]");
    var answered = 0;
    Array.prototype.forEach.call(links, function (link) {
      var number = link.getAttribute("data-nav");
      var state = Object.prototype.hasOwnProperty.call(local, number) ? local[number] :
        serverStates[number] || (/--answered|--attention/.test(link.className) ?
          (link.className.indexOf("--attention") >= 0 ? "attention" : "answered") : "unanswered");
      // A number box holding text: only the server's parser says so.
      if (state === "answered" && serverStates[number] === "attention") { state = "attention"; }
      if (state === "answered") { answered += 1; }
      link.className = "navigator__link navigator__link--" + state;
      var label = link.querySelector("[data-nav-state]");
      if (label) { label.textContent = " " + message("state-" + state); }
    });
    if (countBox && links.length) {
      countBox.textContent = message("answered").replace("9999", String(answered))
        .replace("8888", String(links.length));
    }
  }

  // -- saving -------------------------------------------------------------------------------
  function send(options) {
    if (closed) { return; }
    var kept = remembered();
    if (!kept || kept.seq <= lastSeq) { return; }
    if (inFlight) { again = true; return; }
    inFlight = true;
    var body = new FormData();
    body.append("csrf_token", form.querySelector("input[name='csrf_token']").value);
    var fields = keptFields(kept);
    body.append("page", page);
    body.append("seq", String(kept.seq));
    body.append("fields", fieldsParameter(fields));
    Object.keys(fields).forEach(function (name) {
      (kept.values[name] || []).forEach(function (value) { body.append(name, value); });
    });
    setState(message("saving"), "saving");
    window.fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }, keepalive: Boolean(options && options.keepalive)
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (answer) {
      inFlight = false;
      var data = answer.data || {};
      if (answer.status === 409) {
        closed = true;
        try { window.localStorage.removeItem(key); } catch (error) { /* nothing kept */ }
        setState(data.message || "", "closed");
        return;
      }
      if (answer.status !== 200) {
        setState(data.message || message("error"), "error");
        return;
      }
      lastSeq = Math.max(lastSeq, Number(data.seq) || 0);
      if (touchedSeq <= kept.seq) { touched = {}; }
      forget(kept.seq);
      serverStates = data.states || {};
      setState(data.message || "", "saved");
      showProgress();
      if (again) { again = false; send(); }
    }).catch(function () {
      inFlight = false;
      setState(message(navigator.onLine === false ? "offline" : "error"), "offline");
      scheduleRetry();
    });
  }

  function scheduleRetry() {
    if (retry !== null) { return; }
    retry = window.setTimeout(function () { retry = null; send(); }, RETRY_MS);
  }

  // `target`: the element changed, or the question's fieldset; the whole question is saved.
  function changed(target) {
    var fieldset = target && target.closest ? target.closest("fieldset[data-question]") : null;
    if (!fieldset) { return; }
    var seq = Math.max(Date.now(), lastSeq + 1);
    var kept = remembered();
    if (kept && kept.seq >= seq) { seq = kept.seq + 1; }
    var fields = keptFields(kept);
    var values = kept && kept.values ? kept.values : {};
    var now = snapshot();
    fieldNames(fieldset).forEach(function (name) {
      values[name] = now[name] || [];
      fields[name] = seq;
      touched[name] = seq;
    });
    touchedSeq = seq;
    remember(seq, fields, values);
    showProgress();
    if (timer !== null) { window.clearTimeout(timer); }
    timer = window.setTimeout(function () { timer = null; send(); }, SAVE_DELAY_MS);
  }

  function flush(keepalive) {
    if (timer !== null) { window.clearTimeout(timer); timer = null; }
    send({ keepalive: keepalive });
  }

  form.addEventListener("change", function (event) { changed(event.target); });
  form.addEventListener("input", function (event) {
    if (event.target && event.target.type === "text") { changed(event.target); }
  });
  form.addEventListener("submit", function () {
    // The page's own buttons save (and move on), speaking for what this tab changed since its
    // last confirmed save only. What is kept here stays until a newer save is confirmed: if this
    // post never arrives (offline), the next page view sends it.
    sending = true;
    var named = form.querySelector("input[name='fields']");
    if (!named) {
      named = document.createElement("input");
      named.type = "hidden";
      named.name = "fields";
      form.appendChild(named);
    }
    named.value = fieldsParameter(touched);
  });
  // Another tab of this attempt changed an answer: show it here too (an ordering list keeps
  // what it shows: its next move saves this tab's order).
  window.addEventListener("storage", function (event) {
    if (event.key !== key || !event.newValue) { return; }
    var kept;
    try { kept = JSON.parse(event.newValue); } catch (error) { return; }
    var values = {};
    Object.keys(keptFields(kept)).forEach(function (name) {
      var el = form.elements[name];
      var control = el && (el.length && !el.tagName ? el[0] : el);
      var fieldset = control && control.closest ? control.closest("fieldset[data-question]") : null;
      if (fieldset && !(fieldset.getAttribute("data-kind") === "ordering" &&
                        fieldset.querySelector(".order-list"))) {
        values[name] = kept.values[name] || [];
      }
    });
    restore(values);
    showProgress();
  });
  window.addEventListener("online", function () { send(); });
  window.addEventListener("offline", function () { setState(message("offline"), "offline"); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && !sending) { flush(true); }
  });
  window.addEventListener("pagehide", function () { if (!sending) { flush(true); } });

  // Enter in a text box: never send the form; go on to the next question instead.
  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || !target || target.tagName !== "INPUT" || target.type !== "text") {
      return;
    }
    event.preventDefault();
    changed(target);
    var fieldset = target.closest("fieldset[data-question]");
    var next = fieldset && fieldset.nextElementSibling;
    while (next && !next.matches("fieldset[data-question]")) { next = next.nextElementSibling; }
    var control = next && next.querySelector("input, select, button");
    if (control) { control.focus(); }
  });

  // -- ordering: a list with move buttons ---------------------------------------------------
  function enhanceOrdering(fieldset) {
    var selects = Array.prototype.slice.call(fieldset.querySelectorAll("select"));
    if (!selects.length) { return; }
    var pairs = fieldset.querySelector(".pairs");
    var hint = fieldset.querySelector(".hint");
    var choices = Array.prototype.slice.call(selects[0].options)
      .filter(function (option) { return option.value !== ""; })
      .map(function (option) { return { token: option.value, text: option.textContent }; });
    var chosen = selects.map(function (select) { return select.value; });
    var complete = chosen.every(function (value) { return value; }) &&
      new Set(chosen).size === chosen.length;
    var order = complete ? chosen.map(function (token) {
      return choices.filter(function (c) { return c.token === token; })[0];
    }) : choices.slice();
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    var list = document.createElement("ol");
    list.className = "order-list";
    if (hint) { hint.textContent = fieldset.getAttribute("data-hint-list") || hint.textContent; }
    pairs.hidden = true;

    function commit() {
      order.forEach(function (item, index) { selects[index].value = item.token; });
      changed(fieldset);
    }

    function render(focusToken, focusDirection) {
      list.textContent = "";
      order.forEach(function (item, index) {
        var li = document.createElement("li");
        li.className = "order-list__item";
        var text = document.createElement("span");
        text.className = "order-list__text";
        text.textContent = item.text;
        li.appendChild(text);
        [["up", -1, "↑"], ["down", 1, "↓"]].forEach(function (spec) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "order-list__move";
          button.setAttribute("data-move", spec[0]);
          button.setAttribute("aria-label", message(spec[0]) + ": " + item.text);
          button.textContent = spec[2];
          var target = index + spec[1];
          if (target < 0 || target >= order.length) { button.disabled = true; }
          button.addEventListener("click", function () {
            var moved = order.splice(index, 1)[0];
            order.splice(target, 0, moved);
            commit();
            render(moved.token, spec[0]);
            live.textContent = message("moved").replace("{item}", moved.text)
              .replace("9999", String(target + 1)).replace("8888", String(order.length));
          });
          li.appendChild(button);
        });
        list.appendChild(li);
        if (item.token === focusToken) {
          var same = li.querySelector("[data-move='" + focusDirection + "']");
          var other = li.querySelector("[data-move]:not([disabled])");
          (same && !same.disabled ? same : other).focus();
        }
      });
    }

    render(null, null);
    pairs.parentNode.insertBefore(list, pairs);
    pairs.parentNode.insertBefore(live, pairs);
    if (!complete) {
      var keep = document.createElement("button");
      keep.type = "button";
      keep.className = "button button--secondary order-list__keep";
      keep.textContent = fieldset.getAttribute("data-keep-label") || "OK";
      keep.addEventListener("click", function () {
        commit();
        keep.remove();
      });
      list.addEventListener("click", function () { if (keep.parentNode) { keep.remove(); } });
      pairs.parentNode.insertBefore(keep, pairs);
    }
  }

  // A save kept in this browser that the server has not seen (offline, or the tab was closed
  // first): put it back in the form and send it.
  var pending = remembered();
  if (pending && pending.seq > lastSeq && pending.values) {
    restore(pending.values);  // only the fields of this page are put back
    var pendingFields = keptFields(pending);
    Object.keys(pendingFields).forEach(function (name) {
      if (form.elements[name]) { touched[name] = pendingFields[name]; }
    });
    touchedSeq = pending.seq;
    send();
  }
  Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-kind='ordering']"),
    enhanceOrdering);
  showProgress();
  form.setAttribute("data-enhanced", "");  // saving, the count and the lists are live
}());
