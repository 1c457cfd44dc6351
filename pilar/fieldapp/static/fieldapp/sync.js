/* Pilar Lapangan: the outbox. Shared by the page and the service worker
 * (Background Sync), so a report may leave the phone even with the app closed.
 *
 * Each outbox item carries a client_id made on the phone: the server answers a
 * repeated upload with the first report (200) instead of making a second one, so
 * sending again after any failure is always safe.
 *
 * States: waiting (to send, maybe after a back-off), sending, sent, invalid
 * (422: the server refused the content; the user must correct it).
 *
 * Besides reports, the outbox carries training check-ins (mode "checkin", made
 * offline from the day's code): sent as JSON, with the same client_id rule.
 */
(function (root) {
  "use strict";
  var DB = root.PilarDB;
  var API = "/api/v1";
  var BASE_DELAY = 5000;
  var MAX_DELAY = 5 * 60 * 1000;
  var TIMEOUT = 90 * 1000;

  function backoff(attempts) {
    var delay = Math.min(MAX_DELAY, BASE_DELAY * Math.pow(2, Math.max(0, attempts - 1)));
    // Jitter, so phones that regain signal together do not all retry at once.
    return Math.round(delay * (0.8 + Math.random() * 0.4));
  }

  function withLock(fn) {
    if (root.navigator && root.navigator.locks && root.navigator.locks.request) {
      return root.navigator.locks.request("pilar-outbox", { ifAvailable: true }, function (lock) {
        if (!lock) return { busy: true };
        return fn();
      });
    }
    if (root.__pilarSyncing) return Promise.resolve({ busy: true });
    root.__pilarSyncing = true;
    return Promise.resolve().then(fn).then(function (r) {
      root.__pilarSyncing = false;
      return r;
    }, function (e) {
      root.__pilarSyncing = false;
      throw e;
    });
  }

  function fetchWithTimeout(url, options) {
    if (typeof AbortController === "undefined") return fetch(url, options);
    var ctrl = new AbortController();
    var timer = setTimeout(function () { ctrl.abort(); }, TIMEOUT);
    options.signal = ctrl.signal;
    return fetch(url, options).then(function (r) {
      clearTimeout(timer);
      return r;
    }, function (e) {
      clearTimeout(timer);
      throw e;
    });
  }

  function readJson(response) {
    return response.text().then(function (text) {
      try { return text ? JSON.parse(text) : {}; } catch (e) { return { message: text.slice(0, 200) }; }
    });
  }

  function buildForm(item) {
    return DB.photosOf(item.id).then(function (photos) {
      var form = new FormData();
      var wanted = {};
      (item.report.photos || []).forEach(function (p) { wanted[p.client_id] = true; });
      form.append("report", JSON.stringify(item.report));
      photos.forEach(function (p) {
        if (wanted[p.id]) form.append("photo_" + p.id, p.blob, p.id + ".jpg");
      });
      return form;
    });
  }

  function urlFor(item) {
    if (item.mode === "checkin") return API + "/training/checkin";
    if (item.mode === "resubmit") return API + "/reports/" + item.server_id + "/resubmit";
    return API + "/reports";
  }

  /* What to POST: a check-in is JSON; a report is multipart with its photos. */
  function bodyFor(item) {
    if (item.mode === "checkin") {
      return Promise.resolve({ body: JSON.stringify(item.checkin), type: "application/json" });
    }
    return buildForm(item).then(function (form) { return { body: form, type: null }; });
  }

  function save(item) { return DB.put("outbox", item); }

  /* Send one item; resolves with "sent" | "invalid" | "retry" | "auth" | "offline". */
  function sendOne(item, token) {
    item.state = "sending";
    item.last_try_at = new Date().toISOString();
    return save(item).then(function () { return bodyFor(item); }).then(function (req) {
      var headers = { Authorization: "Bearer " + token, Accept: "application/json" };
      if (req.type) headers["Content-Type"] = req.type;
      return fetchWithTimeout(urlFor(item), {
        method: "POST",
        headers: headers,
        body: req.body,
        credentials: "omit",
        cache: "no-store"
      });
    }).then(function (response) {
      return readJson(response).then(function (data) {
        var status = response.status;
        if (status === 200 || status === 201) {
          item.state = "sent";
          item.server = data;
          item.server_id = data.id || item.server_id;
          item.sent_at = new Date().toISOString();
          item.errors = null;
          item.message = item.mode === "checkin" ? (data.message || "") : "";
          // The server holds the photos now; free the phone's storage.
          return save(item).then(function () { return DB.deletePhotosOf(item.id); }).then(function () { return "sent"; });
        }
        if (status === 401) {
          item.state = "waiting";
          item.message = "Sesi aplikasi berakhir: masuk lagi untuk mengirim.";
          return save(item).then(function () { return DB.kvSet("auth_needed", true); }).then(function () { return "auth"; });
        }
        if (status === 422 || status === 400 || status === 403 || status === 404 || status === 413) {
          item.state = "invalid";
          item.errors = data.errors || null;
          item.message = item.mode === "checkin" ? (data.message || "Kehadiran ditolak server.")
            : status === 413 ? "Foto terlalu besar untuk server."
            : status === 404 ? "Keluarga atau laporan ini tidak ditemukan di wilayah kerja Anda."
            : data.message || "Laporan ditolak server.";
          return save(item).then(function () { return "invalid"; });
        }
        // 409, 429, 5xx: the server is busy or failed; try again later.
        item.state = "waiting";
        item.attempts = (item.attempts || 0) + 1;
        item.next_try_at = Date.now() + backoff(item.attempts);
        item.message = "Server sedang bermasalah (" + status + "); dicoba lagi otomatis.";
        return save(item).then(function () { return "retry"; });
      });
    }, function () {
      // Network failure (no signal, cut mid-upload, timeout). The server may or may
      // not have the report; resending with the same client_id is safe.
      item.state = "waiting";
      item.attempts = (item.attempts || 0) + 1;
      item.next_try_at = Date.now() + backoff(item.attempts);
      item.message = "Gagal terhubung; dicoba lagi otomatis.";
      return save(item).then(function () { return "offline"; });
    });
  }

  /* Send what is due, oldest first. force: ignore back-off (button, `online` event). */
  function flush(options) {
    options = options || {};
    return withLock(function () {
      return Promise.all([DB.kvGet("token"), DB.kvGet("user"), DB.all("outbox")]).then(function (r) {
        var token = r[0], user = r[1], items = r[2];
        var summary = { sent: 0, invalid: 0, failed: 0, auth: false, pending: 0 };
        if (!token || !user) {
          summary.auth = true;
          return summary;
        }
        var now = Date.now();
        var due = items.filter(function (it) {
          return it.owner === user.username && (it.state === "waiting" || it.state === "sending");
        }).sort(function (a, b) { return a.created_at < b.created_at ? -1 : 1; });
        summary.pending = due.length;
        var chain = Promise.resolve(false);
        due.forEach(function (item) {
          chain = chain.then(function (stop) {
            if (stop) return true;
            if (!options.force && item.next_try_at && item.next_try_at > now) return false;
            return sendOne(item, token).then(function (result) {
              if (result === "sent") { summary.sent++; summary.pending--; }
              else if (result === "invalid") { summary.invalid++; summary.pending--; }
              else summary.failed++;
              if (result === "auth") { summary.auth = true; return true; }
              // No network: the rest would fail too.
              return result === "offline";
            });
          });
        });
        return chain.then(function () { return summary; });
      });
    });
  }

  root.PilarSync = { flush: flush, backoff: backoff, sendOne: sendOne, API: API };
})(typeof self !== "undefined" ? self : this);
