"""Reading the figures: the one interface every page, API endpoint, recap and report
of figures uses (docs/development/figures.md).

Everything here reads the summary tables (never the registry), scoped to the user's
area like the lists are (city roles: the region; TKSK: their kecamatan; PSM: their
kelurahan; others: nothing), for one month: the current month reads the kept figures
(refreshed first, so a write is visible at once), a past month its frozen snapshot.

Restricted health types (ODHA, NAPZA) are counted only for roles that may see health
data; for the others every total says how many records it leaves out (`hidden`), and
the row of a restricted type has `n=None`.
"""

from pilar.figures.read.areas import (
    AREA_MEASURES as AREA_MEASURES,
)
from pilar.figures.read.areas import (
    NOT_BACKFILLED as NOT_BACKFILLED,
)
from pilar.figures.read.areas import (
    AreaTotals as AreaTotals,
)
from pilar.figures.read.areas import (
    _area_rows as _area_rows,
)
from pilar.figures.read.areas import (
    _value as _value,
)
from pilar.figures.read.areas import (
    area_by_area as area_by_area,
)
from pilar.figures.read.areas import (
    area_measures as area_measures,
)
from pilar.figures.read.areas import (
    area_totals as area_totals,
)
from pilar.figures.read.areas import (
    available as available,
)
from pilar.figures.read.ppks import (
    AreaRow as AreaRow,
)
from pilar.figures.read.ppks import (
    Hidden as Hidden,
)
from pilar.figures.read.ppks import (
    PpksResult as PpksResult,
)
from pilar.figures.read.ppks import (
    PpksTable as PpksTable,
)
from pilar.figures.read.ppks import (
    TypeRow as TypeRow,
)
from pilar.figures.read.ppks import (
    _areas as _areas,
)
from pilar.figures.read.ppks import (
    _areas_query as _areas_query,
)
from pilar.figures.read.ppks import (
    _by_area as _by_area,
)
from pilar.figures.read.ppks import (
    _ppks_qs as _ppks_qs,
)
from pilar.figures.read.ppks import (
    area_level as area_level,
)
from pilar.figures.read.ppks import (
    ppks as ppks,
)
from pilar.figures.read.ppks import (
    ppks_by_area as ppks_by_area,
)
from pilar.figures.read.ppks import (
    ppks_table as ppks_table,
)
from pilar.figures.read.scope import (
    AGE_GROUPS as AGE_GROUPS,
)
from pilar.figures.read.scope import (
    HIDDEN_SHOWN_FROM as HIDDEN_SHOWN_FROM,
)
from pilar.figures.read.scope import (
    MONTH_RE as MONTH_RE,
)
from pilar.figures.read.scope import (
    SEXES as SEXES,
)
from pilar.figures.read.scope import (
    Filters as Filters,
)
from pilar.figures.read.scope import (
    _area_q as _area_q,
)
from pilar.figures.read.scope import (
    _prefix as _prefix,
)
from pilar.figures.read.scope import (
    _visible_villages_query as _visible_villages_query,
)
from pilar.figures.read.scope import (
    current_filters as current_filters,
)
from pilar.figures.read.scope import (
    may_read as may_read,
)
from pilar.figures.read.scope import (
    parse_filters as parse_filters,
)
from pilar.figures.read.scope import (
    visible_villages as visible_villages,
)
from pilar.figures.read.series import (
    ProgramRow as ProgramRow,
)
from pilar.figures.read.series import (
    TrendPoint as TrendPoint,
)
from pilar.figures.read.series import (
    TurnaroundPoint as TurnaroundPoint,
)
from pilar.figures.read.series import (
    _month_list as _month_list,
)
from pilar.figures.read.series import (
    programs as programs,
)
from pilar.figures.read.series import (
    trend as trend,
)
from pilar.figures.read.series import (
    turnaround as turnaround,
)
from pilar.figures.read.sources import (
    Source as Source,
)
from pilar.figures.read.sources import (
    _snap_q as _snap_q,
)
from pilar.figures.read.sources import (
    ensure_current as ensure_current,
)
from pilar.figures.read.sources import (
    missing_reason as missing_reason,
)
from pilar.figures.read.sources import (
    source as source,
)
