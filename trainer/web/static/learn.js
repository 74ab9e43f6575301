/* Enhancement only: every page works without this file. A submitted quiz form disables its
   button (a double click sends once), and leaving a quiz with answers asks first. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-quiz]");
  if (!form) { return; }
  var dirty = false;
  var sending = false;
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () {
    sending = true;
    var button = form.querySelector("[data-submit]");
    if (button) {
      // Disable after this event, so the button's own value is still sent.
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !sending) { event.preventDefault(); event.returnValue = ""; }
  });
}());
