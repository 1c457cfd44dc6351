"""Form tools shared by every app's pages.

Forms only render fields and carry what was typed: validation lives in the actions,
which raise `InvalidInput` keyed by field; `apply_errors` puts those messages back
on the form's fields (see also `pilar.core.web.run_action`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms

from pilar.core.errors import InvalidInput

# The code an action gives a NIK that disagrees with the birth date or sex: the form
# then offers to confirm it with a reason (registry/identity.py).
NIK_MISMATCH = "nik_mismatch"
# The empty option of every select, as the field app writes it (Django's is "---------").
BLANK_LABEL = "— pilih —"
DJANGO_BLANK = "---------"


def blank(options) -> list[tuple[str, str]]:
    """Choices with an empty first option."""
    return [("", BLANK_LABEL), *options]


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_errors(form: Any, exc: InvalidInput, field_map: dict[str, str] | None = None) -> None:
    """Put an action's field errors on the form; unknown fields become non-field errors."""
    for key, messages in exc.errors.items():
        name = (field_map or {}).get(key, key)
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
    if NIK_MISMATCH in exc.codes.values():
        form.show_mismatch = True


def set_choices(form: forms.BaseForm, name: str, choices) -> None:
    """Fill a choice field's options at run time (from the database, the user's area)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), name
    field.choices = [
        (value, BLANK_LABEL if label == DJANGO_BLANK else label) for value, label in choices
    ]


def indonesian_blanks(form: forms.BaseForm) -> None:
    """Django's "---------" empty option (model choices, ModelChoiceField) becomes
    "— pilih —" on every select of `form`."""
    for f in form.fields.values():
        if isinstance(f, forms.ModelChoiceField):
            if f.empty_label == DJANGO_BLANK:
                f.empty_label = BLANK_LABEL
        elif isinstance(f, forms.ChoiceField):
            choices = list(cast(Iterable, f.choices))
            if any(label == DJANGO_BLANK for _, label in choices):
                f.choices = [
                    (value, BLANK_LABEL if label == DJANGO_BLANK else label)
                    for value, label in choices
                ]


class IndonesianBlanks:
    """Mixin for forms that are not PilarForm: see `indonesian_blanks`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        indonesian_blanks(self)  # type: ignore[arg-type]


class PilarForm(forms.Form):
    """Base: every field optional at the form level (the action decides)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False
        indonesian_blanks(self)

    def values(self) -> dict:
        """Submitted values as the action expects them (raw strings, lists)."""
        return dict(self.cleaned_data)
