"""Checking a rule: every node's shape, field, operator and value, with one
Indonesian message per bad node naming its position ("Syarat 2.1")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pilar.core.errors import InvalidInput
from pilar.programs.choices import Level
from pilar.programs.rules.fields import FIELDS
from pilar.programs.rules.vocabulary import (
    AGE,
    BOOLEAN,
    NUMBER,
    TEXT,
    TYPE_LABELS,
    RuleField,
)

MAX_DEPTH = 4
MAX_CONDITIONS = 60


class _Errors:
    def __init__(self) -> None:
        self.messages: list[str] = []
        self.positions: list[str] = []

    def add(self, position: str, message: str) -> None:
        where = f"Syarat {position}" if position else "Aturan"
        self.messages.append(f"{where}: {message}")
        self.positions.append(position)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _check_number(f: RuleField, value: Any, errors: _Errors, pos: str) -> bool:
    if not _is_number(value):
        errors.add(pos, f"nilai untuk '{f.label}' harus berupa angka, bukan {value!r}.")
        return False
    if f.integer and int(value) != value:
        errors.add(pos, f"nilai untuk '{f.label}' harus bilangan bulat.")
        return False
    if f.minimum is not None and value < f.minimum:
        errors.add(pos, f"nilai untuk '{f.label}' paling kecil {f.minimum:g}.")
        return False
    if f.maximum is not None and value > f.maximum:
        errors.add(pos, f"nilai untuk '{f.label}' paling besar {f.maximum:g}.")
        return False
    return True


def _normalize_value(f: RuleField, op: str, value: Any, errors: _Errors, pos: str) -> Any:
    """The value checked against the field's type, or None after adding an error."""
    if f.type in (NUMBER, AGE):
        if op == "between":
            if not (isinstance(value, list) and len(value) == 2):
                errors.add(pos, f"'antara' memerlukan dua angka [dari, sampai] untuk '{f.label}'.")
                return None
            if not all(_check_number(f, v, errors, pos) for v in value):
                return None
            if value[0] > value[1]:
                errors.add(pos, f"batas bawah lebih besar dari batas atas untuk '{f.label}'.")
                return None
            return [int(v) if f.integer else v for v in value]
        if not _check_number(f, value, errors, pos):
            return None
        return int(value) if f.integer else value
    if f.type == TEXT:
        if not isinstance(value, str) or not value.strip():
            errors.add(pos, f"nilai untuk '{f.label}' harus berupa teks yang tidak kosong.")
            return None
        if len(value) > 200:
            errors.add(pos, f"teks untuk '{f.label}' paling banyak 200 karakter.")
            return None
        return value.strip()
    if f.type == BOOLEAN:
        if not isinstance(value, bool):
            errors.add(pos, f"nilai untuk '{f.label}' harus ya (true) atau tidak (false).")
            return None
        return value
    # CHOICE / MULTI
    allowed = {v: v for v, _ in f.choice_list()}
    allowed_text = {str(v): v for v in allowed}

    def one(v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, (str, int)):
            return None
        return allowed_text.get(str(v))

    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            errors.add(pos, f"pilih paling sedikit satu nilai untuk '{f.label}'.")
            return None
        out = []
        for v in value:
            got = one(v)
            if got is None:
                errors.add(pos, f"nilai {v!r} tidak dikenal untuk '{f.label}'.")
                return None
            out.append(got)
        return out
    got = one(value)
    if got is None:
        errors.add(pos, f"nilai {value!r} tidak dikenal untuk '{f.label}'.")
        return None
    return got


def _walk(node: Any, level: str, errors: _Errors, pos: str, depth: int, count: list[int]):
    """Validate `node`; return its normalized form (or None when invalid)."""
    if not isinstance(node, dict):
        errors.add(pos, "harus berupa syarat atau grup (objek JSON).")
        return None
    if "op" in node or "rules" in node:
        if "field" in node:
            errors.add(pos, "tidak boleh sekaligus berupa grup dan syarat.")
            return None
        op = node.get("op")
        if op not in ("and", "or"):
            errors.add(pos, f"penghubung grup harus 'and' (DAN) atau 'or' (ATAU), bukan {op!r}.")
            return None
        children = node.get("rules")
        if not isinstance(children, list):
            errors.add(pos, "isi grup ('rules') harus berupa daftar.")
            return None
        if depth > MAX_DEPTH:
            errors.add(pos, f"grup bersarang paling dalam {MAX_DEPTH} tingkat.")
            return None
        if not children and depth > 0:
            errors.add(pos, "grup kosong: tambahkan syarat atau hapus grupnya.")
            return None
        extra = set(node) - {"op", "rules"}
        if extra:
            errors.add(pos, f"kunci tidak dikenal: {', '.join(sorted(extra))}.")
            return None
        out = []
        for i, child in enumerate(children, start=1):
            child_pos = f"{pos}.{i}" if pos else str(i)
            out.append(_walk(child, level, errors, child_pos, depth + 1, count))
        return {"op": op, "rules": out}
    count[0] += 1
    if count[0] > MAX_CONDITIONS:
        if count[0] == MAX_CONDITIONS + 1:
            errors.add(pos, f"aturan paling banyak {MAX_CONDITIONS} syarat.")
        return None
    extra = set(node) - {"field", "operator", "value"}
    if extra:
        errors.add(pos, f"kunci tidak dikenal: {', '.join(sorted(extra))}.")
        return None
    key = node.get("field")
    f = FIELDS.get(key) if isinstance(key, str) else None
    if f is None:
        errors.add(pos, f"kolom {key!r} tidak dikenal.")
        return None
    if level not in f.levels:
        errors.add(pos, f"kolom '{f.label}' hanya untuk program sasaran individu.")
        return None
    op = node.get("operator")
    if op not in f.allowed_operators():
        allowed = ", ".join(f.allowed_operators())
        errors.add(
            pos,
            f"operator {op!r} tidak boleh dipakai untuk '{f.label}' "
            f"({TYPE_LABELS[f.type]}); yang boleh: {allowed}.",
        )
        return None
    if "value" not in node:
        errors.add(pos, f"nilai untuk '{f.label}' belum diisi.")
        return None
    value = _normalize_value(f, op, node.get("value"), errors, pos)
    if value is None:
        return None
    return {"field": f.key, "operator": op, "value": value}


def validate_rule(rule: Any, level: str) -> dict:
    """The rule normalized, or InvalidInput naming every bad condition's position.
    An empty rule (None, {}) becomes an empty AND group."""
    if level not in Level.values:
        raise InvalidInput({"level": ["Sasaran program harus individu atau keluarga."]})
    if rule in (None, {}, ""):
        return {"op": "and", "rules": []}
    errors = _Errors()
    if isinstance(rule, dict) and "field" in rule and "op" not in rule and "rules" not in rule:
        # A single condition at the top: wrap it.
        rule = {"op": "and", "rules": [rule]}
    if not isinstance(rule, dict) or "rules" not in rule:
        errors.add("", 'harus berupa grup {"op": "and"|"or", "rules": [...]}.')
        normalized = None
    else:
        normalized = _walk(rule, level, errors, "", 0, [0])
    if errors.messages:
        raise InvalidInput(
            {"rule": errors.messages},
            message="Aturan kelayakan tidak valid. " + errors.messages[0],
            codes={"rule": "invalid_rule"},
        )
    assert normalized is not None
    return normalized
