"""The processing trail of one person (UU 27/2022 art. 32): every change, decision,
view and export of their data, with who, when and why.

- changes: the pghistory row events of every tracked table in the person's export
  (`collect.SPECS`), with the fields that changed; the "why" comes from the event's
  context (the field report validated, the import batch, the data-subject request,
  else the page or API path);
- decisions: the typed steps (report verified/validated, enrollment approved, case
  closed, Bedah Rumah handed over, request answered…), already in the export's
  sections, put in time order here;
- access: the access log (pilar.audit) for every object of the export (views,
  reveals of the NIK, exports of the dossier); list exports and API answers name a
  filter, not the people in them, so those whose filter could have included the
  person (no area, or the person's kecamatan/kelurahan) are listed as "may have
  included".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from pilar.audit.history import Source, build_timeline, event_model
from pilar.audit.models import AccessAction, AccessLog
from pilar.pdp.subject.collect import Section, SubjectData

# Step tables (each has `at`, `actor`, `action`, `note`) and how to name their parent.
STEP_TABLES = {
    "submissions.submissionstep": "Laporan #{parent}",
    "programs.enrollmentstep": "Kepesertaan program #{parent}",
    "cases.casestep": "Kasus #{parent}",
    "renovations.renovationstep": "Bedah Rumah #{parent}",
    "pdp.requeststep": "Permintaan PDP #{parent}",
    "pdp.breachstep": "Insiden #{parent}",
}
STEP_PARENT = {
    "submissions.submissionstep": "submission_id",
    "programs.enrollmentstep": "enrollment_id",
    "cases.casestep": "case_id",
    "renovations.renovationstep": "renovation_id",
    "pdp.requeststep": "request_id",
    "pdp.breachstep": "breach_id",
}
# Fields whose change is not shown in the trail: they mix several people (art. 33).
HIDDEN_CHANGES = {"payload", "base", "resolutions", "return_reasons", "result", "snapshot"}


@dataclass
class TrailEntry:
    when: datetime.datetime
    kind: str  # "perubahan" | "keputusan" | "akses" | "akses_daftar"
    who: str
    what: str
    why: str = ""
    details: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "waktu": timezone.localtime(self.when).strftime("%d-%m-%Y %H:%M:%S"),
            "jenis": KIND_LABELS[self.kind],
            "oleh": self.who,
            "apa": self.what,
            "alasan": self.why,
            "rincian": self.details,
        }


KIND_LABELS = {
    "perubahan": "Perubahan data",
    "keputusan": "Keputusan/langkah",
    "akses": "Akses (melihat/membuka/mengekspor)",
    "akses_daftar": "Ekspor/API daftar yang mungkin memuat data Anda",
}


def _context_reason(metadata: dict) -> str:
    if metadata.get("pdp_request"):
        return f"permintaan subjek data #{metadata['pdp_request']}"
    if metadata.get("submission"):
        return f"laporan lapangan #{metadata['submission']} divalidasi"
    if metadata.get("import_batch"):
        return f"impor #{metadata['import_batch']}"
    if metadata.get("retention"):
        return f"aturan retensi ({metadata['retention']})"
    return metadata.get("url") or ""


def changes(data: SubjectData) -> list[TrailEntry]:
    sources: list[Source] = []
    tracked: list[Section] = []
    for section in data.sections:
        if not hasattr(section.model, "pgh_event_model") or not section.ids:
            continue
        events = list(
            event_model(section.model)
            .objects.filter(pgh_obj_id__in=section.ids)
            .select_related("pgh_context")
            .order_by("pgh_obj_id", "pgh_id")
        )
        title = section.model._meta.verbose_name

        def titler(event, before, lookups, title=title):
            verb = {"insert": "dibuat", "update": "diubah", "delete": "dihapus"}.get(
                event.pgh_label, event.pgh_label
            )
            return f"{str(title).capitalize()} #{event.pgh_obj_id} {verb}"

        sources.append(Source(section.model, events, titler))
        tracked.append(section)
    contexts: dict[tuple[int, int], dict] = {}
    for order, src in enumerate(sources):
        for event in src.events:
            ctx = event.pgh_context
            contexts[(order, event.pgh_id)] = (ctx.metadata if ctx is not None else None) or {}
    entries = []
    for entry in build_timeline(sources):
        _, order, pgh_id = entry.sort_key
        shown = [c for c in entry.changes if c.field not in HIDDEN_CHANGES]
        details = "; ".join(f"{c.label}: {c.old} → {c.new}" for c in shown)
        if len(shown) < len(entry.changes):
            details = (details + "; " if details else "") + "isi laporan/penggabungan diubah"
        entries.append(
            TrailEntry(
                when=entry.when,
                kind="perubahan",
                who=entry.username,
                what=entry.title,
                why=_context_reason(contexts.get((order, pgh_id), {})),
                details=details,
            )
        )
    return entries


def _user_names(ids: set) -> dict:
    User = get_user_model()
    return {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=ids)}


def decisions(data: SubjectData) -> list[TrailEntry]:
    steps: list[tuple[str, Any]] = []
    for section in data.sections:
        if section.key not in STEP_TABLES or not section.ids:
            continue
        for step in section.model._default_manager.filter(pk__in=section.ids):
            steps.append((section.key, step))
    names = _user_names({s.actor_id for _, s in steps})
    return [
        TrailEntry(
            when=step.at,
            kind="keputusan",
            who=names.get(step.actor_id, f"#{step.actor_id}"),
            what=(
                STEP_TABLES[key].format(parent=getattr(step, STEP_PARENT[key]))
                + f": {step.get_action_display()}"
            ),
            why=step.note,
        )
        for key, step in steps
    ]


def _objects_q(data: SubjectData) -> Q:
    q = Q(pk__in=[])
    for section in data.sections:
        if section.ids:
            q |= Q(object_type=section.key, object_id__in=[str(pk) for pk in section.ids])
    return q


def _area_matches(log: AccessLog, villages: set[str]) -> bool:
    """Whether a list export's or an API answer's filter could include someone living
    in one of `villages` (kelurahan codes)."""
    extra = log.extra or {}
    flt = extra.get("filter") or extra.get("query") or {}
    if not isinstance(flt, dict):
        return True

    def first(key: str) -> str:
        value = flt.get(key)
        if isinstance(value, list):
            value = value[0] if value else ""
        return str(value or "").replace(".", "")

    kelurahan, kecamatan = first("kelurahan"), first("kecamatan")
    codes = {v.replace(".", "") for v in villages}
    if kelurahan and kelurahan not in codes:
        return False
    if kecamatan and not any(code.startswith(kecamatan) for code in codes):
        return False
    return True


def access(data: SubjectData) -> list[TrailEntry]:
    logs = list(AccessLog.objects.filter(_objects_q(data)).order_by("created_at", "pk"))
    since = min(p.created_at for p in data.persons)
    villages = {h.village_id for h in data.households}
    listed = [
        log
        for log in AccessLog.objects.filter(
            action__in=[AccessAction.EXPORT, AccessAction.DISCLOSE_IDS],
            object_id="",
            created_at__gte=since,
        ).order_by("created_at", "pk")
        if _area_matches(log, villages)
    ]
    names = _user_names({log.user_id for log in [*logs, *listed] if log.user_id})
    entries = []
    for log in logs:
        entries.append(
            TrailEntry(
                when=log.created_at,
                kind="akses",
                who=names.get(log.user_id, "sistem") if log.user_id else "sistem",
                what=f"{log.get_action_display()} ({log.object_type} #{log.object_id})",
                why=log.reason,
                details=log.path,
            )
        )
    for log in listed:
        extra: dict[str, Any] = log.extra or {}
        flt = extra.get("filter") or extra.get("query") or {}
        entries.append(
            TrailEntry(
                when=log.created_at,
                kind="akses_daftar",
                who=names.get(log.user_id, "sistem") if log.user_id else "sistem",
                what=f"{log.get_action_display()} ({log.object_type})",
                why=log.reason,
                details=f"{log.path} saringan: {flt or 'tanpa saringan'}",
            )
        )
    return entries


def trail(data: SubjectData) -> list[TrailEntry]:
    """Every entry, oldest first."""
    entries = [*changes(data), *decisions(data), *access(data)]
    entries.sort(key=lambda e: e.when)
    return entries
