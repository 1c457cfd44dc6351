"""What a field report of the load test carries: a housing survey (block III) and a
phone photo. Shared by locustfile.py and cost.py."""

from __future__ import annotations

import io

from PIL import Image


def _photo() -> bytes:
    """A phone photo as the app sends it: resized to 1280x960 on the phone, JPEG
    quality 80, ~180 KB (noise over a gradient: detail a flat colour would not have)."""
    noise = Image.effect_noise((1280, 960), 12).convert("RGB")
    gradient = Image.linear_gradient("L").resize((1280, 960)).convert("RGB")
    buf = io.BytesIO()
    Image.blend(noise, gradient, 0.5).save(buf, "JPEG", quality=80)
    return buf.getvalue()


PHOTO = _photo()
HOUSE = {
    "house_ownership": "milik_sendiri",
    "land_status": "milik_sendiri",
    "floor_material": "semen",
    "floor_condition": "rusak_ringan",
    "wall_material": "tembok_tanpa_plester",
    "wall_condition": "rusak_ringan",
    "roof_material": "seng",
    "roof_condition": "rusak_berat",
    "floor_area_m2": "24",
    "occupants": 4,
    "water_source": "sumur_terlindung",
    "lighting_source": "pln_meteran",
    "toilet": "sendiri",
    "cooking_fuel": "gas",
}
