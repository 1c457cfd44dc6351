"""Eligibility rules an operator can write, compiled to a Django Q. Never evaluated.

A rule is a JSON tree::

    {"op": "and" | "or", "rules": [
        {"field": "desil", "operator": "lte", "value": 4},
        {"op": "or", "rules": [...]},            # a nested group
    ]}

Every `field` must be in the field registry (fields.FIELDS), every `operator` must be
allowed for the field's type, and every `value` must have the field's type (a
number for a number, one of the listed codes for a choice...). `compile_rule`
checks all of that and builds the Q from fixed lookups (builders.py): user text
only ever becomes a *parameter* of a lookup, never a column name, an operator or
SQL. Errors name the condition's position ("Syarat 2.1": the first condition of
the second item of the top group).

Household programs are compiled over registry.Household, person programs over
registry.Person. Household fields (desil, area, latest housing survey, latest
assessments, PPKS in the household) work for both: for a person program they
apply to the person's household. Person fields only for person programs.

Semantics of missing data: a condition on the latest housing survey or the latest
assessment is only true for households that have one ("lighting is not PLN" does
not select households never surveyed); a condition on a person's age is only true
when the birth date is known.

The package, by topic:

- vocabulary.py: field types, operators, labels, the compile Context, RuleField;
- builders.py: the Q builder of each field (the only place lookups are written);
- fields.py: the field registry as data (FIELD_LIST) and `registry()` for clients;
- validation.py: `validate_rule`;
- compiler.py: `compile_rule`, `base_queryset`, `matching`;
- description.py: `describe`, the one-line Indonesian reading.

The names below are the rules' public API: callers use `rules.validate_rule(...)`,
`rules.matching(...)` and so on.
"""

from pilar.programs.rules.compiler import base_queryset, compile_rule, matching
from pilar.programs.rules.description import describe
from pilar.programs.rules.fields import FIELD_LIST, FIELDS, fields_for, registry
from pilar.programs.rules.validation import validate_rule

__all__ = [
    "FIELDS",
    "FIELD_LIST",
    "base_queryset",
    "compile_rule",
    "describe",
    "fields_for",
    "matching",
    "registry",
    "validate_rule",
]
