"""Program realisation per program × kecamatan (or kelurahan) for the budget year
of the month: eligible (candidates and participants), proposed, enrolled, delivered,
the amounts planned for and paid to the enrolled, realisation against the planned
amount and, on each program's total, absorption of its budget (pagu)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from pilar.core.documents.model import PERCENT, RUPIAH, Col, Document, Row, Table
from pilar.programs.models import Program
from pilar.recaps import source
from pilar.recaps.builders.context import Context, percent

COUNTS = ("eligible", "proposed", "enrolled", "delivered")


def build(ctx: Context) -> Document:
    src = source.for_month(ctx.month)
    year = ctx.month.year
    figures = source.program_figures(src, ctx.area.prefix, year)
    parts = dict(ctx.area.parts())
    width = 8 if ctx.area.is_city else 13
    sums: dict[int, dict[str, list]] = defaultdict(dict)
    for fig in figures:
        key = fig.village_id[:width]
        acc = sums[fig.program_id].setdefault(key, [0, 0, 0, 0, Decimal(0), Decimal(0)])
        for i, name in enumerate(COUNTS):
            value = getattr(fig, name)
            acc[i] = None if value is None or acc[i] is None else acc[i] + value
        acc[4] += fig.amount_planned
        acc[5] += fig.amount_delivered
    programs = Program.objects.filter(pk__in=sums.keys()).order_by("name")
    rows: list[Row] = []
    for program in programs:
        total: list = [0, 0, 0, 0, Decimal(0), Decimal(0)]
        for code in parts:
            found = sums[program.pk].get(code)
            if found is None:
                continue
            rows.append(
                Row(
                    (program.name, parts[code]),
                    [*found, percent(found[5], found[4]), None, None],
                )
            )
            for i, v in enumerate(found):
                total[i] = None if v is None or total[i] is None else total[i] + v
        budget = program.budget
        rows.append(
            Row(
                (program.name, "Jumlah"),
                [*total, percent(total[5], total[4]), budget, percent(total[5], budget)],
                total=True,
            )
        )
    notes = [
        f"Tahun anggaran {year}. Layak: kandidat dan peserta menurut aturan program; "
        "peserta: disetujui, sudah menerima atau selesai; realisasi: nilai tersalurkan "
        "dibanding nilai rencana peserta; serapan pagu: nilai tersalurkan dibanding pagu "
        'program (hanya pada baris jumlah; "-" bila pagu tidak dibatasi).',
    ]
    if not rows:
        notes.insert(0, f"Belum ada program dengan peserta atau kandidat pada tahun {year}.")
    if src.note:
        notes.append(f"Catatan angka bulan ini: {src.note}")
    table = Table(
        title=f"Realisasi program per {ctx.area.part_label.lower()}",
        stub_headers=("Program", ctx.area.part_label),
        columns=[
            Col("Layak"),
            Col("Diusulkan"),
            Col("Peserta"),
            Col("Sudah menerima"),
            Col("Nilai rencana", RUPIAH, width=1.6),
            Col("Nilai tersalurkan", RUPIAH, width=1.6),
            Col("Realisasi", PERCENT),
            Col("Pagu", RUPIAH, width=1.6),
            Col("Serapan pagu", PERCENT),
        ],
        rows=rows,
        notes=notes,
        stub_widths=(2.4, 1.6),
    )
    return Document(
        title="Rekapitulasi Realisasi Program Perlindungan dan Jaminan Sosial",
        period=ctx.period,
        area_name=ctx.area.label,
        area_code=ctx.area.code,
        blocks=[table],
        signed_on=ctx.signed_on,
        slug=ctx.slug("rekap-program"),
    )
