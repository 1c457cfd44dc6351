"""API of the figures (`/api/v1/figures/…`): the same numbers as the dashboard, read
from the summary tables through pilar.figures.read, scoped as the pages (city roles:
the region; TKSK: their kecamatan; PSM: their kelurahan; `mitra`: 403). A refused
filter (a future month, an unknown or out-of-area code, an unknown type) is a 422
with an Indonesian message per parameter; a month without figures answers 200 with
`available: false` and the reason, never a 500."""

from __future__ import annotations

from decimal import Decimal

from ninja import Query, Router, Schema

from pilar.accounts.types import ApiRequest
from pilar.core.api import AUTH_PEOPLE, ERRORS
from pilar.core.errors import InvalidInput
from pilar.figures import read
from pilar.figures.models import Snapshot

router = Router(auth=AUTH_PEOPLE)

# Schema names are global in the OpenAPI document: every one here starts with "Figures"
# so none replaces another app's (programs has a ProgramOut, verivali a TurnaroundOut).


class FigureParams(Schema):
    bulan: str = ""  # YYYY-MM; empty: this month
    kecamatan: str = ""
    kelurahan: str = ""
    ppks_type: str = ""
    jenis_kelamin: str = ""
    kelompok_usia: str = ""
    program: str = ""


class FiguresSourceOut(Schema):
    month: str
    available: bool
    kind: str = ""  # berjalan / beku / susulan
    label: str = ""
    as_of: str | None = None
    note: str = ""
    reason: str = ""  # why there are no figures for the month


class FiguresHiddenOut(Schema):
    n: int | None  # restricted records left out (null when fewer than 5: not published)
    text: str


class FiguresTypeOut(Schema):
    number: int
    name: str
    short_name: str
    restricted: bool
    n: int | None  # null: a restricted type this role may not count


class FiguresAreaOut(Schema):
    code: str
    name: str
    n: int | None


class FiguresSummaryOut(Schema):
    source: FiguresSourceOut
    ppks_total: int | None = None
    ppks_hidden: FiguresHiddenOut | None = None
    values: dict[str, int | None] = {}  # AREA_MEASURES keys (+ poverty_assessed, …)
    desil: list[int] | None = None
    desil_unknown: int | None = None


class FiguresPpksOut(Schema):
    source: FiguresSourceOut
    total: int | None = None
    hidden: FiguresHiddenOut | None = None
    by_type: list[FiguresTypeOut] = []
    level: str = ""
    by_area: list[FiguresAreaOut] = []
    by_sex_age: dict[str, dict[str, int]] = {}


class FiguresAreaMeasureOut(Schema):
    source: FiguresSourceOut
    measure: str
    label: str
    level: str = ""
    areas: list[FiguresAreaOut] = []


class FiguresProgramOut(Schema):
    program_id: int
    name: str
    period: int
    eligible: int | None
    proposed: int | None
    enrolled: int
    delivered: int
    amount_planned: Decimal
    amount_delivered: Decimal
    budget: Decimal | None


class FiguresProgramsOut(Schema):
    source: FiguresSourceOut
    programs: list[FiguresProgramOut] = []


class FiguresTrendPointOut(Schema):
    month: str
    kind: str
    ppks: int | None
    hidden: FiguresHiddenOut
    values: dict[str, int | None]


class FiguresTurnaroundOut(Schema):
    month: str
    submitted: int
    validated: int
    rejected: int
    mean_days: float | None


class FiguresSnapshotOut(Schema):
    month: str
    kind: str
    as_of: str
    note: str


def _filters(request: ApiRequest, params: FigureParams) -> read.Filters:
    flt, problems = read.parse_filters(request.auth, params.dict())
    if problems:
        raise InvalidInput({k: [v] for k, v in problems.items()})
    return flt


def _source(flt: read.Filters) -> tuple[read.Source | None, FiguresSourceOut]:
    src = read.source(flt.month)
    month = f"{flt.month:%Y-%m}"
    if src is None:
        return None, FiguresSourceOut(
            month=month, available=False, reason=read.missing_reason(flt.month)
        )
    return src, FiguresSourceOut(
        month=month,
        available=True,
        kind=src.kind,
        label=src.label,
        as_of=src.as_of.isoformat(),
        note=src.note,
    )


def _hidden(h: read.Hidden) -> FiguresHiddenOut:
    return FiguresHiddenOut(n=h.shown, text=h.text)


