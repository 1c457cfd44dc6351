"""The field app's pages: the app shell (one page; the rest happens in the browser),
its service worker and its web-app manifest.

The service worker is served from /lapangan/sw.js (not /static/) so that its scope
is /lapangan/. Its text carries a version made from the contents of the app's
files, so any change to them installs a new worker that re-caches the shell.
"""

from __future__ import annotations

import functools
import hashlib
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse

from pilar.accounts.scope import villages_for
from pilar.accounts.types import AuthedRequest
from pilar.fieldapp.api import user_out

# The app's own files, cached by the service worker (order: as loaded by the page).
SCRIPTS = [
    "fieldapp/db.js",
    "fieldapp/rules.js",
    "fieldapp/sync.js",
    "fieldapp/work.js",
    "fieldapp/app.js",
]
STYLES = ["fieldapp/app.css"]
ICONS = ["fieldapp/icon.svg", "fieldapp/icon-192.png", "fieldapp/icon-512.png"]
OWN_FILES = [*SCRIPTS, *STYLES, "fieldapp/sw.js"]


def _read(name: str) -> bytes:
    path = finders.find(name)
    if not path:
        raise FileNotFoundError(name)
    with open(path, "rb") as fh:  # noqa: PTH123
        return fh.read()


def _version() -> str:
    digest = hashlib.sha256()
    for name in [*OWN_FILES, *ICONS]:
        digest.update(_read(name))
    return digest.hexdigest()[:12]


@functools.cache
def _cached_version() -> str:
    return _version()


def version() -> str:
    # While developing, every edit must reach the phone; in production the files
    # only change with a deployment (a restart).
    return _version() if settings.DEBUG else _cached_version()


def asset_urls() -> list[str]:
    return [static(name) for name in [*SCRIPTS, *STYLES, *ICONS]]


@login_required
def app(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not user.can_edit:
        return render(request, "fieldapp/refused.html", status=403)
    villages = [
        {"code": v.code, "name": v.name, "kecamatan_name": v.district.name}
        for v in villages_for(user, "change").order_by("code")
    ]
    config = {
        "version": version(),
        "api": "/api/v1",
        "base": reverse("fieldapp:app"),
        "sw": reverse("fieldapp:sw"),
        "login": f"{reverse(settings.LOGIN_URL)}?next={reverse('fieldapp:app')}",
        "home": reverse("web:home"),
        "csrf": get_token(request),
        "user": user_out(user),
        "villages": villages,
    }
    response = render(
        request,
        "fieldapp/app.html",
        {"config": config, "scripts": SCRIPTS, "styles": STYLES},
    )
    # The service worker keeps its own copy; the browser's HTTP cache must not.
    response["Cache-Control"] = "no-cache, private"
    return response


def service_worker(request: HttpRequest) -> HttpResponse:
    text = _read("fieldapp/sw.js").decode()
    text = text.replace("__VERSION__", version()).replace("__ASSETS__", json.dumps(asset_urls()))
    text = text.replace(
        "__SCRIPTS__", json.dumps([static("fieldapp/db.js"), static("fieldapp/sync.js")])
    )
    response = HttpResponse(text, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("fieldapp:app")
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request: HttpRequest) -> JsonResponse:
    base = reverse("fieldapp:app")
    data = {
        "name": "Pilar Lapangan",
        "short_name": "Pilar",
        "description": "Aplikasi lapangan Pilar untuk PSM dan TKSK: laporan keluarga, "
        "PPKS dan survei rumah, dapat dipakai tanpa sinyal.",
        "lang": "id",
        "start_url": base,
        "scope": base,
        "id": base,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0f5f56",
        "icons": [
            {"src": static("fieldapp/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("fieldapp/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("fieldapp/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("fieldapp/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response
