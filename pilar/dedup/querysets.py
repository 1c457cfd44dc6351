"""Scoping of candidate pairs and merges.

A pair is visible only when BOTH persons are inside the reviewer's area, and only
to the roles that review duplicates: admin and Dinas Sosial (the whole city) and
TKSK (their kecamatan). PSM, pimpinan and mitra see no pair at all. Deciding a pair
(merge, "different people", undo) is for the roles that write the registry
directly (REGISTRY_WRITE_ROLES): a TKSK sees the queue of their kecamatan but
does not decide (decisions.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Abs

from pilar.accounts.choices import REGISTRY_WRITE_ROLES, Role
from pilar.accounts.scope import Action, area_q
from pilar.core.filtering import FilterMixin, area_params
from pilar.registry.search import id_number

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

# Who may open the queue and decide pairs (each inside their own area).
REVIEW_ROLES = {Role.ADMIN, Role.DINSOS, Role.TKSK}
# Who may start a scoring run of the whole registry.
RUN_ROLES = {Role.ADMIN, Role.DINSOS}
# Who may decide pairs: a merge and its undo rewrite persons, memberships and PPKS
# records; "different people" is final too (the pair is never proposed again).
DECIDE_ROLES = REGISTRY_WRITE_ROLES

MSG_DECIDE = (
    "Keputusan duplikat (gabungkan, orang berbeda, batalkan penggabungan) mengubah "
    "registri dan diambil oleh Dinas Sosial. TKSK dapat melihat antrean kecamatannya "
    "dan menyampaikan temuannya kepada Dinas Sosial."
)


def may_review(user: User) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in REVIEW_ROLES
    )


def may_run(user: User) -> bool:
    return may_review(user) and user.role in RUN_ROLES


def may_decide(user: User) -> bool:
    return may_review(user) and user.role in DECIDE_ROLES


def pair_area_q(user: User, prefix: str = "", action: Action = "view"):
    """Both persons of the pair inside `user`'s area (`prefix` leads to the pair)."""
    return area_q(user, f"{prefix}person_a__household__village", action) & area_q(
        user, f"{prefix}person_b__household__village", action
    )


class CandidatePairQuerySet(QuerySet):
    def restrict(self, user: User, action: Action = "view"):
        if not may_review(user):
            return self.none()
        return self.filter(pair_area_q(user, "", action))


class MergeQuerySet(QuerySet):
    def restrict(self, user: User, action: Action = "view"):
        if not may_review(user):
            return self.none()
        return self.filter(
            area_q(user, "survivor__household__village", action)
            & area_q(user, "merged__household__village", action)
        )


# The queue's filter: one definition for the page and its export ---------------


@dataclass
class PairFilter(FilterMixin):
    q: str = ""  # a name (either person) or a NIK
    kecamatan: str = ""  # either person lives in this kecamatan
    kelurahan: str = ""  # either person lives in this kelurahan
    status: str = "terbuka"
    # Order of open pairs: most likely first (default), or "informatif": the pairs the
    # model is least sure of (probability nearest 0.5) first, whose decisions teach it
    # most (uncertainty sampling; the next run learns from them).
    urut: str = ""

    @classmethod
    def from_params(cls, params: Mapping) -> PairFilter:
        from pilar.dedup.models import PairStatus  # models.py imports this module: a cycle

        status = str(params.get("status") or PairStatus.OPEN)
        return cls(
            q=" ".join(str(params.get("q") or "").split())[:100],
            **area_params(params),
            status=status if status in PairStatus.values else PairStatus.OPEN,
            urut="informatif" if params.get("urut") == "informatif" else "",
        )

    def as_dict(self) -> dict:
        out = super().as_dict()
        if out.get("status") == "terbuka":
            del out["status"]
        return out


def pairs_for(user: User, flt: PairFilter) -> QuerySet:
    """The review queue a user sees: both persons inside their area, most likely first."""
    from pilar.dedup.models import CandidatePair, PairStatus  # models.py imports this module

    qs = CandidatePair.objects.restrict(user, "view").filter(status=flt.status)
    if flt.status == PairStatus.OPEN:
        # A person merged elsewhere since the run: the pair is stale until the next run.
        qs = qs.filter(person_a__is_active=True, person_b__is_active=True)
    for path, value in (
        ("household__village__district_id", flt.kecamatan),
        ("household__village_id", flt.kelurahan),
    ):
        if value:
            qs = qs.filter(Q(**{f"person_a__{path}": value}) | Q(**{f"person_b__{path}": value}))
    if flt.q:
        number = id_number(flt.q)
        if number:
            qs = qs.filter(Q(person_a__nik=number) | Q(person_b__nik=number))
        else:
            qs = qs.filter(
                Q(person_a__name__trigram_word_similar=flt.q)
                | Q(person_b__name__trigram_word_similar=flt.q)
            )
    order: tuple[Any, ...] = ("-decided_at", "-id")
    if flt.status == PairStatus.OPEN:
        order = ("-probability", "id")
        if flt.urut == "informatif":
            qs = qs.annotate(uncertainty=Abs(F("probability") - 0.5))
            order = ("uncertainty", "-probability", "id")
    return qs.select_related(
        "person_a__household__village__district",
        "person_b__household__village__district",
        "decided_by",
    ).order_by(*order)
