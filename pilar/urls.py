from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from pilar.api import api
from pilar.core.health import healthz
from pilar.psks.views.training import certificate_check

admin.site.site_header = "Pilar · Administrasi"
admin.site.site_title = "Pilar"

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says (pages link the SVG).
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("pilar/favicon.ico"), permanent=True),
        name="favicon",
    ),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Each app adds its own include below (one line each).
    path("ekspor/", include("pilar.exports.urls")),
    path("impor/", include("pilar.imports.urls")),
    path("api/v1/", api.urls),
    path("akun/", include("pilar.accounts.urls")),
    path("psks/", include("pilar.psks.urls")),
    # Public: the certificate check the QR code on a training certificate opens.
    path("sertifikat/<uuid:token>/", certificate_check, name="certificate_check"),
    path("", include("pilar.web.urls")),
    path("", include("pilar.registry.urls")),
    path("ppks/", include("pilar.ppks.urls")),
    path("duplikat/", include("pilar.dedup.urls")),
    path("laporan/", include("pilar.submissions.urls")),
    path("lapangan/", include("pilar.fieldapp.urls")),
    path("asesmen/", include("pilar.assessments.urls")),
    path("program/", include("pilar.programs.urls")),
    path("penanganan/", include("pilar.cases.urls")),
    path("bedah-rumah/", include("pilar.renovations.urls")),
    path("dasbor/", include("pilar.figures.urls")),
    path("pdp/", include("pilar.pdp.urls")),
    path("kunjungan/", include("pilar.freshness.urls")),
    path("kinerja/", include("pilar.performance.urls")),
    path("rekap/", include("pilar.recaps.urls")),
    path("data-terbuka/", include("pilar.recaps.opendata_urls")),
]

# Indonesian error pages (JSON under /api/); a lost database is a 503 (pilar.core.failures).
handler400 = "pilar.core.views.bad_request"
handler403 = "pilar.core.views.permission_denied"
handler404 = "pilar.core.views.page_not_found"
handler500 = "pilar.core.views.server_error"