@router.get("/summary", response={200: FiguresSummaryOut, **ERRORS}, summary="Angka utama")
def summary(request: ApiRequest, params: Query[FigureParams]):
    """The headline figures of a month: PPKS total (with the restricted records left
    out, if any), households, poverty, RTLH, data quality, reports waiting."""
    flt = _filters(request, params)
    src, source = _source(flt)
    if src is None:
        return FiguresSummaryOut(source=source)
    user = request.auth
    ppks = read.ppks(user, flt, src)
    totals = read.area_totals(user, flt, src)
    return FiguresSummaryOut(
        source=source,
        ppks_total=ppks.total,
        ppks_hidden=_hidden(ppks.hidden),
        values=totals.values,
        desil=totals.desil,
        desil_unknown=totals.desil_unknown,
    )


@router.get("/ppks", response={200: FiguresPpksOut, **ERRORS}, summary="PPKS per jenis dan wilayah")
def ppks(request: ApiRequest, params: Query[FigureParams]):
    flt = _filters(request, params)
    src, source = _source(flt)
    if src is None:
        return FiguresPpksOut(source=source)
    user = request.auth
    result = read.ppks(user, flt, src)
    level, rows, _ = read.ppks_by_area(user, flt, src)
    return FiguresPpksOut(
        source=source,
        total=result.total,
        hidden=_hidden(result.hidden),
        by_type=[FiguresTypeOut(**t.__dict__) for t in result.by_type],
        level=level,
        by_area=[FiguresAreaOut(**r.__dict__) for r in rows],
        by_sex_age=result.by_sex_age,
    )


@router.get(
    "/areas/{measure}",
    response={200: FiguresAreaMeasureOut, **ERRORS},
    summary="Satu angka per kecamatan/kelurahan",
)
def areas(request: ApiRequest, measure: str, params: Query[FigureParams]):
    """One of: households, persons, fakir_miskin, desil_1_4, poverty_poor, rtlh,
    persons_no_nik, never_visited, assessments_overdue, duplicates_open,
    reports_to_verify, reports_to_validate (null: not available for that month)."""
    if measure not in read.AREA_MEASURES:
        raise InvalidInput(
            {
                "measure": [
                    f"Angka tidak dikenal. Pilih salah satu: {', '.join(read.AREA_MEASURES)}."
                ]
            }
        )
    flt = _filters(request, params)
    src, source = _source(flt)
    out = FiguresAreaMeasureOut(source=source, measure=measure, label=read.AREA_MEASURES[measure])
    if src is None:
        return out
    level, rows = read.area_by_area(request.auth, flt, src, measure)
    out.level = level
    out.areas = [FiguresAreaOut(**r.__dict__) for r in rows]
    return out


@router.get("/programs", response={200: FiguresProgramsOut, **ERRORS}, summary="Cakupan program")
def programs(request: ApiRequest, params: Query[FigureParams]):
    flt = _filters(request, params)
    src, source = _source(flt)
    if src is None:
        return FiguresProgramsOut(source=source)
    rows = read.programs(request.auth, flt, src)
    return FiguresProgramsOut(
        source=source, programs=[FiguresProgramOut(**r.__dict__) for r in rows]
    )


class FiguresTrendParams(FigureParams):
    months: int = 12


def _months(value: int) -> int:
    if not 1 <= value <= 60:
        raise InvalidInput({"months": ["Jumlah bulan 1 sampai 60."]})
    return value


@router.get("/trend", response={200: list[FiguresTrendPointOut], **ERRORS}, summary="Tren bulanan")
def trend(request: ApiRequest, params: Query[FiguresTrendParams]):
    """The months up to the chosen one (`months`, default 12): PPKS and the area
    measures; `kind` empty means no figures for that month."""
    months = _months(params.months)
    flt = _filters(request, params)
    return [
        FiguresTrendPointOut(
            month=f"{p.month:%Y-%m}",
            kind=p.kind,
            ppks=p.ppks,
            hidden=_hidden(read.Hidden(p.hidden)),
            values=p.values,
        )
        for p in read.trend(request.auth, flt, months=months)
    ]


@router.get(
    "/turnaround",
    response={200: list[FiguresTurnaroundOut], **ERRORS},
    summary="Waktu proses laporan",
)
def turnaround(request: ApiRequest, params: Query[FiguresTrendParams]):
    months = _months(params.months)
    flt = _filters(request, params)
    return [
        FiguresTurnaroundOut(
            month=f"{p.month:%Y-%m}",
            submitted=p.submitted,
            validated=p.validated,
            rejected=p.rejected,
            mean_days=p.mean_days,
        )
        for p in read.turnaround(request.auth, flt, months=months)
    ]


@router.get(
    "/snapshots", response={200: list[FiguresSnapshotOut], **ERRORS}, summary="Potret bulanan"
)
def snapshots(request: ApiRequest):
    """The months with frozen or backfilled figures."""
    return [
        FiguresSnapshotOut(
            month=f"{s.month:%Y-%m}", kind=s.method, as_of=s.as_of.isoformat(), note=s.note
        )
        for s in Snapshot.objects.order_by("month")
    ]
