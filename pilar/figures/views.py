"""The dashboard page (`/dasbor/`, also every role's start page at `/`) and the map's
outlines. Figures come from pilar.figures.read through dashboard.build; the charts'
data go to the page as JSON (json_script) and are drawn by static/figures/dashboard.js
(no inline script: a Content-Security-Policy will forbid it)."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pilar.accounts.scope import area_options
from pilar.accounts.types import AuthedRequest
from pilar.core.web import people_required
from pilar.figures import boundaries, dashboard, read
from pilar.figures.read import AGE_GROUPS, SEXES
from pilar.ppks.models import PpksType
from pilar.programs.models import Program


class FilterOptions:
    """The filter form's choices, read only when the form is rendered (the rendered
    form is cached per area, role and filter: most views read none of them)."""

    def __init__(self, user, flt: read.Filters):
        self.user, self.flt = user, flt

    @cached_property
    def _areas(self):
        return area_options(self.user, self.flt.kecamatan)

    @property
    def districts(self):
        return self._areas[0]

    @property
    def villages(self):
        return self._areas[1]

    @cached_property
    def ppks_types(self):
        types = PpksType.objects.order_by("number")
        if not self.user.can_see_health_data:
            types = types.exclude(is_restricted=True)
        return list(types)

    @cached_property
    def programs(self):
        return list(Program.objects.filter(is_active=True).order_by("name").only("id", "name"))


def _filter_cache_key(user, flt: read.Filters) -> str:
    scope = f"{user.role}:{user.district_id or ''}:{user.village_id or ''}"
    params = "&".join(f"{k}={v}" for k, v in sorted(flt.params().items()))
    return f"{scope}:{user.can_see_health_data}:{params}:{flt.month:%Y-%m}"


@require_GET
@people_required
def dashboard_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    board = dashboard.build(user, request.GET)
    flt = board.filters
    context = {
        "board": board,
        "filter": flt,
        "month_value": f"{flt.month:%Y-%m}",
        "filtered": any(
            [flt.kecamatan, flt.kelurahan, flt.ppks_type, flt.sex, flt.age_group, flt.program]
        )
        or not flt.is_current,
        "chart_data": {
            **board.charts,
            "geoUrl": f"{request.path.rstrip('/')}/peta.geojson"
            if request.path.startswith("/dasbor")
            else "/dasbor/peta.geojson",
            "geoLevel": board.level,
            "tileUrl": settings.PILAR_MAP_TILE_URL,
            "tileAttribution": settings.PILAR_MAP_TILE_ATTRIBUTION,
        },
        "options": FilterOptions(user, flt),
        "sexes": SEXES.items(),
        "age_groups": AGE_GROUPS.items(),
        "filter_cache_key": f"{_filter_cache_key(user, flt)}:{bool(board.problems)}:{request.path}",
    }
    return render(request, "figures/dashboard.html", context)


@require_GET
@people_required
def outlines(request: AuthedRequest) -> JsonResponse:
    """The outlines of the areas the user may see, at the level the dashboard shows
    (`tingkat=kecamatan|kelurahan`, narrowed by `kecamatan`)."""
    user = request.user
    flt, _ = read.parse_filters(user, request.GET)
    level = request.GET.get("tingkat") or read.area_level(user, flt)
    visible = read.visible_villages(user)
    if flt.kecamatan:
        visible = {v for v in visible if v.startswith(flt.kecamatan + ".")}
    if flt.kelurahan:
        visible = {v for v in visible if v == flt.kelurahan}
    codes = (
        sorted({v.rsplit(".", 1)[0] for v in visible}) if level == "kecamatan" else sorted(visible)
    )
    response = JsonResponse(boundaries.feature_collection(codes))
    # Outlines change only when an admin loads new ones; private: they follow the scope.
    response["Cache-Control"] = "private, max-age=3600"
    return response
