"""Map outlines: the shipped Kota Tangerang files load by themselves; another file is
loaded by Kemendagri code, with unknown codes and broken geometry refused."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pilar.figures import boundaries
from pilar.figures.models import Boundary

pytestmark = pytest.mark.django_db


def test_shipped_outlines_cover_every_kecamatan_and_kelurahan():
    boundaries.ensure_shipped()
    assert Boundary.objects.filter(level="kecamatan").count() == 13
    assert Boundary.objects.filter(level="kelurahan").count() == 104
    fc = boundaries.feature_collection(["36.71.01", "36.71.01.1001"])
    assert [f["properties"]["code"] for f in fc["features"]] == ["36.71.01", "36.71.01.1001"]
    assert fc["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_command_loads_a_file_and_refuses_what_it_cannot_use(tmp_path, capsys):
    square = [[[106.6, -6.2], [106.7, -6.2], [106.7, -6.1], [106.6, -6.2]]]
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "3671011001"},
                "geometry": {"type": "Polygon", "coordinates": square},
            },
            {
                "type": "Feature",
                "properties": {"code": "32.01.01"},
                "geometry": {"type": "Polygon", "coordinates": square},
            },
            {
                "type": "Feature",
                "properties": {"code": "36.71.02"},
                "geometry": {"type": "Polygon", "coordinates": [[["x", 1]]]},
            },
        ],
    }
    path = tmp_path / "batas.geojson"
    path.write_text(json.dumps(data))
    call_command("figures", "boundaries", "--file", str(path))
    out = capsys.readouterr().out
    assert "1 batas wilayah dimuat" in out
    assert "32.01.01" in out and "geometri" in out
    assert Boundary.objects.get(code="36.71.01.1001").geometry["coordinates"] == square
    path.write_text("bukan json")
    with pytest.raises(CommandError, match="bukan JSON"):
        call_command("figures", "boundaries", "--file", str(path))
    path.write_text(json.dumps({"type": "FeatureCollection", "features": data["features"][1:]}))
    with pytest.raises(CommandError, match="Tidak ada fitur"):
        call_command("figures", "boundaries", "--file", str(path))


def test_commands_rebuild_snapshot_status(capsys):
    call_command("figures", "rebuild")
    call_command("figures", "snapshot")
    call_command("figures", "status")
    out = capsys.readouterr().out
    assert "dihitung ulang per" in out and "dibekukan" in out
    with pytest.raises(CommandError, match="TTTT-BB"):
        call_command("figures", "snapshot", "--month", "2026/01")
    with pytest.raises(CommandError, match="belum tiba"):
        call_command("figures", "snapshot", "--month", "2999-01")
