"""The households part of the field package, built once per area and data version.

A kelurahan's ~8 PSM all fetch the same households, masked the same way, most of
them in the same morning hour. Building the JSON of ~5,000 households costs
PostgreSQL ~0.3 CPU-second (benchmarks/RESULTS.md, load runs), so the office's 2
cores could build only ~5 packages a second and a morning's burst queued for
minutes. The households part is therefore kept, compressed, in a file per area:

* **Key**: the kelurahan codes of the package (already scoped by the caller:
  `villages_for(user, "change")`), whether PPKS records of restricted health types
  are included, the "due soon" date, and a *fingerprint of the data*.
* **Fingerprint**: count and an order-independent sum of a hash of
  (table, id, xmin, ctid) over every row the package reads: the households of the
  area, all their persons, PPKS records and visit-freshness rows, and the PPKS
  types. Every write makes a new row version, with the writing transaction's
  `xmin` and a new `ctid` (its place; `xmin` alone repeats when one transaction
  writes a row twice), so any write, by an action, a bulk `update()`, an import's
  COPY or raw SQL, changes the fingerprint and the next request rebuilds: a cached
  package is never older than the data.
  It costs one indexed pass over the area's rows without building any JSON.
* **Storage**: raw DEFLATE ended by a sync flush, with the CRC-32 and length of
  the text it holds. The per-user head of the package (user, area, reference
  lists, time) is compressed per request and appended, and the gzip header and
  trailer are written around both, so the shared part is never recompressed.
* **One build at a time per area** (a file lock, across threads and `pilar serve`
  processes), and at most `PILAR_FIELD_PACKAGE_BUILDS` builds at once per process,
  so a burst of first fetches cannot take every thread from report submissions.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import os
import struct
import threading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from pilar.freshness.overdue import soon_limit

# Bumped when the shape of the cached text changes; the SQL text is hashed in too.
CACHE_FORMAT = 1
_HEADER = struct.Struct("<II")  # CRC-32 and length (mod 2**32) of the cached text
# The package is one JSON object whose first key is the shared households array.
PREFIX = b'{"households":'
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no mtime, OS unknown

_builds: threading.BoundedSemaphore | None = None
_builds_lock = threading.Lock()


def _build_slots() -> threading.BoundedSemaphore:
    global _builds
    with _builds_lock:
        if _builds is None:
            _builds = threading.BoundedSemaphore(max(1, settings.PILAR_FIELD_PACKAGE_BUILDS))
        return _builds


# NIK / No. KK masked in SQL exactly like pilar.core.identity.mask.
def _mask_sql(column: str) -> str:
    return (
        f"CASE WHEN coalesce({column}, '') = '' THEN '' "
        f"WHEN length({column}) <= 8 THEN repeat('*', length({column})) "
        f"ELSE left({column}, 4) || repeat('*', length({column}) - 8) || right({column}, 4) END"
    )


def _households_sql(health: bool) -> str:
    hide_restricted = "" if health else "AND NOT t.is_restricted"
    return f"""
    WITH hh AS MATERIALIZED (
        SELECT id FROM registry_household WHERE village_id = ANY(%s) AND is_active
    ),
    m AS (
        SELECT p.household_id, json_agg(json_build_object(
            'id', p.id,
            'nik', {_mask_sql("p.nik")},
            'nik_missing_reason', p.nik_missing_reason,
            'name', p.name,
            'sex', p.sex,
            'birth_place', p.birth_place,
            'birth_date', p.birth_date,
            'relation', p.relation,
            'marital_status', p.marital_status,
            'education', p.education,
            'occupation', p.occupation,
            'disabilities', to_json(p.disabilities),
            'chronic_illness', p.chronic_illness,
            'life_status', p.life_status,
            'life_status_date', p.life_status_date
        ) ORDER BY p.relation <> 'kepala', p.life_status <> 'hidup', p.id) AS members
        FROM registry_person p
        WHERE p.household_id IN (SELECT id FROM hh) AND p.is_active
        GROUP BY p.household_id
    ),
    r AS (
        SELECT pr.household_id, json_agg(json_build_object(
            'id', pr.id,
            'ppks_type', t.number,
            'person_id', pr.person_id,
            'date_found', pr.date_found,
            'disability_subtypes', to_json(pr.disability_subtypes),
            'notes', pr.notes
        ) ORDER BY t.number, pr.id) AS ppks
        FROM ppks_ppksrecord pr JOIN ppks_ppkstype t ON t.id = pr.ppks_type_id
        WHERE pr.household_id IN (SELECT id FROM hh) AND pr.status = 'aktif' {hide_restricted}
        GROUP BY pr.household_id
    )
    SELECT coalesce(json_agg(json_build_object(
        'id', h.id,
        'no_kk', {_mask_sql("h.no_kk")},
        'no_kk_missing_reason', h.no_kk_missing_reason,
        'address', h.address,
        'rt', h.rt,
        'rw', h.rw,
        'kelurahan', h.village_id,
        'latitude', h.latitude,
        'longitude', h.longitude,
        'house_ownership', h.house_ownership,
        'land_status', h.land_status,
        'desil', h.desil,
        'members', coalesce(m.members, '[]'::json),
        'ppks', coalesce(r.ppks, '[]'::json),
        'visit_due', f.due_on,
        'visit_reason', coalesce(f.due_reason, ''),
        'last_visited', f.last_visited_on,
        'last_verified', f.last_verified_on
    -- Visits due soon come first ("kunjungan jatuh tempo"), earliest first.
    ) ORDER BY (f.due_on IS NOT NULL AND f.due_on <= %s) DESC,
               CASE WHEN f.due_on <= %s THEN f.due_on END, h.village_id, h.address, h.id),
    '[]'::json)::text
    FROM registry_household h
    LEFT JOIN m ON m.household_id = h.id
    LEFT JOIN r ON r.household_id = h.id
    LEFT JOIN freshness_householdfreshness f ON f.household_id = h.id
    WHERE h.id IN (SELECT id FROM hh)
    """


# Every row the package text is made of, by table: a new xmin = a new row version.
_FINGERPRINT_SQL = """
WITH hh AS MATERIALIZED (
    SELECT id, xmin::text || ctid::text AS v FROM registry_household WHERE village_id = ANY(%s)
),
v AS (
    SELECT hashtextextended('h' || id || ':' || v, 0) AS x FROM hh
    UNION ALL
    SELECT hashtextextended('p' || p.id || ':' || p.xmin::text || p.ctid::text, 0)
    FROM registry_person p WHERE p.household_id IN (SELECT id FROM hh)
    UNION ALL
    SELECT hashtextextended('r' || r.id || ':' || r.xmin::text || r.ctid::text, 0)
    FROM ppks_ppksrecord r WHERE r.household_id IN (SELECT id FROM hh)
    UNION ALL
    SELECT hashtextextended('f' || f.household_id || ':' || f.xmin::text || f.ctid::text, 0)
    FROM freshness_householdfreshness f WHERE f.household_id IN (SELECT id FROM hh)
    UNION ALL
    SELECT hashtextextended('t' || t.id || ':' || t.xmin::text || t.ctid::text, 0)
    FROM ppks_ppkstype t
)
SELECT count(*), coalesce(sum(x), 0)::text FROM v
"""


@dataclass(frozen=True)
class Part:
    """Cached text as raw DEFLATE (not final, byte-aligned), with its CRC-32 and length."""

    deflated: bytes
    crc: int
    length: int

    def text(self) -> bytes:
        return zlib.decompressobj(-15).decompress(self.deflated)


def _deflate(data: bytes, *, final: bool) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    mode = zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH
    return compressor.compress(data) + compressor.flush(mode)


def _part(data: bytes) -> Part:
    return Part(_deflate(data, final=False), zlib.crc32(data), len(data) & 0xFFFFFFFF)


def gzip_body(part: Part, tail: bytes) -> bytes:
    """A gzip member holding the cached text followed by `tail`."""
    crc = zlib.crc32(tail, part.crc)
    length = (part.length + len(tail)) & 0xFFFFFFFF
    return _GZIP_HEADER + part.deflated + _deflate(tail, final=True) + _HEADER.pack(crc, length)


def cache_dir() -> Path:
    return Path(settings.PILAR_CACHE_DIR) / "field-packages"


def _fingerprint(codes: Sequence[str]) -> str:
    with connection.cursor() as cursor:
        cursor.execute(_FINGERPRINT_SQL, [list(codes)])
        count, total = cursor.fetchone()
    return f"{count}:{total}"


def _build(codes: Sequence[str], sql: str, soon: datetime.date) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(codes), soon, soon])
        return cursor.fetchone()[0].encode()


def _read(path: Path) -> Part | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    if len(raw) < _HEADER.size:
        return None
    crc, length = _HEADER.unpack_from(raw)
    return Part(raw[_HEADER.size :], crc, length)


def _write(path: Path, part: Part) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    tmp.write_bytes(_HEADER.pack(part.crc, part.length) + part.deflated)
    os.replace(tmp, path)  # readers see the old file or the whole new one


def households(codes: Sequence[str], health: bool) -> tuple[Part, bool]:
    """The start of the package text, `{"households":[...]`, for the active households
    in `codes` (scoped by the caller), from the cache when the data has not changed.
    Returns the part and whether it came from the cache."""
    codes = sorted(codes)
    area = hashlib.sha256(f"{CACHE_FORMAT}|{int(health)}|{','.join(codes)}".encode()).hexdigest()[
        :24
    ]
    # One "due soon" date for the key and the build (they must not straddle midnight).
    soon = soon_limit()
    sql = _households_sql(health)
    version = hashlib.sha256(
        f"{_fingerprint(codes)}|{soon.isoformat()}|{sql}".encode()
    ).hexdigest()[:24]
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{area}-{version}.pkg"
    part = _read(path)
    if part is not None:
        return part, True
    # One build per area at a time: the others wait, then read what it wrote.
    with open(folder / f"{area}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            part = _read(path)
            if part is not None:
                return part, True
            with _build_slots():
                part = _part(PREFIX + _build(codes, sql, soon))
            _write(path, part)
            for old in folder.glob(f"{area}-*.pkg"):
                if old != path:
                    old.unlink(missing_ok=True)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return part, False
