"""REST API v1 wiring: the NinjaAPI instance and the apps' routers (beside urls.py).

Every tool an endpoint uses (auth, errors, pagination, parser) is in
`pilar.core.api`; no app imports this module, so the routers are imported at
the top like any other module.
"""

from __future__ import annotations

from ninja import NinjaAPI

from pilar.assessments.api import router as assessments_router
from pilar.cases.api import router as cases_router
from pilar.core.api import AUTH_ANY, PilarParser, document_common_errors, install_error_handlers
from pilar.fieldapp.api import router as field_router
from pilar.figures.api import router as figures_router
from pilar.freshness.api import router as visits_router
from pilar.performance.api import router as performance_router
from pilar.ppks.api import router as ppks_router
from pilar.programs.api import router as programs_router
from pilar.psks.api import router as training_router
from pilar.recaps.api import router as recaps_router
from pilar.regions.api import router as regions_router
from pilar.renovations.api import router as renovations_router
from pilar.submissions.api import notifications_router, verivali_router
from pilar.submissions.api import router as reports_router
from pilar.web.api import households_router, persons_router

DESCRIPTION = """
API Pilar versi 1: registri keluarga dan individu Pemerlu Pelayanan Kesejahteraan
Sosial (PPKS) untuk Dinas Sosial.

**Autentikasi.** Kirim token pada header `Authorization: Bearer plr_...`
(token dibuat dengan perintah `pilar token create NAMA_PENGGUNA`). Dari peramban,
sesi login Pilar juga diterima (permintaan tulis memerlukan token CSRF).

**Wilayah kerja.** Setiap pengguna hanya melihat dan mengubah data di wilayah
kerjanya (PSM: kelurahan, TKSK: kecamatan, Dinas Sosial dan pimpinan: seluruh
kota). Data di luar wilayah dijawab 404, sama seperti data yang tidak ada.
Peran `pimpinan` hanya dapat membaca; peran `mitra` belum dapat mengakses data
individu dan keluarga.

**Siapa menulis registri.** Hanya Dinas Sosial (`dinsos`) dan `admin` yang
menambah atau mengubah keluarga, individu dan data PPKS secara langsung
(`POST`/`PATCH` pada `/api/v1/households`, `/api/v1/persons`, `/api/v1/ppks/records`).
PSM dan TKSK mendapat jawaban 403 di sana: mereka mengajukan perubahan lewat
laporan lapangan (`/api/v1/reports`, dipakai aplikasi `/lapangan/`), yang masuk
registri setelah diverifikasi TKSK dan divalidasi Dinas Sosial. Data di luar
wilayah tetap dijawab 404, bukan 403.

**Kesalahan.** Semua jawaban kesalahan berupa JSON dengan `message` berbahasa
Indonesia; kesalahan isian (422) juga memuat `errors` (nama kolom -> daftar
pesan) dan `codes`. Isi permintaan yang rusak: 400; lebih dari 2,5 MB (di luar
berkas unggahan): 413; basis data sedang tidak dapat dihubungi: 503 dengan
header `Retry-After`. Teks tidak boleh berisi karakter kontrol atau pengatur arah
teks, dan teks yang melebihi panjang kolom ditolak (tidak dipotong). Tanggal
ditulis `TTTT-BB-HH`.

**Halaman.** Daftar memakai `limit` (bawaan 25, maksimal 200) dan `offset`, dan
menjawab `{"items": [...], "count": N}`.
""".strip()


# Operation ids are part of the published API (clients generate code from them). They
# name the module where an endpoint was first written, so moving code does not change
# them: endpoints of an `api` package keep the package's name, and modules that moved
# are mapped to where they were.
OPERATION_ID_MODULES = {"pilar.web.api": "pilar.registry.api"}


def operation_module(module: str) -> str:
    parts = module.split(".")
    if "api" in parts:
        module = ".".join(parts[: parts.index("api") + 1])
    return OPERATION_ID_MODULES.get(module, module)


class PilarAPI(NinjaAPI):
    """The API with the common error answers written into its OpenAPI document and
    operation ids that do not move with the code."""

    def get_openapi_operation_id(self, operation) -> str:
        module = operation_module(operation.view_func.__module__)
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        document_common_errors(schema)
        return schema


api = PilarAPI(
    title="Pilar API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=AUTH_ANY,
    parser=PilarParser(),
)
install_error_handlers(api)

api.add_router("/regions", regions_router, tags=["Wilayah"])
api.add_router("/households", households_router, tags=["Keluarga"])
api.add_router("/persons", persons_router, tags=["Individu"])
api.add_router("/ppks", ppks_router, tags=["PPKS"])
api.add_router("/reports", reports_router, tags=["Laporan lapangan"])
api.add_router("/notifications", notifications_router, tags=["Notifikasi"])
api.add_router("/verivali", verivali_router, tags=["Laporan lapangan"])
api.add_router("/field", field_router, tags=["Aplikasi lapangan"])
api.add_router("/assessments", assessments_router, tags=["Asesmen"])
api.add_router("/programs", programs_router, tags=["Program"])
api.add_router("/cases", cases_router, tags=["Penanganan"])
api.add_router("/renovations", renovations_router, tags=["Bedah Rumah"])
api.add_router("/figures/recaps", recaps_router, tags=["Rekap"])
api.add_router("/figures", figures_router, tags=["Angka"])
api.add_router("/training", training_router, tags=["Pelatihan PSKS"])
api.add_router("/visits", visits_router, tags=["Kunjungan jatuh tempo"])
api.add_router("/performance", performance_router, tags=["Kinerja PSKS"])
