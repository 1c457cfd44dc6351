"""A rule read aloud: one Indonesian line for lists, detail pages and exports."""

from __future__ import annotations

from typing import Any

from pilar.core.errors import InvalidInput
from pilar.programs.rules.fields import FIELDS
from pilar.programs.rules.validation import validate_rule
from pilar.programs.rules.vocabulary import AGE, NUMBER, OPERATORS, RuleField


def describe(rule: Any, level: str) -> str:
    """A one-line Indonesian reading of a (valid) rule, for lists and exports."""
    try:
        normalized = validate_rule(rule, level)
    except InvalidInput:
        return "(aturan tidak valid)"

    def label_value(f: RuleField, value: Any) -> str:
        labels = {str(v): label for v, label in f.choice_list()} if f.choices else {}
        if isinstance(value, list):
            if f.type in (NUMBER, AGE):
                return f"{value[0]}–{value[1]}"
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        if isinstance(value, bool):
            return "ya" if value else "tidak"
        return labels.get(str(value), str(value))

    def walk(node: dict, top: bool) -> str:
        if "rules" in node:
            joiner = " DAN " if node["op"] == "and" else " ATAU "
            text = joiner.join(walk(c, False) for c in node["rules"])
            return text if top or len(node["rules"]) < 2 else f"({text})"
        f = FIELDS[node["field"]]
        return f"{f.label} {OPERATORS[node['operator']]} {label_value(f, node['value'])}"

    if not normalized["rules"]:
        return "(tanpa aturan)"
    return walk(normalized, True)
