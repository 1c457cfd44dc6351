/* Pilar Lapangan: the app (screens, forms, sync). Vanilla JS, no build step.
 * Data: PilarDB (db.js), rules: PilarRules (rules.js), outbox: PilarSync (sync.js).
 */
(function () {
  "use strict";
  var CFG = JSON.parse(document.getElementById("pilar-config").textContent);
  var DB = window.PilarDB, R = window.PilarRules, S = window.PilarSync;
  var MAX_PHOTO_BYTES = 1024 * 1024;
  var MAX_SIDE = 1280;
  var MAX_PHOTOS = 6;
  var TICK_MS = 10000;
  var STATUS_EVERY_MS = 5 * 60 * 1000;

  var app = document.getElementById("app");
  var S_ = {
    user: null, token: null, meta: null, households: null, byId: null,
    reports: [], reportsAt: null, authNeeded: false, syncing: false, lastStatusAt: 0
  };

  var KIND_LABEL = {
    keluarga_baru: "Keluarga baru", perubahan: "Perubahan data", ppks: "PPKS", survei_rumah: "Survei rumah"
  };
  var FIELD_LABEL = {
    no_kk: "No. KK", no_kk_missing_reason: "Alasan No. KK kosong", address: "Alamat", rt: "RT", rw: "RW",
    kelurahan: "Kelurahan", house_ownership: "Status kepemilikan rumah", land_status: "Status lahan",
    latitude: "Lintang", longitude: "Bujur", nik: "NIK", nik_missing_reason: "Alasan NIK kosong",
    nik_mismatch_reason: "Alasan beda data NIK", name: "Nama", sex: "Jenis kelamin", birth_place: "Tempat lahir",
    birth_date: "Tanggal lahir", relation: "Hubungan dengan kepala keluarga", marital_status: "Status perkawinan",
    education: "Pendidikan", occupation: "Pekerjaan", disabilities: "Disabilitas", chronic_illness: "Penyakit kronis",
    life_status: "Status kehidupan", date: "Tanggal", reason: "Alasan", change: "Perubahan",
    person_id: "Individu", ppks_type: "Jenis PPKS", disability_subtypes: "Jenis disabilitas",
    date_found: "Tanggal ditemukan", notes: "Catatan", ended_on: "Tanggal selesai",
    floor_material: "Jenis lantai", floor_condition: "Kondisi lantai", wall_material: "Jenis dinding",
    wall_condition: "Kondisi dinding", roof_material: "Jenis atap", roof_condition: "Kondisi atap",
    floor_area_m2: "Luas lantai (m²)", occupants: "Jumlah penghuni", water_source: "Sumber air minum",
    lighting_source: "Sumber penerangan", toilet: "Fasilitas BAB", cooking_fuel: "Bahan bakar memasak",
    visit_date: "Tanggal kunjungan", photos: "Foto", members: "Anggota keluarga", payload: "Laporan"
  };
  var PERSON_EDIT = ["name", "sex", "birth_place", "birth_date", "relation", "marital_status", "education",
    "occupation", "disabilities", "chronic_illness"];
  var HH_EDIT = ["address", "rt", "rw", "house_ownership", "land_status"];
  var SURVEY = [
    ["house_ownership", "house_ownership"], ["land_status", "land_status"],
    ["floor_material", "floor_material"], ["floor_condition", "condition"],
    ["wall_material", "wall_material"], ["wall_condition", "condition"],
    ["roof_material", "roof_material"], ["roof_condition", "condition"],
    ["floor_area_m2", null], ["occupants", null],
    ["water_source", "water_source"], ["lighting_source", "lighting_source"],
    ["toilet", "toilet"], ["cooking_fuel", "cooking_fuel"]
  ];

  /* DOM ----------------------------------------------------------------------- */

  function h(tag, attrs) {
    var el = document.createElement(tag);
    attrs = attrs || {};
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else if (k in el && typeof v !== "string") el[k] = v;
      else el.setAttribute(k, v === true ? "" : v);
    });
    for (var i = 2; i < arguments.length; i++) add(el, arguments[i]);
    return el;
  }
  function add(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { add(el, c); }); return; }
    el.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
  function show(node) { app.textContent = ""; add(app, node); window.scrollTo(0, 0); }
  function toast(text, bad) {
    var t = document.getElementById("toast");
    t.textContent = text;
    t.className = "toast" + (bad ? " bad" : "");
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { t.hidden = true; }, 4000);
  }
  function fmtDate(iso) {
    if (!iso) return "-";
    var d = new Date(iso.length === 10 ? iso + "T00:00:00" : iso);
    if (isNaN(d)) return iso;
    var s = d.toLocaleDateString("id-ID", { day: "numeric", month: "short", year: "numeric" });
    if (iso.length > 10) s += " " + d.toLocaleTimeString("id-ID", { hour: "2-digit", minute: "2-digit" });
    return s;
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var x = Array.prototype.map.call(b, function (n) { return (n + 256).toString(16).slice(1); }).join("");
    return x.slice(0, 8) + "-" + x.slice(8, 12) + "-" + x.slice(12, 16) + "-" + x.slice(16, 20) + "-" + x.slice(20);
  }
  function ref() { return (S_.meta && S_.meta.reference) || { choices: {}, ppks_types: [], province_codes: [] }; }
  function choices(name) { return ref().choices[name] || []; }
  function labelOf(name, value) {
    var c = choices(name).filter(function (o) { return o.value === value; })[0];
    return c ? c.label : value || "-";
  }
  function ppksType(number) {
    return ref().ppks_types.filter(function (t) { return t.number === +number; })[0];
  }
  function online() { return navigator.onLine !== false; }

  /* Network ------------------------------------------------------------------- */

  function api(path, options) {
    options = options || {};
    var headers = { Accept: "application/json" };
    if (S_.token) headers.Authorization = "Bearer " + S_.token;
    return fetch(CFG.api + path, {
      method: options.method || "GET", headers: headers, body: options.body, credentials: "omit", cache: "no-store"
    }).then(function (r) {
      return r.text().then(function (text) {
        var data = {};
        try { data = text ? JSON.parse(text) : {}; } catch (e) { data = { message: text.slice(0, 200) }; }
        if (r.status === 401) { S_.authNeeded = true; DB.kvSet("auth_needed", true); }
        if (!r.ok) { var err = new Error(data.message || "HTTP " + r.status); err.status = r.status; err.data = data; throw err; }
        return data;
      });
    });
  }

  function csrf() {
    var m = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
    return m ? decodeURIComponent(m[1]) : CFG.csrf;
  }

  /* Exchange the login session for a device token (POST /field/token). */
  function getToken() {
    return fetch(CFG.api + "/field/token", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), Accept: "application/json" },
      body: JSON.stringify({ previous_token: S_.token || "" })
    }).then(function (r) {
      if (!r.ok) { var e = new Error("token " + r.status); e.status = r.status; throw e; }
      return r.json();
    }).then(function (data) {
      S_.token = data.token;
      S_.user = data.user;
      S_.authNeeded = false;
      return Promise.all([DB.kvSet("token", data.token), DB.kvSet("user", data.user), DB.kvDel("auth_needed")]);
    });
  }

  function updateNet() {
    var el = document.getElementById("net");
    el.textContent = online() ? "Daring" : "Luring";
    el.className = "net " + (online() ? "on" : "off");
  }

  /* Data ---------------------------------------------------------------------- */

  function loadHouseholds() {
    if (S_.households) return Promise.resolve(S_.households);
    return DB.all("households").then(function (list) {
      list.forEach(function (hh) {
        var head = hh.members.filter(function (m) { return m.relation === "kepala"; })[0] || hh.members[0];
        hh._head = head ? head.name : "";
        hh._search = (hh.address + " " + hh.members.map(function (m) { return m.name; }).join(" ")).toLowerCase();
      });
      S_.households = list;
      S_.byId = {};
      list.forEach(function (hh) { S_.byId[hh.id] = hh; });
      return list;
    });
  }

  function syncPackage() {
    var params = "";
    var chosen = S_.kelurahan || "";
    if (chosen) params = "?kelurahan=" + encodeURIComponent(chosen);
    return api("/field/package" + params).then(function (pkg) {
      var households = pkg.households;
      delete pkg.households;
      pkg.household_count = households.length;
      pkg.person_count = households.reduce(function (n, hh) { return n + hh.members.length; }, 0);
      return DB.replaceHouseholds(households).then(function () {
        S_.meta = pkg;
        S_.households = null;
        return Promise.all([DB.kvSet("package", pkg), DB.kvSet("last_sync", new Date().toISOString())]);
      });
    });
  }

  function fetchStatuses() {
    return api("/reports?mine=true&limit=200").then(function (page) {
      S_.reports = page.items || [];
      S_.reportsAt = new Date().toISOString();
      S_.lastStatusAt = Date.now();
      return DB.all("outbox").then(function (items) {
        var byClient = {};
        S_.reports.forEach(function (r) { byClient[r.client_id] = r; });
        var updates = items.filter(function (it) {
          return it.state === "sent" && it.mode !== "resubmit" && byClient[it.id];
        }).map(function (it) { it.server = byClient[it.id]; return DB.put("outbox", it); });
        return Promise.all(updates.concat([DB.kvSet("reports", { items: S_.reports, at: S_.reportsAt })]));
      });
    });
  }

  function flushOutbox(force) {
    return S.flush({ force: force }).then(function (summary) {
      if (summary && summary.auth) S_.authNeeded = true;
      return summary;
    });
  }

  /* Everything, in order: token, outbox, statuses, package. */
  function syncAll(options) {
    options = options || {};
    if (S_.syncing) return Promise.resolve();
    if (!online()) { toast("Tidak ada sinyal. Laporan tetap tersimpan dan dikirim nanti.", true); return Promise.resolve(); }
    S_.syncing = true;
    rerenderHome();
    var msgs = [];
    var chain = (S_.token && !S_.authNeeded) ? Promise.resolve() : getToken();
    return chain.then(function () {
      return flushOutbox(true);
    }).then(function (summary) {
      if (summary && summary.sent) msgs.push(summary.sent + " laporan terkirim");
      if (summary && summary.invalid) msgs.push(summary.invalid + " laporan perlu diperbaiki");
      return fetchStatuses().catch(function () { /* the reports API may be unreachable; not fatal */ });
    }).then(function () {
      return W ? W.sync(msgs).catch(function () { /* trainings are not vital to the sync */ }) : null;
    }).then(function () {
      if (options.package === false) return;
      if (S_.user && isCity() && !S_.kelurahan) {
        msgs.push("pilih kelurahan untuk mengunduh data keluarga");
        return;
      }
      return syncPackage().then(function () { msgs.push("data keluarga diperbarui"); });
    }).then(function () {
      toast("Sinkron selesai" + (msgs.length ? ": " + msgs.join(", ") : "") + ".");
    }).catch(function (e) {
      if (e.status === 401 || e.status === 403) {
        S_.authNeeded = true;
        toast("Sesi berakhir. Masuk lagi untuk sinkron.", true);
      } else if (e.status === 422 && e.data && e.data.errors) {
        toast(Object.values(e.data.errors)[0][0], true);
      } else toast("Sinkron gagal: " + (e.message || "koneksi terputus") + ". Coba lagi nanti.", true);
    }).then(function () {
      S_.syncing = false;
      route();
    });
  }

  function isCity() { return S_.user && ["admin", "dinsos", "pimpinan"].indexOf(S_.user.role) !== -1; }

  function requestBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.sync && reg.sync.register) return reg.sync.register("pilar-outbox");
    }).catch(function () { /* not supported: the timer and `online` event still send */ });
  }

  function tick() {
    if (!online() || !S_.token || S_.authNeeded) return;
    flushOutbox(false).then(function (summary) {
      var due = Date.now() - S_.lastStatusAt > STATUS_EVERY_MS;
      var p = (summary && summary.sent) || due ? fetchStatuses().catch(function () {}) : null;
      return Promise.resolve(p).then(function () {
        if ((summary && (summary.sent || summary.invalid)) || p) refreshIfList();
      });
    }).catch(function () {});
  }
  function refreshIfList() {
    var r = location.hash || "#/";
    // The work screens (work.js) show outbox states too.
    if (r === "#/" || r.indexOf("#/daftar") === 0 || r === "#/hadir" || r === "#/jatuh-tempo") route();
  }

  /* Lists of reports ----------------------------------------------------------- */

  function lists() {
    var username = S_.user && S_.user.username;
    return Promise.all([DB.all("outbox"), DB.all("drafts")]).then(function (r) {
      // Training check-ins share the outbox (work.js shows them); these lists are reports.
      var outbox = r[0].filter(function (i) { return i.owner === username && i.mode !== "checkin"; });
      var drafts = r[1].filter(function (d) { return d.owner === username; });
      var waiting = outbox.filter(function (i) { return i.state !== "sent"; });
      var sentLocal = outbox.filter(function (i) { return i.state === "sent"; });
      var server = S_.reports || [];
      var serverIds = {};
      server.forEach(function (s) { serverIds[s.client_id] = true; });
      var pendingFix = {};
      outbox.forEach(function (i) {
        if (i.mode === "resubmit") pendingFix[i.server_id + ":" + i.report.revision] = i;
      });
      drafts.forEach(function (d) {
        if (d.resubmit_of) pendingFix[d.resubmit_of.server_id + ":" + d.resubmit_of.revision] = d;
      });
      var returned = server.filter(function (s) {
        return s.status === "dikembalikan" && !pendingFix[s.id + ":" + s.revision];
      });
      var sent = server.filter(function (s) { return s.status !== "dikembalikan" || pendingFix[s.id + ":" + s.revision]; })
        .map(function (s) { return { server: s }; });
      sentLocal.forEach(function (i) {
        if (i.mode !== "resubmit" && !serverIds[i.id]) sent.push({ local: i, server: i.server || {} });
      });
      return { drafts: drafts, waiting: waiting, sent: sent, returned: returned };
    });
  }

  /* Screens: home -------------------------------------------------------------- */

  function rerenderHome() { if ((location.hash || "#/") === "#/") route(); }

  function screenHome() {
    return Promise.all([lists(), DB.kvGet("last_sync")]).then(function (r) {
      var L = r[0], last = r[1];
      var u = S_.user || CFG.user;
      var meta = S_.meta;
      var card = h("section", { class: "card" },
        h("h1", { class: "sr-only" }, "Beranda aplikasi lapangan"),
        h("div", { class: "who" }, h("b", null, u.name), " · ", u.role_label),
        h("div", { class: "muted" }, meta ? meta.area.label + (meta.area.selected ? " · " + kelurahanName(meta.area.selected) : "") : "Belum ada data wilayah"),
        areaPicker(),
        h("div", { class: "muted small" }, "Sinkron terakhir: ", last ? fmtDate(last) : "belum pernah",
          meta ? " · " + fmtNum(meta.household_count) + " keluarga, " + fmtNum(meta.person_count) + " individu" : ""));
      var banner = S_.authNeeded ? h("div", { class: "alert" },
        "Sesi aplikasi berakhir. Laporan tetap tersimpan. ",
        h("a", { href: CFG.login }, "Masuk lagi"), " saat ada sinyal, lalu tekan Sinkronkan.") : null;
      var counts = h("div", { class: "tiles" },
        tile("Draf", L.drafts.length, "#/daftar/draf"),
        tile("Menunggu dikirim", L.waiting.length, "#/daftar/menunggu",
          L.waiting.some(function (i) { return i.state === "invalid"; }) ? "warn" : ""),
        tile("Terkirim", L.sent.length, "#/daftar/terkirim"),
        tile("Dikembalikan", L.returned.length, "#/daftar/dikembalikan", L.returned.length ? "warn" : ""));
      return [banner, card,
        h("button", { class: "btn primary wide", disabled: S_.syncing, onclick: function () { syncAll(); } },
          S_.syncing ? "Menyinkronkan…" : "Sinkronkan"),
        counts, W ? W.homeItems() : null,
        h("div", { class: "row2" },
          h("a", { class: "btn wide", href: "#/keluarga" }, "Daftar keluarga"),
          h("button", { class: "btn wide", onclick: function () { newDraft("keluarga_baru", null); } }, "+ Keluarga baru")),
        S_.reportsAt ? h("p", { class: "muted small" }, "Status laporan diperbarui ", fmtDate(S_.reportsAt)) : null,
        h("p", { class: "small" }, h("a", { href: CFG.home }, "Buka Pilar versi lengkap"), " · ",
          h("a", { href: "#/keluar" }, "Keluar dari aplikasi"))];
    });
  }

  // Numbers as Indonesian writes them (1.234), whatever the phone's language.
  function fmtNum(n) { return Number(n || 0).toLocaleString("id-ID"); }

  function kelurahanName(code) {
    var v = (CFG.villages || []).filter(function (x) { return x.code === code; })[0];
    return v ? "Kel. " + v.name : code;
  }

  function areaPicker() {
    var u = S_.user || CFG.user;
    if (u.role === "psm" || !(CFG.villages || []).length) return null;
    var opts = [h("option", { value: "" }, isCity() ? "— pilih kelurahan —" : "Seluruh kecamatan")];
    // Grouped by kecamatan: a city-wide list has about 100 kelurahan, some named
    // like a kecamatan.
    var groups = {}, order = [];
    CFG.villages.forEach(function (v) {
      if (!groups[v.kecamatan_name]) { groups[v.kecamatan_name] = []; order.push(v.kecamatan_name); }
      groups[v.kecamatan_name].push(h("option", { value: v.code, selected: S_.kelurahan === v.code }, v.name));
    });
    order.sort().forEach(function (name) {
      opts.push(h("optgroup", { label: "Kec. " + name }, groups[name].sort(function (a, b) {
        return a.textContent.localeCompare(b.textContent, "id");
      })));
    });
    return h("label", { class: "f" }, h("span", null, "Kelurahan yang diunduh"),
      h("select", { onchange: function (e) { S_.kelurahan = e.target.value; DB.kvSet("kelurahan", S_.kelurahan); } }, opts));
  }

  function tile(label, n, href, cls) {
    return h("a", { class: "tile " + (cls || ""), href: href }, h("b", null, String(n)), h("span", null, label));
  }

  /* Screens: households ---------------------------------------------------------- */

  function screenHouseholds(query) {
    return loadHouseholds().then(function (list) {
      if (!list.length) {
        return [backLink(), h("p", { class: "alert" }, "Belum ada data keluarga di ponsel ini. Tekan Sinkronkan di beranda saat ada sinyal.")];
      }
      var box = h("div", { class: "list" });
      var shown = 50;
      var input = h("input", {
        type: "search", placeholder: "Cari nama atau alamat…", value: query || "", "aria-label": "Cari keluarga",
        oninput: function () { shown = 50; draw(); history.replaceState(null, "", "#/keluarga?q=" + encodeURIComponent(input.value)); }
      });
      function draw() {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        var hits = words.length ? list.filter(function (hh) {
          return words.every(function (w) { return hh._search.indexOf(w) !== -1; });
        }) : list;
        box.textContent = "";
        add(box, h("p", { class: "muted small" }, hits.length + " keluarga"));
        hits.slice(0, shown).forEach(function (hh) {
          var alive = hh.members.filter(function (m) { return m.life_status === "hidup"; }).length;
          add(box, h("a", { class: "item", href: "#/keluarga/" + hh.id },
            h("b", null, hh._head || "(tanpa nama)"),
            h("span", null, hh.address + rtrw(hh)),
            h("span", { class: "muted small" }, alive + " anggota" + (hh.ppks.length ? " · " + hh.ppks.length + " PPKS" : ""))));
        });
        if (hits.length > shown) {
          add(box, h("button", { class: "btn wide", onclick: function () { shown += 100; draw(); } }, "Tampilkan lebih banyak"));
        }
      }
      draw();
      setTimeout(function () { input.focus(); }, 0);
      return [backLink(), h("h1", null, "Daftar keluarga"), input, box];
    });
  }

  function rtrw(hh) {
    return (hh.rt ? " RT " + hh.rt : "") + (hh.rw ? "/RW " + hh.rw : "");
  }

  function backLink(href, text) { return h("a", { class: "back", href: href || "#/" }, "‹ " + (text || "Beranda")); }

  function screenHousehold(id) {
    return loadHouseholds().then(function () {
      var hh = S_.byId[id];
      if (!hh) return [backLink("#/keluarga", "Daftar keluarga"), h("p", { class: "alert" }, "Keluarga tidak ada di data ponsel ini.")];
      var members = hh.members.map(function (m) {
        var age = m.birth_date ? R.ageOn(m.birth_date, R.today()) : null;
        return h("li", { class: m.life_status !== "hidup" ? "gone" : "" },
          h("b", null, m.name), " · ", labelOf("relation", m.relation),
          h("div", { class: "muted small" }, "NIK ", m.nik || "(kosong)", " · ", m.sex === "P" ? "P" : "L",
            age !== null ? " · " + age + " th" : "",
            m.life_status !== "hidup" ? " · " + labelOf("life_status", m.life_status) : ""));
      });
      var ppks = hh.ppks.map(function (p) {
        var t = ppksType(p.ppks_type);
        var who = p.person_id ? memberName(hh, p.person_id) : "keluarga";
        return h("li", null, (t ? t.name : "Jenis " + p.ppks_type), h("div", { class: "muted small" }, who + " · sejak " + fmtDate(p.date_found)));
      });
      return [backLink("#/keluarga", "Daftar keluarga"),
        h("h1", null, hh._head || "Keluarga"),
        h("p", null, hh.address + rtrw(hh), h("br"), h("span", { class: "muted small" }, "No. KK " + (hh.no_kk || "(kosong)") + " · " + kelurahanName(hh.kelurahan))),
        h("div", { class: "row3" },
          h("button", { class: "btn", onclick: function () { newDraft("perubahan", hh.id); } }, "Perubahan"),
          h("button", { class: "btn", onclick: function () { newDraft("ppks", hh.id); } }, "PPKS"),
          h("button", { class: "btn", onclick: function () { newDraft("survei_rumah", hh.id); } }, "Survei rumah")),
        h("h2", null, "Anggota"), h("ul", { class: "plain" }, members),
        h("h2", null, "PPKS aktif"), ppks.length ? h("ul", { class: "plain" }, ppks) : h("p", { class: "muted" }, "Tidak ada.")];
    });
  }

  function memberName(hh, pid) {
    var m = hh.members.filter(function (x) { return x.id === pid; })[0];
    return m ? m.name : "Individu #" + pid;
  }

  /* Drafts ------------------------------------------------------------------- */

  function newPerson(relation) {
    return { nik: "", nik_missing_reason: "", nik_mismatch_reason: "", name: "", sex: "", birth_place: "", birth_date: "",
      relation: relation || "", marital_status: "", education: "", occupation: "", disabilities: [], chronic_illness: "" };
  }
  function evidence() { return { visit_date: R.today(), gps: null, photos: [], notes: "" }; }

  function initialState(kind, hh) {
    if (kind === "keluarga_baru") {
      var u = S_.user || CFG.user;
      return {
        household: { no_kk: "", no_kk_missing_reason: "", address: "", rt: "", rw: "",
          kelurahan: u.kelurahan || (S_.meta && S_.meta.area.selected) || "", house_ownership: "", land_status: "" },
        members: [newPerson("kepala")], evidence: evidence()
      };
    }
    if (kind === "perubahan") {
      var persons = {};
      hh.members.forEach(function (m) {
        var fields = { nik: "" };
        PERSON_EDIT.forEach(function (f) { fields[f] = m[f] == null ? (f === "disabilities" ? [] : "") : m[f]; });
        persons[m.id] = { change: "", fields: fields, date: "", reason: "" };
      });
      var household = { no_kk: "" };
      HH_EDIT.forEach(function (f) { household[f] = hh[f] || ""; });
      return { household: household, persons: persons, new_members: [], evidence: evidence() };
    }
    if (kind === "ppks") {
      var end = {};
      hh.ppks.forEach(function (p) { end[p.id] = { on: false, ended_on: R.today(), reason: "" }; });
      return { add: [], end: end, evidence: evidence() };
    }
    var survey = {};
    SURVEY.forEach(function (s) { survey[s[0]] = ""; });
    survey.house_ownership = hh.house_ownership || "";
    survey.land_status = hh.land_status || "";
    survey.occupants = String(hh.members.filter(function (m) { return m.life_status === "hidup"; }).length || "");
    return { survey: survey, evidence: evidence() };
  }

  function newDraft(kind, householdId) {
    var hh = householdId ? S_.byId[householdId] : null;
    var draft = {
      id: uuid(), owner: (S_.user || CFG.user).username, kind: kind, household_id: householdId,
      state: initialState(kind, hh), created_at: new Date().toISOString(), updated_at: new Date().toISOString()
    };
    return DB.put("drafts", draft).then(function () { location.hash = "#/laporan/" + draft.id; });
  }

  /* Form state -> payload ------------------------------------------------------ */

  function compact(obj) {
    var out = {};
    Object.keys(obj).forEach(function (k) {
      var v = obj[k];
      if (v === "" || v === null || v === undefined || (Array.isArray(v) && !v.length)) return;
      out[k] = typeof v === "string" ? v.trim() : v;
    });
    return out;
  }
  function same(a, b) {
    if (Array.isArray(a) || Array.isArray(b)) return (a || []).slice().sort().join(",") === (b || []).slice().sort().join(",");
    return String(a == null ? "" : a).trim() === String(b == null ? "" : b).trim();
  }
  function personPayload(p) {
    var out = compact(p);
    if (out.nik) out.nik = R.clean(out.nik);
    return out;
  }

  /* {payload, base} of a draft, as the server expects (schemas.py). */
  function buildPayload(draft) {
    var st = draft.state, hh = draft.household_id ? S_.byId[draft.household_id] : null;
    var base = {};
    if (draft.kind === "keluarga_baru") {
      var household = compact(st.household);
      if (household.no_kk) household.no_kk = R.clean(household.no_kk);
      var gps = st.evidence.gps;
      if (gps) { household.latitude = +gps.lat.toFixed(6); household.longitude = +gps.lon.toFixed(6); }
      return { payload: { household: household, members: st.members.map(personPayload) }, base: base };
    }
    if (draft.kind === "perubahan") {
      var hhOut = {};
      HH_EDIT.forEach(function (f) {
        if (!same(st.household[f], hh[f])) { hhOut[f] = String(st.household[f] || "").trim(); base["household." + f] = hh[f] || ""; }
      });
      if (String(st.household.no_kk || "").trim()) hhOut.no_kk = R.clean(st.household.no_kk);
      var persons = [];
      hh.members.forEach(function (m) {
        var p = st.persons[m.id];
        if (!p || !p.change) return;
        if (p.change === "koreksi") {
          var fields = {};
          PERSON_EDIT.forEach(function (f) {
            if (!same(p.fields[f], m[f])) {
              fields[f] = p.fields[f] === "" ? null : p.fields[f];
              base["person." + m.id + "." + f] = m[f] === undefined ? null : m[f];
            }
          });
          if (String(p.fields.nik || "").trim()) fields.nik = R.clean(p.fields.nik);
          if (p.fields.nik_mismatch_reason) fields.nik_mismatch_reason = p.fields.nik_mismatch_reason;
          persons.push({ person_id: m.id, change: "koreksi", fields: fields, reason: (p.reason || "").trim() });
        } else {
          base["person." + m.id + ".life_status"] = m.life_status;
          persons.push({ person_id: m.id, change: p.change, date: p.date || null, reason: (p.reason || "").trim() });
        }
      });
      return {
        payload: { household: hhOut, persons: persons, new_members: st.new_members.map(personPayload) },
        base: base
      };
    }
    if (draft.kind === "ppks") {
      var addList = st.add.map(function (a) {
        return {
          person_id: a.target && a.target !== "keluarga" ? +a.target : null,
          ppks_type: +a.ppks_type || 0, disability_subtypes: a.disability_subtypes || [],
          date_found: a.date_found || null, notes: (a.notes || "").trim()
        };
      });
      var endList = [];
      hh.ppks.forEach(function (p) {
        var e = st.end[p.id];
        if (e && e.on) endList.push({ record_id: p.id, ended_on: e.ended_on || null, reason: (e.reason || "").trim() });
      });
      return { payload: { add: addList, end: endList }, base: base };
    }
    var survey = compact(st.survey);
    if (survey.floor_area_m2) survey.floor_area_m2 = String(survey.floor_area_m2).replace(",", ".");
    if (survey.occupants) survey.occupants = parseInt(survey.occupants, 10);
    return { payload: survey, base: base };
  }

  /* A report's payload back into form state (correcting a returned report). */
  function stateFromPayload(kind, payload, hh, detail) {
    var st = initialState(kind, hh);
    if (kind === "keluarga_baru") {
      Object.assign(st.household, payload.household || {});
      st.members = (payload.members || []).map(function (m) { return Object.assign(newPerson(), m); });
    } else if (kind === "perubahan") {
      Object.assign(st.household, payload.household || {});
      (payload.persons || []).forEach(function (item) {
        var p = st.persons[item.person_id];
        if (!p) return;
        p.change = item.change;
        Object.assign(p.fields, item.fields || {});
        p.date = item.date || "";
        p.reason = item.reason || "";
      });
      st.new_members = (payload.new_members || []).map(function (m) { return Object.assign(newPerson(), m); });
    } else if (kind === "ppks") {
      st.add = (payload.add || []).map(function (a) {
        return { target: a.person_id ? String(a.person_id) : "keluarga", ppks_type: String(a.ppks_type),
          disability_subtypes: a.disability_subtypes || [], date_found: a.date_found || "", notes: a.notes || "" };
      });
      (payload.end || []).forEach(function (e) {
        st.end[e.record_id] = { on: true, ended_on: e.ended_on || "", reason: e.reason || "" };
      });
    } else {
      Object.keys(payload || {}).forEach(function (k) { st.survey[k] = payload[k] == null ? "" : String(payload[k]); });
    }
    if (detail) {
      st.evidence.visit_date = detail.visit_date || st.evidence.visit_date;
      st.evidence.notes = detail.notes || "";
      if (detail.latitude != null) st.evidence.gps = { lat: +detail.latitude, lon: +detail.longitude, acc: detail.gps_accuracy_m };
    }
    return st;
  }

  /* Validation (same rules as the server) ----------------------------------------- */

  function validate(draft) {
    var st = draft.state, rf = ref(), E = new R.Errors();
    var hh = draft.household_id ? S_.byId[draft.household_id] : null;
    var now = R.today();
    R.date(E, "evidence.visit_date", st.evidence.visit_date, "Tanggal kunjungan", true);
    if (draft.kind !== "keluarga_baru" && !hh) E.add("household_id", "Keluarga ini tidak ada di data ponsel; sinkronkan dulu.");

    if (draft.kind === "keluarga_baru") {
      R.household(E, "household.", st.household, rf, true);
      var niks = {}, heads = 0;
      st.members.forEach(function (m, i) {
        R.person(E, "member." + i + ".", m, rf, { full: true, niks: niks, index: i });
        if (m.relation === "kepala") heads++;
      });
      if (heads !== 1) E.add("members", "Keluarga baru harus punya tepat satu kepala keluarga.");
    } else if (draft.kind === "perubahan" && hh) {
      var built = buildPayload(draft).payload;
      R.household(E, "household.", built.household, rf, false);
      var headAlive = hh.members.some(function (m) {
        var p = st.persons[m.id];
        return m.relation === "kepala" && m.life_status === "hidup" && !(p && (p.change === "meninggal" || p.change === "pindah"));
      });
      built.persons.forEach(function (item) {
        var m = hh.members.filter(function (x) { return x.id === item.person_id; })[0];
        var prefix = "person." + m.id + ".";
        if (item.change === "koreksi") {
          if (!Object.keys(item.fields).length) { E.add("person." + m.id, "Tidak ada isian yang dikoreksi."); return; }
          R.person(E, prefix, item.fields, rf, { current: m });
          if (item.fields.relation === "kepala" && m.relation !== "kepala" && headAlive) {
            E.add(prefix + "relation", "Keluarga ini sudah memiliki kepala keluarga.");
          }
        } else {
          if (m.life_status !== "hidup") E.add(prefix + "life_status", m.name + " sudah tercatat " + labelOf("life_status", m.life_status).toLowerCase() + ".");
          R.date(E, prefix + "date", item.date, "Tanggal", true);
          if (item.date && m.birth_date && item.date < m.birth_date) E.add(prefix + "date", "Tanggal tidak boleh sebelum tanggal lahir.");
          if (item.change === "pindah" && !item.reason) E.add(prefix + "reason", "Alasan/tujuan pindah wajib diisi.");
        }
      });
      var niks2 = {};
      st.new_members.forEach(function (m, i) {
        R.person(E, "new_member." + i + ".", m, rf, { full: true, niks: niks2, index: i });
        if (!m.reason) E.add("new_member." + i + ".reason", "Alasan anggota baru wajib dipilih.");
        if (m.relation === "kepala" && headAlive) E.add("new_member." + i + ".relation", "Keluarga ini sudah memiliki kepala keluarga.");
      });
      if (!Object.keys(built.household).length && !built.persons.length && !built.new_members.length) {
        E.add("payload", "Laporan perubahan belum berisi perubahan apa pun.");
      }
    } else if (draft.kind === "ppks" && hh) {
      var active = {};
      hh.ppks.forEach(function (p) { active[(p.person_id || "kk") + ":" + p.ppks_type] = p; });
      st.add.forEach(function (a, i) {
        var prefix = "ppks_add." + i + ".";
        var t = ppksType(a.ppks_type);
        if (!t) { E.add(prefix + "ppks_type", "Jenis PPKS wajib dipilih."); return; }
        var person = a.target && a.target !== "keluarga" ? hh.members.filter(function (m) { return String(m.id) === a.target; })[0] : null;
        if (!a.target) E.add(prefix + "person_id", "Pilih individu atau keluarga.");
        else if (t.level === "individu" && !person) E.add(prefix + "person_id", t.name + " dicatat per individu: pilih individunya.");
        else if (t.level !== "individu" && person) E.add(prefix + "person_id", t.name + " dicatat per " + t.level + ", bukan per individu.");
        if (a.date_found && a.date_found > now) E.add(prefix + "date_found", "Tanggal ditemukan tidak boleh di masa depan.");
        if (person && t.level === "individu") R.ppksPerson(E, prefix, t, person, a.date_found || now);
        if (t.has_disability_subtypes && !(a.disability_subtypes || []).length) E.add(prefix + "disability_subtypes", "Pilih minimal satu jenis disabilitas.");
        if (active[(person ? person.id : "kk") + ":" + t.number]) {
          E.add(prefix + "ppks_type", t.name + " untuk " + (person ? person.name : "keluarga ini") + " sudah tercatat aktif.");
        }
      });
      var any = st.add.length;
      hh.ppks.forEach(function (p) {
        var e = st.end[p.id];
        if (!e || !e.on) return;
        any++;
        if (!String(e.reason || "").trim()) E.add("ppks_end." + p.id + ".reason", "Alasan selesai wajib diisi.");
        if (e.ended_on && e.ended_on > now) E.add("ppks_end." + p.id + ".ended_on", "Tanggal selesai tidak boleh di masa depan.");
      });
      if (!any) E.add("payload", "Laporan PPKS belum berisi data PPKS apa pun.");
    } else if (draft.kind === "survei_rumah") {
      SURVEY.forEach(function (s) {
        if (!String(st.survey[s[0]] || "").trim()) E.add("survey." + s[0], FIELD_LABEL[s[0]] + " wajib diisi.");
      });
      var area = parseFloat(String(st.survey.floor_area_m2 || "").replace(",", "."));
      if (st.survey.floor_area_m2 && (isNaN(area) || area < 1 || area > 10000)) E.add("survey.floor_area_m2", "Luas lantai harus 1–10.000 m².");
      var occ = Number(st.survey.occupants);
      if (st.survey.occupants && (!Number.isInteger(occ) || occ < 1 || occ > 99)) E.add("survey.occupants", "Jumlah penghuni harus 1–99.");
    }
    return E;
  }

  /* Server paths (errors, return reasons) -> the form's paths. */
  function localPath(path, draft) {
    var p = String(path).replace(/^payload\./, "").replace(/\[(\d+)\]/g, ".$1");
    p = p.replace(/^members\./, "member.").replace(/^new_members\./, "new_member.").replace(/^household\.village/, "household.kelurahan");
    p = p.replace(/^(ppks_add\.\d+)\.person$/, "$1.person_id");
    var m = /^ppks_end\.(\d+)(.*)$/.exec(p);
    if (m && draft && draft.state && S_.byId) {
      var built = safePayload(draft);
      var item = built.end && built.end[+m[1]];
      if (item) p = "ppks_end." + item.record_id + m[2];
    }
    m = /^person_item\.(\d+)(.*)$/.exec(p);
    if (m && draft && draft.state && S_.byId) {
      var b2 = safePayload(draft);
      var it = b2.persons && b2.persons[+m[1]];
      if (it) p = "person." + it.person_id + m[2];
    }
    if (/^(visit_date|photos|notes|latitude|longitude|gps_accuracy_m)$/.test(p)) p = "evidence." + p;
    if (draft && draft.kind === "survei_rumah" && SURVEY.some(function (s) { return s[0] === p; })) p = "survey." + p;
    return p;
  }

  function safePayload(draft) {
    try { return buildPayload(draft).payload; } catch (e) { return {}; }
  }

  function pathLabel(path, draft) {
    var parts = path.split(".");
    var field = FIELD_LABEL[parts[parts.length - 1]] || "";
    var hh = draft && draft.household_id ? S_.byId && S_.byId[draft.household_id] : null;
    var who = "";
    if (parts[0] === "member" || parts[0] === "new_member") who = (parts[0] === "member" ? "Anggota " : "Anggota baru ") + (+parts[1] + 1);
    else if (parts[0] === "person") who = hh ? memberName(hh, +parts[1]) : "Individu";
    else if (parts[0] === "ppks_add") who = "PPKS baru " + (+parts[1] + 1);
    else if (parts[0] === "ppks_end") who = "PPKS selesai";
    else if (parts[0] === "household") who = "Keluarga";
    if (/^\d+$/.test(parts[parts.length - 1])) field = "";
    return [who, field].filter(Boolean).join(" · ") || FIELD_LABEL[parts[0]] || path;
  }

  /* Screens: report form ---------------------------------------------------------- */

  var current = null; // {draft, saveTimer, root}

  function scheduleSave() {
    if (!current) return;
    var d = current.draft;
    d.updated_at = new Date().toISOString();
    clearTimeout(current.saveTimer);
    current.saveTimer = setTimeout(function () { DB.put("drafts", d); }, 250);
  }
  function saveNow() {
    if (!current) return Promise.resolve();
    clearTimeout(current.saveTimer);
    return DB.put("drafts", current.draft);
  }

  function fieldBox(label, path, control, hint) {
    return h("div", { class: "f", "data-f": path },
      h("label", { for: "f-" + path }, label), control,
      hint ? h("div", { class: "hint" }, hint) : null,
      h("div", { class: "err", "data-err": path }));
  }
  function bindAttrs(obj, key, path, extra) {
    var a = { id: "f-" + path, name: path, value: obj[key] == null ? "" : String(obj[key]) };
    a.oninput = function (e) { obj[key] = e.target.value; scheduleSave(); clearErr(path); if (extra && extra.after) extra.after(); };
    return a;
  }
  function text(label, obj, key, path, attrs, hint) {
    var a = Object.assign(bindAttrs(obj, key, path, attrs), { type: "text" }, attrs || {});
    delete a.after;
    return fieldBox(label, path, h("input", a), hint);
  }
  function dateField(label, obj, key, path) {
    return fieldBox(label, path, h("input", Object.assign(bindAttrs(obj, key, path), { type: "date", max: R.today() })));
  }
  function area(label, obj, key, path) {
    var a = bindAttrs(obj, key, path);
    var el = h("textarea", Object.assign(a, { rows: 3 }));
    el.value = obj[key] || "";
    return fieldBox(label, path, el);
  }
  function select(label, obj, key, path, options, opts) {
    opts = opts || {};
    var a = bindAttrs(obj, key, path, opts);
    a.onchange = a.oninput;
    delete a.oninput;
    var list = [h("option", { value: "" }, opts.empty || "— pilih —")];
    options.forEach(function (o) {
      list.push(h("option", { value: o.value, selected: String(obj[key]) === String(o.value) }, o.label));
    });
    return fieldBox(label, path, h("select", a, list), opts.hint);
  }
  function checks(label, obj, key, path, options) {
    var box = h("div", { class: "checks", id: "f-" + path });
    options.forEach(function (o) {
      var on = (obj[key] || []).indexOf(o.value) !== -1;
      add(box, h("label", { class: "check" }, h("input", {
        type: "checkbox", checked: on, value: o.value,
        onchange: function (e) {
          var list = (obj[key] || []).filter(function (v) { return v !== o.value; });
          if (e.target.checked) list.push(o.value);
          obj[key] = list;
          scheduleSave();
          clearErr(path);
        }
      }), " ", o.label));
    });
    return fieldBox(label, path, box);
  }

  function clearErr(path) {
    if (!current) return;
    var el = current.root.querySelector('[data-err="' + path + '"]');
    if (el) { el.textContent = ""; el.parentNode.classList.remove("bad"); }
  }

  function showErrors(map, kindClass) {
    var root = current.root;
    root.querySelectorAll(".err").forEach(function (e) { e.textContent = ""; e.parentNode.classList.remove("bad"); });
    var summary = root.querySelector(".summary");
    summary.textContent = "";
    var loose = [];
    var first = null;
    Object.keys(map || {}).forEach(function (raw) {
      var path = localPath(raw, current.draft);
      var msgs = [].concat(map[raw]);
      var el = root.querySelector('[data-err="' + path + '"]');
      if (el) {
        el.textContent = msgs.join(" ");
        el.parentNode.classList.add("bad");
        if (!first) first = el.parentNode;
      } else loose.push(pathLabel(path, current.draft) + ": " + msgs.join(" "));
    });
    var n = Object.keys(map || {}).length;
    if (n) {
      add(summary, h("div", { class: "alert " + (kindClass || "") },
        kindClass === "returned" ? "Laporan dikembalikan. Perbaiki isian yang ditandai:" : "Periksa " + n + " isian yang ditandai.",
        loose.length ? h("ul", null, loose.map(function (t) { return h("li", null, t); })) : null));
      (first || summary).scrollIntoView({ block: "center" });
    }
  }

  function personFields(p, prefix, options) {
    options = options || {};
    var rf = ref();
    var nikHint = options.current ? "Tercatat: " + (options.current.nik || "(kosong)") + ". Isi hanya jika NIK perlu dikoreksi." : "16 digit sesuai KK/KTP.";
    var out = [
      text("Nama", p, "name", prefix + "name", { autocomplete: "off" }),
      text("NIK", p, "nik", prefix + "nik", { inputmode: "numeric", maxlength: 20, autocomplete: "off" }, nikHint)
    ];
    if (!options.current) {
      out.push(select("Alasan NIK kosong", p, "nik_missing_reason", prefix + "nik_missing_reason", choices("missing_id_reason"), { empty: "— (NIK diisi) —" }));
    }
    out.push(
      text("Alasan beda data NIK", p, "nik_mismatch_reason", prefix + "nik_mismatch_reason", {}, "Hanya jika NIK berbeda dengan jenis kelamin/tanggal lahir dan data sudah benar."),
      select("Jenis kelamin", p, "sex", prefix + "sex", choices("sex")),
      text("Tempat lahir", p, "birth_place", prefix + "birth_place"),
      dateField("Tanggal lahir", p, "birth_date", prefix + "birth_date"),
      select("Hubungan dengan kepala keluarga", p, "relation", prefix + "relation", choices("relation")),
      select("Status perkawinan", p, "marital_status", prefix + "marital_status", choices("marital_status")),
      select("Pendidikan", p, "education", prefix + "education", choices("education")),
      text("Pekerjaan", p, "occupation", prefix + "occupation"),
      checks("Disabilitas", p, "disabilities", prefix + "disabilities", choices("disability")),
      text("Penyakit kronis", p, "chronic_illness", prefix + "chronic_illness"));
    return out;
  }

  function formNewHousehold(draft, redraw) {
    var st = draft.state;
    var u = S_.user || CFG.user;
    var kelOptions = (CFG.villages || []).map(function (v) { return { value: v.code, label: v.name }; });
    var hhBox = h("fieldset", null, h("legend", null, "Keluarga"),
      text("No. KK", st.household, "no_kk", "household.no_kk", { inputmode: "numeric", maxlength: 20 }, "16 digit; kosongkan jika tidak ada lalu pilih alasannya."),
      select("Alasan No. KK kosong", st.household, "no_kk_missing_reason", "household.no_kk_missing_reason", choices("missing_id_reason"), { empty: "— (No. KK diisi) —" }),
      text("Alamat", st.household, "address", "household.address"),
      h("div", { class: "row2" }, text("RT", st.household, "rt", "household.rt", { inputmode: "numeric", maxlength: 3 }),
        text("RW", st.household, "rw", "household.rw", { inputmode: "numeric", maxlength: 3 })),
      u.role === "psm" ? h("div", { class: "f", "data-f": "household.kelurahan" }, h("label", null, "Kelurahan"),
        h("div", null, u.kelurahan_name || u.kelurahan), h("div", { class: "err", "data-err": "household.kelurahan" }))
        : select("Kelurahan", st.household, "kelurahan", "household.kelurahan", kelOptions),
      select("Status kepemilikan rumah", st.household, "house_ownership", "household.house_ownership", choices("house_ownership")),
      select("Status lahan", st.household, "land_status", "household.land_status", choices("land_status")));
    var members = st.members.map(function (m, i) {
      return h("fieldset", null, h("legend", null, "Anggota " + (i + 1)),
        personFields(m, "member." + i + "."),
        st.members.length > 1 ? h("button", { type: "button", class: "btn link danger", onclick: function () {
          st.members.splice(i, 1); scheduleSave(); redraw();
        } }, "Hapus anggota ini") : null);
    });
    return [hhBox, h("div", { class: "err-wrap" }, h("div", { class: "err", "data-err": "members" })), members,
      h("button", { type: "button", class: "btn wide", onclick: function () {
        st.members.push(newPerson("")); scheduleSave(); redraw();
      } }, "+ Tambah anggota")];
  }

  function formChange(draft, hh, redraw) {
    var st = draft.state;
    var hhBox = h("fieldset", null, h("legend", null, "Data keluarga (ubah yang salah saja)"),
      text("No. KK baru", st.household, "no_kk", "household.no_kk", { inputmode: "numeric", maxlength: 20 }, "Tercatat: " + (hh.no_kk || "(kosong)") + ". Isi hanya jika No. KK berubah."),
      text("Alamat", st.household, "address", "household.address"),
      h("div", { class: "row2" }, text("RT", st.household, "rt", "household.rt", { inputmode: "numeric", maxlength: 3 }),
        text("RW", st.household, "rw", "household.rw", { inputmode: "numeric", maxlength: 3 })),
      select("Status kepemilikan rumah", st.household, "house_ownership", "household.house_ownership", choices("house_ownership")),
      select("Status lahan", st.household, "land_status", "household.land_status", choices("land_status")));
    var persons = hh.members.map(function (m) {
      var p = st.persons[m.id];
      if (!p) { p = st.persons[m.id] = { change: "", fields: {}, date: "", reason: "" }; }
      var prefix = "person." + m.id + ".";
      var body = null;
      if (p.change === "koreksi") body = [personFields(p.fields, prefix, { current: m }), text("Keterangan", p, "reason", prefix + "reason")];
      else if (p.change === "meninggal" || p.change === "pindah") {
        body = [dateField(p.change === "meninggal" ? "Tanggal meninggal" : "Tanggal pindah", p, "date", prefix + "date"),
          text(p.change === "pindah" ? "Alasan / tujuan pindah" : "Keterangan", p, "reason", prefix + "reason")];
      }
      return h("fieldset", { class: m.life_status !== "hidup" ? "gone" : "" },
        h("legend", null, m.name + " · " + labelOf("relation", m.relation)),
        h("div", { class: "err", "data-err": "person." + m.id }),
        h("div", { class: "err", "data-err": prefix + "life_status" }),
        select("Perubahan", p, "change", prefix + "change", choices("person_change"), { empty: "Tidak ada perubahan", after: redraw }),
        body);
    });
    var news = st.new_members.map(function (m, i) {
      var prefix = "new_member." + i + ".";
      return h("fieldset", null, h("legend", null, "Anggota baru " + (i + 1)),
        select("Alasan", m, "reason", prefix + "reason", choices("new_member_reason")),
        personFields(m, prefix),
        h("button", { type: "button", class: "btn link danger", onclick: function () { st.new_members.splice(i, 1); scheduleSave(); redraw(); } }, "Hapus anggota baru ini"));
    });
    return [hhBox, h("h2", null, "Anggota keluarga"), persons, news,
      h("button", { type: "button", class: "btn wide", onclick: function () {
        var p = newPerson(""); p.reason = ""; st.new_members.push(p); scheduleSave(); redraw();
      } }, "+ Anggota baru (lahir/pendatang/belum tercatat)")];
  }

  function formPpks(draft, hh, redraw) {
    var st = draft.state;
    var targets = [{ value: "keluarga", label: "Keluarga (PPKS tingkat keluarga)" }].concat(
      hh.members.filter(function (m) { return m.life_status === "hidup"; }).map(function (m) {
        return { value: String(m.id), label: m.name };
      }));
    var adds = st.add.map(function (a, i) {
      var prefix = "ppks_add." + i + ".";
      var types = ref().ppks_types.filter(function (t) {
        if (!a.target) return true;
        return a.target === "keluarga" ? t.level !== "individu" : t.level === "individu";
      }).map(function (t) { return { value: String(t.number), label: t.number + ". " + t.name + (t.rule ? " (" + t.rule + ")" : "") }; });
      var t = ppksType(a.ppks_type);
      return h("fieldset", null, h("legend", null, "PPKS baru " + (i + 1)),
        select("Untuk", a, "target", prefix + "person_id", targets, { after: redraw }),
        select("Jenis PPKS", a, "ppks_type", prefix + "ppks_type", types, { after: redraw }),
        t && t.has_disability_subtypes ? checks("Jenis disabilitas", a, "disability_subtypes", prefix + "disability_subtypes", choices("disability")) : null,
        dateField("Tanggal ditemukan", a, "date_found", prefix + "date_found"),
        area("Catatan", a, "notes", prefix + "notes"),
        h("button", { type: "button", class: "btn link danger", onclick: function () { st.add.splice(i, 1); scheduleSave(); redraw(); } }, "Hapus"));
    });
    var ends = hh.ppks.map(function (p) {
      var e = st.end[p.id] || (st.end[p.id] = { on: false, ended_on: R.today(), reason: "" });
      var t = ppksType(p.ppks_type);
      var prefix = "ppks_end." + p.id + ".";
      return h("fieldset", null,
        h("label", { class: "check" }, h("input", { type: "checkbox", checked: e.on, onchange: function (ev) { e.on = ev.target.checked; scheduleSave(); redraw(); } }),
          " Akhiri: ", h("b", null, t ? t.name : "Jenis " + p.ppks_type), " · ", p.person_id ? memberName(hh, p.person_id) : "keluarga"),
        h("div", { class: "err", "data-err": "ppks_end." + p.id }),
        e.on ? [dateField("Tanggal selesai", e, "ended_on", prefix + "ended_on"), text("Alasan selesai", e, "reason", prefix + "reason")] : null);
    });
    return [h("h2", null, "PPKS baru"), adds,
      h("button", { type: "button", class: "btn wide", onclick: function () {
        st.add.push({ target: "", ppks_type: "", disability_subtypes: [], date_found: R.today(), notes: "" }); scheduleSave(); redraw();
      } }, "+ Tambah PPKS"),
      h("h2", null, "PPKS aktif"), ends.length ? ends : h("p", { class: "muted" }, "Keluarga ini tidak memiliki PPKS aktif.")];
  }

  function formSurvey(draft) {
    var st = draft.state;
    return [h("fieldset", null, h("legend", null, "Blok III: keadaan rumah"),
      SURVEY.map(function (s) {
        var path = "survey." + s[0];
        if (s[0] === "floor_area_m2") return text(FIELD_LABEL[s[0]], st.survey, s[0], path, { inputmode: "decimal" });
        if (s[0] === "occupants") return text(FIELD_LABEL[s[0]], st.survey, s[0], path, { inputmode: "numeric", maxlength: 2 });
        return select(FIELD_LABEL[s[0]], st.survey, s[0], path, choices(s[1]));
      }))];
  }

  /* Evidence: visit date, GPS, photos, notes. */
  function formEvidence(draft, redraw) {
    var ev = draft.state.evidence;
    var gpsText = ev.gps ? ev.gps.lat.toFixed(6) + ", " + ev.gps.lon.toFixed(6) + (ev.gps.acc != null ? " (akurasi ±" + ev.gps.acc + " m)" : "") : "Belum diambil";
    var gpsBox = h("div", { class: "f", "data-f": "evidence.gps" }, h("label", null, "Lokasi GPS (opsional)"),
      h("div", { class: "gps" }, gpsText),
      h("div", { class: "row2" },
        h("button", { type: "button", class: "btn", onclick: function (e) { takeGps(ev, e.target, redraw); } }, ev.gps ? "Ambil ulang" : "Ambil lokasi"),
        ev.gps ? h("button", { type: "button", class: "btn link", onclick: function () { ev.gps = null; scheduleSave(); redraw(); } }, "Hapus lokasi") : null),
      h("div", { class: "err", "data-err": "evidence.latitude" }));
    var photoBox = h("div", { class: "photos" });
    ev.photos.forEach(function (p, i) {
      var fig = h("figure", null, h("div", { class: "thumb" }), h("figcaption", null, labelOf("photo_kind", p.kind) + " · " + Math.round(p.size / 1024) + " KB"),
        h("button", { type: "button", class: "btn link danger", onclick: function () {
          ev.photos.splice(i, 1);
          DB.del("photos", p.id);
          scheduleSave();
          redraw();
        } }, "Hapus"));
      DB.get("photos", p.id).then(function (rec) {
        if (rec && rec.blob) {
          var url = URL.createObjectURL(rec.blob);
          fig.firstChild.appendChild(h("img", { src: url, alt: labelOf("photo_kind", p.kind), onload: function () { URL.revokeObjectURL(url); } }));
        }
      });
      add(photoBox, fig);
    });
    var buttons = choices("photo_kind").map(function (k) {
      var input = h("input", {
        type: "file", accept: "image/*", capture: "environment", class: "hidden-file", "data-kind": k.value,
        onchange: function (e) {
          var file = e.target.files && e.target.files[0];
          e.target.value = "";
          if (file) addPhoto(draft, k.value, file, redraw);
        }
      });
      return h("label", { class: "btn photo-btn" }, input, "+ " + k.label);
    });
    return h("fieldset", null, h("legend", null, "Bukti kunjungan"),
      dateField("Tanggal kunjungan", ev, "visit_date", "evidence.visit_date"),
      gpsBox,
      h("div", { class: "f", "data-f": "evidence.photos" }, h("label", null, "Foto (maks. " + MAX_PHOTOS + ")"), photoBox,
        ev.photos.length < MAX_PHOTOS ? h("div", { class: "photo-buttons" }, buttons) : null,
        h("div", { class: "err", "data-err": "evidence.photos" })),
      area("Catatan", ev, "notes", "evidence.notes"));
  }

  function takeGps(ev, button, redraw) {
    if (!navigator.geolocation) { toast("Ponsel ini tidak mendukung GPS di peramban.", true); return; }
    button.disabled = true;
    button.textContent = "Mencari lokasi…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      ev.gps = { lat: pos.coords.latitude, lon: pos.coords.longitude, acc: Math.round(pos.coords.accuracy), at: new Date(pos.timestamp).toISOString() };
      saveNow();
      redraw();
    }, function (err) {
      button.disabled = false;
      button.textContent = "Ambil lokasi";
      toast(err.code === 1 ? "Izin lokasi ditolak. Izinkan lokasi untuk situs ini di pengaturan peramban."
        : err.code === 3 ? "Lokasi tidak ditemukan dalam waktu yang wajar. Coba di tempat terbuka." : "Lokasi tidak dapat diambil.", true);
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }

  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () { return createImageBitmap(file); });
    }
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () { URL.revokeObjectURL(url); resolve(img); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("decode")); };
      img.src = url;
    });
  }
  function toBlob(canvas, quality) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", quality); });
  }

  /* Resize to at most 1280 px on the long side, JPEG ~0.7; refuse if still > 1 MB. */
  function resizePhoto(file) {
    return decode(file).then(function (img) {
      var w = img.width, hgt = img.height;
      var scale = Math.min(1, MAX_SIDE / Math.max(w, hgt));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(w * scale));
      canvas.height = Math.max(1, Math.round(hgt * scale));
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      if (img.close) img.close();
      return toBlob(canvas, 0.7).then(function (blob) {
        if (blob && blob.size > MAX_PHOTO_BYTES) return toBlob(canvas, 0.5);
        return blob;
      }).then(function (blob) { return { blob: blob, width: canvas.width, height: canvas.height }; });
    });
  }

  function addPhoto(draft, kind, file, redraw) {
    var ev = draft.state.evidence;
    if (ev.photos.length >= MAX_PHOTOS) { toast("Paling banyak " + MAX_PHOTOS + " foto per laporan.", true); return; }
    toast("Memperkecil foto…");
    resizePhoto(file).then(function (r) {
      if (!r.blob) throw new Error("encode");
      if (r.blob.size > MAX_PHOTO_BYTES) {
        toast("Foto terlalu besar (" + (r.blob.size / 1048576).toFixed(1) + " MB) meskipun sudah diperkecil. Ambil ulang foto.", true);
        return;
      }
      var id = uuid();
      var rec = { id: id, owner: draft.id, kind: kind, blob: r.blob, size: r.blob.size, width: r.width, height: r.height, taken_at: new Date().toISOString() };
      return DB.put("photos", rec).then(function () {
        ev.photos.push({ id: id, kind: kind, size: r.blob.size, taken_at: rec.taken_at });
        return saveNow();
      }).then(function () { toast("Foto disimpan (" + Math.round(r.blob.size / 1024) + " KB)."); redraw(); });
    }).catch(function () { toast("Berkas ini tidak dapat dibaca sebagai foto.", true); });
  }

  function screenForm(id) {
    return DB.get("drafts", id).then(function (draft) {
      if (!draft) return [backLink(), h("p", { class: "alert" }, "Draf tidak ditemukan (mungkin sudah dikirim).")];
      return loadHouseholds().then(function () {
        var hh = draft.household_id ? S_.byId[draft.household_id] : null;
        if (draft.kind !== "keluarga_baru" && !hh) {
          return [backLink(), h("p", { class: "alert" }, "Keluarga laporan ini tidak ada di data ponsel. Sinkronkan dulu."),
            deleteDraftButton(draft)];
        }
        var root = h("form", { class: "report", novalidate: true, onsubmit: function (e) { e.preventDefault(); submitDraft(); } });
        current = { draft: draft, root: root, saveTimer: null };
        function redraw() {
          var y = window.scrollY;
          root.textContent = "";
          var body = draft.kind === "keluarga_baru" ? formNewHousehold(draft, redraw)
            : draft.kind === "perubahan" ? formChange(draft, hh, redraw)
            : draft.kind === "ppks" ? formPpks(draft, hh, redraw) : formSurvey(draft);
          add(root, [
            h("div", { class: "summary" }),
            h("div", { class: "err", "data-err": "household_id" }),
            h("div", { class: "err", "data-err": "payload" }),
            body, formEvidence(draft, redraw),
            h("div", { class: "actions" },
              h("button", { type: "submit", class: "btn primary wide" }, draft.resubmit_of ? "Kirim ulang" : "Kirim")),
            h("p", { class: "muted small" }, "Draf tersimpan otomatis di ponsel ini. ", deleteDraftButton(draft))
          ]);
          if (draft.errors) showErrors(draft.errors);
          else if (draft.return_reasons) showErrors(draft.return_reasons, "returned");
          window.scrollTo(0, y);
        }
        redraw();
        var title = KIND_LABEL[draft.kind] + (hh ? ": " + (hh._head || hh.address) : "");
        return [backLink(hh ? "#/keluarga/" + hh.id : "#/", hh ? "Keluarga" : "Beranda"), h("h1", null, title),
          draft.message ? h("p", { class: "alert" }, draft.message) : null, root];
      });
    });
  }

  function deleteDraftButton(draft) {
    return h("button", { type: "button", class: "btn link danger", onclick: function () {
      if (!confirm("Hapus draf ini beserta fotonya?")) return;
      current = null;
      Promise.all([DB.del("drafts", draft.id), DB.deletePhotosOf(draft.id)]).then(function () {
        toast("Draf dihapus.");
        location.hash = "#/";
      });
    } }, "Hapus draf");
  }

  function submitDraft() {
    var draft = current.draft;
    var E = validate(draft);
    if (E.count) { draft.errors = null; showErrors(E.map); return; }
    var built = buildPayload(draft);
    var ev = draft.state.evidence;
    var common = {
      payload: built.payload, base: built.base, visit_date: ev.visit_date,
      latitude: ev.gps ? +ev.gps.lat.toFixed(6) : null, longitude: ev.gps ? +ev.gps.lon.toFixed(6) : null,
      gps_accuracy_m: ev.gps && ev.gps.acc != null ? ev.gps.acc : null,
      notes: (ev.notes || "").trim(),
      photos: ev.photos.map(function (p) { return { client_id: p.id, kind: p.kind, taken_at: p.taken_at || null }; })
    };
    var report;
    if (draft.resubmit_of) report = Object.assign({ revision: draft.resubmit_of.revision }, common);
    else report = Object.assign({ client_id: draft.id, kind: draft.kind, household_id: draft.household_id || null, submit: true }, common);
    var hh = draft.household_id ? S_.byId[draft.household_id] : null;
    var item = {
      id: draft.id, owner: draft.owner, mode: draft.resubmit_of ? "resubmit" : "create",
      server_id: draft.resubmit_of ? draft.resubmit_of.server_id : null,
      kind: draft.kind, household_id: draft.household_id,
      title: KIND_LABEL[draft.kind] + ": " + (hh ? (hh._head || hh.address) : (draft.state.members && draft.state.members[0] && draft.state.members[0].name) || ""),
      report: report, form: draft.state, resubmit_of: draft.resubmit_of || null,
      state: "waiting", attempts: 0, next_try_at: 0, created_at: new Date().toISOString()
    };
    clearTimeout(current.saveTimer);
    current = null;
    DB.tx(["drafts", "outbox"], "readwrite", function (drafts, outbox) {
      outbox.put(item);
      drafts.delete(draft.id);
    }).then(function () {
      toast("Laporan masuk antrean kirim.");
      requestBackgroundSync();
      location.hash = "#/daftar/menunggu";
      if (online() && S_.token && !S_.authNeeded) {
        flushOutbox(true).then(function () { return fetchStatuses().catch(function () {}); }).then(refreshIfList);
      }
    });
  }

  /* Screens: lists of reports --------------------------------------------------------- */

  function statusBadge(status, label) {
    return h("span", { class: "badge s-" + (status || "x") }, label || status || "-");
  }

  function screenList(tab) {
    return lists().then(function (L) {
      var tabs = h("nav", { class: "tabs" },
        [["draf", "Draf", L.drafts.length], ["menunggu", "Menunggu", L.waiting.length], ["terkirim", "Terkirim", L.sent.length], ["dikembalikan", "Dikembalikan", L.returned.length]].map(function (t) {
          return h("a", { href: "#/daftar/" + t[0], class: tab === t[0] ? "on" : "" }, t[1] + " (" + t[2] + ")");
        }));
      var body;
      if (tab === "draf") {
        body = L.drafts.sort(byDate("updated_at")).map(function (d) {
          var hh = d.household_id && S_.byId ? S_.byId[d.household_id] : null;
          return h("a", { class: "item", href: "#/laporan/" + d.id }, h("b", null, KIND_LABEL[d.kind] + (d.resubmit_of ? " (perbaikan)" : "")),
            h("span", null, hh ? hh._head || hh.address : d.kind === "keluarga_baru" ? (d.state.household.address || "(alamat belum diisi)") : ""),
            h("span", { class: "muted small" }, "Diubah " + fmtDate(d.updated_at)));
        });
      } else if (tab === "menunggu") {
        body = L.waiting.sort(byDate("created_at")).map(function (i) {
          var invalid = i.state === "invalid";
          return h("div", { class: "item" + (invalid ? " warn" : "") }, h("b", null, i.title),
            h("span", null, invalid ? statusBadge("invalid", "Perlu diperbaiki") : statusBadge("waiting", i.state === "sending" ? "Sedang dikirim" : "Menunggu dikirim"),
              " ", h("span", { class: "muted small" }, fmtDate(i.created_at))),
            i.message ? h("span", { class: "small" }, i.message) : null,
            invalid && i.errors ? h("ul", { class: "small" }, Object.keys(i.errors).map(function (p) {
              return h("li", null, pathLabel(localPath(p, { kind: i.kind, household_id: i.household_id, state: i.form }), { household_id: i.household_id }) + ": " + [].concat(i.errors[p]).join(" "));
            })) : null,
            invalid ? h("button", { class: "btn", onclick: function () { fixInvalid(i); } }, "Perbaiki") : null);
        });
        if (L.waiting.length) {
          body.unshift(h("button", { class: "btn primary wide", onclick: function () { syncAll({ package: false }); } }, "Kirim sekarang"));
        }
      } else if (tab === "terkirim") {
        body = L.sent.map(function (x) {
          var s = x.server || {};
          return h("div", { class: "item" }, h("b", null, s.kind_label || (x.local && x.local.title) || "Laporan"),
            h("span", null, s.summary || (x.local && x.local.title) || ""),
            h("span", null, statusBadge(s.status, s.status_label || "Terkirim"), " ",
              h("span", { class: "muted small" }, fmtDate(s.submitted_at || (x.local && x.local.sent_at)))));
        });
      } else {
        body = L.returned.map(function (s) {
          return h("div", { class: "item warn" }, h("b", null, s.kind_label), h("span", null, s.summary),
            h("ul", { class: "small" }, Object.keys(s.return_reasons || {}).map(function (p) {
              var d = { kind: s.kind, household_id: s.household_id, state: null };
              return h("li", null, pathLabel(localPath(p, null), d) + ": " + s.return_reasons[p]);
            })),
            h("button", { class: "btn", onclick: function () { fixReturned(s); } }, "Perbaiki dan kirim ulang"));
        });
      }
      if (!body.length) body = [h("p", { class: "muted" }, "Tidak ada.")];
      return [backLink(), h("h1", null, "Laporan saya"), tabs, h("div", { class: "list" }, body)];
    });
  }

  function byDate(key) { return function (a, b) { return a[key] < b[key] ? 1 : -1; }; }

  /* A report the server refused (422): back to a draft, with the errors. */
  function fixInvalid(item) {
    var draft = {
      id: item.id, owner: item.owner, kind: item.kind, household_id: item.household_id, state: item.form,
      resubmit_of: item.resubmit_of || null, errors: item.errors || { payload: [item.message] },
      created_at: item.created_at, updated_at: new Date().toISOString()
    };
    DB.tx(["drafts", "outbox"], "readwrite", function (drafts, outbox) {
      drafts.put(draft);
      outbox.delete(item.id);
    }).then(function () { location.hash = "#/laporan/" + draft.id; });
  }

  /* A report returned by the TKSK / Dinas Sosial: a draft prefilled with its payload. */
  function fixReturned(report) {
    loadHouseholds().then(function () {
      var hh = report.household_id ? S_.byId[report.household_id] : null;
      if (report.kind !== "keluarga_baru" && !hh) { toast("Keluarga laporan ini tidak ada di data ponsel. Sinkronkan dulu.", true); return; }
      var getDetail = online() ? api("/reports/" + report.id) : Promise.reject(new Error("offline"));
      return getDetail.then(function (detail) {
        return stateFromPayload(report.kind, detail.payload || {}, hh, detail);
      }, function () {
        // Offline: use this phone's own copy, if it sent the report.
        return DB.all("outbox").then(function (items) {
          var mine = items.filter(function (i) { return i.server_id === report.id || i.id === report.client_id; })[0];
          if (!mine) throw new Error("Isi laporan ini belum ada di ponsel; buka saat ada sinyal.");
          return mine.form;
        });
      }).then(function (state) {
        state.evidence.photos = [];
        var draft = {
          id: uuid(), owner: (S_.user || CFG.user).username, kind: report.kind, household_id: report.household_id,
          state: state, resubmit_of: { server_id: report.id, revision: report.revision },
          return_reasons: report.return_reasons || {}, created_at: new Date().toISOString(), updated_at: new Date().toISOString()
        };
        return DB.put("drafts", draft).then(function () { location.hash = "#/laporan/" + draft.id; });
      }).catch(function (e) { toast(e.message, true); });
    });
  }

  /* Screens: sign out --------------------------------------------------------------- */

  function screenLogout() {
    return lists().then(function (L) {
      var pending = L.waiting.length + L.drafts.length;
      return [backLink(), h("h1", null, "Keluar dari aplikasi"),
        h("p", null, "Token perangkat dicabut dan data keluarga dihapus dari ponsel ini."),
        pending ? h("p", { class: "alert" }, "Masih ada " + pending + " draf/laporan yang belum terkirim. Laporan itu tetap disimpan dan dikirim setelah Anda masuk lagi.") : null,
        h("button", { class: "btn primary wide", onclick: function () {
          var revoke = S_.token && online() ? api("/field/token/revoke", { method: "POST" }).catch(function () {}) : Promise.resolve();
          revoke.then(function () {
            return Promise.all([DB.kvDel("token"), DB.kvDel("package"), DB.kvDel("last_sync"), DB.kvDel("reports"), DB.replaceHouseholds([])]);
          }).then(function () {
            S_.token = null; S_.meta = null; S_.households = null;
            location.href = CFG.home;
          });
        } }, "Keluar")];
    });
  }

  /* Router ------------------------------------------------------------------------ */

  function route() {
    var hash = location.hash || "#/";
    var m;
    if (current && hash.indexOf("#/laporan/" + current.draft.id) !== 0) { saveNow(); current = null; }
    var p;
    if (hash === "#/" || hash === "#") p = screenHome();
    else if ((m = /^#\/keluarga(?:\?q=(.*))?$/.exec(hash))) p = screenHouseholds(decodeURIComponent(m[1] || ""));
    else if ((m = /^#\/keluarga\/(\d+)$/.exec(hash))) p = screenHousehold(+m[1]);
    else if ((m = /^#\/laporan\/([\w-]+)$/.exec(hash))) p = screenForm(m[1]);
    else if ((m = /^#\/daftar\/(\w+)$/.exec(hash))) p = screenList(m[1]);
    else if (hash === "#/keluar") p = screenLogout();
    else if (W && (p = W.route(hash))) { /* a screen of work.js */ }
    else p = screenHome();
    return p.then(show).catch(function (e) {
      show(h("p", { class: "alert" }, "Terjadi kesalahan: " + e.message));
    });
  }

  /* Start ------------------------------------------------------------------------- */

  function start() {
    updateNet();
    window.addEventListener("online", function () { updateNet(); if (S_.token && !S_.authNeeded) { flushOutbox(true).then(refreshIfList); } });
    window.addEventListener("offline", updateNet);
    window.addEventListener("hashchange", route);
    window.addEventListener("pagehide", function () { saveNow(); });
    document.addEventListener("visibilitychange", function () { if (document.hidden) saveNow(); });

    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(CFG.sw, { scope: CFG.base }).then(function (reg) {
        var sw = reg.active || reg.waiting || reg.installing;
        if (sw) sw.postMessage({ type: "cache-shell" });
      }).catch(function () { /* no service worker (e.g. plain http): the app still works online */ });
      navigator.serviceWorker.addEventListener("message", function (e) {
        if (e.data && e.data.type === "synced") refreshIfList();
      });
    }

    return Promise.all([DB.kvGet("token"), DB.kvGet("user"), DB.kvGet("package"), DB.kvGet("reports"),
      DB.kvGet("auth_needed"), DB.kvGet("kelurahan")]).then(function (r) {
      S_.token = r[0]; S_.user = r[1]; S_.meta = r[2];
      S_.reports = (r[3] && r[3].items) || []; S_.reportsAt = r[3] && r[3].at;
      S_.authNeeded = !!r[4]; S_.kelurahan = r[5] || "";
      var pageUser = CFG.user;
      if (S_.user && S_.user.username !== pageUser.username && online()) {
        // Another account signed in on this phone: its cached area goes, its unsent
        // reports stay (they are sent only with their owner's token).
        S_.token = null; S_.meta = null; S_.reports = []; S_.kelurahan = "";
        return Promise.all([DB.kvDel("token"), DB.kvDel("package"), DB.kvDel("reports"), DB.kvDel("last_sync"),
          DB.kvDel("kelurahan"), DB.replaceHouseholds([])]).then(function () { S_.user = pageUser; });
      }
      if (!S_.user) S_.user = pageUser;
    }).then(function () {
      return route();
    }).then(function () {
      if (!online()) return;
      if (!S_.token || S_.authNeeded) {
        return getToken().then(function () {
          return S_.meta ? syncAll({ package: false }) : syncAll();
        }, function () { S_.authNeeded = true; route(); });
      }
      return S_.meta ? syncAll({ package: false }) : syncAll();
    }).then(function () {
      setInterval(tick, TICK_MS);
    });
  }

  /* The work screens (due visits, training check-in) live in work.js; they use these. */
  var W = window.PilarWork ? window.PilarWork({
    h: h, add: add, show: show, toast: toast, fmtDate: fmtDate, uuid: uuid, api: api, backLink: backLink,
    online: online, state: S_, config: CFG, db: DB, rtrw: rtrw, loadHouseholds: loadHouseholds,
    kelurahanName: kelurahanName, flushOutbox: flushOutbox, requestBackgroundSync: requestBackgroundSync,
    route: route, lists: lists
  }) : null;

  start();
})();
