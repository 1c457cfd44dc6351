/* Pilar Lapangan: IndexedDB storage, shared by the page and the service worker.
 *
 * Stores:
 *   kv          key -> value (token, user, package meta, last sync, report statuses)
 *   households  the cached package: one record per household (id)
 *   drafts      forms being filled, saved as the user types (id = future client_id)
 *   photos      resized photo blobs (id = photo client_id, owner = draft/outbox id)
 *   outbox      reports waiting to be sent, sent, or refused (id = client_id)
 */
(function (root) {
  "use strict";
  var NAME = "pilar-lapangan";
  var VERSION = 1;
  var dbPromise = null;

  function req(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  function open() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var r = indexedDB.open(NAME, VERSION);
      r.onupgradeneeded = function () {
        var db = r.result;
        if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
        if (!db.objectStoreNames.contains("households")) db.createObjectStore("households", { keyPath: "id" });
        if (!db.objectStoreNames.contains("drafts")) db.createObjectStore("drafts", { keyPath: "id" });
        if (!db.objectStoreNames.contains("photos")) {
          db.createObjectStore("photos", { keyPath: "id" }).createIndex("owner", "owner");
        }
        if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "id" });
      };
      r.onsuccess = function () {
        var db = r.result;
        // Another tab upgraded the schema: let it, and reopen on next use.
        db.onversionchange = function () { db.close(); dbPromise = null; };
        resolve(db);
      };
      r.onerror = function () { dbPromise = null; reject(r.error); };
      r.onblocked = function () { /* an old tab holds the DB; it closes on versionchange */ };
    });
    return dbPromise;
  }

  /* Run fn(stores...) in one transaction; resolves with fn's result once committed. */
  function tx(names, mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(names, mode);
        var stores = names.map(function (n) { return t.objectStore(n); });
        var result;
        t.oncomplete = function () { resolve(result); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error || new Error("Transaksi dibatalkan")); };
        Promise.resolve(fn.apply(null, stores)).then(function (v) { result = v; }, function (e) {
          try { t.abort(); } catch (ignored) { /* already finished */ }
          reject(e);
        });
      });
    });
  }

  var DB = {
    open: open,
    tx: tx,
    req: req,
    get: function (store, key) {
      return tx([store], "readonly", function (s) { return req(s.get(key)); });
    },
    all: function (store) {
      return tx([store], "readonly", function (s) { return req(s.getAll()); });
    },
    put: function (store, value, key) {
      return tx([store], "readwrite", function (s) {
        return req(key === undefined ? s.put(value) : s.put(value, key));
      });
    },
    del: function (store, key) {
      return tx([store], "readwrite", function (s) { return req(s.delete(key)); });
    },
    count: function (store) {
      return tx([store], "readonly", function (s) { return req(s.count()); });
    },
    kvGet: function (key) { return DB.get("kv", key); },
    kvSet: function (key, value) { return DB.put("kv", value, key); },
    kvDel: function (key) { return DB.del("kv", key); },
    /* Replace the whole package in one transaction (a failed sync keeps the old one). */
    replaceHouseholds: function (list) {
      return tx(["households"], "readwrite", function (s) {
        s.clear();
        for (var i = 0; i < list.length; i++) s.put(list[i]);
      });
    },
    photosOf: function (owner) {
      return tx(["photos"], "readonly", function (s) { return req(s.index("owner").getAll(owner)); });
    },
    deletePhotosOf: function (owner) {
      return tx(["photos"], "readwrite", function (s) {
        return req(s.index("owner").getAllKeys(owner)).then(function (keys) {
          keys.forEach(function (k) { s.delete(k); });
          return keys.length;
        });
      });
    }
  };

  root.PilarDB = DB;
})(typeof self !== "undefined" ? self : this);
