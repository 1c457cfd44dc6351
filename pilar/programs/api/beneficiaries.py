"""API: beneficiaries (approved, delivered, completed enrollments) across the
programs a user may read, and partner access.

A partner (`mitra`) has no area: they read the beneficiaries of their agency's
programs (and of programs an admin granted them, PartnerAccess), with NIK/No. KK
masked unless the grant says otherwise. Other roles read the beneficiaries in
their area. Every read is logged like an export.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from ninja import Query, Router

from pilar.accounts.choices import Role
from pilar.accounts.models import User
from pilar.accounts.types import ApiRequest
from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core.api import ERRORS, paginate
from pilar.core.identity import mask
from pilar.programs import enrollment, priority
from pilar.programs.api.deliveries import paid_fields
from pilar.programs.api.schemas import BeneficiaryPage, BeneficiaryParams
from pilar.programs.choices import BENEFICIARY
from pilar.programs.heads import household_heads
from pilar.programs.models import Delivery, Enrollment, PartnerAccess, Program
from pilar.programs.querysets import EnrollmentQuerySet
from pilar.registry.models import Person

router = Router()


def _partner_programs(user: User) -> QuerySet[Program]:
    """Programs whose beneficiaries `user` may list: a partner's agency's programs;
    every program for roles that see people's data (rows then scoped by area)."""
    if user.role == Role.MITRA:
        # The agency's own programs by name (case and spacing aside), plus any
        # program an admin granted explicitly (PartnerAccess): agency names are free
        # text ("Dinas Perkim / Dinas Sosial ..."), a grant does not depend on it.
        org = " ".join((user.organization or "").split())
        by_name = Q(agency__iexact=org) if org else Q(pk__in=[])
        return Program.objects.filter(by_name | Q(partner_access__user=user)).distinct()
    if user.can_see_people:
        return Program.objects.all()
    return Program.objects.none()


def beneficiary_rows(
    user: User, programs: QuerySet[Program], params: BeneficiaryParams
) -> EnrollmentQuerySet:
    qs = Enrollment.objects.filter(program__in=programs, status__in=BENEFICIARY)
    if user.role != Role.MITRA:
        qs = qs.restrict(user, "view")
    if params.status:
        qs = qs.filter(status=params.status)
    # A partner's grant to see NIK is per program; searching by the start of a number
    # is kept for staff who may reveal numbers anyway.
    masked = user.role == Role.MITRA or not user.can_reveal_ids
    qs = (
        qs.search(params.q, masked=masked)
        .select_related("program", "person", "household", "village__district")
        .order_by("program_id", "pk")
    )
    return qs


def _beneficiary_out(
    e: Enrollment, heads: dict[int, Person], reveal: bool, deliveries: list[Delivery]
) -> dict:
    def show(value: str | None) -> str | None:
        if not value:
            return None
        return value if reveal else mask(value)

    head = heads.get(e.household_id)
    person = e.person or head
    return {
        "id": e.pk,
        "program_id": e.program_id,
        "program": e.program.name,
        "period": e.period,
        "status": e.status,
        "status_label": e.get_status_display(),
        "name": person.name if person else "",
        "nik": show(person.nik if person else None),
        "no_kk": show(e.household.no_kk),
        "kelurahan": e.village.name,
        "kecamatan": e.village.district.name,
        "amount": e.amount,
        "delivered_on": e.delivered_on,
        "delivered_amount": e.delivered_amount,
        **paid_fields(deliveries),
        "priority_total": e.priority_total,
        "priority_parts": priority.explain(e.priority_parts),
    }


def _beneficiary_page(
    request: ApiRequest, programs: QuerySet[Program], params: BeneficiaryParams
) -> dict:
    user = request.auth
    items, count = paginate(beneficiary_rows(user, programs, params), params)
    heads = household_heads(e.household_id for e in items if e.person_id is None)
    if user.role == Role.MITRA:
        granted = set(
            PartnerAccess.objects.filter(user=user, may_see_nik=True).values_list(
                "program_id", flat=True
            )
        )
    else:
        granted = {e.program_id for e in items} if user.can_reveal_ids else set()
    paid = enrollment.deliveries_for([e.pk for e in items])
    out = [_beneficiary_out(e, heads, e.program_id in granted, paid[e.pk]) for e in items]
    # Partners' reads of people's data are accountable like exports.
    log_access(
        user=user,
        action=AccessAction.EXPORT,
        object_type="programs.beneficiaries",
        request=request,
        extra={
            "programs": sorted({e.program_id for e in items}),
            "count": len(out),
            "unmasked": sorted({e.program_id for e in items} & granted),
        },
    )
    return {"items": out, "count": count}


@router.get(
    "/beneficiaries",
    response={200: BeneficiaryPage, **ERRORS},
    summary="Penerima manfaat (semua program yang boleh dilihat)",
    description=(
        "Penerima (disetujui, disalurkan, selesai). Mitra hanya melihat program OPD-nya "
        "(sama dengan `instansi` akunnya), NIK/No. KK disamarkan kecuali diberi akses. "
        "Peran lain melihat penerima di wilayah kerjanya."
    ),
)
def list_beneficiaries(request: ApiRequest, params: Query[BeneficiaryParams]):
    return _beneficiary_page(request, _partner_programs(request.auth), params)


@router.get(
    "/{int:program_id}/beneficiaries",
    response={200: BeneficiaryPage, **ERRORS},
    summary="Penerima manfaat satu program",
    description="Program OPD lain dijawab 404 untuk mitra.",
)
def program_beneficiaries(request: ApiRequest, program_id: int, params: Query[BeneficiaryParams]):
    program = get_object_or_404(_partner_programs(request.auth), pk=program_id)
    return _beneficiary_page(request, Program.objects.filter(pk=program.pk), params)
