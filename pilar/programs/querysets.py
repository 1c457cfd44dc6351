"""Querysets of programs. Programs are not people's data: every logged-in role
that sees people's data may read them; the people a rule selects are always
read through the registry's own `restrict(user, "view")`."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from pilar.accounts.scope import ScopedQuerySet
from pilar.registry.models import Person


class ProgramQuerySet(QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text) | Q(agency__icontains=text) | Q(code__icontains=text)
        )


class EnrollmentQuerySet(ScopedQuerySet):
    """Enrollments and candidates hold people's data: scoped (`restrict`) by the
    kelurahan recorded with them (`village`), as every scoped queryset. A partner
    (`mitra`) has no area: what they may read of a program's beneficiaries is decided
    per program (pilar.programs.api.beneficiaries), not here."""

    def search(self, text: str, *, masked: bool = False):
        """Name, address, or the start of a NIK/No. KK. `masked`: the caller sees these
        numbers masked, so only a whole 16-digit number matches; a prefix search would
        let them read a masked number digit by digit (as the registry's search)."""
        text = (text or "").strip()
        if not text:
            return self
        if text.isdigit():
            if masked:
                if len(text) != 16:
                    return self.none()
                return self.filter(Q(person__nik=text) | Q(household__no_kk=text))
            return self.filter(
                Q(person__nik__startswith=text) | Q(household__no_kk__startswith=text)
            )
        named = Person.objects.filter(household_id=OuterRef("household_id"), name__icontains=text)
        return self.filter(
            Q(person__name__icontains=text)
            | Q(Exists(named), person__isnull=True)
            | Q(household__address__icontains=text)
        )
