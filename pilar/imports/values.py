"""Parsers for the cell values of an import file, as offices really fill them in.

Every parser takes the raw cell (``str`` from a CSV; ``str``, ``int``, ``float``,
``datetime``/``date`` or ``None`` from an XLSX) and returns the clean value, or raises
``ValueProblem`` with an Indonesian reason; the importer attaches row and column.
Empty cells (None, blank text, NaN) give ``None`` (or ``[]``/``""`` as documented).

- ``parse_id_number``: NIK / No. KK as text (spaces, dots, dashes and a leading
  apostrophe dropped) or as a number that still holds all 16 digits. Scientific
  notation, fractions and numbers that lost digits (Excel keeps 15 significant
  digits; a lost leading zero) are refused. A 16-digit number ending in 0, which Excel
  may have cut, raises ``TrailingZero`` (a ``ValueProblem``): whether its column proves
  the file holds exact numbers is decided per file by ``pilar.imports.numbers`` (text
  cells are never doubted). ``sixteen_digit_number`` gives the digits such a decision
  counts. The NIK rules themselves are checked later by ``pilar.registry.identity``.
- ``parse_date``: ``date``/``datetime``; DD-MM-YYYY, DD/MM/YYYY, DD.MM.YYYY,
  YYYY-MM-DD (optionally followed by a time); Excel serial numbers (1900 system,
  1..2958465, 60 = the non-existent 29-02-1900 refused, and 1800..2100 refused as a
  bare year); day, month name or
  abbreviation in Indonesian or English, and 4-digit year ("17 Agustus 1975",
  "17-Agt-1975", "5 Mei 1990"). Two-digit years are refused.
- ``parse_sex``: L/P, Laki-laki/Perempuan, Pria/Wanita, Lk/Pr, SIAK 1/2.
- ``parse_relation``, ``parse_marital_status``, ``parse_education``: SIAK labels and
  numeric codes plus common variants, to the codes of ``pilar.registry.choices``.
  "Janda"/"Duda" alone are refused (cerai hidup or cerai mati?).
- ``parse_occupation``: free text, whitespace collapsed.
- ``parse_disability``: list of ``Disability`` codes from ``;``/``,``/``/``-separated
  names, including the "tuna ..." terms, ODGJ, psikososial; "tidak ada"/"-" is [].
- ``parse_ppks_types``: list of PPKS numbers 1..26 from numbers, names or short names
  (``pilar.ppks.reference.PPKS_TYPES``) separated by ``;`` or ``,``.
- ``parse_desil``: 1..10.
- ``parse_rt_rw``: "5", 5, 5.0, "005", "RT 05" -> "005"; empty -> "".

The kelurahan of a row (a code or a name) is looked up by ``villages``.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable

from pilar.core.text import too_long_message
from pilar.ppks.reference import PPKS_TYPES
from pilar.registry.choices import Disability, Education, MaritalStatus, Relation
from pilar.registry.validation import OCCUPATION_MAX_LENGTH


class ValueProblem(ValueError):
    """A cell value that cannot be imported; ``message`` is the Indonesian reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TrailingZero(ValueProblem):
    """A NIK / No. KK stored as a 16-digit number ending in 0: Excel may have cut its
    last digit, or the file holds exact numbers (``pilar.imports.numbers`` decides per
    column). ``digits`` is the number as stored."""

    def __init__(self, kind: str, digits: str) -> None:
        super().__init__(
            f"{kind} tersimpan sebagai angka oleh Excel dan digit terakhirnya mungkin hilang "
            f"({digits}); ketik ulang sebagai teks."
        )
        self.digits = digits


