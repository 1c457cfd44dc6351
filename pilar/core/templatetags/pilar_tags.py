"""Template helpers shared by Pilar's pages: masked identity numbers with a
logged "reveal" button, and Bootstrap rendering of form fields."""

from __future__ import annotations

from decimal import InvalidOperation

from django import forms, template

from pilar.core.formatting import format_decimal, month_label
from pilar.core.identity import mask
from pilar.core.numbers import format_measure, format_number, format_rupiah

register = template.Library()

# kind -> attribute holding the number; the kinds match registry.reveal.reveal.
ID_ATTRS = {"nik": "nik", "kk": "no_kk"}


@register.inclusion_tag("core/_id.html", takes_context=True)
def masked_id(context, obj, kind: str):
    """A masked NIK/No. KK; users who may reveal get a button that asks the
    server (which logs the reveal) for the full number."""
    user = context.get("user")
    value = getattr(obj, ID_ATTRS[kind], None) if obj is not None else None
    return {
        "kind": kind,
        "pk": getattr(obj, "pk", None),
        "masked": mask(value),
        "has_value": bool(value),
        "can_reveal": bool(value) and bool(getattr(user, "can_reveal_ids", False)),
    }


@register.inclusion_tag("core/_field.html")
def field(bound_field, hidden_label: bool = False):
    """One form field with Bootstrap classes, its help text and its errors."""
    widget = bound_field.field.widget
    kind = "input"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        kind = "checkboxes"
    elif isinstance(widget, forms.CheckboxInput):
        kind = "checkbox"
    elif isinstance(widget, forms.HiddenInput):
        kind = "hidden"
    return {"f": bound_field, "kind": kind, "hidden_label": hidden_label}


@register.filter
def add_class(bound_field, css: str):
    """Render a bound field's widget with extra CSS classes (and is-invalid on error)."""
    classes = css + (" is-invalid" if bound_field.errors else "")
    return bound_field.as_widget(attrs={"class": classes})


@register.filter
def dash(value):
    """'-' for empty values, so table cells never look broken."""
    return "-" if value in (None, "", []) else value


@register.filter
def rupiah(value):
    """Rp15.000.000: whole rupiah with dots, '-' when empty."""
    try:
        return format_rupiah(value)
    except (InvalidOperation, TypeError, ValueError):
        return value


@register.filter
def angka(value, places=0):
    """1.234.567 / 12,5 (`|angka:1`): the one number format (pilar.core.numbers)."""
    try:
        return format_number(value, int(places))
    except (InvalidOperation, TypeError, ValueError):
        return value


@register.filter
def ukuran(value):
    """21 / 12,5 / 7,25: a measurement (m², km) with only the decimals it has."""
    try:
        return format_measure(value)
    except (InvalidOperation, TypeError, ValueError):
        return value


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (None when missing)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def month_name(value):
    """November 2026, in Indonesian whatever the browser's language."""
    return month_label(value) if value else ""


@register.filter
def kilobytes(value):
    """41,5 KB (Indonesian decimal comma)."""
    return f"{format_decimal((value or 0) / 1024, 1)} KB"
