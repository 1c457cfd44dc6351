"""One submission with its evidence, and the review (verify / return / validate /
reject); its photos.

Submissions are written in the field app (/lapangan/); this page only reads them
and carries decisions to the actions. Every submission is fetched through
`submissions_for`, so one outside the user's area answers 404 like a missing one;
an action the user may not take answers 403 (PermissionDenied from the actions).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render

from pilar.accounts.models import User
from pilar.accounts.types import AuthedRequest
from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core.errors import InvalidInput
from pilar.core.web import people_required
from pilar.submissions import actions
from pilar.submissions import exports as cols
from pilar.submissions.choices import Status
from pilar.submissions.filters import SubmissionFilter, inbox_for, submissions_for
from pilar.submissions.history import EVIDENCE_LABELS, labelled
from pilar.submissions.models import Notification, Submission, SubmissionPhoto, SubmissionStep
from pilar.submissions.proposals import proposals, rows_for_display
from pilar.submissions.views.lists import REVIEWER_ROLES


def _submission_for(user: User, pk: int) -> Submission:
    return get_object_or_404(
        submissions_for(user, SubmissionFilter())
        .select_related("verified_by", "decided_by", "deliberation", "ratification")
        .prefetch_related(
            "photos", Prefetch("steps", SubmissionStep.objects.select_related("actor"))
        ),
        pk=pk,
    )


REVIEW_ACTIONS = {"verifikasi", "kembalikan", "validasi", "tolak"}


def _permissions(user: User, submission: Submission) -> dict[str, bool]:
    submitted = submission.status == Status.SUBMITTED
    verified = submission.status == Status.VERIFIED
    need_deliberation = (
        settings.PILAR_VERIVALI_MUSYAWARAH and submitted and submission.deliberation_id is None
    )
    return {
        "can_verify": submitted and actions.may_verify(user, submission) and not need_deliberation,
        "can_return": actions.may_return(user, submission),
        "can_validate": verified and actions.may_decide(user, submission),
        "can_reject": (submitted or verified) and actions.may_decide(user, submission),
        "need_deliberation": bool(need_deliberation and actions.may_verify(user, submission)),
    }


def _review_rows(
    submission: Submission,
    user: User,
    posted: QueryDict | None = None,
    errors: dict[str, list[str]] | None = None,
) -> tuple[list[dict], bool, dict[str, str], list[tuple[str, str]], list[dict]]:
    """The review table grouped by `group`, each row with its reason, resolution,
    error messages, and what the reporter saw when it differs from the registry."""
    errors = errors or {}
    items = proposals(submission, reader=user)
    rows = rows_for_display(items, user=user)
    known = {r["path"]: f"{r['group']}: {r['label']}" if r["group"] else r["label"] for r in rows}
    reasons = submission.return_reasons or {}
    groups: list[dict] = []
    show_base = False
    for row in rows:
        path = row["path"]
        if submission.is_final:
            # Once validated or rejected the registry has moved on by design: a
            # difference is history, not a conflict to decide.
            row["conflict"] = False
        row["show_base"] = row["conflict"] or (row["base"] != row["current"] and row["base"] != "–")
        show_base = show_base or row["show_base"]
        row["reason"] = reasons.get(path, "")
        row["errors"] = errors.get(path, [])
        if posted is not None:
            row["resolution"] = posted.get(f"res:{path}", "")
            row["reason_input"] = posted.get(f"alasan:{path}", "")
        else:
            row["resolution"] = (submission.resolutions or {}).get(path, "")
            row["reason_input"] = ""
        if not groups or groups[-1]["group"] != row["group"]:
            groups.append({"group": row["group"], "rows": []})
        groups[-1]["rows"].append(row)
    # Reasons on paths that are not rows (evidence, a whole person, general note).
    other = {k: v for k, v in reasons.items() if k not in known}
    evidence_inputs = [
        {
            "path": path,
            "label": label,
            "value": posted.get(f"alasan:{path}", "") if posted is not None else "",
            "errors": errors.get(path, []),
        }
        for path, label in EVIDENCE_LABELS.items()
        if path != "__all__"
    ]
    return groups, show_base, known, labelled(other, known), evidence_inputs


def _render_detail(
    request: AuthedRequest,
    submission: Submission,
    *,
    posted: QueryDict | None = None,
    error: InvalidInput | None = None,
) -> HttpResponse:
    user = request.user
    errors = dict(error.errors) if error is not None else {}
    groups, show_base, known, other_reasons, evidence_inputs = _review_rows(
        submission, user, posted, errors
    )
    stale = error is not None and error.codes.get("__all__") == "stale"
    row_paths = {row["path"] for g in groups for row in g["rows"]}
    evidence_paths = {e["path"] for e in evidence_inputs}
    general = [
        msg
        for key, msgs in errors.items()
        if key not in row_paths and key not in evidence_paths and key not in ("note", "reason")
        for msg in msgs
    ]
    steps: list[Any] = list(submission.steps.all())
    for step in steps:
        step.reasons = labelled(step.field_reasons, known)
        step.resolution_list = [
            (known.get(p, p), "nilai usulan" if v == "usulan" else "nilai registri")
            for p, v in (step.resolutions or {}).items()
        ]
    conflicts = sum(1 for g in groups for r in g["rows"] if r["conflict"])
    context = {
        "submission": submission,
        "groups": groups,
        "show_base": show_base,
        "conflicts": conflicts,
        "other_reasons": other_reasons,
        "general_reason": (submission.return_reasons or {}).get("__all__", ""),
        "evidence_inputs": evidence_inputs,
        "photos": list(submission.photos.all()),
        "steps": steps,
        "summary": cols.summary(submission),
        "age": cols.age_days(submission),
        "waiting": submission.status in (Status.SUBMITTED, Status.VERIFIED),
        "error": error,
        "stale": stale,
        "general_errors": general,
        "note_errors": errors.get("note", []),
        "reason_errors": errors.get("reason", []),
        "posted": posted or {},
        "is_reporter": submission.reporter_id == user.pk,
        "musyawarah_on": settings.PILAR_VERIVALI_MUSYAWARAH,
        **_permissions(user, submission),
    }
    context["can_act"] = any(
        context[k] for k in ("can_verify", "can_return", "can_validate", "can_reject")
    )
    context["can_resolve"] = context["can_verify"] or context["can_validate"]
    return render(request, "submissions/detail.html", context)


def _mark_notifications_read(user: User, submission: Submission) -> None:
    ids = list(
        Notification.objects.filter(
            user=user, submission=submission, read_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if ids:
        actions.mark_read(acting_user=user, notification_ids=ids)


@people_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    submission = _submission_for(user, pk)
    if request.method == "POST":
        return _review(request, submission)
    log_access(user=user, action=AccessAction.VIEW_PERSON, obj=submission, request=request)
    _mark_notifications_read(user, submission)
    return _render_detail(request, submission)


DONE_MESSAGES = {
    "verifikasi": "Laporan #{pk} diverifikasi dan diteruskan ke Dinas Sosial untuk validasi.",
    "kembalikan": "Laporan #{pk} dikembalikan ke pelapor dengan alasan yang Anda tulis.",
    "validasi": "Laporan #{pk} divalidasi: perubahannya sudah masuk registri.",
    "tolak": "Laporan #{pk} ditolak. Pelapor diberi tahu alasannya.",
}


def _by_path(post: QueryDict, prefix: str) -> dict[str, str]:
    """The posted fields named `<prefix><field path>`, by field path."""
    return {key[len(prefix) :]: str(post.get(key, "")) for key in post if key.startswith(prefix)}


def _review(request: AuthedRequest, submission: Submission) -> HttpResponse:
    user = request.user
    post = request.POST
    what = post.get("aksi", "")
    if what not in REVIEW_ACTIONS:
        return HttpResponseBadRequest("Tindakan tidak dikenal.")
    note = post.get("note", "")
    resolutions = {k: v for k, v in _by_path(post, "res:").items() if v}
    try:
        if what == "verifikasi":
            actions.verify_submission(
                submission, acting_user=user, note=note, resolutions=resolutions
            )
        elif what == "validasi":
            actions.validate_submission(
                submission, acting_user=user, note=note, resolutions=resolutions
            )
        elif what == "kembalikan":
            reasons = {k: v for k, v in _by_path(post, "alasan:").items() if v.strip()}
            actions.return_submission(
                submission, acting_user=user, note=note, field_reasons=reasons
            )
        else:
            actions.reject_submission(submission, acting_user=user, reason=post.get("reason", ""))
    except InvalidInput as exc:
        fresh = _submission_for(user, submission.pk)  # the state may have moved on (stale)
        return _render_detail(request, fresh, posted=post, error=exc)
    messages.success(request, DONE_MESSAGES[what].format(pk=submission.pk))
    if user.role in REVIEWER_ROLES and inbox_for(user).exists():
        return redirect("submissions:inbox")
    return redirect("submissions:detail", pk=submission.pk)


@people_required
def photo(request: AuthedRequest, pk: int, client_id: uuid.UUID) -> FileResponse:
    if not submissions_for(request.user, SubmissionFilter()).filter(pk=pk).exists():
        raise Http404
    item = get_object_or_404(SubmissionPhoto, submission_id=pk, client_id=client_id)
    response = FileResponse(item.image.open("rb"), content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"  # a family's photos: personal data
    response["Content-Disposition"] = f'inline; filename="laporan-{pk}-{item.kind}.jpg"'
    return response
