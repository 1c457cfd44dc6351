/* Page behaviours shared by every screen, kept out of the templates so the
 * Content-Security-Policy can forbid inline script (script-src 'self').
 *
 * - Alpine components (the CSP build of Alpine evaluates only simple expressions;
 *   anything longer lives here and templates name it: x-data="criteriaCount").
 * - data-confirm="..." on a form (submit) or a button (click): ask first.
 * - data-check-all="SELECTOR" on a checkbox: (un)tick every box it names.
 * - data-geolocate="LAT_ID LNG_ID" on a button: fill the fields with the GPS fix.
 */
(function () {
  "use strict";

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;

    // Poverty criteria form: how many of the 14 criteria are ticked.
    Alpine.data("criteriaCount", function () {
      return {
        n: 0,
        init: function () { this.count(); },
        count: function () { this.n = this.$root.querySelectorAll("input.criterion:checked").length; }
      };
    });

    // "Pilih semua" / "Kosongkan" above a list of report checkboxes.
    Alpine.data("choiceToggles", function () {
      function boxes(el) {
        var list = el.closest(".report-choices");
        return list ? list.querySelectorAll("input[type=checkbox]") : [];
      }
      return {
        selectAll: function () { boxes(this.$root).forEach(function (c) { c.checked = true; }); },
        clearAll: function () { boxes(this.$root).forEach(function (c) { c.checked = false; }); }
      };
    });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-confirm], a[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      return;
    }
    var locate = event.target.closest && event.target.closest("[data-geolocate]");
    if (locate && navigator.geolocation) {
      var ids = locate.getAttribute("data-geolocate").split(" ");
      navigator.geolocation.getCurrentPosition(function (p) {
        document.getElementById(ids[0]).value = p.coords.latitude.toFixed(6);
        document.getElementById(ids[1]).value = p.coords.longitude.toFixed(6);
      });
    }
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    var selector = box.getAttribute && box.getAttribute("data-check-all");
    if (!selector) return;
    document.querySelectorAll(selector).forEach(function (c) { c.checked = box.checked; });
  });
})();
