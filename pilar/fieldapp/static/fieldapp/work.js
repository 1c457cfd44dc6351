/* Pilar Lapangan: the work screens beside the reports (issue 17).
 *
 *   #/jatuh-tempo   due visits of the package ("kunjungan jatuh tempo"), overdue first;
 *                   a report waiting in the outbox or sent for a household closes it here
 *                   at once, before the next sync confirms it.
 *   #/hadir[/KODE]  training check-in: scan the organiser's QR code (BarcodeDetector,
 *                   where the browser has it) or type the day's code. The check-in goes
 *                   into the outbox with the phone's time and a client id, so it counts
 *                   for the right day even when it is sent hours later.
 *
 * app.js calls window.PilarWork(ctx) with its helpers and uses what it returns.
 */
(function (root) {
  "use strict";
  var ALPHABET = /^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}$/;

  root.PilarWork = function (ctx) {
    var h = ctx.h, DB = ctx.db, S_ = ctx.state;

    function me() { return (S_.user || ctx.config.user).username; }
    function todayIso() {
      var d = new Date();
      return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
    }
    function addDays(iso, n) {
      var d = new Date(iso + "T00:00:00");
      d.setDate(d.getDate() + n);
      return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
    }
    function soonDays() { return (S_.meta && S_.meta.reference && S_.meta.reference.soon_days) || 30; }
    function reasonLabel(value) {
      var list = (S_.meta && S_.meta.reference && S_.meta.reference.visit_reasons) || [];
      var hit = list.filter(function (c) { return c.value === value; })[0];
      return hit ? hit.label : "";
    }

    /* Households with a visit due within the window, overdue first; and those a report
     * in the outbox (or sent since the last package) has already covered. */
    function dueVisits() {
      return Promise.all([ctx.loadHouseholds(), DB.all("outbox"), DB.kvGet("last_sync")]).then(function (r) {
        var list = r[0], items = r[1], lastSync = r[2] || "";
        var limit = addDays(todayIso(), soonDays());
        var covered = {};
        items.forEach(function (i) {
          if (i.owner !== me() || i.mode === "checkin" || !i.household_id) return;
          // Reports sent before the package was fetched are already in its due dates.
          if (i.state === "sent" && i.sent_at && i.sent_at < lastSync) return;
          covered[i.household_id] = i.state === "sent" ? "terkirim" : "menunggu dikirim";
        });
        var open = [], done = [];
        list.forEach(function (hh) {
          if (!hh.visit_due || hh.visit_due > limit) return;
          (covered[hh.id] ? done : open).push({ hh: hh, covered: covered[hh.id] });
        });
        open.sort(function (a, b) { return a.hh.visit_due < b.hh.visit_due ? -1 : a.hh.visit_due > b.hh.visit_due ? 1 : 0; });
        return { open: open, done: done, today: todayIso() };
      });
    }

    function homeItems() {
      var due = h("b", null, "…");
      var tile = h("a", { class: "tile", href: "#/jatuh-tempo", id: "tile-due" }, due, h("span", null, "Kunjungan jatuh tempo"));
      dueVisits().then(function (d) {
        var overdue = d.open.filter(function (x) { return x.hh.visit_due < d.today; }).length;
        due.textContent = String(d.open.length);
        if (overdue) tile.className = "tile warn";
      }).catch(function () { due.textContent = "-"; });
      return h("div", { class: "tiles" }, tile,
        h("a", { class: "tile", href: "#/hadir", id: "tile-checkin" }, h("b", null, "✓"), h("span", null, "Hadir pelatihan")));
    }

    function screenDue() {
      return dueVisits().then(function (d) {
        var rows = d.open.map(function (x) {
          var hh = x.hh, late = hh.visit_due < d.today;
          return h("a", { class: "item" + (late ? " warn" : ""), href: "#/keluarga/" + hh.id },
            h("b", null, hh._head || "(tanpa nama)"),
            h("span", null, hh.address + ctx.rtrw(hh)),
            h("span", null, h("span", { class: "badge " + (late ? "s-dikembalikan" : "s-diajukan") },
              (late ? "Terlambat sejak " : "Jatuh tempo ") + ctx.fmtDate(hh.visit_due)),
              " ", h("span", { class: "muted small" }, reasonLabel(hh.visit_reason))),
            h("span", { class: "muted small" }, "Kunjungan terakhir " + (hh.last_visited ? ctx.fmtDate(hh.last_visited) : "belum ada")));
        });
        var done = d.done.map(function (x) {
          return h("a", { class: "item", href: "#/keluarga/" + x.hh.id }, h("b", null, x.hh._head || "(tanpa nama)"),
            h("span", { class: "muted small" }, "Laporan kunjungan " + x.covered));
        });
        var late = d.open.filter(function (x) { return x.hh.visit_due < d.today; }).length;
        return [ctx.backLink(), h("h1", null, "Kunjungan jatuh tempo"),
          h("p", { class: "muted small", id: "due-summary" }, late + " terlambat, " + (d.open.length - late) + " jatuh tempo dalam " + soonDays() + " hari. " +
            "Buka keluarga lalu kirim laporan kunjungan (perubahan data atau survei rumah) untuk menutupnya."),
          h("div", { class: "list", id: "due-visits" }, rows.length ? rows : h("p", { class: "muted" }, "Tidak ada kunjungan jatuh tempo.")),
          done.length ? [h("h2", null, "Sudah dilaporkan"), h("div", { class: "list" }, done)] : null];
      });
    }

    /* Check-in ------------------------------------------------------------------- */

    function codeFrom(text) {
      var raw = String(text || "").trim();
      var m = /#\/hadir\/([A-Za-z0-9]+)/.exec(raw);
      if (m) raw = m[1];
      return raw.toUpperCase().replace(/[^A-Z0-9]/g, "");
    }

    function queueCheckin(code) {
      var id = ctx.uuid();
      var item = {
        id: id, owner: me(), mode: "checkin", title: "Hadir pelatihan", household_id: null,
        checkin: { code: code, client_id: id, checked_in_at: new Date().toISOString() },
        state: "waiting", attempts: 0, next_try_at: 0, created_at: new Date().toISOString()
      };
      return DB.put("outbox", item).then(function () {
        ctx.requestBackgroundSync();
        if (ctx.online() && S_.token && !S_.authNeeded) {
          return ctx.flushOutbox(true).then(function () {
            return sync().catch(function () { /* days present refresh later */ });
          }).then(function () { return item; });
        }
        ctx.toast("Tanpa sinyal: kehadiran disimpan dan dikirim otomatis saat tersambung.");
        return item;
      });
    }

    function stateLine(item) {
      if (item.state === "sent") return h("span", { class: "badge s-divalidasi" }, "Tercatat");
      if (item.state === "invalid") return h("span", { class: "badge s-ditolak" }, "Ditolak");
      return h("span", { class: "badge s-waiting" }, item.state === "sending" ? "Sedang dikirim" : "Menunggu dikirim");
    }

    function scanner(input, submit) {
      if (!("BarcodeDetector" in root) || !navigator.mediaDevices) return null;
      var video = h("video", { class: "scan", playsinline: true, muted: true, hidden: true });
      var stream = null, timer = null;
      function stop() {
        clearInterval(timer);
        if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
        stream = null;
        video.hidden = true;
      }
      var button = h("button", { type: "button", class: "btn wide", onclick: function () {
        if (stream) { stop(); return; }
        var detector = new root.BarcodeDetector({ formats: ["qr_code"] });
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
          stream = s;
          video.srcObject = s;
          video.hidden = false;
          video.play();
          timer = setInterval(function () {
            detector.detect(video).then(function (codes) {
              if (!codes.length) return;
              input.value = codeFrom(codes[0].rawValue);
              stop();
              submit();
            }).catch(function () {});
          }, 400);
        }).catch(function () { ctx.toast("Kamera tidak dapat dibuka. Ketik kodenya.", true); });
      } }, "Pindai kode QR");
      window.addEventListener("hashchange", stop, { once: true });
      return [button, video];
    }

    function screenCheckin(prefill) {
      return Promise.all([DB.all("outbox"), DB.kvGet("trainings")]).then(function (r) {
        var mine = r[0].filter(function (i) { return i.owner === me() && i.mode === "checkin"; })
          .sort(function (a, b) { return a.created_at < b.created_at ? 1 : -1; });
        var trainings = (r[1] && r[1].items) || [];
        var input = h("input", { type: "text", id: "checkin-code", maxlength: "12", autocomplete: "off",
          autocapitalize: "characters", spellcheck: "false", value: prefill || "", "aria-label": "Kode kehadiran",
          placeholder: "Contoh: K7M2QX" });
        var error = h("div", { class: "err", id: "checkin-error" });
        function submit() {
          var code = codeFrom(input.value);
          error.textContent = "";
          if (!ALPHABET.test(code)) {
            error.textContent = "Kode terdiri dari 6 huruf/angka seperti yang ditampilkan panitia.";
            return;
          }
          queueCheckin(code).then(function () {
            if (location.hash !== "#/hadir") location.hash = "#/hadir";
            else ctx.route();
          });
        }
        var form = h("form", { class: "card", novalidate: true, onsubmit: function (e) { e.preventDefault(); submit(); } },
          h("label", { class: "f", for: "checkin-code" }, h("span", null, "Kode kehadiran hari ini"), input), error,
          h("button", { type: "submit", class: "btn primary wide", id: "checkin-submit" }, "Kirim kehadiran"),
          scanner(input, submit));
        var list = mine.map(function (i) {
          return h("div", { class: "item" + (i.state === "invalid" ? " warn" : "") },
            h("b", null, (i.server && i.server.event_title) || "Kode " + i.checkin.code),
            h("span", null, stateLine(i), " ", h("span", { class: "muted small" }, ctx.fmtDate(i.checkin.checked_in_at))),
            i.message ? h("span", { class: "small" }, i.message) : null);
        });
        var events = trainings.map(function (t) {
          return h("div", { class: "item" }, h("b", null, t.title),
            h("span", { class: "muted small" }, ctx.fmtDate(t.starts_on) + (t.ends_on !== t.starts_on ? " – " + ctx.fmtDate(t.ends_on) : "") + " · " + t.place),
            h("span", { class: "small" }, "Hadir " + t.days_present.length + " hari" +
              (t.certificate_number ? " · sertifikat " + t.certificate_number : "")));
        });
        return [ctx.backLink(), h("h1", null, "Hadir pelatihan"),
          h("p", { class: "muted small" }, "Pindai kode QR yang ditampilkan panitia atau ketik kodenya. Tanpa sinyal pun bisa: kehadiran dikirim otomatis nanti, tetap untuk hari ini."),
          form,
          h("h2", null, "Kehadiran saya"), h("div", { class: "list", id: "checkins" }, list.length ? list : h("p", { class: "muted" }, "Belum ada.")),
          events.length ? [h("h2", null, "Pelatihan saya"), h("div", { class: "list" }, events)] : null];
      });
    }

    function route(hash) {
      var m;
      if (hash === "#/jatuh-tempo") return screenDue();
      if (hash === "#/hadir") return screenCheckin("");
      if ((m = /^#\/hadir\/([A-Za-z0-9]+)$/.exec(hash))) return screenCheckin(codeFrom(m[1]));
      return null;
    }

    /* The user's trainings, kept for offline viewing. */
    function sync() {
      return ctx.api("/training/mine").then(function (items) {
        return DB.kvSet("trainings", { items: items, at: new Date().toISOString() });
      });
    }

    return { homeItems: homeItems, route: route, sync: sync };
  };
})(typeof self !== "undefined" ? self : this);
