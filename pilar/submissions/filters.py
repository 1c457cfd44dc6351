"""The submission lists' one filter definition (page, API and export alike), and
the inboxes: what waits for a given user, oldest first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from pilar.accounts.choices import Role
from pilar.accounts.models import User
from pilar.core.filtering import FilterMixin, area_params, filter_area, int_or_none
from pilar.submissions.choices import Kind, Status
from pilar.submissions.models import Submission


@dataclass
class SubmissionFilter(FilterMixin):
    q: str = ""  # submission number, address or reporter
    status: str = ""
    kind: str = ""
    kecamatan: str = ""
    kelurahan: str = ""
    mine: bool = False
    household_id: int | None = None

    @classmethod
    def from_params(cls, params: Mapping) -> SubmissionFilter:
        status = str(params.get("status") or "")
        kind = str(params.get("kind") or params.get("jenis") or "")
        mine = str(params.get("mine") or params.get("saya") or "").lower() in ("1", "true", "on")
        return cls(
            q=str(params.get("q") or "").strip()[:100],
            status=status if status in Status.values else "",
            kind=kind if kind in Kind.values else "",
            **area_params(params),
            mine=mine,
            household_id=int_or_none(params.get("household_id") or params.get("keluarga")),
        )

    def apply(self, qs: QuerySet[Submission], user: User) -> QuerySet[Submission]:
        qs = filter_area(qs, "village", self.kecamatan, self.kelurahan)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.mine:
            qs = qs.filter(reporter=user)
        if self.household_id:
            qs = qs.filter(household_id=self.household_id)
        if self.q:
            text = self.q.lstrip("#")
            cond = Q(household__address__icontains=self.q) | Q(reporter__username__icontains=self.q)
            if text.isdigit():
                cond |= Q(pk=int(text))
            qs = qs.filter(cond)
        return qs


def submissions_for(user: User, flt: SubmissionFilter) -> QuerySet[Submission]:
    """Submissions a user sees: their area's, plus their own drafts only (others'
    drafts are private to the reporter)."""
    qs = Submission.objects.restrict(user, "view").exclude(
        Q(status=Status.DRAFT) & ~Q(reporter=user)
    )
    return (
        flt.apply(qs, user)
        .select_related("village__district", "reporter", "household")
        .order_by("-updated_at", "-pk")
    )


def inbox_for(user: User) -> QuerySet[Submission]:
    """What waits for `user`: a TKSK's submitted submissions of their kecamatan; Dinas
    Sosial's verified ones (and submitted ones with no TKSK to verify them).
    Oldest first, so nothing waits forever."""
    qs = Submission.objects.restrict(user, "change").exclude(reporter=user)
    if user.role == Role.TKSK:
        qs = qs.filter(status=Status.SUBMITTED)
        if settings.PILAR_VERIVALI_MUSYAWARAH:
            qs = qs.filter(deliberation__isnull=False)
    elif user.role in (Role.DINSOS, Role.ADMIN):
        # A TKSK's own submission, or one from a kecamatan with no active TKSK, has
        # nobody else to verify it: Dinas Sosial does.
        covered = User.objects.filter(role=Role.TKSK, is_active=True).values("district_id")
        unverifiable = Q(status=Status.SUBMITTED) & (
            Q(reporter__role=Role.TKSK)
            | ~Q(village__district_id__in=covered)
            # Restricted health data is verified by Dinas Sosial, never a TKSK.
            | Q(restricted=True)
        )
        qs = qs.filter(Q(status=Status.VERIFIED) | unverifiable).exclude(verified_by=user)
    else:
        return Submission.objects.none()
    return qs.select_related("village__district", "reporter", "household").order_by(
        "submitted_at", "pk"
    )


def page_of(qs: QuerySet[Submission], offset: int, limit: int) -> tuple[list[Submission], int]:
    """One COUNT, then the page: sorted and limited on the submissions table alone (a
    sub-select of ids), joining only the page's rows (an inbox of 10,000 submissions
    would otherwise be joined and sorted whole)."""
    count = qs.count()
    if not count:
        return [], 0
    ids = qs.values("pk")[offset : offset + limit]
    return list(qs.filter(pk__in=ids)), count
