"""Indonesian name normalisation for the linkage engine (pure functions, no Django).

Two steps, both deterministic:

`normalise_name` turns a name as typed into its plain modern spelling: lower case,
accents and punctuation removed; degrees after a comma and titles dropped (H., Hj.,
Dr., Drs., Ir., Prof., KH., S.Pd., M.Si., ...); the patronymic after ``bin``/``binti``
dropped; every spelling of Muhammad (Muhamad, Mohammad, Moch., Moh., Muh., Mhd., M.)
written ``muhammad``; the old (pre-1972 / Van Ophuijsen) spellings rewritten:
``oe``→``u``, ``dj``→``j``, ``tj``→``c``, ``ch``→``kh``, ``sj``→``sy``, ``nj``→``ny``.

`fold_name` goes further for comparison only (never shown): it merges letters that
Indonesian spellings use interchangeably (``j``/``y``/``i`` for the old j, ``kh``/``h``,
``dh``/``d``, ``th``/``t``, ``sh``/``sy``, ``ph``/``f``, ``v``/``f``, ``q``/``k``), drops a
final ``h`` after a vowel (Fatimah/Fatima) and collapses doubled letters
(Muhammad/Muhamad, Annisa/Anisa).
Two names that fold to the same string are spelling variants of one another.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Titles that come before a name (and may be repeated): religious, academic, customary.
PREFIX_TITLES = frozenset(
    """
    h hj hja haji hajah hajjah kh kyai kiai ust ustad ustadz ustadzah ustazah
    dr drs dra ir prof tn ny nn sdr sdri bpk bapak ibu raden rd
    """.split()
)
# Degrees written after a name without a comma (with a comma everything after it goes).
DEGREES = frozenset(
    """
    spd spdi spdsd sag sh shi se sei sip sos ssos skom st sth ssi sk skm sked sfarm
    sikom sn spsi stp sp ssn ssi skep sgz sst
    mpd mpdi mag mh msi mm mkes mt mkom msc ma mba phd
    amd amdkeb amdkep amdpar ama amk dr drs dra ir
    """.split()
)
MUHAMMAD_SPELLINGS = frozenset(
    """
    muhammad muhamad muhammed muhamed mohammad mohamad mohammed mohamed mochammad mochamad
    mokhammad mokhamad muchammad muchamad mukhammad mukhamad mohd moch mokh moh muh mhd
    mhmd md mu mhm mamad m
    """.split()
)
# `mamad` is a Sundanese given name in its own right; only treat as Muhammad when dotted.
_MUHAMMAD_ONLY_WHEN_DOTTED = frozenset({"mamad", "md", "mu", "m"})
PATRONYMIC = frozenset({"bin", "binti", "bt", "bte", "bn", "ibnu"})

# Old spelling -> modern spelling, applied in this order (longest first where it matters).
OLD_SPELLINGS = (
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("sj", "sy"),
    ("nj", "ny"),
    ("ch", "kh"),
)

_PUNCT = re.compile(r"[^a-z0-9.\s]")
_SPACES = re.compile(r"\s+")


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def modern_spelling(word: str) -> str:
    """One lower-case word in the post-1972 spelling (`oe`→`u`, `dj`→`j`, ...)."""
    for old, new in OLD_SPELLINGS:
        word = word.replace(old, new)
    return word


@lru_cache(maxsize=200_000)
def normalise_name(name: str | None) -> str:
    """The name in plain modern spelling without titles, degrees or patronymic.

    >>> normalise_name("H. Moch. Djoenaedi bin Soekarta, S.Pd.")
    'muhammad junaedi'
    """
    if not name:
        return ""
    text = _ascii(str(name)).lower()
    text = text.split(",", 1)[0]  # "Budi Santoso, S.Pd., M.Pd." -> degrees gone
    text = text.replace("'", "").replace("`", "").replace("-", " ")
    text = _PUNCT.sub(" ", text)
    raw = [t for t in _SPACES.split(text) if t]
    # Tokens keep their dots for now: "m." is Muhammad, "m" alone may be an initial too.
    tokens: list[tuple[str, bool]] = []
    for token in raw:
        dotted = "." in token
        # "s.pd" / "s.pd." -> "spd"; "h." -> "h"; "moh.rizki" -> two tokens
        parts = [p for p in token.split(".") if p]
        if dotted and len(parts) > 1 and "".join(parts) not in DEGREES:
            for p in parts:
                tokens.append((p, True))
            continue
        joined = "".join(parts)
        if joined:
            tokens.append((joined, dotted))
    # Leading titles (repeatable): "H. Hj. Dr. Ir." ...
    while len(tokens) > 1 and tokens[0][0] in PREFIX_TITLES:
        tokens.pop(0)
    # Trailing degrees without a comma: "Budi Santoso SPd"
    while len(tokens) > 1 and tokens[-1][0] in DEGREES:
        tokens.pop()
    # Patronymic: "Ahmad bin Hasan" -> "Ahmad"
    for i, (word, _) in enumerate(tokens):
        if i > 0 and word in PATRONYMIC:
            tokens = tokens[:i]
            break
    out: list[str] = []
    for word, dotted in tokens:
        word = modern_spelling(word)
        if word in MUHAMMAD_SPELLINGS:
            is_abbrev = word in _MUHAMMAD_ONLY_WHEN_DOTTED
            if not is_abbrev or dotted or (word == "m" and len(tokens) > 1):
                word = "muhammad"
        out.append(word)
    return " ".join(out)


_FOLDS = (
    ("kh", "h"),
    ("dh", "d"),
    ("th", "t"),
    ("sh", "sy"),
    ("ph", "f"),
    ("v", "f"),
    ("q", "k"),
    ("x", "ks"),
    ("j", "y"),  # old j = modern y (Noerhajati / Nurhayati); dj was rewritten to j before
    ("ie", "i"),
    ("y", "i"),  # Rizky / Rizki, Yanti / Ianti (both sides fold alike)
    ("oe", "u"),
)
_DOUBLE = re.compile(r"(.)\1+")


def fold_word(word: str) -> str:
    """One normalised word folded for comparison (`j`/`y`/`i`, `kh`/`h`, doubles...)."""
    if word == "muhammad":
        return "muhamad"
    w = word
    # keep "ny"/"sy" digraphs distinct from a plain y/i before folding y
    w = w.replace("ny", "N").replace("sy", "S")
    for a, b in _FOLDS:
        w = w.replace(a, b)
    w = w.replace("N", "ni").replace("S", "si")
    w = _DOUBLE.sub(r"\1", w)
    # trailing "h" after a vowel is often dropped: Fatimah/Fatima, Aisyah/Aisya
    if len(w) > 3 and w.endswith("h") and w[-2] in "aiueo":
        w = w[:-1]
    return w


@lru_cache(maxsize=200_000)
def fold_name(name: str | None) -> str:
    """The comparison key of a name: normalised, then every word folded."""
    normal = normalise_name(name)
    return " ".join(fold_word(w) for w in normal.split())


def sorted_key(folded: str) -> str:
    """The folded words in alphabetical order (word order does not matter)."""
    return " ".join(sorted(folded.split()))


def given_name(folded: str) -> str:
    """The first folded word that is not Muhammad (the given name proper), or ''."""
    words = folded.split()
    for w in words:
        if w != "muhamad":
            return w
    return words[0] if words else ""


def last_word(folded: str) -> str:
    words = folded.split()
    return words[-1] if words else ""


@lru_cache(maxsize=10_000)
def normalise_place(place: str | None) -> str:
    """A birth place compared loosely: lower case, spelling modernised, 'Kota'/'Kab.' gone."""
    if not place:
        return ""
    text = _PUNCT.sub(" ", _ascii(str(place)).lower().replace(".", " "))
    words = [
        modern_spelling(w)
        for w in text.split()
        if w not in {"kota", "kab", "kabupaten", "kotamadya", "adm", "administrasi"}
    ]
    return " ".join(words)
