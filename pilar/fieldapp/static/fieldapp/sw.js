/* Pilar Lapangan service worker, served from /lapangan/sw.js (scope /lapangan/).
 * The server fills in VERSION (a hash of the app's files) and the asset list, so
 * a new deployment installs a new worker that caches the new files.
 *
 * - The app shell (/lapangan/) is network-first with a short timeout, falling
 *   back to the cached copy: offline, the app still opens.
 * - The app's static files are cache-first (their cache is per VERSION).
 * - API calls are never cached here: the package and the outbox live in IndexedDB.
 * - Background Sync ("pilar-outbox") sends the outbox even when the app is closed.
 */
"use strict";
var VERSION = "__VERSION__";
var ASSETS = __ASSETS__;
var SHARED = __SCRIPTS__;
var CACHE = "pilar-lapangan-" + VERSION;
var SHELL = new URL("./", self.registration ? self.registration.scope : self.location.href).pathname;
var NAV_TIMEOUT = 4000;

importScripts.apply(null, SHARED);

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // The shell needs the login session; if it is missing the page is not cached
      // here, and the page caches itself once it loads (message "cache-shell").
      return cache.addAll(ASSETS).then(function () {
        return fetch(SHELL, { credentials: "same-origin", redirect: "manual" }).then(function (r) {
          if (r.ok && r.type === "basic") return cache.put(SHELL, r);
        }).catch(function () { /* offline during install: the page caches it later */ });
      });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) {
        return k.indexOf("pilar-lapangan-") === 0 && k !== CACHE;
      }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function shellFromNetwork(request) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, NAV_TIMEOUT);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      resolve(response);
    }, function (err) {
      clearTimeout(timer);
      reject(err);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === "navigate" && url.pathname === SHELL) {
    event.respondWith(
      shellFromNetwork(request).then(function (response) {
        if (response.ok && !response.redirected) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(SHELL, copy); });
          return response;
        }
        // Redirected to the login page: show it when online, it is what the user needs.
        return response;
      }).catch(function () {
        return caches.match(SHELL, { cacheName: CACHE }).then(function (cached) {
          return cached || caches.match(SHELL).then(function (any) {
            return any || new Response(
              "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
              "<p style='font:16px sans-serif;padding:1em'>Tidak ada sinyal, dan aplikasi belum " +
              "pernah dibuka di ponsel ini. Buka sekali saat ada sinyal.</p>",
              { headers: { "Content-Type": "text/html; charset=utf-8" } }
            );
          });
        });
      })
    );
    return;
  }

  if (ASSETS.indexOf(url.pathname) !== -1) {
    event.respondWith(
      caches.match(request, { cacheName: CACHE }).then(function (cached) {
        return cached || fetch(request).then(function (response) {
          if (response.ok) {
            var copy = response.clone();
            caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
          }
          return response;
        });
      })
    );
  }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "cache-shell") {
    event.waitUntil(
      fetch(SHELL, { credentials: "same-origin" }).then(function (r) {
        if (r.ok && !r.redirected) return caches.open(CACHE).then(function (c) { return c.put(SHELL, r); });
      }).catch(function () { /* offline */ })
    );
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag !== "pilar-outbox") return;
  event.waitUntil(
    self.PilarSync.flush({ force: true }).then(function (summary) {
      return self.clients.matchAll().then(function (clients) {
        clients.forEach(function (c) { c.postMessage({ type: "synced", summary: summary }); });
        // Still unsent for lack of network: reject so the browser tries again later.
        if (summary && summary.failed > 0) throw new Error("outbox not empty");
      });
    })
  );
});
