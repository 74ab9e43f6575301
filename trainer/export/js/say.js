/*
 * The player's words in the package's language. The exporter writes them above this code, as
 * window.TrainerStrings, from the interface catalogs (trainer/locales, through
 * trainer.export.package_pages.ui_text); TrainerSay(key, values) fills in `{name}` from values.
 */
(function () {
  "use strict";
  window.TrainerSay = function (key, values) {
    var text = (window.TrainerStrings || {})[key];
    if (typeof text !== "string") { return key; }
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  };
})();
