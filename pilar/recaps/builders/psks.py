"""Rekapitulasi PSKS: the 12 PSKS types by kecamatan (or by kelurahan of one
kecamatan), counting the workers and organisations registered in pilar.psks that
were active on the month's last day (active_from on or before it, active_until
empty or not before it). The register keeps these dates, so a past month counts the
same again unless a date itself is corrected.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, Q

from pilar.core.documents.model import Col, Document, Row, Table
from pilar.psks.models import PsksType, PsksWorker
from pilar.recaps.builders.context import Context
from pilar.recaps.periods import month_end


def build(ctx: Context) -> Document:
    end = month_end(ctx.month)
    workers = PsksWorker.objects.filter(
        Q(active_until__isnull=True) | Q(active_until__gte=end),
        active_from__lte=end,
        district__regency_id=ctx.area.code[:5],
    )
    if ctx.area.is_city:
        grouped = workers.values("psks_type_id", key=F("district_id"))
    else:
        workers = workers.filter(district_id=ctx.area.code)
        grouped = workers.values("psks_type_id", key=F("village_id"))
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for row in grouped.annotate(n=Count("id")).order_by():
        counts[(row["key"] or "", row["psks_type_id"])] += row["n"]

    parts = ctx.area.parts()
    codes = [code for code, _ in parts]
    headers = [name for _, name in parts]
    if not ctx.area.is_city:
        # TKSK and other kecamatan-level workers have no kelurahan.
        codes.append("")
        headers.append("Tingkat kecamatan")
    types = list(PsksType.objects.order_by("number"))
    rows = []
    for t in types:
        values = [counts.get((c, t.pk), 0) for c in codes]
        rows.append(Row((str(t.number), t.name), [*values, sum(values)]))
    totals = [sum(counts.get((c, t.pk), 0) for t in types) for c in codes]
    rows.append(Row(("", "Jumlah"), [*totals, sum(totals)], total=True))
    part = ctx.area.part_label.lower()
    table = Table(
        title=f"PSKS menurut jenis dan {part}",
        stub_headers=("No", "Jenis PSKS"),
        columns=[*(Col(h) for h in headers), Col("Jumlah")],
        rows=rows,
        notes=[
            "Dihitung dari register PSKS: yang aktif pada hari terakhir bulan "
            "(tanggal mulai aktif sampai tanggal akhir tugas). Lembaga (LKS, Karang "
            "Taruna, LK3, Dunia Usaha) dihitung per lembaga, yang lain per orang."
        ],
        stub_widths=(0.4, 4.5),
    )
    return Document(
        title="Rekapitulasi Potensi dan Sumber Kesejahteraan Sosial (PSKS)",
        period=ctx.period,
        area_name=ctx.area.label,
        area_code=ctx.area.code,
        blocks=[table],
        signed_on=ctx.signed_on,
        slug=ctx.slug("rekap-psks"),
    )
