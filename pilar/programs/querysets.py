"""Querysets of programs. Programs are not people's data: every logged-in role
that sees people's data may read them; the people a rule selects are always
read through the registry's own `restrict(user, "view")`."""

from __future__ import annotations

from django.db.models import Q, QuerySet


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
