"""Poverty and RTLH per kelurahan: households by national desil, households poor by
BPS's 14 criteria (of those assessed), Fakir Miskin households (PPKS 24) and the
RTLH houses remaining (of those assessed), from the figures' kelurahan rows.
For the city the kelurahan are grouped under their kecamatan with a subtotal."""

from __future__ import annotations

from pilar.core.documents.model import Col, Document, Group, Row, Table
from pilar.recaps import source
from pilar.recaps.builders.context import Context
from pilar.regions.models import District, Village

FIELDS = (
    "households",
    "d1",
    "d2",
    "d3",
    "d4",
    "d1_4",
    "desil_unknown",
    "poverty_assessed",
    "poverty_poor",
    "fakir_miskin",
    "rtlh_assessed",
    "rtlh",
)


def _values(fig) -> list:
    desil: list | None = fig.desil  # type: ignore[assignment]
    d = list(desil[:4]) if desil is not None else [None] * 4
    d1_4 = source.desil_1_4(fig)
    return [
        fig.households,
        *d,
        d1_4,
        fig.desil_unknown,
        fig.poverty_assessed,
        fig.poverty_poor,
        fig.fakir_miskin,
        fig.rtlh_assessed,
        fig.rtlh,
    ]


def _add(total: list, values: list) -> None:
    for i, v in enumerate(values):
        if v is None or total[i] is None:
            total[i] = None
        else:
            total[i] += v


def build(ctx: Context) -> Document:
    src = source.for_month(ctx.month)
    figures = {f.village_id: f for f in source.area_figures(src, ctx.area.prefix)}
    villages = Village.objects.filter(code__startswith=ctx.area.prefix).order_by("code")
    districts = dict(
        District.objects.filter(code__startswith=ctx.area.code).values_list("code", "name")
    )
    rows: list[Row] = []
    grand = [0] * len(FIELDS)
    sub: list | None = None
    current = None

    def close_district() -> None:
        if ctx.area.is_city and current is not None and sub is not None:
            rows.append(Row((current, f"Jumlah Kec. {districts.get(current, current)}"), sub, True))

    for village in villages:
        district = village.code[:8]
        if district != current:
            close_district()
            current, sub = district, [0] * len(FIELDS)
        fig = figures.get(village.code)
        values = _values(fig) if fig else [0] * len(FIELDS)
        rows.append(Row((village.code, village.name), values))
        _add(grand, values)
        if sub is not None:
            _add(sub, values)
    close_district()
    rows.append(Row(("", f"Jumlah {ctx.area.label}"), grand, True))
    notes = [
        "Desil: peringkat kesejahteraan nasional (DTSEN) yang diterima Dinas Sosial; desil 1 "
        "paling miskin, sasaran bantuan sosial desil 1–4. Miskin (14 kriteria BPS): keluarga "
        "yang memenuhi sekurang-kurangnya ambang kriteria pada asesmen terakhirnya. RTLH "
        "tersisa: rumah yang pada asesmen terakhirnya tidak layak huni dan belum selesai "
        "dibedah.",
    ]
    if src.note:
        notes.append(f"Catatan angka bulan ini: {src.note}")
    table = Table(
        title="Kemiskinan dan rumah tidak layak huni (RTLH) per kelurahan",
        stub_headers=("Kode", "Kelurahan"),
        columns=[
            Col("Keluarga aktif", width=1.1),
            Group(
                "Keluarga menurut desil",
                (
                    Col("Desil 1"),
                    Col("Desil 2"),
                    Col("Desil 3"),
                    Col("Desil 4"),
                    Col("Desil 1–4"),
                    Col("Tanpa desil"),
                ),
            ),
            Group("14 kriteria BPS", (Col("Diasesmen"), Col("Miskin"))),
            Col("Fakir Miskin (PPKS 24)", width=1.1),
            Group("RTLH", (Col("Rumah diasesmen", width=1.1), Col("RTLH tersisa"))),
        ],
        rows=rows,
        notes=notes,
        stub_widths=(1.3, 2.4),
    )
    return Document(
        title="Rekapitulasi Kemiskinan dan Rumah Tidak Layak Huni per Kelurahan",
        period=ctx.period,
        area_name=ctx.area.label,
        area_code=ctx.area.code,
        blocks=[table],
        signed_on=ctx.signed_on,
        slug=ctx.slug("rekap-kemiskinan-rtlh"),
    )
