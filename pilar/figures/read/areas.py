"""Area figures: population, poverty, RTLH, data quality and reports per area."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pilar.figures.choices import SnapshotMethod
from pilar.figures.models import AreaFigure
from pilar.figures.read.ppks import AreaRow, _areas, _by_area, area_level
from pilar.figures.read.scope import Filters, _area_q
from pilar.figures.read.sources import Source, _snap_q

if TYPE_CHECKING:
    from pilar.accounts.models import User


# Area figures (population, poverty, RTLH, quality, reports) -----------------------------

AREA_MEASURES = {
    "households": "Keluarga aktif",
    "persons": "Individu hidup",
    "fakir_miskin": "Keluarga fakir miskin (PPKS 24)",
    "desil_1_4": "Keluarga desil 1–4",
    "poverty_poor": "Keluarga miskin (14 kriteria BPS)",
    "rtlh": "RTLH tersisa",
    "persons_no_nik": "Individu tanpa NIK",
    "never_visited": "Keluarga belum pernah dikunjungi",
    "assessments_overdue": "Asesmen jatuh tempo",
    "duplicates_open": "Pasangan duplikat menunggu",
    "reports_to_verify": "Laporan menunggu verifikasi",
    "reports_to_validate": "Laporan menunggu validasi",
    "visits_overdue": "Kunjungan keluarga terlambat",
}
# Measures a backfilled month cannot give (see compute.BACKFILL_NOTE).
NOT_BACKFILLED = {"persons_no_nik", "desil_1_4", "duplicates_open", "visits_overdue"}


def available(src: Source, measure: str) -> bool:
    return not (src.kind == SnapshotMethod.BACKFILL and measure in NOT_BACKFILLED)


def _area_rows(user: User, flt: Filters, src: Source) -> list[AreaFigure]:
    q = _area_q(user, flt)
    if q is None:
        return []
    return list(AreaFigure.objects.filter(_snap_q(src)).filter(q))


def _value(row: AreaFigure, measure: str) -> int | None:
    if measure == "desil_1_4":
        return sum(row.desil[:4]) if row.desil is not None else None
    return getattr(row, measure)


@dataclass
class AreaTotals:
    values: dict[str, int | None]  # measure -> total (None: not available this month)
    desil: list[int] | None  # households in desil 1..10
    desil_unknown: int | None


def area_totals(user: User, flt: Filters, src: Source) -> AreaTotals:
    rows = _area_rows(user, flt, src)
    values: dict[str, int | None] = {}
    for measure in AREA_MEASURES:
        if available(src, measure):
            values[measure] = sum(_value(r, measure) or 0 for r in rows)
        else:
            values[measure] = None
    desil = unknown = None
    if available(src, "desil_1_4"):
        desil = [sum(r.desil[i] for r in rows if r.desil) for i in range(10)]
        unknown = sum(r.desil_unknown or 0 for r in rows)
    values["poverty_assessed"] = sum(r.poverty_assessed for r in rows)
    values["rtlh_assessed"] = sum(r.rtlh_assessed for r in rows)
    values["reports_returned"] = sum(r.reports_returned or 0 for r in rows)
    return AreaTotals(values=values, desil=desil, desil_unknown=unknown)


def area_measures(
    user: User, flt: Filters, src: Source, measures=None
) -> tuple[str, dict[str, list[AreaRow]]]:
    """Every area measure (or those named) per kecamatan or kelurahan, from one read of
    the rows (the map offers them all)."""
    level = area_level(user, flt)
    rows = _area_rows(user, flt, src)
    areas = _areas(user, flt, level)
    out = {}
    for measure in measures or AREA_MEASURES:
        if not available(src, measure):
            out[measure] = [AreaRow(c, n, None) for c, n in areas]
            continue
        counts = _by_area(((r.village_id, _value(r, measure)) for r in rows), level)
        out[measure] = [AreaRow(c, n, counts.get(c, 0)) for c, n in areas]
    return level, out


def area_by_area(user: User, flt: Filters, src: Source, measure: str) -> tuple[str, list[AreaRow]]:
    """One area measure (AREA_MEASURES) per kecamatan or kelurahan (for the map)."""
    if measure not in AREA_MEASURES:
        raise ValueError(measure)
    level = area_level(user, flt)
    rows = _area_rows(user, flt, src)
    if not available(src, measure):
        return level, [AreaRow(c, n, None) for c, n in _areas(user, flt, level)]
    counts = _by_area(((r.village_id, _value(r, measure)) for r in rows), level)
    return level, [AreaRow(c, n, counts.get(c, 0)) for c, n in _areas(user, flt, level)]
