"""Checking import rows: raw cells in, a staging COPY line or the reasons a row is refused.

Only what one row can tell is checked here (formats, vocabularies, the kelurahan, the
NIK's own rules, PPKS age/sex rules). What needs the whole file or the registry (the
same NIK twice, two heads in one KK, matches with existing people) is checked by SQL
in ``pipeline.batch_checks``.

``RowChecker.check_line`` runs once per row of files of a million rows, in one process
or in ``parallel``'s workers (``CheckedRows`` is the loop both run): nothing here
touches the database per row, every column's parse result is kept per distinct cell
value (dates, villages and vocabularies repeat heavily), clean 16-digit NIK / No. KK
texts are checked without the general parser, and the row goes straight to a COPY text
line. The cell parsers are ``values``'; the rules a person has wherever it is entered
(the birth-date range, the lengths of its fields) are ``pilar.registry.validation``'s.
"""

from __future__ import annotations

import datetime
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.id import nik as stdnum_nik

from pilar.core.dates import age_on, today
from pilar.core.text import forbidden_character_message, too_long_message
from pilar.imports import values
from pilar.imports.columns import HeaderMapping
from pilar.imports.numbers import Evidence
from pilar.imports.values import TrailingZero, ValueProblem
from pilar.imports.villages import VillageResolver
from pilar.ppks.choices import Level
from pilar.ppks.models import PpksType
from pilar.registry import choices
from pilar.registry.identity import (
    IdentityError,
    nik_facts,
    nik_mismatches,
    province_codes,
    validate_nik,
    validate_no_kk,
)
from pilar.registry.validation import (
    ADDRESS_MAX_LENGTH,
    BIRTH_PLACE_MAX_LENGTH,
    MSG_NAME_REQUIRED,
    NAME_MAX_LENGTH,
    birth_date_problem,
)

# Person.source_id's length (the registry's pages never edit it).
MAX_SOURCE_ID = 64

# A problem of a row: (row number, column, message, is an error); a warning is not.
Problem = tuple[int, str, str, bool]
# What ``check_line`` says of a row: (COPY line, warnings) or (None, problems), the
# warnings and problems as (column, message).
LineResult = tuple[str | None, list[tuple[str, str]]]
# A NIK / No. KK number ending in 0 whose column decides it (pilar.imports.numbers):
# (row number, column, message if refused, was the row staged).
Doubt = tuple[int, str, str, bool]


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
    return {
        t.number: PpksRule(
            t.number, t.name, t.level, t.min_age, t.max_age, t.sex or "", t.age_rule_label
        )
        for t in PpksType.objects.filter(is_active=True)
    }


_COPY_SPECIAL = frozenset("\\\t\n\r")


def copy_text(value: object) -> str:
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


