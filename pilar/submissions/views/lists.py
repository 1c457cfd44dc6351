"""The submission list ("Laporan") with its export, and the reviewer's inbox.

Every list reads `submissions_for` / `inbox_for`, so what a user sees on screen is
what they download, and nothing outside their area.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pilar.accounts.choices import Role
from pilar.accounts.scope import area_options
from pilar.accounts.types import AuthedRequest
from pilar.audit.exports import logged_download
from pilar.core.web import PAGE_SIZE, people_required
from pilar.exports import restricted
from pilar.submissions import exports as cols
from pilar.submissions.actions import DECIDER_ROLES
from pilar.submissions.choices import Kind, Status
from pilar.submissions.filters import SubmissionFilter, inbox_for, submissions_for
from pilar.submissions.models import Submission

# Submissions waiting longer than this are highlighted in the inbox.
STALE_DAYS = 7
REVIEWER_ROLES = {Role.TKSK, Role.DINSOS, Role.ADMIN}


def _paginate(
    request: AuthedRequest, qs: QuerySet[Submission]
) -> tuple[Paginator, Page, list[Submission]]:
    """One COUNT, then one query for the page: the sort and LIMIT run on the
    submissions table alone (a sub-select of ids) and only the page's rows are
    joined, so a 10,000-submission inbox does not join and sort 10,000 rows."""
    paginator = Paginator(qs.values_list("pk", flat=True), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(qs.filter(pk__in=page.object_list)) if paginator.count else []
    return paginator, page, rows


def with_display(submissions: list[Any]) -> list[Any]:
    """Adds the list columns computed in Python (age, address) to each submission."""
    now = timezone.now()
    for submission in submissions:
        submission.age = cols.age_days(submission, now)
        submission.summary = cols.summary(submission)
        submission.is_old = submission.age is not None and submission.age > STALE_DAYS
    return submissions


def _list_filter(request: AuthedRequest) -> tuple[SubmissionFilter, bool]:
    """The list's filter; a PSM starts on "Laporan saya" unless they chose otherwise."""
    params = request.GET.copy()
    if "saya" not in params and "mine" not in params:
        params["saya"] = "1" if request.user.role == Role.PSM else "0"
    flt = SubmissionFilter.from_params(params)
    return flt, flt.mine


@people_required
def submission_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    flt, mine = _list_filter(request)
    paginator, page, rows = _paginate(request, submissions_for(user, flt))
    districts, villages = area_options(user, flt.kecamatan)
    narrowed = {k: v for k, v in flt.as_dict().items() if k != "mine"}
    return render(
        request,
        "submissions/list.html",
        {
            "filter": flt,
            "mine": mine,
            "saya": "1" if mine else "0",
            "page": page,
            "submissions": with_display(rows),
            "total": paginator.count,
            "filtered": bool(narrowed),
            "districts": districts,
            "villages": villages,
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "is_reviewer": user.role in REVIEWER_ROLES,
            "area_filter": len(villages) > 1 or len(districts) > 1,
        },
    )


@people_required
def submission_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    user = request.user
    flt, _ = _list_filter(request)
    # Reports about a household whose head's processing is restricted stay out
    # (decision 43).
    qs, left_out = restricted.households(submissions_for(user, flt), "household_id")
    return logged_download(
        request,
        fmt,
        queryset=qs,
        filters=flt.as_dict(),
        columns=cols.submission_columns(user),
        rows=cols.submission_rows(qs),
        object_type="submissions",
        name="laporan",
        left_out=left_out,
    )


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    """What waits for the user, oldest first: one COUNT and one page query."""
    user = request.user
    if user.role not in REVIEWER_ROLES:
        raise PermissionDenied
    paginator, page, rows = _paginate(
        request, inbox_for(user).defer("base", "result", "resolutions")
    )
    return render(
        request,
        "submissions/inbox.html",
        {
            "page": page,
            "submissions": with_display(rows),
            "total": paginator.count,
            "stale_days": STALE_DAYS,
            "waiting_for": "validasi" if user.role in DECIDER_ROLES else "verifikasi",
        },
    )
