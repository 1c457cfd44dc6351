"""Open data (Satu Data Indonesia): aggregated recaps per kecamatan as CSV, with a
DCAT-style `data.json` catalogue, served without login only when the office turns
it on (`PILAR_OPEN_DATA`).

Only frozen months are published (a past month's snapshot, never the moving current
figures). Never a name, NIK, address or kelurahan: the smallest area is the
kecamatan. Restricted health types (ODHA, NAPZA) are left out altogether.

Small cells: a count from 1 to `PILAR_OPEN_DATA_MIN_CELL - 1` (default 1-4) is
replaced by `*`, and so is every figure from which it could be worked back: the
row's total when only one of its parts is hidden, and an amount paid when the count
of recipients is hidden. The rule is applied to every CSV the same way (`suppress_*`).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Q

from pilar.core.formatting import month_label
from pilar.figures.models import Snapshot
from pilar.ppks.models import PpksType
from pilar.programs.models import Program
from pilar.psks.models import PsksType, PsksWorker
from pilar.recaps import periods, source
from pilar.regions.deployment import districts

MARK = "*"


def threshold() -> int:
    return max(1, settings.PILAR_OPEN_DATA_MIN_CELL)


def is_small(value) -> bool:
    return isinstance(value, int) and 0 < value < threshold()


def suppress(values: list, total_index: int | None = None) -> list:
    """Hide small counts; when exactly one part of a row is hidden and the row's total
    (at `total_index`) is shown, hide the total too so the part cannot be worked back."""
    out = [MARK if is_small(v) else v for v in values]
    if total_index is not None and out[total_index] != MARK:
        parts = [i for i in range(len(out)) if i != total_index and out[i] == MARK]
        if len(parts) == 1:
            out[total_index] = MARK
    return out


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    unit: str
    definition: str
    keywords: tuple[str, ...]
    columns: tuple[str, ...]
    rows: Callable[[datetime.date], list[list]]


def _districts() -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in districts()]


def _ppks_rows(month: datetime.date) -> list[list]:
    src = source.for_month(month)
    counts = source.ppks_counts(src, periods.city().prefix, by_district=True)
    out = []
    for t in PpksType.objects.filter(is_restricted=False).order_by("number"):
        for code, name in _districts():
            male = counts.get((code, t.pk, "L"), 0)
            female = counts.get((code, t.pk, "P"), 0)
            other = counts.get((code, t.pk, ""), 0)
            values = suppress([male, female, other, male + female + other], total_index=3)
            out.append([f"{month:%Y-%m}", code, name, t.number, t.name, *values])
    return out


def _psks_rows(month: datetime.date) -> list[list]:
    end = periods.month_end(month)
    grouped: dict[tuple[str, int], int] = defaultdict(int)
    for district_id, type_id, n in (
        PsksWorker.objects.filter(
            Q(active_until__isnull=True) | Q(active_until__gte=end),
            active_from__lte=end,
            district__regency_id=settings.PILAR_REGION,
        )
        .values_list("district_id", "psks_type_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        grouped[(district_id, type_id)] += n
    out = []
    for t in PsksType.objects.order_by("number"):
        for code, name in _districts():
            out.append(
                [
                    f"{month:%Y-%m}",
                    code,
                    name,
                    t.number,
                    t.name,
                    *suppress([grouped.get((code, t.pk), 0)]),
                ]
            )
    return out


def _poverty_rows(month: datetime.date) -> list[list]:
    src = source.for_month(month)
    sums: dict[str, list] = {code: [0, 0, 0, 0, 0] for code, _ in _districts()}
    for fig in source.area_figures(src, periods.city().prefix):
        acc = sums.setdefault(fig.village_id[:8], [0, 0, 0, 0, 0])
        d14 = source.desil_1_4(fig)
        for i, v in enumerate((fig.households, d14, fig.poverty_poor, fig.fakir_miskin, fig.rtlh)):
            acc[i] = None if v is None or acc[i] is None else acc[i] + v
    return [
        [f"{month:%Y-%m}", code, name, *suppress(["" if v is None else v for v in sums[code]])]
        for code, name in _districts()
    ]


def _program_rows(month: datetime.date) -> list[list]:
    src = source.for_month(month)
    sums: dict[tuple[int, str], list] = defaultdict(lambda: [0, 0, Decimal(0)])
    for fig in source.program_figures(src, periods.city().prefix, month.year):
        acc = sums[(fig.program_id, fig.village_id[:8])]
        acc[0] += fig.enrolled
        acc[1] += fig.delivered
        acc[2] += fig.amount_delivered
    out = []
    program_ids = {pk for pk, _ in sums}
    for program in Program.objects.filter(pk__in=program_ids).order_by("name"):
        for code, name in _districts():
            enrolled, delivered, amount = sums.get((program.pk, code), [0, 0, Decimal(0)])
            values = suppress([enrolled, delivered])
            paid = MARK if MARK in values else int(amount)
            out.append([f"{month:%Y-%m}", month.year, program.name, code, name, *values, paid])
    return out


DATASETS = [
    Dataset(
        "ppks-per-kecamatan",
        "Jumlah PPKS per kecamatan dan jenis",
        "Pemerlu Pelayanan Kesejahteraan Sosial (26 jenis, Permensos 08/2012) yang tercatat "
        "aktif pada akhir bulan, per kecamatan, menurut jenis kelamin.",
        "orang (jenis tingkat keluarga/komunitas: keluarga/komunitas)",
        "Data PPKS berstatus aktif dalam registri Dinas Sosial pada akhir bulan. "
        "Jenis data kesehatan terbatas (ODHA, korban NAPZA) tidak diterbitkan.",
        ("PPKS", "PMKS", "kesejahteraan sosial"),
        (
            "bulan",
            "kode_kecamatan",
            "kecamatan",
            "nomor_jenis",
            "jenis_ppks",
            "laki_laki",
            "perempuan",
            "keluarga_komunitas",
            "jumlah",
        ),
        _ppks_rows,
    ),
    Dataset(
        "psks-per-kecamatan",
        "Jumlah PSKS per kecamatan dan jenis",
        "Potensi dan Sumber Kesejahteraan Sosial (12 jenis) yang aktif pada akhir bulan, "
        "per kecamatan.",
        "orang atau lembaga",
        "Pekerja dan lembaga kesejahteraan sosial dalam register PSKS Dinas Sosial yang masa "
        "tugasnya mencakup hari terakhir bulan.",
        ("PSKS", "TKSK", "PSM"),
        ("bulan", "kode_kecamatan", "kecamatan", "nomor_jenis", "jenis_psks", "jumlah"),
        _psks_rows,
    ),
    Dataset(
        "kemiskinan-rtlh-per-kecamatan",
        "Keluarga miskin dan rumah tidak layak huni per kecamatan",
        "Keluarga aktif, keluarga desil 1–4, keluarga miskin menurut 14 kriteria BPS, "
        "keluarga Fakir Miskin dan RTLH tersisa, per kecamatan pada akhir bulan.",
        "keluarga (RTLH: rumah)",
        "Desil: peringkat kesejahteraan nasional (DTSEN) yang diterima Dinas Sosial. Miskin "
        "14 kriteria BPS: keluarga yang memenuhi ambang kriteria pada asesmen terakhirnya. "
        "RTLH tersisa: rumah yang menurut asesmen terakhirnya tidak layak huni (Permensos "
        "20/2017). Kosong: angka tidak tersedia untuk bulan itu.",
        ("kemiskinan", "desil", "RTLH", "fakir miskin"),
        (
            "bulan",
            "kode_kecamatan",
            "kecamatan",
            "keluarga_aktif",
            "keluarga_desil_1_4",
            "keluarga_miskin_14_kriteria",
            "keluarga_fakir_miskin",
            "rtlh_tersisa",
        ),
        _poverty_rows,
    ),
    Dataset(
        "program-per-kecamatan",
        "Realisasi program bantuan sosial per kecamatan",
        "Peserta, penerima dan nilai bantuan yang tersalurkan per program dan kecamatan "
        "pada tahun anggaran berjalan, sampai akhir bulan.",
        "keluarga atau orang (sasaran program); nilai dalam rupiah",
        "Peserta: disetujui, sudah menerima atau selesai. Nilai tersalurkan: jumlah "
        "penyaluran yang tercatat. Nilai disembunyikan (*) bila jumlah penerimanya "
        "disembunyikan.",
        ("bantuan sosial", "program", "realisasi"),
        (
            "bulan",
            "tahun_anggaran",
            "program",
            "kode_kecamatan",
            "kecamatan",
            "peserta",
            "sudah_menerima",
            "nilai_tersalurkan_rupiah",
        ),
        _program_rows,
    ),
]
BY_SLUG = {d.slug: d for d in DATASETS}


def published_months() -> list[datetime.date]:
    """Frozen months, newest first (the current month is never published)."""
    return list(
        Snapshot.objects.filter(month__lt=periods.current_month())
        .order_by("-month")
        .values_list("month", flat=True)
    )


def latest_month() -> datetime.date | None:
    return Snapshot.objects.filter(month__lt=periods.current_month()).aggregate(m=Max("month"))["m"]


def csv_text(dataset: Dataset, month: datetime.date) -> str:
    """RFC 4180 CSV (comma, UTF-8, no byte-order mark): the form open-data portals and
    their tools read."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(dataset.columns)
    writer.writerows(dataset.rows(month))
    return out.getvalue()