class RowChecker:
    """Checks rows of one file (one instance per file: it holds the lookups and the
    per-value caches)."""

    def __init__(
        self, mapping: HeaderMapping, *, region: str, on: datetime.date | None = None
    ) -> None:
        self.mapping = mapping
        self.villages = VillageResolver(region)
        # Rows are checked while a COPY holds the database connection: every lookup a
        # row may need is loaded here, none per row.
        self.villages.all_codes()
        self._provinces = province_codes()
        self.ppks_rules = load_ppks_rules()
        self.on = on or today()
        self._caches: dict[str, dict[Any, tuple[bool, Any]]] = defaultdict(dict)
        self._village_cache: dict[tuple[Any, ...], str | ValueProblem] = {}
        self._nik_dates: dict[str, bool] = {}
        self._mismatches: dict[tuple[Any, ...], list[str]] = {}
        self._arrays: dict[tuple[Any, ...], str] = {(): "{}"}
        # Number cells of the NIK and No. KK columns, and the rows whose number ends in
        # 0, for the per-column decision (pilar.imports.numbers); ``take_numbers``
        # hands them over.
        self.evidence: dict[str, Evidence] = {"nik": Evidence(), "no_kk": Evidence()}
        self.doubts: list[Doubt] = []
        # The cells check_line reads, in one C call; an absent column reads the None
        # appended after the widest mapped column.
        positions = [mapping.index(name) for name in _LINE_COLUMNS]
        self._width = max((p for p in positions if p is not None), default=-1) + 1
        self._pad = any(p is None for p in positions)
        self._cells = operator.itemgetter(*(self._width if p is None else p for p in positions))

    def check_line(self, batch_id: str, row_number: int, cells: list[Any]) -> LineResult:
        """(the row's staging COPY line, its warnings) when the row can be imported, else
        (None, its problems); warnings and problems as (column, message), in the order
        of the row's columns."""
        width = self._width
        if self._pad:
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
        ) = self._cells(cells)
        problems: list[tuple[str, str]] = []
        warnings: list[tuple[str, str]] = []
        caches = self._caches

        def parse(column: str, parser: Callable[[Any], Any], raw: object) -> Any:
            cache = caches[column]
            hit = cache.get(raw) if type(raw) is str else None  # the common case, inline
            if hit is None:
                hit = _cached(cache, parser, raw)
            if hit[0]:
                return hit[1]
            problems.append((column, hit[1]))
            return None

        # Text cells: the registry's lengths and messages, but not its clean_text: a
        # cell's whitespace is collapsed (spreadsheets hold tabs and line breaks in
        # cells, which a page's field refuses), and this runs per row, inline.
        name = _fast_text(raw_name)
        if not name:
            problems.append(("nama", MSG_NAME_REQUIRED))
        elif len(name) > NAME_MAX_LENGTH:
            problems.append(("nama", too_long_message(NAME_MAX_LENGTH)))

        nik = None
        doubts: list[tuple[str, str]] | None = None
        if raw_nik is not None:
            if self._is_clean_nik(raw_nik):
                nik = raw_nik
            elif type(raw_nik) is str:
                nik = _parse_into(problems, "nik", _nik, raw_nik)
            else:
                doubts = []
                nik = self._number_id(problems, doubts, "nik", raw_nik)
        no_kk = None
        if raw_kk is not None:
            if self._is_clean_no_kk(raw_kk):
                no_kk = raw_kk
            elif type(raw_kk) is str:
                no_kk = _parse_into(problems, "no_kk", _no_kk, raw_kk)
            else:
                if doubts is None:
                    doubts = []
                no_kk = self._number_id(problems, doubts, "no_kk", raw_kk)

        sex = ""
        if raw_sex is not None:
            sex = parse("jenis_kelamin", values.parse_sex, raw_sex) or ""
        birth_date = None
        if raw_date is not None:
            birth_date = parse("tanggal_lahir", self._birth_date, raw_date)
        if not sex and nik:
            # The NIK encodes sex (day + 40 for women): use it rather than refuse the row.
            sex = nik_facts(nik).sex
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
                relation = choices.Relation.HEAD  # a household of one
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
        if len(address) > ADDRESS_MAX_LENGTH:
            problems.append(("alamat", too_long_message(ADDRESS_MAX_LENGTH)))
        rt = ""
        if raw_rt is not None:
            rt = parse("rt", _parse_rt, raw_rt) or ""
        rw = ""
        if raw_rw is not None:
            rw = parse("rw", _parse_rw, raw_rw) or ""
        village = ""
        found = self._village(raw_code, raw_village, raw_district)
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
            problems.append(("id_sumber", too_long_message(MAX_SOURCE_ID)))
        birth_place = _fast_text(raw_place)
        if len(birth_place) > BIRTH_PLACE_MAX_LENGTH:
            problems.append(("tempat_lahir", too_long_message(BIRTH_PLACE_MAX_LENGTH)))
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
            found_mismatch = self._nik_mismatches(nik, sex, birth_date)
            if found_mismatch:
                mismatch = "Impor: " + "; ".join(found_mismatch)
                warnings.append(("nik", "; ".join(found_mismatch) + " (tetap diimpor, dicatat)."))
        if ppks_numbers and not problems:
            self._check_ppks(ppks_numbers, sex, birth_date, problems)
        if doubts:
            self.doubts.extend(
                (row_number, column, message, not problems) for column, message in doubts
            )
        if problems:
            return None, problems
        arrays = self._arrays
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

    def take_numbers(self) -> tuple[dict[str, Evidence], list[Doubt]]:
        """The number evidence and doubts gathered since the last call (this process's
        share of the file), reset for the next chunk."""
        found = (self.evidence, self.doubts)
        self.evidence = {"nik": Evidence(), "no_kk": Evidence()}
        self.doubts = []
        return found

    # --- the parts of a row, with their caches ----------------------------------------

    def _number_id(
        self,
        problems: list[tuple[str, str]],
        doubts: list[tuple[str, str]],
        column: str,
        raw: object,
    ) -> str | None:
        """A NIK / No. KK from a number cell: counted for its column's decision; one
        ending in 0 is kept (as a doubt) when it is otherwise valid, and the column
        decides later whether the 0 is real."""
        digits = values.sixteen_digit_number(raw)
        if digits is not None:
            evidence = self.evidence[column]
            evidence.numbers += 1
            if digits[-1] != "0":
                evidence.not_zero += 1
        parser = _nik if column == "nik" else _no_kk
        try:
            return parser(raw)
        except TrailingZero as exc:
            validate = validate_nik if column == "nik" else validate_no_kk
            try:
                value = validate(exc.digits)
            except IdentityError as error:
                problems.append((column, str(error)))
                return None
            doubts.append((column, exc.message))
            return value
        except ValueProblem as exc:
            problems.append((column, exc.message))
        except IdentityError as exc:
            problems.append((column, str(exc)))
        return None

    def _is_clean_nik(self, raw: object) -> bool:
        """A clean 16-digit NIK text that passes ``validate_nik`` (its rules checked
        here without the general parser: most NIK cells of a file are like this)."""
        return (
            type(raw) is str
            and len(raw) == 16
            and _ASCII_DIGITS.issuperset(raw)
            and raw[12:] != "0000"
            and raw[:2] in self._provinces
            and self._nik_date_ok(raw[6:12])
        )

    def _is_clean_no_kk(self, raw: object) -> bool:
        """A clean 16-digit No. KK text that passes ``validate_no_kk``."""
        return (
            type(raw) is str
            and len(raw) == 16
            and _ASCII_DIGITS.issuperset(raw)
            and raw[:2] in self._provinces
        )

    def _nik_date_ok(self, part: str) -> bool:
        """Does the NIK's DDMMYY part (digits 7-12) encode a real date? (stdnum's rule,
        as ``validate_nik`` applies it)"""
        ok = self._nik_dates.get(part)
        if ok is None:
            try:
                stdnum_nik.get_birth_date("000000" + part + "0001")
                ok = True
            except StdnumError:
                ok = False
            self._nik_dates[part] = ok
        return ok

    def _birth_date(self, raw: object) -> datetime.date | None:
        """The birth date of a cell, within the registry's rule for birth dates."""
        birth_date = values.parse_date(raw)
        if birth_date is not None:
            problem = birth_date_problem(birth_date, self.on)
            if problem:
                raise ValueProblem(problem)
        return birth_date

    def _village(self, code: object, name: object, district: object) -> str | ValueProblem:
        """The village code the cells name, or the problem (cached per distinct cells)."""
        key: tuple[Any, ...] = (code, name, district)
        if not (
            (code is None or type(code) is str)
            and (name is None or type(name) is str)
            and (district is None or type(district) is str)
        ):
            key = tuple((type(v), v) for v in key)  # 1, 1.0 and True are one key in a dict
        found = self._village_cache.get(key)
        if found is None:
            try:
                found = self.villages.resolve(code, name, district)
            except ValueProblem as exc:
                found = exc
            if len(self._village_cache) < 100_000:
                self._village_cache[key] = found
        return found

    def _nik_mismatches(self, nik: str, sex: str, birth_date: datetime.date | None) -> list[str]:
        key = (nik[6:12], sex, birth_date)
        found = self._mismatches.get(key)
        if found is None:
            found = nik_mismatches(nik, sex, birth_date)
            if len(self._mismatches) < _CACHE_MAX:
                self._mismatches[key] = found
        return found

    def _check_ppks(
        self,
        numbers: list[int],
        sex: str,
        birth_date: datetime.date | None,
        problems: list[tuple[str, str]],
    ) -> None:
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


