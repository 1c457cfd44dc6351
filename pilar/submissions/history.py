"""Submissions as history: the submissions that touched a household or a person,
with every step (actor, time, action, reason), for the registry's pages; and words for
field paths, so reasons read "Anggota 1: NIK" rather than "member.0.nik"."""

from __future__ import annotations

from django.db.models import Prefetch

from pilar.accounts.models import User
from pilar.submissions.filters import SubmissionFilter, submissions_for
from pilar.submissions.models import Submission, SubmissionStep
from pilar.submissions.proposals import HOUSEHOLD_LABELS, PERSON_LABELS, SURVEY_LABELS

EVIDENCE_LABELS = {
    "evidence.photos": "Bukti: foto",
    "evidence.gps": "Bukti: koordinat GPS",
    "evidence.visit_date": "Bukti: tanggal kunjungan",
    "evidence.notes": "Bukti: catatan",
    "__all__": "Umum",
}
HISTORY_LIMIT = 50


def path_label(path: str, known: dict[str, str] | None = None) -> str:
    """Words for a field path; `known` (from the submission's proposals) wins."""
    if known and path in known:
        return known[path]
    if path in EVIDENCE_LABELS:
        return EVIDENCE_LABELS[path]
    parts = path.split(".")
    head, field = parts[0], parts[-1]
    if head == "household" and len(parts) == 2:
        return f"Keluarga: {HOUSEHOLD_LABELS.get(field, field)}"
    if head == "survey" and len(parts) == 2:
        return f"Survei rumah: {SURVEY_LABELS.get(field, field)}"
    if head == "person" and len(parts) >= 2:
        label = PERSON_LABELS.get(field, field) if len(parts) == 3 else "data individu"
        return f"Individu #{parts[1]}: {label}"
    if head in ("member", "new_member") and len(parts) >= 2 and parts[1].isdigit():
        prefix = "Anggota" if head == "member" else "Anggota baru"
        label = PERSON_LABELS.get(field, field) if len(parts) == 3 else "data anggota"
        return f"{prefix} {int(parts[1]) + 1}: {label}"
    if head in ("ppks_add", "ppks_end") and len(parts) >= 2 and parts[1].isdigit():
        prefix = "PPKS baru" if head == "ppks_add" else "PPKS selesai"
        return f"{prefix} {int(parts[1]) + 1}"
    return path


def labelled(reasons: dict | None, known: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(label, text) pairs of a {path: text} dict, general note last."""
    items = [(path_label(k, known), str(v)) for k, v in (reasons or {}).items() if k != "__all__"]
    if reasons and reasons.get("__all__"):
        items.append((EVIDENCE_LABELS["__all__"], str(reasons["__all__"])))
    return items


def submissions_touching(user: User, *, household=None, person=None) -> list[Submission]:
    """The submissions the user may see that concern `household` or `person`, newest
    first, each with its steps (actors fetched with them): three queries."""
    qs = submissions_for(user, SubmissionFilter())
    if household is not None:
        qs = qs.filter(household=household)
    if person is not None:
        qs = qs.filter(persons=person)
    submissions = list(
        qs.order_by("-created_at", "-pk").prefetch_related(
            Prefetch("steps", SubmissionStep.objects.select_related("actor"))
        )[:HISTORY_LIMIT]
    )
    for submission in submissions:
        for step in submission.steps.all():
            step.reasons = labelled(step.field_reasons)  # type: ignore[attr-defined]
    return submissions