def catalogue(base_url: str, office: str, region: str, month: datetime.date | None) -> dict:
    """The DCAT-style catalogue (Project Open Data 1.1 fields, plus Satu Data's
    unit, frequency, source and definition)."""
    temporal = f"{month:%Y-%m-%d}/{periods.month_end(month):%Y-%m-%d}" if month is not None else ""
    return {
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "title": f"Data terbuka {office}",
        "dataset": [
            {
                "@type": "dcat:Dataset",
                "identifier": f"{base_url}{d.slug}.csv",
                "title": d.title,
                "description": d.description,
                "keyword": list(d.keywords),
                "modified": f"{month:%Y-%m-%d}" if month else "",
                "publisher": {"@type": "org:Organization", "name": office},
                "contactPoint": {"@type": "vcard:Contact", "fn": office},
                "accessLevel": "public",
                "language": ["id"],
                "spatial": region,
                "temporal": temporal,
                "accrualPeriodicity": "R/P1M",
                "unit": d.unit,
                "frequency": "bulanan",
                "source": office,
                "definition": d.definition,
                "suppression": (
                    f"Angka 1 sampai {threshold() - 1} ditulis '{MARK}', begitu pula angka "
                    "yang dapat dipakai untuk menghitungnya kembali."
                ),
                "distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "title": f"{d.title} ({month_label(month)})" if month else d.title,
                        "downloadURL": f"{base_url}{d.slug}.csv"
                        + (f"?bulan={month:%Y-%m}" if month else ""),
                        "mediaType": "text/csv",
                        "format": "CSV",
                        "describedBy": f"{base_url}data.json",
                    }
                ],
                "columns": list(d.columns),
            }
            for d in DATASETS
        ],
    }
