"""Querysets of the assessments: area scope (through the household), the latest
assessment of each household, and the overdue ones. All set-based."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q

from pilar.accounts.scope import ScopedQuerySet


class AssessmentQuerySet(ScopedQuerySet):
    village_path = "household__village"

    def latest_per_household(self):
        """Only each household's current assessment: the one no other assessment
        of the same household is newer than (later `assessed_on`; on the same day,
        the later entry). An anti-join on the (household, assessed_on, id) index."""
        newer = self.model._default_manager.filter(household_id=OuterRef("household_id")).filter(
            Q(assessed_on__gt=OuterRef("assessed_on"))
            | Q(assessed_on=OuterRef("assessed_on"), pk__gt=OuterRef("pk"))
        )
        return self.filter(~Exists(newer))

    def overdue(self, on: datetime.date):
        """Current assessments whose re-assessment date has passed."""
        return self.latest_per_household().filter(due_on__lt=on)
