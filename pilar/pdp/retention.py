"""Retention (UU 27/2022 art. 16 ayat 2 huruf f, 43: data kept no longer than needed):
persons who died or moved away are first minimised, later archived.

- **Minimise**, `PILAR_RETENTION_MINIMISE_YEARS` (default 5) after the date of
  death or moving (`Person.life_status_date`): the specific and descriptive fields
  (disabilities, chronic illness, occupation, education, marital status, place of
  birth, the NIK-mismatch note) are blanked, and the person's older row history,
  which still holds them, is removed. Name, NIK, sex, birth date and household stay:
  they keep the registry's counts and stop the NIK from being reused.
- **Archive**, `PILAR_RETENTION_ARCHIVE_YEARS` (default 10) after it: the person's
  whole record and processing trail (the access export) is written to an archive
  file (JSON Lines, its SHA-256 kept on the run), the live row is pseudonymised
  (name replaced, NIK removed, birth date cut to the year), and the person's row
  history and access-log entries are removed.

A person without a date of death/moving is never touched (the rule cannot tell how
long ago it was). `pilar pdp retention` runs the rule: a dry run by default (who
would be minimised or archived; nothing written but the run's own log row), `--apply`
to carry it out. Every run is logged as a RetentionRun.

History and access-log rows are protected by database triggers (pilar.audit.trail):
they may be removed only inside `retention_removal()`, which this module alone uses.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pghistory
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from pilar.audit.history import event_model
from pilar.audit.models import AccessLog
from pilar.audit.trail import retention_removal
from pilar.pdp.choices import RetentionStage
from pilar.pdp.models import RetainedPerson, RetentionRun
from pilar.pdp.rules import plan
from pilar.pdp.subject import collect, document, trail
from pilar.registry.choices import MissingIdReason
from pilar.registry.models import Membership, Person

MINIMISED_FIELDS = {
    "birth_place": "",
    "marital_status": "",
    "education": "",
    "occupation": "",
    "disabilities": [],
    "chronic_illness": "",
    "nik_mismatch_reason": "",
}
ARCHIVED_NAME = "(diarsipkan #{pk})"
ARCHIVED_NOTE = "Diarsipkan (retensi data pribadi)"


def archive_dir() -> Path:
    path = Path(getattr(settings, "PILAR_ARCHIVE_DIR", "") or Path(settings.MEDIA_ROOT) / "arsip")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _remove_history(person_ids: list[int], *, keep_newest: bool) -> int:
    """Remove the persons' row history: all of it, or all but each person's newest
    event (`keep_newest`, when minimising: that event is the minimised row itself).
    Archiving also removes their memberships' history. Set-based: one statement per
    table, whatever the number of persons."""
    person_events = event_model(Person)._meta.db_table
    with connection.cursor() as cursor:
        if keep_newest:
            cursor.execute(
                f"""
                DELETE FROM {person_events} e
                WHERE e.pgh_obj_id = ANY(%s)
                  AND e.pgh_id < (SELECT max(n.pgh_id) FROM {person_events} n
                                  WHERE n.pgh_obj_id = e.pgh_obj_id)
                """,
                [person_ids],
            )
            return cursor.rowcount
        cursor.execute(f"DELETE FROM {person_events} WHERE pgh_obj_id = ANY(%s)", [person_ids])
        removed = cursor.rowcount
        cursor.execute(
            f"""
            DELETE FROM {event_model(Membership)._meta.db_table}
            WHERE pgh_obj_id IN (SELECT id FROM {Membership._meta.db_table}
                                 WHERE person_id = ANY(%s))
            """,
            [person_ids],
        )
        return removed + cursor.rowcount


def _minimise(run: RetentionRun, ids: list[int]) -> int:
    if not ids:
        return 0
    with pghistory.context(retention="minimalkan", retention_run=run.pk):
        Person.objects.filter(pk__in=ids).update(**MINIMISED_FIELDS, updated_at=timezone.now())
    with retention_removal(f"retensi #{run.pk}: minimalkan {len(ids)} individu"):
        removed = _remove_history(ids, keep_newest=True)
    now = timezone.now()
    RetainedPerson.objects.bulk_create(
        [RetainedPerson(person_id=pk, stage=RetentionStage.MINIMISE, run=run, at=now) for pk in ids]
    )
    return removed


def _archive(run: RetentionRun, ids: list[int], progress: Callable[[str], None] | None) -> int:
    if not ids:
        return 0
    path = archive_dir() / f"retensi-{run.pk}-{run.started_at:%Y%m%d%H%M%S}.jsonl"
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for n, person in enumerate(Person.objects.filter(pk__in=ids).order_by("pk"), 1):
            data = collect.collect(person)
            doc = document.build(data, trail.trail(data), request_id=None)
            line = (json.dumps(doc, ensure_ascii=False, default=str) + "\n").encode("utf-8")
            out.write(line)
            digest.update(line)
            if progress and n % 100 == 0:
                progress(f"diarsipkan {n}/{len(ids)}")
    run.archive_file = str(path)
    run.archive_sha256 = digest.hexdigest()
    removed = 0
    for person in Person.objects.filter(pk__in=ids):
        with pghistory.context(retention="arsip", retention_run=run.pk):
            Person.objects.filter(pk=person.pk).update(
                **MINIMISED_FIELDS,
                name=ARCHIVED_NAME.format(pk=person.pk),
                nik=None,
                nik_missing_reason=MissingIdReason.OTHER,
                nik_missing_note=ARCHIVED_NOTE,
                birth_date=(
                    person.birth_date.replace(month=1, day=1) if person.birth_date else None
                ),
                updated_at=timezone.now(),
            )
    with retention_removal(f"retensi #{run.pk}: arsipkan {len(ids)} individu"):
        removed += _remove_history(ids, keep_newest=False)
        logs = AccessLog.objects.filter(
            object_type="registry.person", object_id__in=[str(pk) for pk in ids]
        )
        removed += logs._raw_delete(logs.db)
    now = timezone.now()
    RetainedPerson.objects.filter(person_id__in=ids).delete()
    RetainedPerson.objects.bulk_create(
        [RetainedPerson(person_id=pk, stage=RetentionStage.ARCHIVE, run=run, at=now) for pk in ids]
    )
    return removed


def run(
    *,
    apply: bool = False,
    reference_date: datetime.date | None = None,
    minimise_years: int | None = None,
    archive_years: int | None = None,
    acting_user=None,
    progress: Callable[[str], None] | None = None,
) -> RetentionRun:
    """Plan, and when `apply`, carry out the rule in one transaction. Always logged."""
    p = plan(reference_date, minimise_years=minimise_years, archive_years=archive_years)
    with transaction.atomic():
        log = RetentionRun.objects.create(
            started_at=timezone.now(),
            started_by=acting_user,
            dry_run=not apply,
            minimise_years=p.minimise_years,
            archive_years=p.archive_years,
            reference_date=p.reference_date,
            minimised=p.minimise,
            archived=p.archive,
        )
        if apply:
            removed = _minimise(log, p.minimise)
            removed += _archive(log, p.archive, progress)
            log.history_removed = removed
        log.finished_at = timezone.now()
        log.save()
    return log
