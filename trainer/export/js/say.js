/*
 * The player's words in the package's language. The exporter writes them above this code, as
 * window.TrainerStrings, from the interface catalogs (trainer/locales, through
 * trainer.export.package_pages.ui_text); TrainerSay(key, values) fills in `{name}` from values,
 * TrainerNumber(value, decimals) writes a number in the package's language.
 */
(function () {
  "use strict";
  // A number as the package's language writes it: rounded half up to `decimals` places (as the
  // server rounds: 37.25 % reads 37.3), with the language's decimal sign (js_decimal).
  window.TrainerNumber = function (value, decimals) {
    var rounded = Number(Math.round(Number(value + "e" + decimals)) + "e-" + decimals);
    var sign = (window.TrainerStrings || {}).js_decimal || ".";
    return String(rounded).replace(".", sign);
  };
  window.TrainerSay = function (key, values) {
    var text = (window.TrainerStrings || {})[key];
    if (typeof text !== "string") { return key; }
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  };
})();
