"""The words of a person's name, for finding a misspelt name among millions.

A name is indexed by its words (lower case, split on spaces; GIN index
``person_name_keys``), and a Muhammad name also by its words tagged "~" (``NameKeys``,
decision 48). A query word is turned into the set of words it may stand for
(``word_forms``): itself; its other spellings (the Muhammad family; the spellings from
before 1972 and back: oe/u, dj/j, tj/c, j/y, ch/kh, sj/sy, nj/ny); every word one edit
away (a letter dropped, added, replaced, or two neighbours swapped: the typing errors);
and the forms with a dot or comma after them, as words are written in the registry
("Moch.", "Aminah,"). A person matches when every query word finds one of its forms
among the person's words, in any order: an index look-up of a few thousand keys, where
trigram similarity over whole names had to read posting lists of hundreds of thousands
of rows for a common name (benchmarks/RESULTS.md, issue 14).

The duplicate engine's normalisation (``pilar.dedup.names``) rewrites both sides into
one spelling for comparing two records; here the registry's stored names are matched
as they are, so the query is expanded instead (and the registry sits below the dedup
app, whose module it may not import).
"""

from __future__ import annotations

import re
import string

from django.contrib.postgres.fields import ArrayField
from django.db import models

# Every spelling of Muhammad people type; one of them stands for all.
MUHAMMAD = frozenset(
    """
    muhammad muhamad muhammed muhamed mohammad mohamad mohammed mohamed mochammad mochamad
    mokhammad mokhamad muchammad muchamad mukhammad mukhamad mohd moch mokh moh muh mhd
    mhmd m
    """.split()
)
# Modern spelling, the spelling before 1972 (EYD): each rewritten both ways.
OLD_SPELLINGS = (
    ("u", "oe"),
    ("j", "dj"),
    ("c", "tj"),
    ("y", "j"),
    ("kh", "ch"),
    ("sy", "sj"),
    ("ny", "nj"),
)
# Titles typed before a name; dropped from a query that has other words.
TITLES = frozenset("h hj kh dr drs dra ir prof ust ustadz bpk bapak ibu sdr sdri".split())
# Words shorter than this are matched as typed (one edit away from "sri" is half the
# alphabet's two-letter words).
MIN_FUZZY = 3
_ALPHABET = string.ascii_lowercase
_SPLIT = re.compile(r"[^\w]+|[\d_]+")


class NameWords(models.Func):
    """The words of a name: lower case, split on spaces
    (``string_to_array(lower(name), ' ')``: about a microsecond a row, where a regular
    expression costs several, which an import of a million rows pays once more). The
    index of migrations 0009 and 0012 was built on it; ``NameKeys`` replaced it in 0013."""

    template = "string_to_array(lower(%(expressions)s::text), ' ')"
    output_field = ArrayField(models.TextField())


class NameKeys(models.Func):
    """The keys a name is indexed by (GIN index ``person_name_keys``, SQL function
    ``pilar_name_keys``, migrations registry 0013 and 0014): its words as ``NameWords``
    gives them and, when one of them spells Muhammad (``MUHAMMAD``, with or without a
    dot or comma after it), every word once more with ``MUHAMMAD_TAG`` before it
    ("~rizki").

    A query with a Muhammad word then looks up "~" + the forms of its other words: the
    short posting lists of the Muhammad names that have those words, where intersecting
    with the posting lists of every Muhammad spelling (120,000 persons at 2 million)
    took 50-250 ms in the index (decision 48)."""

    template = "pilar_name_keys(%(expressions)s::text)"
    output_field = ArrayField(models.TextField())


MUHAMMAD_TAG = "~"


def name_keys_function_sql() -> str:
    """The ``CREATE FUNCTION`` of ``pilar_name_keys`` for the spellings in ``MUHAMMAD``.
    The latest migration that replaced it (0014) holds this text as it was written; a
    test checks the two agree, so a spelling added to ``MUHAMMAD`` needs a migration
    that replaces the function and rebuilds the index.

    The body is one expression with no FROM and no sub-query, so PostgreSQL inlines it
    wherever it is called (index builds, inserts, queries): a call through the SQL
    function executor cost ~8 µs a name, 7.9 s to build the index over a million
    persons against 3.4 s inlined. The words are tagged by a text replace ("a b" ->
    "a b ~a ~b"), which gives what tagging each split word gives, empty words included."""
    spellings = sorted(w + end for w in MUHAMMAD for end in ("", ".", ","))
    array = "ARRAY[" + ", ".join(f"'{w}'" for w in spellings) + "]::text[]"
    words = "string_to_array(lower(name), ' ')"
    tagged = f"lower(name) || ' {MUHAMMAD_TAG}' || replace(lower(name), ' ', ' {MUHAMMAD_TAG}')"
    return (
        "CREATE OR REPLACE FUNCTION pilar_name_keys(name text) RETURNS text[] "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
        f"SELECT CASE WHEN {words} && {array} "
        f"THEN string_to_array({tagged}, ' ') "
        f"ELSE {words} END $$"
    )


def query_words(q: str) -> list[str]:
    """The words of a typed name: lower case, degrees after a comma and apostrophes
    dropped, split on anything that is not a letter; titles dropped when other words
    remain."""
    text = q.lower().replace("'", "").replace("`", "").replace("’", "")
    if _SPLIT.sub("", text.split(",", 1)[0]):
        text = text.split(",", 1)[0]  # "Budi Santoso, S.Pd." -> "budi santoso"
    words = [w for w in _SPLIT.split(text) if w]
    named = [w for w in words if w not in TITLES]
    return named or words


def spellings(word: str) -> set[str]:
    """The word and its other spellings (Muhammad family, old and new spelling)."""
    if word in MUHAMMAD:
        return set(MUHAMMAD)
    found = {word}
    modern = word
    for new, old in OLD_SPELLINGS:
        if new != "y":  # old "j" is modern "y", but most j are modern j: one way only
            modern = modern.replace(old, new)
    found.add(modern)
    for base in (word, modern):
        for new, old in OLD_SPELLINGS:
            if new in base:
                found.add(base.replace(new, old))
            if old in base:
                found.add(base.replace(old, new))
    return found


def one_edit(word: str) -> set[str]:
    """Every word one typing error away: a letter dropped, added or replaced, or two
    neighbouring letters swapped."""
    found = set()
    for i in range(len(word) + 1):
        left, right = word[:i], word[i:]
        if right:
            found.add(left + right[1:])
            for c in _ALPHABET:
                found.add(left + c + right[1:])
        if len(right) > 1:
            found.add(left + right[1] + right[0] + right[2:])
        for c in _ALPHABET:
            found.add(left + c + right)
    return found


def word_forms(word: str) -> list[str]:
    """Every registry word ``word`` may stand for (see the module doc), sorted."""
    exact = spellings(word)
    forms = set(exact)
    for form in exact:
        forms.add(form + ".")
        forms.add(form + ",")
    if len(word) >= MIN_FUZZY:
        forms |= one_edit(word)
    return sorted(forms)
