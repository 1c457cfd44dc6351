"""Checking one import row: raw cells in, a normalised row or the reasons it is refused.

Only what one row can tell is checked here (formats, vocabularies, the kelurahan, the
NIK's own rules, PPKS age/sex rules). What needs the whole file or the registry (the
same NIK twice, two heads in one KK, matches with existing people) is checked by SQL
in ``pipeline``. This runs once per row of files of a million rows: the vocabulary
parsers are memoised, and nothing here touches the database per row.
"""

from __future__ import annotations

import datetime
import functools
import operator
import re
from collections import defaultdict
from dataclasses import dataclass, field

from pilar.core.dates import age_on, today
from pilar.core.text import forbidden_character_message
from pilar.imports import values
from pilar.imports.columns import HeaderMapping
from pilar.imports.values import ValueProblem, VillageResolver
from pilar.registry import choices
from pilar.registry.identity import (
    IdentityError,
    nik_mismatches,
    province_codes,
    validate_nik,
    validate_no_kk,
)

# Person.name / occupation / birth_place / address / source_id lengths.
MAX_NAME = 150
MAX_PLACE = 100
MAX_ADDRESS = 255
MAX_SOURCE_ID = 64


@dataclass
class CheckedRow:
    """A row that passed every single-row check; fields as StagedRow stores them."""

    row_number: int
    source_id: str
    no_kk: str | None
    nik: str | None
    name: str
    sex: str
    birth_place: str
    birth_date: datetime.date | None
    relation: str
    marital_status: str
    education: str
    occupation: str
    disabilities: list[str]
    address: str
    rt: str
    rw: str
    village_id: str
    ppks_numbers: list[int]
    desil: int | None
    nik_mismatch: str = ""
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def group_key(self) -> str:
        return self.no_kk or f"#{self.row_number}"


@dataclass(frozen=True)
class PpksRule:
    number: int
    name: str
    level: str
    min_age: int | None
    max_age: int | None
    sex: str
    age_label: str


def load_ppks_rules() -> dict[int, PpksRule]:
    from pilar.ppks.models import PpksType

    return {
        t.number: PpksRule(
            t.number, t.name, t.level, t.min_age, t.max_age, t.sex or "", t.age_rule_label
        )
        for t in PpksType.objects.filter(is_active=True)
    }


# Vocabulary cells repeat a lot ("Kepala Keluarga", "Kawin", "SLTA/Sederajat"...): one
# parse per distinct text. Non-text cells (numbers, dates) are not cached.
def _memo(parser):
    cached = functools.lru_cache(maxsize=4096)(parser)

    def parse(raw):
        if isinstance(raw, str):
            return cached(raw)
        return parser(raw)

    return parse


_relation = _memo(values.parse_relation)
_marital = _memo(values.parse_marital_status)
_education = _memo(values.parse_education)
_occupation = _memo(values.parse_occupation)
_sex = _memo(values.parse_sex)
_date = _memo(values.parse_date)
_disability = _memo(values.parse_disability)
_ppks = _memo(values.parse_ppks_types)
_desil = _memo(values.parse_desil)
_rt = _memo(lambda raw: values.parse_rt_rw(raw, "RT"))
_rw = _memo(lambda raw: values.parse_rt_rw(raw, "RW"))


def _nik(raw: object) -> str | None:
    digits = values.parse_id_number(raw, "NIK")
    return validate_nik(digits) if digits else None


def _no_kk(raw: object) -> str | None:
    digits = values.parse_id_number(raw, "No. KK")
    return validate_no_kk(digits) if digits else None


_SPACES = re.compile(r"\s+")


def _text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return _SPACES.sub(" ", str(raw)).strip()


def _forbidden_characters(problems: list[tuple[str, str]], **columns: str) -> None:
    """Control and bidi characters are a row problem (pilar.core.text), like on the
    pages and in the API. Printable text cannot hold one: the common case costs one
    str.isprintable() per cell."""
    for column, text in columns.items():
        if text and not text.isprintable():
            message = forbidden_character_message(text)
            if message:
                problems.append((column, message))


