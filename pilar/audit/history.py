"""Readable change timelines built from django-pghistory row events: the machinery.

Each app offers `Source`s of its tracked models with a title for each event
(`registry/history.py`, `ppks/history.py`, `dedup/history.py`); `build_timeline`
puts them together and `pilar.web.timeline` composes a household's or a person's
dossier. For each update the previous event of the same row is the "before"
picture, so every entry lists which field changed, from what to what, by whom and
when.

Queries are per event model plus one per referenced model (users, villages,
households, persons, PPKS types), never per event, so a long history stays cheap.
A referenced row is named by its model's `history_label()` when it has one.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from pilar.core.identity import mask

# Bookkeeping columns nobody needs to read in a timeline.
SKIPPED_FIELDS = {"id", "created_at", "updated_at", "import_batch", "import_row"}
# Identity numbers are shown masked even to users who may reveal them: the
# timeline is not a logged reveal.
MASKED_FIELDS = {"nik", "no_kk"}
SYSTEM_USER = "sistem"
EMPTY = "(kosong)"


@dataclass
class Change:
    """One field that changed in one update."""

    field: str
    label: str
    old: str
    new: str


@dataclass
class Entry:
    """One line of a timeline: an insert, update or delete of one row."""

    when: datetime.datetime
    kind: str  # "insert" | "update" | "delete"
    title: str
    username: str
    url: str = ""
    changes: list[Change] = field(default_factory=list)
    sort_key: tuple = ()
    # Set when the change came from a bulk import (pilar.imports), to link its batch.
    import_batch: int | None = None

    @property
    def icon(self) -> str:
        return {"insert": "plus-circle", "update": "pencil", "delete": "trash"}.get(
            self.kind, "clock"
        )


class _Lookups:
    """Display names for foreign keys found in events, fetched once per model."""

    def __init__(self) -> None:
        self.wanted: dict[Any, set] = defaultdict(set)
        self.found: dict[Any, dict] = {}

    def want(self, model: Any, pk: Any) -> None:
        if pk is not None:
            self.wanted[model].add(pk)

    def load(self) -> None:
        for model, pks in self.wanted.items():
            qs: Any = model._default_manager.filter(pk__in=pks)
            if model is get_user_model():
                # People's names where they acted; the username when none is recorded.
                rows = {
                    u.pk: u.get_full_name() or u.username
                    for u in qs.only("id", "username", "first_name", "last_name")
                }
            elif hasattr(model, "history_label"):
                rows = {o.pk: o.history_label() for o in qs}
            else:
                rows = {o.pk: str(o) for o in qs}
            self.found[model] = rows

    def name(self, model: Any, pk: Any) -> str:
        if pk is None:
            return EMPTY
        return self.found.get(model, {}).get(pk, f"#{pk}")


def _tracked_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED_FIELDS and not f.name.startswith("pgh_")
    ]


def _display(f: models.Field, value: Any, lookups: _Lookups) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if f.is_relation:
        return lookups.name(f.related_model, value)
    if f.name in MASKED_FIELDS:
        return mask(str(value))
    base = getattr(f, "base_field", None)
    if base is not None and base.choices:
        labels = dict(base.flatchoices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _value(event: models.Model, f: models.Field) -> Any:
    return getattr(event, f.attname)


def event_model(model: type[models.Model]) -> Any:
    """The pghistory event model of a tracked model (set by @pghistory.track)."""
    return getattr(model, "pgh_event_model")  # noqa: B009 - attribute unknown to type checkers


def events(model: type[models.Model], **filters) -> list:
    return list(
        event_model(model)
        .objects.filter(**filters)
        .select_related("pgh_context")
        .order_by("pgh_obj_id", "pgh_id")
    )


class Source:
    """Events of one tracked model plus how to title them."""

    def __init__(self, model: type[models.Model], events: list, titler) -> None:
        self.model = model
        self.events = events
        self.titler = titler
        self.fields = _tracked_fields(model)


def _build(sources: Iterable[Source]) -> list[Entry]:
    sources = list(sources)
    lookups = _Lookups()
    user_ids: set = set()
    for src in sources:
        for event in src.events:
            for f in src.fields:
                if f.is_relation:
                    lookups.want(f.related_model, _value(event, f))
            ctx = event.pgh_context
            if ctx is not None and (ctx.metadata or {}).get("user") is not None:
                user_ids.add(ctx.metadata["user"])
    User = get_user_model()
    for pk in user_ids:
        lookups.want(User, pk)
    lookups.load()

    entries: list[Entry] = []
    for order, src in enumerate(sources):
        previous: dict[Any, Any] = {}
        for event in src.events:
            if event.pgh_label == "before_update":
                # The OLD row of the update that follows: its exact baseline.
                previous[event.pgh_obj_id] = event
                continue
            before = previous.get(event.pgh_obj_id)
            changes: list[Change] = []
            if event.pgh_label == "update" and before is not None:
                for f in src.fields:
                    old, new = _value(before, f), _value(event, f)
                    if old != new and not (old in (None, "", []) and new in (None, "", [])):
                        changes.append(
                            Change(
                                field=f.name,
                                label=str(f.verbose_name),
                                old=_display(f, old, lookups),
                                new=_display(f, new, lookups),
                            )
                        )
            previous[event.pgh_obj_id] = event
            # An update that only touched skipped columns says nothing to a reader.
            if event.pgh_label == "update" and before is not None and not changes:
                continue
            metadata = (event.pgh_context.metadata if event.pgh_context else None) or {}
            user_id = metadata.get("user")
            entries.append(
                Entry(
                    when=timezone.localtime(event.pgh_created_at),
                    kind=event.pgh_label,
                    title=src.titler(event, before, lookups),
                    username=lookups.name(User, user_id) if user_id is not None else SYSTEM_USER,
                    url=metadata.get("url") or "",
                    changes=changes,
                    import_batch=metadata.get("import_batch"),
                    sort_key=(event.pgh_created_at, order, event.pgh_id),
                )
            )
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    return entries


def build_timeline(sources: Iterable[Source]) -> list[Entry]:
    """Newest-first entries of the given sources (each app offers its own: registry,
    PPKS, duplicate merges; pilar.web.timeline puts a dossier's together)."""
    return _build(sources)
