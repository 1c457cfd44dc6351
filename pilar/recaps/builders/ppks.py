"""Rekapitulasi PPKS: the 26 types by kecamatan (the city) or by kelurahan (one
kecamatan), male / female / total, with the same month a year earlier.

Restricted health types (ODHA, NAPZA) are counted only for roles that may see
health data; for the others their rows read "terbatas" and every total says how
many records it leaves out, so a total never silently drops them.
"""

from __future__ import annotations

from pilar.core.documents.model import Col, Document, Group, Row, Table
from pilar.core.formatting import month_label
from pilar.ppks.models import PpksType
from pilar.recaps import source
from pilar.recaps.builders.context import Context, change

HIDDEN = "terbatas"


def _sum(counts, parts, type_id, sexes=("L", "P", "")) -> int:
    return sum(counts.get((p, type_id, s), 0) for p in parts for s in sexes)


def build(ctx: Context) -> Document:
    src = source.for_month(ctx.month)
    before = source.year_earlier(ctx.month)
    by_district = ctx.area.is_city
    parts = ctx.area.parts()
    codes = [code for code, _ in parts]
    now = source.ppks_counts(src, ctx.area.prefix, by_district=by_district)
    old = source.ppks_counts(before, ctx.area.prefix, by_district=by_district) if before else None
    types = list(PpksType.objects.order_by("number"))
    hidden = {t.pk for t in types if t.is_restricted and not ctx.may_see_health}
    visible = [t for t in types if t.pk not in hidden]
    hidden_now = sum(_sum(now, codes, t.pk) for t in types if t.pk in hidden)
    hidden_names = ", ".join(t.short_name or t.name for t in types if t.pk in hidden)
    month = month_label(ctx.month)
    earlier = month_label(before.month) if before else "setahun sebelumnya"

    notes: list[str] = []
    if hidden:
        notes.append(
            f"Jenis data kesehatan terbatas ({hidden_names}) tidak dirinci "
            f"{'untuk peran Anda' if ctx.user is not None else 'dalam dokumen ini'}; "
            f"setiap jumlah {source.hidden_text(hidden_now) or 'tidak termasuk data jenis itu'}."
        )
    notes.append(
        "Jenis tingkat keluarga dan komunitas (Fakir Miskin, Keluarga Bermasalah Sosial "
        "Psikologis, KAT) tidak dipilah menurut jenis kelamin: masuk kolom Jumlah saja."
    )
    if before is None:
        notes.append(f"Belum ada potret bulan {earlier}: kolom pembanding kosong (-).")
    if src.note:
        notes.append(f"Catatan angka bulan ini: {src.note}")
    if before is not None and before.note:
        notes.append(f"Catatan angka {earlier}: {before.note}")

    # Table 1: per type, L / P / total, against a year earlier.
    rows1 = []
    tot = {"L": 0, "P": 0, "J": 0, "old": 0}
    for t in types:
        if t.pk in hidden:
            rows1.append(Row((str(t.number), t.name), [HIDDEN] * 5))
            continue
        male, female = _sum(now, codes, t.pk, ("L",)), _sum(now, codes, t.pk, ("P",))
        total = _sum(now, codes, t.pk)
        prev = _sum(old, codes, t.pk) if old is not None else None
        rows1.append(Row((str(t.number), t.name), [male, female, total, prev, change(total, prev)]))
        tot["L"] += male
        tot["P"] += female
        tot["J"] += total
        tot["old"] += prev or 0
    prev_total = tot["old"] if old is not None else None
    rows1.append(
        Row(
            ("", "Jumlah"),
            [tot["L"], tot["P"], tot["J"], prev_total, change(tot["J"], prev_total)],
            total=True,
        )
    )
    table1 = Table(
        title="Tabel 1. PPKS menurut jenis dan jenis kelamin",
        stub_headers=("No", "Jenis PPKS"),
        columns=[
            Group(month, (Col("L"), Col("P"), Col("Jumlah"))),
            Col(f"Jumlah {earlier}", width=1.3),
            Col("Perubahan"),
        ],
        rows=rows1,
        notes=notes,
        stub_widths=(0.4, 4.5),
    )

    # Table 2: per type and area part (totals).
    part = ctx.area.part_label.lower()
    rows2 = []
    for t in types:
        if t.pk in hidden:
            rows2.append(Row((str(t.number), t.name), [HIDDEN] * (len(codes) + 1)))
            continue
        values = [_sum(now, [c], t.pk) for c in codes]
        rows2.append(Row((str(t.number), t.name), [*values, sum(values)]))
    totals = [sum(_sum(now, [c], t.pk) for t in visible) for c in codes]
    rows2.append(Row(("", "Jumlah"), [*totals, sum(totals)], total=True))
    table2 = Table(
        title=f"Tabel 2. PPKS menurut jenis dan {part}",
        stub_headers=("No", "Jenis PPKS"),
        columns=[*(Col(name) for _, name in parts), Col("Jumlah")],
        rows=rows2,
        notes=notes[:1],
        stub_widths=(0.4, 4.5),
    )

    # Table 3: per area part, L / P / household level / total, against a year earlier.
    rows3 = []
    sums = [0, 0, 0, 0, 0]
    for code, name in parts:
        male = sum(_sum(now, [code], t.pk, ("L",)) for t in visible)
        female = sum(_sum(now, [code], t.pk, ("P",)) for t in visible)
        other = sum(_sum(now, [code], t.pk, ("",)) for t in visible)
        total = male + female + other
        prev = sum(_sum(old, [code], t.pk) for t in visible) if old is not None else None
        rows3.append(Row((code, name), [male, female, other, total, prev, change(total, prev)]))
        for i, v in enumerate((male, female, other, total, prev or 0)):
            sums[i] += v
    prev_sum = sums[4] if old is not None else None
    rows3.append(Row(("", "Jumlah"), [*sums[:4], prev_sum, change(sums[3], prev_sum)], total=True))
    table3 = Table(
        title=f"Tabel 3. PPKS menurut {part} dan jenis kelamin",
        stub_headers=("Kode", ctx.area.part_label),
        columns=[
            Group(month, (Col("L"), Col("P"), Col("Keluarga/ komunitas"), Col("Jumlah"))),
            Col(f"Jumlah {earlier}", width=1.3),
            Col("Perubahan"),
        ],
        rows=rows3,
        notes=notes[:1],
        stub_widths=(1.2, 2.5),
    )

    # Table 4 (XLSX only): L / P / total for every type and area part.
    rows4 = []
    for t in types:
        if t.pk in hidden:
            rows4.append(Row((str(t.number), t.name), [HIDDEN] * (3 * len(codes) + 3)))
            continue
        cells: list = []
        for c in codes:
            cells += [
                _sum(now, [c], t.pk, ("L",)),
                _sum(now, [c], t.pk, ("P",)),
                _sum(now, [c], t.pk),
            ]
        cells += [
            _sum(now, codes, t.pk, ("L",)),
            _sum(now, codes, t.pk, ("P",)),
            _sum(now, codes, t.pk),
        ]
        rows4.append(Row((str(t.number), t.name), cells))
    table4 = Table(
        title=f"Tabel 4. PPKS menurut jenis, {part} dan jenis kelamin",
        stub_headers=("No", "Jenis PPKS"),
        columns=[
            *(Group(name, (Col("L"), Col("P"), Col("Jumlah"))) for _, name in parts),
            Group("Jumlah", (Col("L"), Col("P"), Col("Jumlah"))),
        ],
        rows=rows4,
        notes=notes[:2],
        stub_widths=(0.4, 4.5),
        in_pdf=False,
    )
    table1.notes = [*notes, "Rincian laki-laki/perempuan per wilayah: Tabel 4 pada berkas XLSX."]
    return Document(
        title="Rekapitulasi Pemerlu Pelayanan Kesejahteraan Sosial (PPKS)",
        period=ctx.period,
        area_name=ctx.area.label,
        area_code=ctx.area.code,
        blocks=[table1, table2, table3, table4],
        signed_on=ctx.signed_on,
        slug=ctx.slug("rekap-ppks"),
    )