class RowChecker:
    """Checks rows of one file (one instance per file: it holds the lookups)."""

    def __init__(self, mapping: HeaderMapping, *, region: str, on: datetime.date | None = None):
        self.mapping = mapping
        self.villages = VillageResolver(region)
        # Rows are checked while a COPY holds the database connection: every lookup a
        # row may need is loaded here, none per row.
        self.villages._all_codes()
        province_codes()
        self.ppks_rules = load_ppks_rules()
        self.on = on or today()
        self._village_cache: dict[tuple, str | ValueProblem] = {}
        index = mapping.index
        self.ix = {name: index(name) for name in mapping.columns}
        # check_line: the cells it reads in one C call; an absent column reads the None
        # appended after the widest mapped column.
        self._line_state = _LineState()
        self._village_line_cache: dict[tuple, str | ValueProblem] = {}
        self._provinces = province_codes()
        positions = [index(name) for name in _LINE_COLUMNS]
        self._line_width = max((p for p in positions if p is not None), default=-1) + 1
        self._line_pad = any(p is None for p in positions)
        self._line_getter = operator.itemgetter(
            *(self._line_width if p is None else p for p in positions)
        )

    def check_line(self, batch_id: str, row_number: int, cells: list) -> tuple[str | None, list]:
        """``check`` with the valid row as its staging COPY line: (line, warnings) when
        the row can be imported, else (None, problems); see the fast path below."""
        return _check_line(self, batch_id, row_number, cells)

    def _cell(self, cells: list, name: str):
        idx = self.ix.get(name)
        if idx is None or idx >= len(cells):
            return None
        return cells[idx]

    def _village(self, cells: list) -> str:
        cells3 = (
            self._cell(cells, "kode_kelurahan"),
            self._cell(cells, "nama_kelurahan"),
            self._cell(cells, "nama_kecamatan"),
        )
        # Typed for non-text cells: 1, 1.0 and True are one key in a dict.
        key = tuple(v if v is None or type(v) is str else (type(v), v) for v in cells3)
        try:
            found = self._village_cache.get(key)
        except TypeError:  # an unhashable cell cannot happen with calamine/csv; be safe
            found = None
        if found is None:
            try:
                found = self.villages.resolve(*cells3)
            except ValueProblem as exc:
                found = exc
            if len(self._village_cache) < 100_000:
                self._village_cache[key] = found
        if isinstance(found, ValueProblem):
            raise found
        return found

    def check(self, row_number: int, cells: list) -> tuple[CheckedRow | None, list]:
        """(row, []) when the row can be imported, else (None, [(column, message), ...])."""
        problems: list[tuple[str, str]] = []
        warnings: list[tuple[str, str]] = []
        cell = self._cell

        def parse(column: str, parser, default=None):
            raw = cell(cells, column)
            if raw is None:
                return default
            try:
                return parser(raw)
            except ValueProblem as exc:
                problems.append((column, exc.message))
            except IdentityError as exc:
                problems.append((column, str(exc)))
            return default

        name = _text(cell(cells, "nama"))
        if not name:
            problems.append(("nama", "Nama wajib diisi."))
        elif len(name) > MAX_NAME:
            problems.append(("nama", f"Nama terlalu panjang (maksimal {MAX_NAME} karakter)."))

        nik = parse("nik", _nik)
        no_kk = parse("no_kk", _no_kk)
        sex = parse("jenis_kelamin", _sex) or ""
        birth_date = parse("tanggal_lahir", _date)
        if birth_date is not None:
            if birth_date > self.on:
                problems.append(("tanggal_lahir", "Tanggal lahir tidak boleh di masa depan."))
            elif birth_date.year < 1900:
                problems.append(("tanggal_lahir", "Tahun lahir sebelum 1900 tidak masuk akal."))
        if not sex and nik:
            # The NIK encodes sex (day + 40 for women): use it rather than refuse the row.
            sex = "P" if int(nik[6:8]) > 40 else "L"
            warnings.append(("jenis_kelamin", "Jenis kelamin kosong; diambil dari NIK."))
        if not sex:
            problems.append(("jenis_kelamin", "Jenis kelamin wajib diisi (L atau P)."))

        relation = parse("hubungan_keluarga", _relation) or ""
        if not relation:
            if no_kk:
                problems.append(
                    ("hubungan_keluarga", "Hubungan keluarga wajib diisi untuk anggota KK.")
                )
            else:
                relation = choices.Relation.HEAD  # a household of one
        marital = parse("status_perkawinan", _marital) or ""
        education = parse("pendidikan", _education) or ""
        occupation = parse("pekerjaan", _occupation) or ""
        disabilities = parse("disabilitas", _disability) or []
        address = _text(cell(cells, "alamat"))
        if len(address) > MAX_ADDRESS:
            problems.append(("alamat", f"Alamat terlalu panjang (maksimal {MAX_ADDRESS})."))
        rt = parse("rt", _rt) or ""
        rw = parse("rw", _rw) or ""
        village = ""
        try:
            village = self._village(cells)
        except ValueProblem as exc:
            column = (
                "kode_kelurahan"
                if cell(cells, "kode_kelurahan") is not None
                else ("nama_kelurahan")
            )
            problems.append((column, exc.message))
        ppks_numbers = parse("jenis_ppks", _ppks) or []
        desil = parse("desil", _desil)
        source_id = _text(cell(cells, "id_sumber"))
        if len(source_id) > MAX_SOURCE_ID:
            problems.append(("id_sumber", f"id_sumber terlalu panjang (maksimal {MAX_SOURCE_ID})."))
        birth_place = _text(cell(cells, "tempat_lahir"))
        if len(birth_place) > MAX_PLACE:
            problems.append(("tempat_lahir", f"Tempat lahir terlalu panjang (maks. {MAX_PLACE})."))
        _forbidden_characters(
            problems,
            nama=name,
            alamat=address,
            id_sumber=source_id,
            tempat_lahir=birth_place,
            pekerjaan=occupation,
        )

        mismatch = ""
        if nik and not problems:
            found = nik_mismatches(nik, sex, birth_date)
            if found:
                mismatch = "Impor: " + "; ".join(found)
                warnings.append(("nik", "; ".join(found) + " (tetap diimpor, dicatat)."))
        if ppks_numbers and not problems:
            self._check_ppks(ppks_numbers, sex, birth_date, problems)
        if problems:
            return None, problems
        return (
            CheckedRow(
                row_number=row_number,
                source_id=source_id,
                no_kk=no_kk,
                nik=nik,
                name=name,
                sex=sex,
                birth_place=birth_place,
                birth_date=birth_date,
                relation=relation,
                marital_status=marital,
                education=education,
                occupation=occupation,
                disabilities=disabilities,
                address=address,
                rt=rt,
                rw=rw,
                village_id=village,
                ppks_numbers=ppks_numbers,
                desil=desil,
                nik_mismatch=mismatch,
                warnings=warnings,
            ),
            [],
        )

    def _check_ppks(self, numbers, sex, birth_date, problems) -> None:
        from pilar.ppks.choices import Level

        for number in numbers:
            rule = self.ppks_rules.get(number)
            if rule is None:
                problems.append(("jenis_ppks", f"Jenis PPKS nomor {number} tidak aktif."))
                continue
            if rule.level != Level.PERSON:
                continue
            if rule.min_age is not None or rule.max_age is not None:
                if birth_date is None:
                    problems.append(
                        (
                            "jenis_ppks",
                            f"{rule.name} hanya untuk {rule.age_label}; tanggal lahir kosong.",
                        )
                    )
                else:
                    age = age_on(birth_date, self.on)
                    if (rule.min_age is not None and age < rule.min_age) or (
                        rule.max_age is not None and age > rule.max_age
                    ):
                        problems.append(
                            (
                                "jenis_ppks",
                                f"{rule.name} hanya untuk {rule.age_label}; usia {age} tahun.",
                            )
                        )
            if rule.sex and sex != rule.sex:
                label = "perempuan" if rule.sex == "P" else "laki-laki"
                problems.append(("jenis_ppks", f"{rule.name} hanya untuk {label}."))


