"""Boundaries for the dashboard map: GeoJSON keyed by Kemendagri code.

The deployment's region ships its files in pilar/regions/data/geo/ (Kota Tangerang:
MIT, see the README there); they are loaded into `Boundary` the first time the map
asks. Another region loads its own file with `pilar figures boundaries --file`: every
feature needs `properties.code` naming a kecamatan or kelurahan of the deployment and
a Polygon or MultiPolygon geometry; anything else is refused with the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from pilar.core.errors import InvalidInput
from pilar.figures.models import Boundary
from pilar.regions.deployment import normalize_code
from pilar.regions.models import District, Village

GEO_DIR = Path(__file__).resolve().parents[1] / "regions" / "data" / "geo"
LEVELS = ("kecamatan", "kelurahan")
MAX_BYTES = 50 * 1024 * 1024


@dataclass
class LoadResult:
    loaded: int = 0
    refused: list[str] = field(default_factory=list)


def _numbers_ok(coords: Any, depth: int) -> bool:
    """Coordinates nested `depth` lists deep, ending in [lon, lat] pairs of numbers."""
    if depth == 0:
        return (
            isinstance(coords, list)
            and len(coords) >= 2
            and all(isinstance(c, int | float) for c in coords[:2])
            and -180 <= coords[0] <= 180
            and -90 <= coords[1] <= 90
        )
    return (
        isinstance(coords, list) and bool(coords) and all(_numbers_ok(c, depth - 1) for c in coords)
    )


def load(data: dict, *, source: str = "") -> LoadResult:
    """Load a FeatureCollection; kecamatan or kelurahan by the code's length. Replaces
    the outline of each code it names, all in one transaction."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InvalidInput({"file": ["Berkas bukan GeoJSON FeatureCollection."]})
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise InvalidInput({"file": ["GeoJSON tidak berisi fitur."]})
    region = settings.PILAR_REGION + "."
    districts = dict(District.objects.filter(code__startswith=region).values_list("code", "name"))
    villages = dict(Village.objects.filter(code__startswith=region).values_list("code", "name"))
    result = LoadResult()
    rows = []
    for i, feature in enumerate(features, start=1):
        props = (feature or {}).get("properties") or {}
        code = normalize_code(str(props.get("code") or props.get("kode") or ""))
        geometry = (feature or {}).get("geometry") or {}
        kind = geometry.get("type")
        if code in districts:
            level, name = "kecamatan", districts[code]
        elif code in villages:
            level, name = "kelurahan", villages[code]
        else:
            result.refused.append(f"fitur {i}: kode '{code}' bukan wilayah {settings.PILAR_REGION}")
            continue
        depth = {"Polygon": 2, "MultiPolygon": 3}.get(str(kind))
        if depth is None or not _numbers_ok(geometry.get("coordinates"), depth):
            result.refused.append(f"fitur {i} ({code}): geometri bukan Polygon/MultiPolygon sah")
            continue
        rows.append(Boundary(code=code, level=level, name=name, geometry=geometry, source=source))
    if not rows:
        raise InvalidInput({"file": ["Tidak ada fitur yang dapat dimuat.", *result.refused[:10]]})
    with transaction.atomic():
        Boundary.objects.filter(code__in=[r.code for r in rows]).delete()
        Boundary.objects.bulk_create(rows)
    result.loaded = len(rows)
    return result


def load_file(path: Path | str) -> LoadResult:
    path = Path(path)
    if not path.is_file():
        raise InvalidInput({"file": [f"Berkas {path} tidak ditemukan."]})
    if path.stat().st_size > MAX_BYTES:
        raise InvalidInput({"file": ["Berkas lebih dari 50 MB."]})
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput({"file": [f"Berkas bukan JSON yang sah: {exc}"]}) from exc
    return load(data, source=path.name)


def ensure_shipped() -> None:
    """Load the deployment region's shipped files if no outline is loaded yet."""
    region = settings.PILAR_REGION
    if Boundary.objects.filter(code__startswith=region + ".").exists():
        return
    for level in LEVELS:
        path = GEO_DIR / f"{region}-{level}.geojson"
        if path.is_file():
            load_file(path)


def feature_collection(codes: list[str]) -> dict:
    """The outlines of `codes` as a FeatureCollection (properties: code, name)."""
    ensure_shipped()
    features = [
        {
            "type": "Feature",
            "properties": {"code": b.code, "name": b.name},
            "geometry": b.geometry,
        }
        for b in Boundary.objects.filter(code__in=codes).order_by("code")
    ]
    return {"type": "FeatureCollection", "features": features}
