/* Page behaviours shared by every screen, kept out of the templates so the
 * Content-Security-Policy can forbid inline script (script-src 'self').
 *
 * - Alpine components (the CSP build of Alpine evaluates only simple expressions;
 *   anything longer lives here and templates name it: x-data="criteriaCount").
 * - data-confirm="..." on a form (submit) or a button (click): ask first.
 * - data-check-all="SELECTOR" on a checkbox: (un)tick every box it names.
 * - data-geolocate="LAT_ID LNG_ID" on a button: fill the fields with the GPS fix.
 * - every <input type=file>: an Indonesian button and file name (see enhanceFileInputs).
 * - the browser's own form checks (required, min, type=email, ...) speak Indonesian.
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

  // A file input's button and "no file" text are drawn by the browser in the browser's
  // language ("Choose File", "No file chosen"); Pilar speaks Indonesian whatever the
  // browser's language. The input stays in its form (visually hidden but focusable, so
  // the keyboard and `required` still work); a label drawn as a button opens it and a
  // line says what was chosen. Without script the browser's own control remains.
  var fileInputs = 0;
  function enhanceFileInputs(root) {
    if (!root || !root.querySelectorAll) return;
    var inputs = root.matches && root.matches("input[type=file]") ? [root] : [];
    root.querySelectorAll("input[type=file]").forEach(function (i) { inputs.push(i); });
    inputs.forEach(function (input) {
      if (input.hasAttribute("data-file-ui")) return;
      input.setAttribute("data-file-ui", "");
      if (!input.id) input.id = "berkas-" + (++fileInputs);
      var wrap = document.createElement("div");
      wrap.className = "pilar-file";
      // The input's outer margin belongs to the whole control now.
      Array.prototype.slice.call(input.classList).forEach(function (c) {
        if (/^m[tbsexy]?-\d$/.test(c)) { wrap.classList.add(c); input.classList.remove(c); }
      });
      var button = document.createElement("label");
      button.className = "btn btn-outline-secondary" +
        (input.classList.contains("form-control-sm") ? " btn-sm" : "");
      button.htmlFor = input.id;
      button.innerHTML = '<i class="bi bi-paperclip" aria-hidden="true"></i> ';
      button.appendChild(document.createTextNode(input.multiple ? "Pilih berkas (boleh lebih dari satu)" : "Pilih berkas"));
      var chosen = document.createElement("span");
      chosen.className = "pilar-file-name small text-body-secondary";
      chosen.setAttribute("aria-live", "polite");
      input.parentNode.insertBefore(wrap, input);
      wrap.appendChild(input);
      wrap.appendChild(button);
      wrap.appendChild(chosen);
      input.classList.add("visually-hidden");
      var show = function () {
        var files = input.files || [];
        chosen.textContent = files.length === 0 ? "Belum ada berkas dipilih"
          : files.length === 1 ? files[0].name : files.length + " berkas dipilih";
      };
      input.addEventListener("change", show);
      show();
      if (input.disabled) button.classList.add("disabled");
    });
  }
  // A form reset empties its file inputs without a "change": say so beside them too.
  document.addEventListener("reset", function (event) {
    var form = event.target;
    setTimeout(function () {
      form.querySelectorAll("input[data-file-ui]").forEach(function (input) {
        input.dispatchEvent(new Event("change"));
      });
    }, 0);
  });
  document.addEventListener("DOMContentLoaded", function () { enhanceFileInputs(document); });
  // Content htmx swaps in (a row's delivery form, say).
  document.addEventListener("htmx:load", function (event) { enhanceFileInputs(event.target); });

  // The browser's form checks (a required field left empty, a number under its min)
  // show the browser's message in the browser's language ("Please fill out this
  // field."). Each is replaced by Indonesian when the check fails, and cleared as soon
  // as the field changes, so the browser checks it afresh.
  function validityMessage(el) {
    var v = el.validity;
    if (v.valueMissing) {
      if (el.type === "file") return "Pilih berkas terlebih dahulu.";
      if (el.type === "checkbox") return "Centang kotak ini untuk melanjutkan.";
      if (el.type === "radio" || el.tagName === "SELECT") return "Pilih salah satu.";
      return "Wajib diisi.";
    }
    if (v.typeMismatch) return el.type === "email" ? "Alamat email tidak valid." : "Format isian tidak valid.";
    if (v.badInput) return el.type === "number" ? "Isi dengan angka." : "Isian tidak valid.";
    if (v.rangeUnderflow) return "Paling kecil " + el.min + ".";
    if (v.rangeOverflow) return "Paling besar " + el.max + ".";
    if (v.stepMismatch) return "Nilai tidak sesuai kelipatan " + (el.step || "1") + ".";
    if (v.tooShort) return "Paling sedikit " + el.minLength + " karakter.";
    if (v.tooLong) return "Paling banyak " + el.maxLength + " karakter.";
    if (v.patternMismatch) return el.title || "Format isian tidak sesuai.";
    return "";
  }
  document.addEventListener("invalid", function (event) {
    var el = event.target;
    if (!el.setCustomValidity || el.validity.customError) return;
    var message = validityMessage(el);
    if (message) el.setCustomValidity(message);
  }, true);  // "invalid" does not bubble
  function clearValidity(event) {
    var el = event.target;
    if (el.setCustomValidity && el.validity && el.validity.customError) el.setCustomValidity("");
  }
  document.addEventListener("input", clearValidity, true);
  document.addEventListener("change", clearValidity, true);
})();