class CheckedRows:
    """Numbered rows checked into staging COPY lines, with their problems (as
    ``Problem``) and counts: the loop of the one-process check and of each worker."""

    PROGRESS_EVERY = 2000

    def __init__(self, checker: RowChecker, batch_id: str) -> None:
        self.checker = checker
        self.batch_id = batch_id
        self.problems: list[Problem] = []
        self.rows = 0
        self.error_rows = 0
        self.evidence: dict[str, Evidence] = {}
        self.doubts: list[Doubt] = []

    def lines(
        self,
        numbered: Iterable[tuple[int, list[Any]]],
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[str]:
        """The COPY lines of the valid rows; ``progress`` hears the rows read now and
        then. The counts are kept even when reading the rows fails half-way."""
        check_line = self.checker.check_line
        batch_id = self.batch_id
        problems = self.problems
        rows = self.rows
        error_rows = self.error_rows
        every = self.PROGRESS_EVERY
        try:
            for row_number, cells in numbered:
                rows += 1
                line, found = check_line(batch_id, row_number, cells)
                if line is None:
                    error_rows += 1
                    problems.extend((row_number, col, msg, True) for col, msg in found)
                else:
                    if found:
                        problems.extend((row_number, col, msg, False) for col, msg in found)
                    yield line
                if progress is not None and rows % every == 0:
                    progress(rows)
        finally:
            self.rows = rows
            self.error_rows = error_rows
            self.evidence, self.doubts = self.checker.take_numbers()


# --- helpers of check_line ------------------------------------------------------------


def _nik(raw: object) -> str | None:
    digits = values.parse_id_number(raw, "NIK")
    return validate_nik(digits) if digits else None


def _no_kk(raw: object) -> str | None:
    digits = values.parse_id_number(raw, "No. KK")
    return validate_no_kk(digits) if digits else None


def _parse_rt(raw: object) -> str:
    return values.parse_rt_rw(raw, "RT")


def _parse_rw(raw: object) -> str:
    return values.parse_rt_rw(raw, "RW")


def _run(parser: Callable[[Any], Any], raw: object) -> tuple[bool, Any]:
    """``parser(raw)`` as (True, value) or (False, the Indonesian message)."""
    try:
        return True, parser(raw)
    except ValueProblem as exc:
        return False, exc.message
    except IdentityError as exc:
        return False, str(exc)


def _parse_into(
    problems: list[tuple[str, str]], column: str, parser: Callable[[Any], Any], raw: object
) -> Any:
    """``parser(raw)``, or None with the problem added to ``problems``."""
    ok, value = _run(parser, raw)
    if ok:
        return value
    problems.append((column, value))
    return None


def _cached(
    cache: dict[Any, tuple[bool, Any]], parser: Callable[[Any], Any], raw: object
) -> tuple[bool, Any]:
    """``_run(parser, raw)``, once per distinct value. The key holds the type for
    non-text cells: 1, 1.0 and True are equal in a dict."""
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


_SPACES = re.compile(r"\s+")


def _text(raw: object) -> str:
    """A text cell with its whitespace collapsed (a whole number as digits)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return _SPACES.sub(" ", str(raw)).strip()


def _fast_text(raw: object) -> str:
    """``_text`` with a shortcut for text that needs no change (no whitespace but single
    inner spaces: every other whitespace character is not printable)."""
    if type(raw) is str and raw.isprintable() and "  " not in raw:
        if raw[:1] != " " and raw[-1:] != " ":
            return raw
    return _text(raw)


def _line_escape(text: str) -> str:
    return text if _COPY_SPECIAL.isdisjoint(text) else copy_text(text)


def _forbidden_characters(problems: list[tuple[str, str]], **columns: str) -> None:
    """Control and bidi characters are a row problem (pilar.core.text), like on the
    pages and in the API. Printable text cannot hold one: the common case costs one
    str.isprintable() per cell."""
    for column, text in columns.items():
        if text and not text.isprintable():
            message = forbidden_character_message(text)
            if message:
                problems.append((column, message))