# --- the fast path: one COPY line per row -------------------------------------------------
#
# ``RowChecker.check`` above is the reference: readable, one parser call per cell. Files of
# a million rows go through ``RowChecker.check_line`` instead, which gives the same result
# (``tests/test_rows_fast.py`` compares the two on generated messy rows) at a fraction of
# the cost: every column's parse result is kept per distinct cell value (dates, villages
# and vocabularies repeat heavily), clean 16-digit NIK / No. KK texts are checked without
# the general parser, and the row goes straight to a COPY text line.

_COPY_SPECIAL = frozenset("\\\t\n\r")


def copy_text(value) -> str:
    """A value in PostgreSQL's COPY text format."""
    if type(value) is str and _COPY_SPECIAL.isdisjoint(value):
        return value
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list):
        inner = ",".join(
            '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value
        )
        return copy_text("{" + inner + "}")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def copy_line(batch_id: str, row: CheckedRow) -> str:
    """The staging COPY line of a checked row (columns of ``pipeline.STAGED_COLUMNS``)."""
    return (
        "\t".join(
            (
                batch_id,
                str(row.row_number),
                copy_text(row.group_key),
                copy_text(row.source_id),
                copy_text(row.no_kk),
                copy_text(row.nik),
                copy_text(row.name),
                row.sex,
                copy_text(row.birth_place),
                copy_text(row.birth_date),
                row.relation,
                row.marital_status,
                row.education,
                copy_text(row.occupation),
                copy_text(row.disabilities),
                copy_text(row.address),
                row.rt,
                row.rw,
                row.village_id,
                copy_text(row.ppks_numbers),
                copy_text(row.desil),
                copy_text(row.nik_mismatch),
            )
        )
        + "\n"
    )


