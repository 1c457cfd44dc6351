"""How people misspell an Indonesian name when they type it into a search box.

Written for the name-search benchmark (issue 14, part 4) apart from the search code:
it knows nothing of how ``pilar/registry/search.py`` finds names, and it is not tuned
to it. Each call makes one change of one kind, chosen at random among those that apply
to the name:

- ``drop``: one letter left out ("Amlia" for "Amelia");
- ``double``: one letter typed twice ("Ammelia");
- ``swap``: two neighbouring letters exchanged ("Aemlia");
- ``replace``: one letter replaced by a neighbour on the keyboard or, for a vowel,
  by another vowel ("Amelua", "Amalia");
- ``muhammad``: another spelling of Muhammad (Muhamad, Mohammad, Moch., M., ...);
- ``old``: a spelling from before 1972 or its reverse (u/oe, j/dj, c/tj, y/j, kh/ch,
  sy/sj, ny/nj);
- ``given``: the last (family) word left out of a name of three or more words.

Letters are changed in one word, never the first letter of the name's first word
(people rarely get that wrong, and a search box user would notice), and never in a
word of fewer than three letters.
"""

from __future__ import annotations

import random

KINDS = ("drop", "double", "swap", "replace", "muhammad", "old", "given")

_KEYBOARD = {
    "q": "wa",
    "w": "qes",
    "e": "wrd",
    "r": "etf",
    "t": "ryg",
    "y": "tuh",
    "u": "yij",
    "i": "uok",
    "o": "ipl",
    "p": "ol",
    "a": "qsz",
    "s": "adw",
    "d": "sfe",
    "f": "dgr",
    "g": "fht",
    "h": "gjy",
    "j": "hku",
    "k": "jli",
    "l": "ko",
    "z": "xa",
    "x": "zc",
    "c": "xv",
    "v": "cb",
    "b": "vn",
    "n": "bm",
    "m": "n",
}
_VOWELS = "aiueo"

_MUHAMMAD = (
    "Muhammad",
    "Muhamad",
    "Mohammad",
    "Mohamad",
    "Mochammad",
    "Mochamad",
    "Moch.",
    "Moh.",
    "Muh.",
    "M.",
    "Mhd.",
)

# The spellings above as words compare (lower case, no dot).
MUHAMMAD_SPELLINGS = frozenset(m.rstrip(".").lower() for m in _MUHAMMAD)

# (modern, old) pairs; both directions are used.
_OLD = (("u", "oe"), ("j", "dj"), ("c", "tj"), ("y", "j"), ("kh", "ch"), ("sy", "sj"), ("ny", "nj"))


def _same_case(new: str, old: str) -> str:
    return new.capitalize() if old[:1].isupper() else new


def _letters(words: list[str]) -> list[tuple[int, int]]:
    """(word, position) of every letter that may be changed."""
    spots = []
    for w, word in enumerate(words):
        if len(word) < 3 or not word.isalpha():
            continue
        for i in range(len(word)):
            if w == 0 and i == 0:
                continue
            spots.append((w, i))
    return spots


def _edit(words: list[str], kind: str, rng: random.Random) -> list[str] | None:
    spots = _letters(words)
    if kind == "swap":
        spots = [(w, i) for w, i in spots if i + 1 < len(words[w]) and (w, i) != (0, 0)]
        spots = [(w, i) for w, i in spots if words[w][i].lower() != words[w][i + 1].lower()]
    if not spots:
        return None
    w, i = rng.choice(spots)
    word = words[w]
    letter = word[i]
    if kind == "drop":
        word = word[:i] + word[i + 1 :]
    elif kind == "double":
        word = word[: i + 1] + letter.lower() + word[i + 1 :]
    elif kind == "swap":
        word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if i == 0:
            word = word.capitalize()
    else:  # replace
        lower = letter.lower()
        pool = [v for v in _VOWELS if v != lower] if lower in _VOWELS else list(_KEYBOARD[lower])
        new = rng.choice(pool) if pool else "a"
        word = word[:i] + (new.upper() if letter.isupper() else new) + word[i + 1 :]
    out = list(words)
    out[w] = word
    return out


def _muhammad(words: list[str], rng: random.Random) -> list[str] | None:
    for w, word in enumerate(words):
        if word.rstrip(".").lower() in MUHAMMAD_SPELLINGS:
            choices = [m for m in _MUHAMMAD if m.lower() != word.lower()]
            out = list(words)
            out[w] = rng.choice(choices)
            return out
    return None


def _old(words: list[str], rng: random.Random) -> list[str] | None:
    options = []
    for w, word in enumerate(words):
        lower = word.lower()
        for modern, old in _OLD:
            for a, b in ((modern, old), (old, modern)):
                start = lower.find(a)
                while start != -1:
                    options.append((w, start, a, b))
                    start = lower.find(a, start + 1)
    if not options:
        return None
    w, start, a, b = rng.choice(options)
    word = words[w]
    new = word[:start] + b + word[start + len(a) :]
    out = list(words)
    out[w] = _same_case(new.lower(), word) if start == 0 else new
    return out


def misspell(name: str, rng: random.Random, kind: str | None = None) -> tuple[str, str]:
    """(the misspelt name, the kind of change). ``kind`` forces one kind; a kind that
    does not apply to the name falls back to another one."""
    words = name.split()
    kinds = [kind] if kind else []
    kinds += [k for k in rng.sample(KINDS, len(KINDS)) if k not in kinds]
    for chosen in kinds:
        if chosen == "muhammad":
            out = _muhammad(words, rng)
        elif chosen == "old":
            out = _old(words, rng)
        elif chosen == "given":
            out = words[:-1] if len(words) >= 3 else None
        else:
            out = _edit(words, chosen, rng)
        if out is not None and " ".join(out) != name:
            return " ".join(out), chosen
    return name, "none"