def is_empty(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return isinstance(raw, str) and not raw.strip()


def is_number(raw: object) -> bool:
    return isinstance(raw, int | float) and not isinstance(raw, bool)


def _norm(raw: object) -> str:
    """Lower case, any run of non-alphanumerics as one space."""
    return re.sub(r"[^0-9a-z]+", " ", str(raw).lower()).strip()


def as_int(raw: object) -> int | None:
    """An integral number or numeric text ("3", "3.0", 3.0) as int, else None."""
    if is_number(raw):
        value = float(raw)  # type: ignore[arg-type]
        return int(value) if math.isfinite(value) and value.is_integer() else None
    text = str(raw).strip()
    if re.fullmatch(r"\d+(\.0+)?", text):
        return int(text.split(".")[0])
    return None


# --- NIK and No. KK -------------------------------------------------------------------


def _lost_digits(kind: str, shown: str) -> ValueProblem:
    return ValueProblem(
        f"{kind} tersimpan sebagai angka oleh Excel dan kehilangan digit ({shown}); "
        "ketik ulang sebagai teks."
    )


def parse_id_number(raw: object, kind: str = "NIK") -> str | None:
    """Digits of a NIK or No. KK (``kind`` names it in messages); see module docstring."""
    # Fast path: a clean 16-digit text cell, by far the most common (and million-row
    # files call this twice per row).
    if type(raw) is str and len(raw) == 16 and raw.isdigit():
        return raw
    if is_empty(raw):
        return None
    if isinstance(raw, bool):
        raise ValueProblem(f"{kind} harus berisi angka.")
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueProblem(f"{kind} harus berisi angka.")
        shown = f"{raw:.14G}" if abs(raw) >= 1e14 else repr(raw)
        # Above 2**53 a double cannot hold every integer, so the last digit is a guess.
        if "e" in repr(raw) or not raw.is_integer() or abs(raw) > 2**53:
            raise _lost_digits(kind, shown)
        return _check_number_digits(str(int(raw)), kind, shown)
    if isinstance(raw, int):
        return _check_number_digits(str(raw), kind, str(raw))
    text = str(raw).strip().lstrip("'").strip()
    if re.search(r"\d[.,]?\d*\s*[eE]\s*[+-]?\s*\d", text):
        raise _lost_digits(kind, text)
    # "3671011708750001.0": a float written out as text by a script.
    match = re.fullmatch(r"(\d{16})\.0+", text)
    if match:
        return match.group(1)
    digits = re.sub(r"[\s.\-]+", "", text)
    if not digits.isdigit():
        raise ValueProblem(f"{kind} hanya boleh berisi angka: '{text}'.")
    return digits


def _check_number_digits(digits: str, kind: str, shown: str) -> str:
    # A number shorter than 16 digits lost its leading zero(s) or more; Excel keeps only
    # 15 significant digits, which shows as a zeroed serial (the last 4 digits, which
    # start at 0001 in both NIK and No. KK).
    if len(digits) < 16 or (len(digits) == 16 and digits.endswith("0000")):
        raise _lost_digits(kind, shown)
    if len(digits) == 16 and digits.endswith("0"):
        # Excel zeroes the 16th digit of a number typed into a cell; a nonzero last digit
        # proves the value was not cut, a zero alone cannot be told apart from a cut one
        # (its column can: pilar.imports.numbers), and a wrong NIK silently stored is
        # worse than asking for the cell as text.
        raise TrailingZero(kind, digits)
    return digits


def sixteen_digit_number(raw: object) -> str | None:
    """The digits of a number cell holding a whole 16-digit number a double stores
    exactly (what ``pilar.imports.numbers`` counts), else None."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    if isinstance(raw, float):
        if not math.isfinite(raw) or not raw.is_integer() or abs(raw) > 2**53:
            return None
        raw = int(raw)
    digits = str(raw)
    return digits if len(digits) == 16 else None


# --- dates ----------------------------------------------------------------------------

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        ("januari", "jan", "january"),
        ("februari", "pebruari", "feb", "peb", "february"),
        ("maret", "mar", "march", "mrt"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "jun", "june"),
        ("juli", "jul", "july"),
        ("agustus", "agu", "agt", "ags", "agus", "aug", "august"),
        ("september", "sep", "sept"),
        ("oktober", "okt", "oct", "october"),
        ("november", "nopember", "nov", "nop"),
        ("desember", "des", "dec", "december"),
    ],
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

EXCEL_EPOCH = datetime.date(1899, 12, 30)
EXCEL_MAX_SERIAL = 2958465  # 31-12-9999


def excel_serial_to_date(serial: float) -> datetime.date:
    """A date from an Excel 1900-system serial; the fictitious 29-02-1900 (60) refused."""
    day = math.floor(serial)
    if serial == day and 1800 <= day <= 2100:
        # A bare year in a date column, not a day in 1904-1905.
        raise ValueProblem(
            f"Tanggal '{day}' hanya berisi tahun; isi tanggal lengkap ({DATE_FORMATS_HINT})."
        )
    if day < 1 or day > EXCEL_MAX_SERIAL:
        raise ValueProblem(
            f"Angka tanggal Excel {serial:g} di luar rentang (1 sampai {EXCEL_MAX_SERIAL})."
        )
    if day == 60:
        raise ValueProblem("Angka tanggal Excel 60 (29-02-1900) tidak ada di kalender.")
    if day < 60:
        # Excel counts 1900 as a leap year: before March 1900 it is off by one.
        day += 1
    return EXCEL_EPOCH + datetime.timedelta(days=day)


def _make_date(year: int, month: int, day: int, raw: str) -> datetime.date:
    if not 1 <= month <= 12:
        raise ValueProblem(f"Tanggal '{raw}' tidak valid: bulan {month} tidak ada.")
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueProblem(
            f"Tanggal '{raw}' tidak ada di kalender: bulan {month} tahun {year} "
            f"tidak punya tanggal {day}."
        ) from None


def _check_year(year: str, raw: str) -> int:
    if len(year) != 4:
        raise ValueProblem(f"Tanggal '{raw}' tidak valid: tahun harus 4 digit.")
    return int(year)


_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_DMY = re.compile(r"(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d+)")
_YMD = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_NAMED = re.compile(r"(\d{1,2})[\s\-/.,]*([a-z]+)\.?[\s\-/.,]*(\d+)")

DATE_FORMATS_HINT = "DD-MM-YYYY, DD/MM/YYYY, YYYY-MM-DD atau '17 Agustus 1975'"


def parse_date(raw: object) -> datetime.date | None:
    """A date from any format listed in the module docstring."""
    if is_empty(raw):
        return None
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, bool):
        raise ValueProblem("Tanggal tidak valid.")
    if isinstance(raw, int | float):
        if not math.isfinite(raw):
            raise ValueProblem("Tanggal tidak valid.")
        return excel_serial_to_date(raw)
    text = str(raw).strip()
    if re.fullmatch(r"\d{1,7}(\.\d+)?", text):
        return excel_serial_to_date(float(text))
    core = _TIME_SUFFIX.sub("", text).strip()
    if match := _YMD.fullmatch(core):
        year, _, month, day = match.groups()
        return _make_date(int(year), int(month), int(day), text)
    if match := _DMY.fullmatch(core):
        day, _, month, year = match.groups()
        return _make_date(_check_year(year, text), int(month), int(day), text)
    if match := _NAMED.fullmatch(core.lower()):
        day, month_name, year = match.groups()
        month = MONTHS.get(month_name)
        if month is None:
            raise ValueProblem(
                f"Tanggal '{text}' tidak valid: nama bulan '{month_name}' tidak dikenal."
            )
        return _make_date(_check_year(year, text), month, int(day), text)
    raise ValueProblem(f"Tanggal '{text}' tidak dikenali; gunakan {DATE_FORMATS_HINT}.")


# --- vocabularies ---------------------------------------------------------------------


def _vocabulary(
    choices: Iterable[tuple[str, str]],
    siak_codes: list[str],
    variants: dict[str, str],
) -> dict[str, str]:
    """normalised text -> code, from the choice values and labels, SIAK numeric codes
    (the n-th code is SIAK number n) and variants."""
    table: dict[str, str] = {}
    for value, label in choices:
        table[_norm(value)] = value
        table[_norm(label)] = value
    for number, value in enumerate(siak_codes, start=1):
        table[str(number)] = value
    for text, value in variants.items():
        table[_norm(text)] = value
    return table


def _lookup(raw: object, table: dict[str, str], what: str, accepted: str) -> str | None:
    if is_empty(raw):
        return None
    number = as_int(raw)
    key = str(number) if number is not None else _norm(raw)
    value = table.get(key)
    if value is None:
        shown = str(raw).strip()
        raise ValueProblem(f"Nilai '{shown}' tidak dikenal untuk {what}; gunakan {accepted}.")
    return value


SEX_TABLE = {
    **dict.fromkeys(["l", "lk", "laki laki", "lakilaki", "laki", "pria", "1", "male", "m"], "L"),
    **dict.fromkeys(["p", "pr", "perempuan", "wanita", "2", "female", "f", "w"], "P"),
}


def parse_sex(raw: object) -> str | None:
    """ "L" or "P" (None when empty)."""
    return _lookup(raw, SEX_TABLE, "jenis kelamin", "L/P, Laki-laki/Perempuan atau 1/2")


RELATION_TABLE = _vocabulary(
    Relation.choices,
    [
        Relation.HEAD,
        Relation.HUSBAND,
        Relation.WIFE,
        Relation.CHILD,
        Relation.CHILD_IN_LAW,
        Relation.GRANDCHILD,
        Relation.PARENT,
        Relation.PARENT_IN_LAW,
        Relation.OTHER_FAMILY,
        Relation.HELPER,
        Relation.OTHER,
    ],
    {
        "kk": Relation.HEAD,
        "kepala": Relation.HEAD,
        "kepala keluarga": Relation.HEAD,
        "kepala rumah tangga": Relation.HEAD,
        "krt": Relation.HEAD,
        "isteri": Relation.WIFE,
        "anak kandung": Relation.CHILD,
        "anak tiri": Relation.CHILD,
        "anak angkat": Relation.CHILD,
        "ayah": Relation.PARENT,
        "ibu": Relation.PARENT,
        "ortu": Relation.PARENT,
        "orangtua": Relation.PARENT,
        "famili": Relation.OTHER_FAMILY,
        "saudara": Relation.OTHER_FAMILY,
        "keluarga lain": Relation.OTHER_FAMILY,
        "pembantu rumah tangga": Relation.HELPER,
        "art": Relation.HELPER,
        "lain": Relation.OTHER,
        "lain lain": Relation.OTHER,
    },
)


def parse_relation(raw: object) -> str | None:
    """A ``Relation`` code (kepala, istri, anak, ...) from SIAK labels/codes 1..11."""
    accepted = ", ".join(label for _, label in Relation.choices) + " (atau kode SIAK 1-11)"
    return _lookup(raw, RELATION_TABLE, "hubungan keluarga", accepted)


MARITAL_TABLE = _vocabulary(
    MaritalStatus.choices,
    [MaritalStatus.SINGLE, MaritalStatus.MARRIED, MaritalStatus.DIVORCED, MaritalStatus.WIDOWED],
    {
        "belum menikah": MaritalStatus.SINGLE,
        "lajang": MaritalStatus.SINGLE,
        "tidak kawin": MaritalStatus.SINGLE,
        "bujang": MaritalStatus.SINGLE,
        "menikah": MaritalStatus.MARRIED,
        "nikah": MaritalStatus.MARRIED,
        "kawin tercatat": MaritalStatus.MARRIED,
        "kawin belum tercatat": MaritalStatus.MARRIED,
        "kawin tidak tercatat": MaritalStatus.MARRIED,
        "janda cerai": MaritalStatus.DIVORCED,
        "duda cerai": MaritalStatus.DIVORCED,
        "cerai hidup": MaritalStatus.DIVORCED,
        "janda mati": MaritalStatus.WIDOWED,
        "duda mati": MaritalStatus.WIDOWED,
        "cerai mati": MaritalStatus.WIDOWED,
    },
)
_AMBIGUOUS_MARITAL = {"janda", "duda", "janda duda", "cerai"}


def parse_marital_status(raw: object) -> str | None:
    """A ``MaritalStatus`` code from SIAK labels/codes 1..4 and common variants."""
    if not is_empty(raw) and _norm(raw) in _AMBIGUOUS_MARITAL:
        raise ValueProblem(
            f"Status perkawinan '{str(raw).strip()}' tidak jelas; isi 'Cerai Hidup' atau "
            "'Cerai Mati'."
        )
    accepted = ", ".join(label for _, label in MaritalStatus.choices) + " (atau kode SIAK 1-4)"
    return _lookup(raw, MARITAL_TABLE, "status perkawinan", accepted)


EDUCATION_TABLE = _vocabulary(
    Education.choices,
    [
        Education.NONE,
        Education.SD_NOT_FINISHED,
        Education.SD,
        Education.SMP,
        Education.SMA,
        Education.D1_D2,
        Education.D3,
        Education.S1,
        Education.S2,
        Education.S3,
    ],
    {
        "tidak belum sekolah": Education.NONE,
        "tidak sekolah": Education.NONE,
        "belum sekolah": Education.NONE,
        "tidak pernah sekolah": Education.NONE,
        "paud": Education.NONE,
        "tk": Education.NONE,
        "belum tamat sd": Education.SD_NOT_FINISHED,
        "tidak tamat sd": Education.SD_NOT_FINISHED,
        "tamat sd": Education.SD,
        "sd": Education.SD,
        "mi": Education.SD,
        "sd sederajat": Education.SD,
        "smp": Education.SMP,
        "mts": Education.SMP,
        "sltp": Education.SMP,
        "tamat smp": Education.SMP,
        "smp sederajat": Education.SMP,
        "sma": Education.SMA,
        "smk": Education.SMA,
        "smu": Education.SMA,
        "stm": Education.SMA,
        "ma": Education.SMA,
        "slta": Education.SMA,
        "tamat sma": Education.SMA,
        "sma sederajat": Education.SMA,
        "d1": Education.D1_D2,
        "d2": Education.D1_D2,
        "diploma i": Education.D1_D2,
        "diploma ii": Education.D1_D2,
        "d3": Education.D3,
        "diploma iii": Education.D3,
        "akademi": Education.D3,
        "sarjana muda": Education.D3,
        "akademi diploma iii s muda": Education.D3,
        "d4": Education.S1,
        "diploma iv": Education.S1,
        "s1": Education.S1,
        "strata i": Education.S1,
        "sarjana": Education.S1,
        "s2": Education.S2,
        "magister": Education.S2,
        "s3": Education.S3,
        "doktor": Education.S3,
    },
)


def parse_education(raw: object) -> str | None:
    """An ``Education`` code from SIAK labels/codes 1..10 and school names (SD, SMP...)."""
    accepted = (
        ", ".join(label for _, label in Education.choices)
        + ", SD, SMP, SMA, SMK, D3, S1, S2, S3 (atau kode SIAK 1-10)"
    )
    return _lookup(raw, EDUCATION_TABLE, "pendidikan", accepted)


def parse_occupation(raw: object) -> str:
    """Occupation is free text in the registry: whitespace collapsed, at most
    ``OCCUPATION_MAX_LENGTH`` characters."""
    if is_empty(raw):
        return ""
    text = re.sub(r"\s+", " ", str(raw)).strip()
    if len(text) > OCCUPATION_MAX_LENGTH:
        raise ValueProblem(too_long_message(OCCUPATION_MAX_LENGTH))
    return text


# --- lists ----------------------------------------------------------------------------

_NONE_WORDS = {"", "tidak ada", "tidak", "tdk ada", "bukan", "none", "nihil", "0"}

DISABILITY_TABLE: dict[str, str] = {
    **{_norm(value): value for value, _ in Disability.choices},
    **dict.fromkeys(
        ["daksa", "tuna daksa", "tunadaksa", "cacat fisik", "cacat tubuh", "lumpuh"],
        Disability.PHYSICAL,
    ),
    **dict.fromkeys(
        ["grahita", "tuna grahita", "tunagrahita", "cacat mental intelektual", "down syndrome"],
        Disability.INTELLECTUAL,
    ),
    **dict.fromkeys(
        ["odgj", "psikososial", "gangguan jiwa", "tuna laras", "tunalaras"],
        Disability.MENTAL,
    ),
    **dict.fromkeys(
        [
            "sensori",
            "netra",
            "tuna netra",
            "tunanetra",
            "buta",
            "rungu",
            "tuna rungu",
            "tunarungu",
            "tuli",
            "wicara",
            "tuna wicara",
            "tunawicara",
            "bisu",
            "tuna rungu wicara",
            "tunarungu wicara",
        ],
        Disability.SENSORY,
    ),
}


def _split(raw: object, separators: str) -> list[str]:
    return [part.strip() for part in re.split(separators, str(raw)) if part.strip()]


def parse_disability(raw: object) -> list[str]:
    """``Disability`` codes, in order and without repeats; empty or "tidak ada" is []."""
    if is_empty(raw) or _norm(raw) in _NONE_WORDS:
        return []
    result: list[str] = []
    for part in _split(raw, r"[;,/]|\bdan\b"):
        key = re.sub(r"^(penyandang )?(disabilitas|cacat) ", "", _norm(part))
        if key in _NONE_WORDS:
            continue
        value = DISABILITY_TABLE.get(key) or DISABILITY_TABLE.get(_norm(part))
        if value is None:
            raise ValueProblem(
                f"Jenis disabilitas '{part}' tidak dikenal; gunakan fisik, intelektual, "
                "mental atau sensorik (beberapa dipisah ';')."
            )
        if value not in result:
            result.append(value)
    return result


PPKS_TABLE: dict[str, int] = {}
for _row in PPKS_TYPES:
    PPKS_TABLE[_norm(_row[1])] = _row[0]
    PPKS_TABLE[_norm(_row[2])] = _row[0]
PPKS_TABLE.update(
    {
        "lansia terlantar": 8,
        "lanjut usia": 8,
        "lansia": 8,
        "disabilitas": 9,
        "odha": 16,
        "hiv aids": 16,
        "narapidana": 15,
        "mantan narapidana": 15,
        "bekas narapidana": 15,
        "pekerja seks": 10,
        "wts": 10,
        "psk": 10,
        "korban kekerasan": 19,
        "perdagangan orang": 18,
        "trafficking": 18,
        "pekerja migran": 20,
        "tki bermasalah": 20,
        "korban bencana": 21,
        "miskin": 24,
        "keluarga miskin": 24,
        "adat terpencil": 26,
        "anak balita": 1,
    }
)


def parse_ppks_types(raw: object) -> list[int]:
    """PPKS numbers (1..26) in order without repeats; several separated by ';' or ','."""
    # "0" is refused here (numbers are PPKS types), unlike for disabilities.
    if is_empty(raw) or _norm(raw) in _NONE_WORDS - {"0"}:
        return []
    if is_number(raw):
        parts: list[object] = [raw]
    else:
        parts = list(_split(raw, r"[;,]"))
    result: list[int] = []
    for part in parts:
        number = as_int(part)
        if number is None:
            number = PPKS_TABLE.get(_norm(part))
            if number is None:
                raise ValueProblem(
                    f"Jenis PPKS '{part}' tidak dikenal; gunakan nomor 1-26, nama atau "
                    "singkatannya (mis. '24' atau 'Fakir Miskin'), dipisah ';'."
                )
        elif not 1 <= number <= len(PPKS_TYPES):
            raise ValueProblem(f"Nomor jenis PPKS {number} tidak ada; gunakan 1-26.")
        if number not in result:
            result.append(number)
    return result


# --- numbers --------------------------------------------------------------------------


def parse_desil(raw: object) -> int | None:
    """Welfare decile 1..10 (None when empty); "Desil 3" accepted."""
    if is_empty(raw):
        return None
    text = raw if is_number(raw) else re.sub(r"^desil\s*", "", str(raw).strip().lower())
    number = as_int(text)
    if number is None or not 1 <= number <= 10:
        raise ValueProblem(f"Desil harus angka bulat 1 sampai 10, bukan '{str(raw).strip()}'.")
    return number


def parse_rt_rw(raw: object, kind: str = "RT") -> str:
    """RT or RW as three digits ("5", 5, 5.0, "005", "RT 05" -> "005"); empty -> ""."""
    if is_empty(raw):
        return ""
    text = raw if is_number(raw) else re.sub(r"^(rt|rw)[\s.:]*", "", str(raw).strip().lower())
    number = as_int(text)
    if number is None or not 1 <= number <= 999:
        raise ValueProblem(f"{kind} harus angka 1 sampai 999, bukan '{str(raw).strip()}'.")
    return f"{number:03d}"