_CACHE_MAX = 200_000
_ASCII_DIGITS = frozenset("0123456789")
# The columns check_line reads, in the order it unpacks them.
_LINE_COLUMNS = (
    "nama",
    "nik",
    "no_kk",
    "jenis_kelamin",
    "tanggal_lahir",
    "hubungan_keluarga",
    "status_perkawinan",
    "pendidikan",
    "pekerjaan",
    "disabilitas",
    "alamat",
    "rt",
    "rw",
    "kode_kelurahan",
    "nama_kelurahan",
    "nama_kecamatan",
    "jenis_ppks",
    "desil",
    "id_sumber",
    "tempat_lahir",
)


def _run(parser, raw) -> tuple[bool, object]:
    try:
        return True, parser(raw)
    except ValueProblem as exc:
        return False, exc.message
    except IdentityError as exc:
        return False, str(exc)


def _cached(cache: dict, parser, raw) -> tuple[bool, object]:
    """``parser(raw)`` as (True, value) or (False, message), once per distinct value.
    The key holds the type for non-text cells: 1, 1.0 and True are equal in a dict."""
    key = raw if type(raw) is str else (type(raw), raw)
    try:
        return cache[key]
    except KeyError:
        hit = _run(parser, raw)
        if len(cache) < _CACHE_MAX:
            cache[key] = hit
        return hit
    except TypeError:  # an unhashable cell: calamine and csv never give one
        return _run(parser, raw)


def _fast_text(raw: object) -> str:
    """``_text`` with a shortcut for text that needs no change (no whitespace but single
    inner spaces: every other whitespace character is not printable)."""
    if type(raw) is str and raw.isprintable() and "  " not in raw:
        if raw[:1] != " " and raw[-1:] != " ":
            return raw
    return _text(raw)


def _line_escape(text: str) -> str:
    return text if _COPY_SPECIAL.isdisjoint(text) else copy_text(text)


class _LineState:
    """Per-file caches of ``RowChecker.check_line``."""

    def __init__(self) -> None:
        self.caches: dict[str, dict] = defaultdict(dict)
        self.nik_dates: dict[str, bool] = {}
        self.mismatch: dict[tuple, list[str]] = {}
        self.arrays: dict[tuple, str] = {(): "{}"}


def _nik_date_ok(state: _LineState, part: str) -> bool:
    """Does the NIK's DDMMYY part (digits 7-12) encode a real date? (stdnum's rule)"""
    ok = state.nik_dates.get(part)
    if ok is None:
        from stdnum.exceptions import ValidationError as StdnumError
        from stdnum.id import nik as stdnum_nik

        try:
            stdnum_nik.get_birth_date("000000" + part + "0001")
            ok = True
        except StdnumError:
            ok = False
        state.nik_dates[part] = ok
    return ok


