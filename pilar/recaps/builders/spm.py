"""The minimum-service (SPM) figures of Permensos 9/2018 that Pilar's data can give.

Service 1, social rehabilitation outside institutions, for four groups:

| group | who needs it (active PPKS records at the month's end, from the figures) |
|---|---|
| anak terlantar | types 1 Anak Balita Terlantar and 2 Anak Terlantar |
| lanjut usia terlantar | type 8 Lanjut Usia Terlantar |
| penyandang disabilitas terlantar | type 9 Penyandang Disabilitas (no "terlantar" field) |
| gelandangan dan pengemis | types 11 Gelandangan and 12 Pengemis |

Served: records of those types whose case (pilar.cases) had an intervention carried
out from 1 January to the month's end, other than a referral to an institution
(panti). Counted from the cases' own dates, by the household's current kelurahan.

What the data cannot give, said in the document: service 2 (protection of disaster
victims during and after an emergency: Pilar has no disaster module yet), whether a
person with disabilities is "terlantar", and the SPM's service components
(food, clothing, assistive devices...) which interventions do not record by type.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F

from pilar.cases.choices import InterventionStatus, InterventionType
from pilar.cases.models import Intervention
from pilar.core.documents.model import PERCENT, Col, Document, Group, Paragraph, Row, Table
from pilar.ppks.models import PpksType
from pilar.recaps import source
from pilar.recaps.builders.context import Context, percent
from pilar.recaps.periods import month_end

GROUPS = (
    ("Anak terlantar", (1, 2)),
    ("Lanjut usia terlantar", (8,)),
    ("Penyandang disabilitas terlantar", (9,)),
    ("Gelandangan dan pengemis", (11, 12)),
)

CANNOT = (
    "Yang belum dapat dihitung dari data Pilar: (1) layanan SPM kedua, perlindungan dan "
    "jaminan sosial korban bencana pada saat dan setelah tanggap darurat, karena Pilar "
    'belum mencatat kejadian bencana dan pengungsian; (2) status "terlantar" penyandang '
    "disabilitas, karena registri hanya mencatat jenis PPKS Penyandang Disabilitas, "
    "sehingga seluruhnya dihitung sebagai yang membutuhkan; (3) rincian jenis layanan "
    "SPM (permakanan, sandang, alat bantu, dan sebagainya), karena intervensi kasus "
    "dicatat menurut jenis tindakan, bukan komponen layanan SPM."
)


def build(ctx: Context) -> Document:
    src = source.for_month(ctx.month)
    width = 8 if ctx.area.is_city else 13
    parts = ctx.area.parts()
    numbers = {n for _, group in GROUPS for n in group}
    type_ids = dict(PpksType.objects.filter(number__in=numbers).values_list("pk", "number"))
    counts = source.ppks_counts(src, ctx.area.prefix, by_district=ctx.area.is_city)
    need: dict[tuple[str, int], int] = defaultdict(int)
    for (code, type_id, _sex), n in counts.items():
        if type_id in type_ids:
            need[(code, type_ids[type_id])] += n

    end = month_end(ctx.month)
    served_rows = (
        Intervention.objects.filter(
            status=InterventionStatus.DONE,
            done_on__gte=ctx.month.replace(month=1),
            done_on__lte=end,
            case__record__ppks_type__number__in=numbers,
            case__record__household__village__code__startswith=ctx.area.prefix,
        )
        .exclude(kind=InterventionType.REFER_PANTI)
        .values(
            number=F("case__record__ppks_type__number"),
            village=F("case__record__household__village_id"),
        )
        .annotate(n=Count("case__record_id", distinct=True))
        .order_by()
    )
    served: dict[tuple[str, int], int] = defaultdict(int)
    for row in served_rows:
        served[(row["village"][:width], row["number"])] += row["n"]

    rows: list[Row] = []
    totals = [0] * (2 * len(GROUPS))
    for code, name in parts:
        values: list = []
        for i, (_, group) in enumerate(GROUPS):
            needed = sum(need.get((code, n), 0) for n in group)
            done = sum(served.get((code, n), 0) for n in group)
            values += [needed, done, percent(done, needed)]
            totals[2 * i] += needed
            totals[2 * i + 1] += done
        rows.append(Row((code, name), values))
    total_values: list = []
    for i in range(len(GROUPS)):
        total_values += [
            totals[2 * i],
            totals[2 * i + 1],
            percent(totals[2 * i + 1], totals[2 * i]),
        ]
    rows.append(Row(("", "Jumlah"), total_values, total=True))
    notes = [
        "Membutuhkan: data PPKS aktif pada akhir bulan (anak terlantar: jenis 1 dan 2; lanjut "
        "usia terlantar: jenis 8; penyandang disabilitas: jenis 9; gelandangan dan pengemis: "
        "jenis 11 dan 12). Terlayani: data PPKS yang kasusnya mendapat intervensi terlaksana "
        f"sejak 1 Januari {ctx.month.year} sampai akhir bulan, selain rujukan ke panti. "
        "Capaian = terlayani / membutuhkan.",
    ]
    if src.note:
        notes.append(f"Catatan angka bulan ini: {src.note}")
    table = Table(
        title=(
            "Rehabilitasi sosial dasar di luar panti per "
            f"{ctx.area.part_label.lower()} (SPM layanan 1)"
        ),
        stub_headers=("Kode", ctx.area.part_label),
        columns=[
            Group(
                label,
                (Col("Membutuhkan", width=1.3), Col("Terlayani"), Col("Capaian", PERCENT)),
            )
            for label, _ in GROUPS
        ],
        rows=rows,
        notes=notes,
        stub_widths=(1.2, 2.2),
    )
    return Document(
        title="Capaian Standar Pelayanan Minimal Bidang Sosial (Permensos 9/2018)",
        period=ctx.period,
        area_name=ctx.area.label,
        area_code=ctx.area.code,
        blocks=[table, Paragraph(CANNOT)],
        signed_on=ctx.signed_on,
        slug=ctx.slug("rekap-spm"),
    )
