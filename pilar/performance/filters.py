"""The one filter of the monthly performance list, read by the page, its export and
the API: which month, and which workers (name, kecamatan, kelurahan, PSM or TKSK)
among those the user may see (`metrics.workers_for`).

A value that cannot be used becomes a problem in Indonesian, keyed by the API's
parameter name: the page shows it and falls back (the current month, no such
filter), the API refuses the request with 422 and the same words."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import QuerySet

from pilar.accounts.models import User
from pilar.accounts.scope import villages_for
from pilar.core.dates import today
from pilar.performance.metrics import workers_for
from pilar.regions.deployment import normalize_code

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]  # fmt: skip

# The figures start with the system: nothing is recorded before 2000.
FIRST_MONTH = datetime.date(2000, 1, 1)
MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
SEARCH_MAX = 100

MSG_MONTH_FORMAT = "Bulan harus ditulis TTTT-BB, mis. 2026-11."
MSG_MONTH_EARLY = "Bulan sebelum Januari 2000 tidak tersedia."
MSG_CODE = "Kode wilayah harus berupa angka, misalnya 36.71.01.1001."
MSG_KECAMATAN = "Kecamatan tidak dikenal atau di luar wilayah Anda."
MSG_KELURAHAN = "Kelurahan tidak dikenal atau di luar wilayah Anda."
MSG_JENIS = "Jenis harus psm atau tksk."

# PSKS type numbers (Permensos 8/2012): 2 = PSM, 11 = TKSK.
JENIS = {"psm": 2, "tksk": 11}


def month_label(day: datetime.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def this_month() -> datetime.date:
    return today().replace(day=1)


def parse_month(raw: str) -> tuple[datetime.date, str | None]:
    """`YYYY-MM` as the month's first day, or the current month and why `raw` was
    refused. Empty means the current month."""
    current = this_month()
    raw = (raw or "").strip()
    if not raw:
        return current, None
    m = MONTH_RE.match(raw)
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1:
        return current, MSG_MONTH_FORMAT
    chosen = datetime.date(int(m.group(1)), int(m.group(2)), 1)
    if chosen > current:
        return current, (
            f"Bulan {month_label(chosen)} belum tiba; bulan terakhir yang dapat dipilih "
            f"adalah {month_label(current)}."
        )
    if chosen < FIRST_MONTH:
        return current, MSG_MONTH_EARLY
    return chosen, None


@dataclass
class MonthlyFilter:
    month: datetime.date
    workers: QuerySet
    # What was applied, for the page's form and the export's log entry.
    applied: dict[str, str] = field(default_factory=dict)
    # API parameter name -> message.
    problems: dict[str, str] = field(default_factory=dict)


def monthly_filter(
    user: User,
    *,
    month: str = "",
    search: str = "",
    kecamatan: str = "",
    kelurahan: str = "",
    jenis: str = "",
) -> MonthlyFilter:
    """The month and the workers it lists, in the list's order (kecamatan, kelurahan,
    name). Unusable values are left out and named in `problems`."""
    problems: dict[str, str] = {}
    chosen, problem = parse_month(month)
    if problem:
        problems["month"] = problem
    qs = workers_for(user)
    applied: dict[str, str] = {}

    search = (search or "").strip()[:SEARCH_MAX]
    if search:
        qs = qs.filter(name__icontains=search)
        applied["search"] = search

    visible = villages_for(user)
    district = _code(kecamatan, 8, "kecamatan", problems)
    if district:
        if visible.filter(district_id=district).exists():
            qs = qs.filter(district_id=district)
            applied["kecamatan"] = district
        else:
            problems["kecamatan"] = MSG_KECAMATAN
            district = ""
    village = _code(kelurahan, 13, "kelurahan", problems)
    if village:
        if visible.filter(pk=village).exists() and (
            not district or village.startswith(district + ".")
        ):
            qs = qs.filter(village_id=village)
            applied["kelurahan"] = village
        else:
            problems["kelurahan"] = MSG_KELURAHAN

    jenis = (jenis or "").strip().lower()
    if jenis:
        if jenis in JENIS:
            qs = qs.filter(psks_type__number=JENIS[jenis])
            applied["jenis"] = jenis
        else:
            problems["jenis"] = MSG_JENIS

    return MonthlyFilter(
        month=chosen,
        workers=qs.order_by("district__name", "village__name", "name", "pk"),
        applied=applied,
        problems=problems,
    )


def _code(raw: str, length: int, name: str, problems: dict[str, str]) -> str:
    raw = (raw or "").strip()
    if not raw:
        return ""
    code = normalize_code(raw[:40])[:length]
    if not code:
        # A code that cleans away to nothing would silently mean "everywhere".
        problems[name] = MSG_CODE
    elif len(code) != length:
        problems[name] = MSG_KECAMATAN if name == "kecamatan" else MSG_KELURAHAN
        return ""
    return code