def _check_line(self: RowChecker, batch_id: str, row_number: int, cells: list):
    """See ``RowChecker.check_line``."""
    state = self._line_state
    caches = state.caches
    width = self._line_width
    if self._line_pad:
        cells = cells[:width]
        cells.extend([None] * (width + 1 - len(cells)))
    elif len(cells) < width:
        cells = list(cells) + [None] * (width - len(cells))
    (
        raw_name,
        raw_nik,
        raw_kk,
        raw_sex,
        raw_date,
        raw_relation,
        raw_marital,
        raw_education,
        raw_occupation,
        raw_disability,
        raw_address,
        raw_rt,
        raw_rw,
        raw_code,
        raw_village,
        raw_district,
        raw_ppks,
        raw_desil,
        raw_source,
        raw_place,
    ) = self._line_getter(cells)
    problems: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []

    name = _fast_text(raw_name)
    if not name:
        problems.append(("nama", "Nama wajib diisi."))
    elif len(name) > MAX_NAME:
        problems.append(("nama", f"Nama terlalu panjang (maksimal {MAX_NAME} karakter)."))

    nik = None
    if raw_nik is not None:
        if (
            type(raw_nik) is str
            and len(raw_nik) == 16
            and _ASCII_DIGITS.issuperset(raw_nik)
            and raw_nik[12:] != "0000"
            and raw_nik[:2] in self._provinces
            and _nik_date_ok(state, raw_nik[6:12])
        ):
            nik = raw_nik
        else:
            ok, value = _run(_nik, raw_nik)
            if ok:
                nik = value  # type: ignore[assignment]
            else:
                problems.append(("nik", value))  # type: ignore[arg-type]
    no_kk = None
    if raw_kk is not None:
        if (
            type(raw_kk) is str
            and len(raw_kk) == 16
            and _ASCII_DIGITS.issuperset(raw_kk)
            and raw_kk[:2] in self._provinces
        ):
            no_kk = raw_kk
        else:
            ok, value = _run(_no_kk, raw_kk)
            if ok:
                no_kk = value  # type: ignore[assignment]
            else:
                problems.append(("no_kk", value))  # type: ignore[arg-type]

    def parse(column: str, parser, raw):
        cache = caches[column]
        hit = cache.get(raw) if type(raw) is str else None  # the common case, inline
        if hit is None:
            hit = _cached(cache, parser, raw)
        if hit[0]:
            return hit[1]
        problems.append((column, hit[1]))  # type: ignore[arg-type]
        return None

    sex = ""
    if raw_sex is not None:
        sex = parse("jenis_kelamin", values.parse_sex, raw_sex) or ""
    birth_date = None
    if raw_date is not None:
        birth_date = parse("tanggal_lahir", values.parse_date, raw_date)
        if birth_date is not None:
            if birth_date > self.on:
                problems.append(("tanggal_lahir", "Tanggal lahir tidak boleh di masa depan."))
            elif birth_date.year < 1900:
                problems.append(("tanggal_lahir", "Tahun lahir sebelum 1900 tidak masuk akal."))
    if not sex and nik:
        sex = "P" if int(nik[6:8]) > 40 else "L"
        warnings.append(("jenis_kelamin", "Jenis kelamin kosong; diambil dari NIK."))
    if not sex:
        problems.append(("jenis_kelamin", "Jenis kelamin wajib diisi (L atau P)."))

    relation = ""
    if raw_relation is not None:
        relation = parse("hubungan_keluarga", values.parse_relation, raw_relation) or ""
    if not relation:
        if no_kk:
            problems.append(
                ("hubungan_keluarga", "Hubungan keluarga wajib diisi untuk anggota KK.")
            )
        else:
            relation = choices.Relation.HEAD
    marital = ""
    if raw_marital is not None:
        marital = parse("status_perkawinan", values.parse_marital_status, raw_marital) or ""
    education = ""
    if raw_education is not None:
        education = parse("pendidikan", values.parse_education, raw_education) or ""
    occupation = ""
    if raw_occupation is not None:
        occupation = parse("pekerjaan", values.parse_occupation, raw_occupation) or ""
    disabilities: list[str] = []
    if raw_disability is not None:
        disabilities = parse("disabilitas", values.parse_disability, raw_disability) or []
    address = _fast_text(raw_address)
    if len(address) > MAX_ADDRESS:
        problems.append(("alamat", f"Alamat terlalu panjang (maksimal {MAX_ADDRESS})."))
    rt = ""
    if raw_rt is not None:
        rt = parse("rt", _rt_parser, raw_rt) or ""
    rw = ""
    if raw_rw is not None:
        rw = parse("rw", _rw_parser, raw_rw) or ""
    village = ""
    key = (raw_code, raw_village, raw_district)
    if not (
        (raw_code is None or type(raw_code) is str)
        and (raw_village is None or type(raw_village) is str)
        and (raw_district is None or type(raw_district) is str)
    ):
        key = tuple((type(v), v) for v in key)  # type: ignore[assignment]
    found = self._village_line_cache.get(key)
    if found is None:
        try:
            found = self.villages.resolve(raw_code, raw_village, raw_district)
        except ValueProblem as exc:
            found = exc
        if len(self._village_line_cache) < 100_000:
            self._village_line_cache[key] = found
    if isinstance(found, ValueProblem):
        problems.append(
            ("kode_kelurahan" if raw_code is not None else "nama_kelurahan", found.message)
        )
    else:
        village = found
    ppks_numbers: list[int] = []
    if raw_ppks is not None:
        ppks_numbers = parse("jenis_ppks", values.parse_ppks_types, raw_ppks) or []
    desil = None
    if raw_desil is not None:
        desil = parse("desil", values.parse_desil, raw_desil)
    source_id = _fast_text(raw_source)
    if len(source_id) > MAX_SOURCE_ID:
        problems.append(("id_sumber", f"id_sumber terlalu panjang (maksimal {MAX_SOURCE_ID})."))
    birth_place = _fast_text(raw_place)
    if len(birth_place) > MAX_PLACE:
        problems.append(("tempat_lahir", f"Tempat lahir terlalu panjang (maks. {MAX_PLACE})."))
    _forbidden_characters(
        problems,
        nama=name,
        alamat=address,
        id_sumber=source_id,
        tempat_lahir=birth_place,
        pekerjaan=occupation,
    )

    mismatch = ""
    if nik and not problems:
        mkey = (nik[6:12], sex, birth_date)
        found_mismatch = state.mismatch.get(mkey)
        if found_mismatch is None:
            found_mismatch = nik_mismatches(nik, sex, birth_date)
            if len(state.mismatch) < _CACHE_MAX:
                state.mismatch[mkey] = found_mismatch
        if found_mismatch:
            mismatch = "Impor: " + "; ".join(found_mismatch)
            warnings.append(("nik", "; ".join(found_mismatch) + " (tetap diimpor, dicatat)."))
    if ppks_numbers and not problems:
        self._check_ppks(ppks_numbers, sex, birth_date, problems)
    if problems:
        return None, problems
    arrays = state.arrays
    dis_key = tuple(disabilities)
    dis_text = arrays.get(dis_key)
    if dis_text is None:
        dis_text = arrays[dis_key] = copy_text(disabilities)
    ppks_key = tuple(ppks_numbers)
    ppks_text = arrays.get(ppks_key)
    if ppks_text is None:
        ppks_text = arrays[ppks_key] = copy_text(ppks_numbers)
    # Only these can hold a backslash (whitespace is collapsed): one look for all of them.
    if not _COPY_SPECIAL.isdisjoint(source_id + name + birth_place + occupation + address):
        source_id, name, birth_place, occupation, address = map(
            _line_escape, (source_id, name, birth_place, occupation, address)
        )
    line = "\t".join(
        (
            batch_id,
            str(row_number),
            no_kk or f"#{row_number}",
            source_id,
            no_kk or "\\N",
            nik or "\\N",
            name,
            sex,
            birth_place,
            birth_date.isoformat() if birth_date is not None else "\\N",
            relation,
            marital,
            education,
            occupation,
            dis_text,
            address,
            rt,
            rw,
            village,
            ppks_text,
            str(desil) if desil is not None else "\\N",
            _line_escape(mismatch),
        )
    )
    return line + "\n", warnings


def _rt_parser(raw):
    return values.parse_rt_rw(raw, "RT")


def _rw_parser(raw):
    return values.parse_rt_rw(raw, "RW")
