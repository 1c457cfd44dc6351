"""Which kelurahan a row names: a Kemendagri village code with or without dots, or a
name (plus the kecamatan when the name is ambiguous), within the deployment region.

``VillageResolver`` loads the region's villages once, so one instance serves a whole
file (the importer resolves villages while a COPY holds the connection: no query may run
per row); ``resolve_village`` is a one-off lookup. Problems are ``values.ValueProblem``.
"""

from __future__ import annotations

import re
from collections import defaultdict

from pilar.imports.values import ValueProblem, as_int, is_empty, is_number
from pilar.regions.models import Village


def _place_key(raw: object, prefixes: str) -> str:
    """Names compared without case, spaces, punctuation or an administrative prefix."""
    text = re.sub(rf"^({prefixes})\b\.?\s*", "", str(raw).strip().lower())
    return re.sub(r"[^0-9a-z]+", "", text)


_VILLAGE_PREFIX = "kelurahan|kel|desa|ds"
_DISTRICT_PREFIX = "kecamatan|kec"


def village_code_digits(raw: object) -> str:
    """The 10 digits of a Kemendagri village code given with or without dots."""
    if is_number(raw):
        number = as_int(raw)
        text = str(number) if number is not None else str(raw)
    else:
        text = str(raw).strip().lstrip("'")
    digits = re.sub(r"[\s.]+", "", text)
    if not re.fullmatch(r"\d{10}", digits):
        raise ValueProblem(
            f"Kode kelurahan '{str(raw).strip()}' tidak valid; gunakan kode Kemendagri "
            "10 digit, dengan atau tanpa titik (mis. 36.71.01.1001)."
        )
    return digits


class VillageResolver:
    """Finds villages of one region; loads them once, so one instance serves a whole file."""

    def __init__(self, region: str = "36.71") -> None:
        self.region = region
        self.by_code: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._every_code: frozenset[str] | None = None
        rows = Village.objects.filter(code__startswith=region + ".").values_list(
            "code", "name", "district__name"
        )
        for code, name, district in rows:
            self.by_code[code] = code
            self.names[code] = name
            self.by_name[_place_key(name, _VILLAGE_PREFIX)].append((code, district))

    def all_codes(self) -> frozenset[str]:
        """Every village code of the country (to tell "outside the region" from "not
        found"), loaded on first need, then kept: the importer loads it before its COPY
        (``RowChecker``), as no query may run per row."""
        if self._every_code is None:
            self._every_code = frozenset(Village.objects.values_list("code", flat=True))
        return self._every_code

    def resolve(
        self, code: object = None, name: object = None, district_name: object = None
    ) -> str:
        """The village code (with dots) named by ``code`` or by ``name`` (+ kecamatan)."""
        if not is_empty(code):
            return self._by_code(code, name)
        if not is_empty(name):
            return self._by_name(name, district_name)
        raise ValueProblem("Kode kelurahan atau nama kelurahan wajib diisi.")

    def _by_code(self, raw: object, name: object) -> str:
        digits = village_code_digits(raw)
        dotted = f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
        if dotted not in self.by_code:
            if dotted in self.all_codes():
                raise ValueProblem(f"Kelurahan {dotted} berada di luar wilayah {self.region}.")
            raise ValueProblem(f"Kode kelurahan {dotted} tidak ditemukan.")
        if not is_empty(name):
            official = self.names[dotted]
            if _place_key(name, _VILLAGE_PREFIX) != _place_key(official, _VILLAGE_PREFIX):
                raise ValueProblem(
                    f"Kode kelurahan {dotted} adalah {official}, bukan '{str(name).strip()}'; "
                    "periksa kode atau nama kelurahan."
                )
        return dotted

    def _by_name(self, name: object, district_name: object) -> str:
        shown = str(name).strip()
        candidates = self.by_name.get(_place_key(name, _VILLAGE_PREFIX), [])
        if not candidates:
            raise ValueProblem(f"Kelurahan '{shown}' tidak ditemukan di wilayah {self.region}.")
        if not is_empty(district_name):
            wanted = _place_key(district_name, _DISTRICT_PREFIX)
            matching = [(c, d) for c, d in candidates if _place_key(d, _DISTRICT_PREFIX) == wanted]
            if not matching:
                where = ", ".join(d for _, d in candidates)
                raise ValueProblem(
                    f"Kelurahan '{shown}' tidak ada di kecamatan "
                    f"'{str(district_name).strip()}'; ada di: {where}."
                )
            candidates = matching
        if len(candidates) > 1:
            where = ", ".join(d for _, d in candidates)
            raise ValueProblem(
                f"Nama kelurahan '{shown}' ada di beberapa kecamatan: {where}; isi kolom "
                "kecamatan atau kode kelurahan."
            )
        return candidates[0][0]


def resolve_village(
    code: object = None,
    name: object = None,
    district_name: object = None,
    region: str = "36.71",
) -> str:
    """One-off lookup; an importer should keep one ``VillageResolver`` per file instead."""
    return VillageResolver(region).resolve(code, name, district_name)
