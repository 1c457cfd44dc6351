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
import re
from dataclasses import dataclass, field

from pilar.core.dates import age_on, today
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
MAX_OCCUPATION = 100


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

    def _cell(self, cells: list, name: str):
        idx = self.ix.get(name)
        if idx is None or idx >= len(cells):
            return None
        return cells[idx]

    def _village(self, cells: list) -> str:
        key = (
            self._cell(cells, "kode_kelurahan"),
            self._cell(cells, "nama_kelurahan"),
            self._cell(cells, "nama_kecamatan"),
        )
        try:
            found = self._village_cache.get(key)
        except TypeError:  # an unhashable cell cannot happen with calamine/csv; be safe
            found = None
        if found is None:
            try:
                found = self.villages.resolve(*key)
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
        if len(occupation) > MAX_OCCUPATION:
            occupation = occupation[:MAX_OCCUPATION]

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
