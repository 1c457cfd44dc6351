"""The one text cleaner for input: strip, refuse control and bidirectional-override
characters, refuse text longer than its field (never cut it).

Used by the validation layer (registry, PSKS, cases, ...) for pages, API and imports
alike, by the API's body parser (every string of every request) and by pydantic
schema types (`text_rule`).

Why refuse rather than strip: a NUL cannot be stored by PostgreSQL at all, other C0/C1
characters break exports and the field app, and the bidi controls (U+202E "right-to-
left override" and friends) make a name or address display differently from what is
stored, which is how look-alike records and misleading exports are made.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# C0 controls except tab, newline and carriage return (multi-line text from a form
# arrives with CRLF), DEL and the C1 controls.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Bidirectional formatting characters: ALM, LRM, RLM, the embeddings and overrides
# (U+202A-U+202E) and the isolates (U+2066-U+2069).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Also refused in every string (multi-line or not), for the same reasons.
_OTHER = "\u2028\u2029\ufeff\ufff9-\ufffb"

FORBIDDEN_RE = re.compile(f"[{_CONTROL}{_BIDI}{_OTHER}]")
# Single-line text also refuses the tab, newline and carriage return.
FORBIDDEN_SINGLE_LINE_RE = re.compile(f"[\t\n\r{_CONTROL}{_BIDI}{_OTHER}]")
BIDI_RE = re.compile(f"[{_BIDI}]")

MSG_BIDI = "Tidak boleh berisi karakter pengatur arah teks (misalnya U+202E)."
MSG_CONTROL = "Tidak boleh berisi karakter kontrol (tak terlihat)."
MSG_LINE_BREAK = "Tidak boleh berisi baris baru atau tab."


def too_long_message(max_length: int) -> str:
    return f"Paling banyak {max_length} karakter."


class TextError(ValueError):
    """The text cannot be accepted; the message says why, in Indonesian."""


def forbidden_character_message(text: str, *, multiline: bool = False) -> str | None:
    """Why `text` holds a character no field accepts, or None."""
    pattern = FORBIDDEN_RE if multiline else FORBIDDEN_SINGLE_LINE_RE
    found = pattern.search(text)
    if found is None:
        return None
    char = found.group()
    if BIDI_RE.match(char):
        return MSG_BIDI
    if char in "\t\n\r":
        return MSG_LINE_BREAK
    return MSG_CONTROL


def clean_text(
    value: Any,
    *,
    max_length: int | None = None,
    multiline: bool = False,
    collapse_spaces: bool = False,
) -> str:
    """`value` as stripped text, or TextError. None is ""; `collapse_spaces` turns
    inner runs of spaces into one (names). The length is checked after stripping,
    on what would be stored."""
    text = "" if value is None else str(value)
    problem = forbidden_character_message(text, multiline=multiline)
    if problem:
        raise TextError(problem)
    text = text.strip()
    if collapse_spaces:
        text = " ".join(text.split())
    if max_length is not None and len(text) > max_length:
        raise TextError(too_long_message(max_length))
    return text


def check_text(
    errors,
    field: str,
    value: Any,
    *,
    max_length: int | None = None,
    multiline: bool = False,
    collapse_spaces: bool = False,
) -> str:
    """`clean_text` reporting into an `ErrorCollector` (returns "" when refused)."""
    try:
        return clean_text(
            value, max_length=max_length, multiline=multiline, collapse_spaces=collapse_spaces
        )
    except TextError as exc:
        errors.add(field, str(exc))
        return ""


def find_forbidden(data: Any, path: str = "") -> tuple[str, str] | None:
    """The first string anywhere in decoded JSON (keys included) holding a character
    no field accepts, as (path, message); tabs and newlines are left to the fields."""
    if isinstance(data, str):
        problem = forbidden_character_message(data, multiline=True)
        return (path or "__all__", problem) if problem else None
    if isinstance(data, dict):
        for key, item in data.items():
            sub = f"{path}.{key}" if path else str(key)
            found = find_forbidden(key, sub) or find_forbidden(item, sub)
            if found:
                return found
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found = find_forbidden(item, f"{path}[{index}]")
            if found:
                return found
    return None


def text_rule(max_length: int | None = None, *, multiline: bool = False) -> AfterValidator:
    """For pydantic API input: `Annotated[str, text_rule(300)]` is stripped, refuses
    control and bidi characters, and refuses more than `max_length` characters with
    the Indonesian reason (the API's error handler shows the message as is)."""

    def validate(value: str) -> str:
        try:
            return clean_text(value, max_length=max_length, multiline=multiline)
        except TextError as exc:
            raise PydanticCustomError("pilar_text", str(exc)) from None

    return AfterValidator(validate)
