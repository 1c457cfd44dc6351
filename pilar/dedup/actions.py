"""Writes of the dedup app: scoring runs, decisions on pairs, merges and their undo.

Every action validates first (InvalidInput with Indonesian messages, NotAllowed for
a role or area the user does not hold, PermissionDenied for a TKSK deciding a pair
inside their area: deciding is for Dinas Sosial) and then writes in one transaction. Row
history of the persons, memberships and PPKS records a merge touches is kept by
the registry's pghistory triggers; the Merge row holds the before/after picture
an undo needs.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pilar.core.dates import today
from pilar.core.errors import ErrorCollector, InvalidInput, NotAllowed
from pilar.core.text import TextError, check_text, clean_text, too_long_message
from pilar.dedup import linkage
from pilar.dedup.models import CandidatePair, DedupRun, Merge, PairStatus, RunStatus
from pilar.dedup.querysets import MSG_DECIDE, may_decide, may_review, may_run
from pilar.dedup.training import Model
from pilar.dedup.types import CandidatePair as ScoredPair
from pilar.ppks.choices import RecordStatus
from pilar.ppks.models import PpksRecord
from pilar.registry import choices
from pilar.registry.models import Household, Membership, Person
from pilar.registry.restriction import CODE, hold_write
from pilar.registry.validation import PERSON_FIELDS, clean_person

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

logger = logging.getLogger(__name__)

# CandidatePair.note and Merge.note are 500-character columns.
NOTE_MAX = 500


def _clean_note(note) -> str:
    try:
        return clean_text(note, max_length=NOTE_MAX, multiline=True)
    except TextError as exc:
        raise InvalidInput({"note": [str(exc)]}) from None


# A run still "queued/running" after this long was lost (worker killed): it no longer
# blocks a new run.
STALE_RUN = datetime.timedelta(hours=6)

# What the reviewer chooses when merging: a key, its Indonesian label, and the person
# fields that travel together (a NIK with its missing/mismatch reasons; the household
# with the relation to its head).
MERGE_GROUPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("name", "Nama", ("name",)),
    ("nik", "NIK", ("nik", "nik_missing_reason", "nik_missing_note", "nik_mismatch_reason")),
    ("sex", "Jenis kelamin", ("sex",)),
    ("birth_place", "Tempat lahir", ("birth_place",)),
    ("birth_date", "Tanggal lahir", ("birth_date",)),
    ("marital_status", "Status perkawinan", ("marital_status",)),
    ("education", "Pendidikan", ("education",)),
    ("occupation", "Pekerjaan", ("occupation",)),
    ("disabilities", "Disabilitas", ("disabilities",)),
    ("chronic_illness", "Penyakit kronis", ("chronic_illness",)),
    ("life_status", "Status kehidupan", ("life_status", "life_status_date")),
    ("household", "Keluarga (KK) dan hubungan", ("household", "relation")),
]
MERGE_KEYS = [key for key, _, _ in MERGE_GROUPS]

PERSON_SNAPSHOT = [*PERSON_FIELDS, "household_id", "is_active"]
MEMBERSHIP_SNAPSHOT = ["person_id", "household_id", "relation", "end_date", "end_reason"]
PPKS_SNAPSHOT = ["person_id", "household_id", "status", "ended_on", "end_reason"]
DATE_FIELDS = {"birth_date", "life_status_date", "end_date", "ended_on"}
MERGE_REASON = "digabung"


# Runs ---------------------------------------------------------------------


def _region_prefix() -> str:
    return settings.PILAR_REGION + "."


def _fail_stale_runs() -> None:
    DedupRun.objects.filter(
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
        created_at__lt=timezone.now() - STALE_RUN,
    ).update(
        status=RunStatus.FAILED,
        error="Proses terhenti (tidak selesai dalam 6 jam).",
        finished_at=timezone.now(),
    )


def active_run() -> DedupRun | None:
    _fail_stale_runs()
    return DedupRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).first()


def start_run(*, acting_user: User, village_prefix: str | None = None) -> DedupRun:
    """Create a queued run (the page then enqueues the background task)."""
    if not may_run(acting_user):
        raise NotAllowed
    running = active_run()
    if running is not None:
        raise InvalidInput(
            {
                "__all__": [
                    f"Pencarian duplikat #{running.pk} masih berjalan. Tunggu sampai selesai."
                ]
            }
        )
    return DedupRun.objects.create(started_by=acting_user, village_prefix=village_prefix or "")


def _decided_keys() -> set[tuple[int, int]]:
    return set(
        CandidatePair.objects.exclude(status=PairStatus.OPEN).values_list(
            "person_a_id", "person_b_id"
        )
    )


def decided_labels() -> list[tuple[int, int, bool]]:
    """Reviewers' decisions as labels for the engine: (person a, person b, same?).
    A pair decided "same" whose merge was undone is open again, so it is not here."""
    return [
        (a, b, status == PairStatus.SAME)
        for a, b, status in CandidatePair.objects.exclude(status=PairStatus.OPEN).values_list(
            "person_a_id", "person_b_id", "status"
        )
    ]


def latest_model_params() -> dict[str, Any] | None:
    """The parameters of the latest finished run that stored its model (None: the
    shipped model), cached per run."""
    row = (
        DedupRun.objects.filter(status=RunStatus.DONE, model__isnull=False)
        .order_by("-finished_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if row is None:
        return None
    return _run_params(row)


@functools.lru_cache(maxsize=4)
def _run_params(run_id: int) -> dict[str, Any]:
    data = DedupRun.objects.values_list("model", flat=True).get(pk=run_id)
    return Model.from_json(data or {}).params


def _persons_in(village_prefix: str | None) -> int:
    prefix = village_prefix or _region_prefix()
    return Person.objects.filter(
        is_active=True, household__village__code__startswith=prefix
    ).count()


def evidence_json(pair: ScoredPair) -> list[dict]:
    return [dataclasses.asdict(e) for e in pair.evidence]


def store_pairs(
    pairs: Iterable[ScoredPair], *, run: DedupRun | None, village_prefix: str | None = None
) -> dict[str, int]:
    """Replace the still-open pairs (of the run's area) with `pairs`, in one transaction.

    Decided pairs are never touched nor proposed again; an open pair found again keeps
    its row (and id) with the new probability and evidence; open pairs not found again
    are removed. Pairs naming an inactive person are skipped.
    """
    prefix = village_prefix or _region_prefix()
    with transaction.atomic():
        decided = _decided_keys()
        best: dict[tuple[int, int], ScoredPair] = {}
        for pair in pairs:
            key = (min(pair.id_a, pair.id_b), max(pair.id_a, pair.id_b))
            if key[0] == key[1] or key in decided:
                continue
            if key not in best or best[key].probability < pair.probability:
                best[key] = pair
        ids = {i for key in best for i in key}
        active = set(Person.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
        best = {k: v for k, v in best.items() if k[0] in active and k[1] in active}

        open_pairs = {
            (p.person_a_id, p.person_b_id): p
            for p in CandidatePair.objects.select_for_update()
            .filter(status=PairStatus.OPEN)
            .only("id", "person_a_id", "person_b_id")
        }
        in_area = set(
            CandidatePair.objects.filter(
                status=PairStatus.OPEN,
                person_a__household__village__code__startswith=prefix,
                person_b__household__village__code__startswith=prefix,
            ).values_list("person_a_id", "person_b_id")
        )
        stale = [open_pairs[k].pk for k in in_area if k not in best]
        to_update, to_create = [], []
        now = timezone.now()
        for key, scored in best.items():
            existing = open_pairs.get(key)
            if existing is not None:
                existing.probability = scored.probability
                existing.evidence = evidence_json(scored)
                existing.run = run
                existing.updated_at = now
                to_update.append(existing)
            else:
                to_create.append(
                    CandidatePair(
                        person_a_id=key[0],
                        person_b_id=key[1],
                        probability=scored.probability,
                        evidence=evidence_json(scored),
                        run=run,
                    )
                )
        removed = CandidatePair.objects.filter(pk__in=stale).delete()[0] if stale else 0
        CandidatePair.objects.bulk_update(
            to_update, ["probability", "evidence", "run", "updated_at"], batch_size=1000
        )
        CandidatePair.objects.bulk_create(to_create, batch_size=1000)
    return {"found": len(best), "new": len(to_create), "removed": removed}


def run_dedup(
    acting_user: User | None = None,
    village_prefix: str | None = None,
    *,
    run: DedupRun | None = None,
    threshold: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> DedupRun:
    """Score the registry (or one kecamatan/kelurahan prefix) with the linkage engine,
    leaving out pairs already decided, and store the result as the open queue."""

    if run is None:
        if acting_user is not None and not may_run(acting_user):
            raise NotAllowed
        run = DedupRun.objects.create(started_by=acting_user, village_prefix=village_prefix or "")
    village_prefix = village_prefix or run.village_prefix or None
    run.status = RunStatus.RUNNING
    run.started_at = timezone.now()
    run.progress_text = "Memulai: membaca data individu aktif"
    run.progress_percent = 5
    run.threshold = threshold if threshold is not None else linkage.REVIEW_THRESHOLD
    run.save()

    def report(text: str) -> None:
        run.progress_text = str(text)[:300]
        run.progress_percent = min(90, run.progress_percent + 10)
        DedupRun.objects.filter(pk=run.pk).update(
            progress_text=run.progress_text, progress_percent=run.progress_percent
        )
        if progress is not None:
            progress(text)

    try:
        run.persons_scored = _persons_in(village_prefix)
        used: list[Any] = []
        scored = linkage.score_registry(
            village_prefix=village_prefix,
            threshold=run.threshold,
            exclude=_decided_keys(),
            progress=report,
            labels=decided_labels(),
            on_model=used.append,
        )
        if used:
            run.model = used[0].as_json()
        report(f"Menyimpan {len(scored)} pasangan calon duplikat")
        stats = store_pairs(scored, run=run, village_prefix=village_prefix)
    except Exception as exc:
        logger.exception("dedup run %s failed", run.pk)
        run.status = RunStatus.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.progress_text = "Gagal"
        run.finished_at = timezone.now()
        run.save()
        raise
    run.pairs_found = stats["found"]
    run.pairs_new = stats["new"]
    run.pairs_removed = stats["removed"]
    run.status = RunStatus.DONE
    run.progress_text = (
        f"Selesai: {run.persons_scored} individu dinilai, {run.pairs_found} pasangan "
        f"({run.pairs_new} baru)"
    )
    run.progress_percent = 100
    run.finished_at = timezone.now()
    run.save()
    return run


# Decisions ------------------------------------------------------------------


def _pair_for_change(pair: CandidatePair, user: User) -> CandidatePair:
    if not may_review(user):
        raise NotAllowed
    locked = (
        CandidatePair.objects.restrict(user, "change")
        .select_for_update(of=("self",))
        .filter(pk=pair.pk)
        .first()
    )
    if locked is None:
        raise NotAllowed
    # The area first (404 outside it), then the role (403 inside it).
    if not may_decide(user):
        raise PermissionDenied(MSG_DECIDE)
    return locked


@transaction.atomic
def decide_different(pair: CandidatePair, *, acting_user: User, note: str = "") -> CandidatePair:
    """Remember that the two persons are different people: never proposed again."""
    pair = _pair_for_change(pair, acting_user)
    if pair.status != PairStatus.OPEN:
        raise InvalidInput({"__all__": ["Pasangan ini sudah diputuskan sebelumnya."]})
    note = _clean_note(note)
    pair.status = PairStatus.DIFFERENT
    pair.decided_by = acting_user
    pair.decided_at = timezone.now()
    pair.note = note
    pair.save()
    return pair


# Merge ----------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def _from_json(field: str, value: Any) -> Any:
    if field in DATE_FIELDS and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def _row(obj, fields: Sequence[str]) -> dict:
    return {f: _json_value(getattr(obj, f)) for f in fields}


def _restore_values(state: dict) -> dict:
    return {f: _from_json(f, v) for f, v in state.items()}


def default_choices(a: Person, b: Person) -> dict[str, str]:
    """A's value unless it is empty and B's is not (the form's starting point)."""
    out = {}
    for key, _, fields in MERGE_GROUPS:
        main = fields[0] if fields[0] != "household" else "household_id"
        va, vb = getattr(a, main), getattr(b, main)
        out[key] = "b" if va in (None, "", []) and vb not in (None, "", []) else "a"
    return out


def _apply_rows(model, changes: dict[int, dict], *, open_field: str, open_value) -> None:
    """Write target states of rows guarded by a "one open row per person" index:
    rows that end up closed first, then rows that change person, then the rest, so
    no intermediate state has two open rows for one person."""

    current = dict(model.objects.filter(pk__in=list(changes)).values_list("pk", "person_id"))

    def order(item):
        pk, target = item
        is_open = target.get(open_field, open_value) == open_value
        moves = "person_id" in target and target["person_id"] != current.get(pk)
        return (is_open, not moves, pk)

    for pk, target in sorted(changes.items(), key=order):
        model.objects.filter(pk=pk).update(**_restore_values(target))


def _plan_memberships(survivor: Person, merged: Person, keep: str) -> dict[int, dict]:
    """Target states of the memberships a merge touches. `keep` is "survivor" or
    "merged": whose current household the merged person lives in."""
    on = today()
    reason = f"{MERGE_REASON}: data ganda, disatukan dengan individu #{survivor.pk}"
    plan: dict[int, dict] = {}
    for m in Membership.objects.filter(person=merged):
        plan[m.pk] = {"person_id": survivor.pk}
        if m.end_date is None and keep == "survivor":
            plan[m.pk].update({"end_date": on.isoformat(), "end_reason": reason[:200]})
    if keep == "merged":
        for m in Membership.objects.filter(person=survivor, end_date__isnull=True):
            plan[m.pk] = {"end_date": on.isoformat(), "end_reason": reason[:200]}
    return plan


def _plan_ppks(survivor: Person, merged: Person, target_household_id: int) -> dict[int, dict]:
    on = today()
    plan: dict[int, dict] = {}
    survivor_active = {
        r.ppks_type_id: r
        for r in PpksRecord.objects.filter(person=survivor, status=RecordStatus.ACTIVE)
    }
    for r in PpksRecord.objects.filter(person=merged):
        target: dict[str, Any] = {"person_id": survivor.pk}
        if r.status == RecordStatus.ACTIVE:
            twin = survivor_active.get(r.ppks_type_id)
            if twin is not None:
                target.update(
                    {
                        "status": RecordStatus.ENDED,
                        "ended_on": max(on, r.date_found).isoformat(),
                        "end_reason": f"{MERGE_REASON}: sama dengan data PPKS #{twin.pk}",
                    }
                )
            elif r.household_id != target_household_id:
                target["household_id"] = target_household_id
        plan[r.pk] = target
    for r in survivor_active.values():
        if r.household_id != target_household_id:
            plan[r.pk] = {"household_id": target_household_id}
    return plan


def _person_errors(exc: InvalidInput) -> dict[str, list[str]]:
    """clean_person's field errors keyed by the merge form's choices."""
    group_of = {f: key for key, _, fields in MERGE_GROUPS for f in fields}
    out: dict[str, list[str]] = {}
    for field, messages in exc.errors.items():
        key = group_of.get(field, "__all__")
        if field == "nik_mismatch_reason":
            messages = [
                "NIK tidak cocok dengan jenis kelamin/tanggal lahir yang dipilih. Pilih nilai "
                "lain, atau perbaiki data individu dahulu."
            ]
        out.setdefault(key, []).extend(m for m in messages if m not in out.get(key, []))
    return out


@transaction.atomic
def merge_pair(
    pair: CandidatePair,
    *,
    acting_user: User,
    survivor: str,
    chosen: dict[str, str] | None = None,
    note: str = "",
) -> Merge:
    """Decide "same person" and merge: `survivor` ("a" or "b") is the record kept, and
    `chosen` maps each MERGE_GROUPS key to "a" or "b" (whose value the kept record
    gets; missing keys keep the survivor's own value). The other record becomes
    inactive; its memberships and PPKS records move to the survivor (a duplicate
    active PPKS of the same type is ended "digabung")."""
    pair = _pair_for_change(pair, acting_user)
    errors = ErrorCollector()
    if pair.status != PairStatus.OPEN:
        errors.add("__all__", "Pasangan ini sudah diputuskan sebelumnya.")
    note = check_text(errors, "note", note, max_length=NOTE_MAX, multiline=True)
    persons = {
        p.pk: p
        for p in Person.objects.restrict(acting_user, "change")
        .select_for_update(of=("self",))
        .select_related("household")
        .filter(pk__in=[pair.person_a_id, pair.person_b_id])
    }
    if len(persons) != 2:
        raise NotAllowed
    source = {"a": persons[pair.person_a_id], "b": persons[pair.person_b_id]}
    if not (source["a"].is_active and source["b"].is_active):
        errors.add("__all__", "Salah satu individu sudah tidak aktif (mungkin sudah digabung).")
    if survivor not in ("a", "b"):
        errors.add("survivor", "Pilih data yang dipertahankan.")
    for person in source.values():
        # A merge rewrites both records and could drop the restriction with the
        # merged one (decision 43): held until the restriction is lifted.
        try:
            hold_write(person, what="Penggabungan data ganda")
        except InvalidInput as exc:
            errors.add("__all__", exc.message, CODE)
    picks = {key: survivor for key in MERGE_KEYS}
    for key, value in (chosen or {}).items():
        if key not in picks:
            continue
        if value not in ("a", "b"):
            errors.add(key, "Pilih salah satu nilai.")
        else:
            picks[key] = value
    errors.raise_if_any()

    kept = source[survivor]
    gone = source["b" if survivor == "a" else "a"]
    data: dict[str, Any] = {}
    for key, _, fields in MERGE_GROUPS:
        src = source[picks[key]]
        for f in fields:
            if f == "household":
                continue
            data[f] = getattr(src, f)
    target_household: Household = source[picks["household"]].household
    keep = "survivor" if source[picks["household"]] is kept else "merged"

    before_persons = {p.pk: _row(p, PERSON_SNAPSHOT) for p in (kept, gone)}
    membership_plan = _plan_memberships(kept, gone, keep)
    ppks_plan = _plan_ppks(kept, gone, target_household.pk)
    memberships = Membership.objects.in_bulk(list(membership_plan))
    records = PpksRecord.objects.in_bulk(list(ppks_plan))
    before_memberships = {pk: _row(memberships[pk], MEMBERSHIP_SNAPSHOT) for pk in memberships}
    before_ppks = {pk: _row(records[pk], PPKS_SNAPSHOT) for pk in records}

    # The merged record leaves first: it frees the NIK (partial unique index) and the
    # head position, so the kept record's new values validate like any edit.
    Person.objects.filter(pk=gone.pk).update(is_active=False, updated_at=timezone.now())
    try:
        values = clean_person(data, household=target_household, instance=kept)
    except InvalidInput as exc:
        raise InvalidInput(_person_errors(exc)) from None

    _apply_rows(Membership, membership_plan, open_field="end_date", open_value=None)
    _apply_rows(PpksRecord, ppks_plan, open_field="status", open_value=RecordStatus.ACTIVE)
    for field, value in values.items():
        setattr(kept, field, value)
    kept.household = target_household
    kept.save()

    gone.refresh_from_db()
    after_memberships = {
        m.pk: _row(m, MEMBERSHIP_SNAPSHOT) for m in Membership.objects.filter(pk__in=memberships)
    }
    after_ppks = {r.pk: _row(r, PPKS_SNAPSHOT) for r in PpksRecord.objects.filter(pk__in=records)}
    snapshot = {
        "persons": {
            str(pk): {"before": before_persons[pk], "after": _row(p, PERSON_SNAPSHOT)}
            for pk, p in ((kept.pk, kept), (gone.pk, gone))
        },
        "memberships": {
            str(pk): {"before": before_memberships[pk], "after": after_memberships[pk]}
            for pk in memberships
        },
        "ppks": {str(pk): {"before": before_ppks[pk], "after": after_ppks[pk]} for pk in records},
    }
    merge = Merge.objects.create(
        pair=pair,
        survivor=kept,
        merged=gone,
        chosen={
            key: {
                "from": picks[key],
                "person": source[picks[key]].pk,
                "values": {
                    f: _json_value(
                        getattr(source[picks[key]], f if f != "household" else "household_id")
                    )
                    for f in fields
                },
            }
            for key, _, fields in MERGE_GROUPS
        },
        snapshot=snapshot,
        moved_memberships=sorted(pk for pk, t in membership_plan.items() if "person_id" in t),
        moved_ppks=sorted(pk for pk, t in ppks_plan.items() if "person_id" in t),
        closed_memberships=sorted(
            pk
            for pk, t in membership_plan.items()
            if t.get("end_date") and before_memberships[pk]["end_date"] is None
        ),
        closed_ppks=sorted(
            pk for pk, t in ppks_plan.items() if t.get("status") == RecordStatus.ENDED
        ),
        note=note,
        merged_by=acting_user,
    )
    pair.status = PairStatus.SAME
    pair.decided_by = acting_user
    pair.decided_at = timezone.now()
    pair.note = merge.note
    pair.save()
    return merge


def _differences(model, states: dict[str, dict], labels: dict[str, str]) -> list[str]:
    """Which rows no longer look as the merge left them."""
    fields = list(next(iter(states.values()))["after"]) if states else []
    current = {str(o.pk): _row(o, fields) for o in model.objects.filter(pk__in=list(states))}
    out = []
    for pk, state in states.items():
        now = current.get(pk)
        if now is None:
            out.append(f"{labels.get('_row', 'data')} #{pk} sudah dihapus")
            continue
        changed = [labels.get(f, f) for f, v in state["after"].items() if now[f] != v]
        if changed:
            out.append(f"{labels.get('_row', 'data')} #{pk}: {', '.join(changed)}")
    return out


PERSON_LABELS = {
    "_row": "individu",
    **{f: str(getattr(Person._meta.get_field(f), "verbose_name", f)) for f in PERSON_FIELDS},
    "household_id": "keluarga",
    "is_active": "aktif",
}


@transaction.atomic
def undo_merge(merge: Merge, *, acting_user: User, note: str = "") -> Merge:
    """Put both persons, every moved membership and PPKS record back exactly as they
    were before the merge; reopen what it closed; the pair is open again. Refused when
    a later change would be overwritten (fix that by hand, or undo the later merge)."""
    if not may_review(acting_user):
        raise NotAllowed
    merge = (
        Merge.objects.restrict(acting_user, "change")
        .select_for_update(of=("self",))
        .filter(pk=merge.pk)
        .first()
    )
    if merge is None:
        raise NotAllowed
    if not may_decide(acting_user):
        raise PermissionDenied(MSG_DECIDE)
    note = _clean_note(note)
    errors = ErrorCollector()
    if merge.is_undone:
        errors.add("__all__", "Penggabungan ini sudah dibatalkan.")
        errors.raise_if_any()
    ids = [merge.survivor_id, merge.merged_id]
    later = Merge.objects.filter(undone_at__isnull=True, pk__gt=merge.pk).filter(
        Q(survivor_id__in=ids) | Q(merged_id__in=ids)
    )
    if later.exists():
        errors.add(
            "__all__",
            "Salah satu individu sudah digabung lagi setelah ini. Batalkan penggabungan "
            "yang lebih baru terlebih dahulu.",
        )
    snap = merge.snapshot
    changed = (
        _differences(Person, snap["persons"], PERSON_LABELS)
        + _differences(Membership, snap["memberships"], {"_row": "keanggotaan keluarga"})
        + _differences(PpksRecord, snap["ppks"], {"_row": "data PPKS"})
    )
    if changed:
        errors.add(
            "__all__",
            "Data sudah berubah setelah penggabungan, sehingga pembatalan otomatis akan "
            "menimpa perubahan itu: " + "; ".join(changed) + ".",
        )
    merged_nik = snap["persons"][str(merge.merged_id)]["before"]["nik"]
    survivor_nik = snap["persons"][str(merge.survivor_id)]["before"]["nik"]
    for nik in {merged_nik, survivor_nik} - {None}:
        clash = Person.objects.filter(nik=nik, is_active=True).exclude(pk__in=ids)
        if clash.exists():
            errors.add("__all__", f"NIK {nik[:4]}… kini dipakai individu lain (#{clash[0].pk}).")
    errors.raise_if_any()

    now = timezone.now()
    # The survivor gives back the NIK it may have taken before the other record returns.
    for pk in (merge.survivor_id, merge.merged_id):
        before = _restore_values(snap["persons"][str(pk)]["before"])
        Person.objects.filter(pk=pk).update(**before, updated_at=now)
    _apply_rows(
        Membership,
        {int(pk): s["before"] for pk, s in snap["memberships"].items()},
        open_field="end_date",
        open_value=None,
    )
    _apply_rows(
        PpksRecord,
        {int(pk): s["before"] for pk, s in snap["ppks"].items()},
        open_field="status",
        open_value=RecordStatus.ACTIVE,
    )
    merge.undone_by = acting_user
    merge.undone_at = now
    if note:
        combined = f"{merge.note}\nDibatalkan: {note}".strip()
        if len(combined) > NOTE_MAX:
            room = max(NOTE_MAX - len(combined) + len(note), 0)
            raise InvalidInput({"note": [too_long_message(room)]})
        merge.note = combined
    merge.save()
    CandidatePair.objects.filter(pk=merge.pair_id).update(
        status=PairStatus.OPEN, decided_by=None, decided_at=None, updated_at=now
    )
    return merge


def choices_label(field: str, value: Any) -> str:
    """Readable value of a person field for the merge form and summaries."""
    if value in (None, "", []):
        return "-"
    if field == "sex":
        return str(choices.Sex(value).label)
    if field == "marital_status":
        return str(choices.MaritalStatus(value).label)
    if field == "education":
        return str(choices.Education(value).label)
    if field == "life_status":
        return str(choices.LifeStatus(value).label)
    if field == "relation":
        return str(choices.Relation(value).label)
    if field == "disabilities":
        return ", ".join(str(choices.Disability(v).label) for v in value)
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    return str(value)
