"""The "Program" sections of the household and person pages: the enrollments of one
household or person, most recent first, each with its latest step (action, actor,
time). One query per section: the program and person come by select_related, the
latest step by three scalar subqueries on EnrollmentStep's (enrollment, at) order.

No `restrict()` here: the page has already fetched the household or person through
`restrict(user, "view")`, and what it shows is the benefit history of a record the
user may see (an enrollment's `village` is the kelurahan at listing time and may be
another one after a move). National-program participation is an Enrollment in an
`is_national` program and shows the same way.

Which rows (also told to users in docs/pengguna/program.md):
- household page: every enrollment recorded with the household, household-level
  and person-level (the person-level ones name the member);
- person page: the person's own person-level enrollments (whatever household they
  were in then) plus the household-level ones of their current household.
"""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim

from pilar.programs.choices import StepAction
from pilar.programs.models import Enrollment, EnrollmentStep
from pilar.registry.models import Household, Person


def _with_latest_step(qs: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    steps = EnrollmentStep.objects.filter(enrollment=OuterRef("pk")).order_by("-at", "-pk")
    actor_name = Coalesce(
        NullIf(Trim(Concat("actor__first_name", Value(" "), "actor__last_name")), Value("")),
        "actor__username",
    )
    return (
        # `renovation`: a Bedah Rumah enrollment links to its work (pilar.renovations).
        qs.select_related("program", "person", "renovation")
        .annotate(
            last_step_action=Subquery(steps.values("action")[:1]),
            last_step_at=Subquery(steps.values("at")[:1]),
            last_step_actor=Subquery(steps.annotate(n=actor_name).values("n")[:1]),
        )
        .order_by("-period", "-created_at", "-pk")
    )


def _labelled(qs: QuerySet[Enrollment]) -> list[Enrollment]:
    labels: dict[str, str] = {value: str(label) for value, label in StepAction.choices}
    rows = list(qs)
    for e in rows:
        action: str = getattr(e, "last_step_action", None) or ""
        e.last_step_label = labels.get(action, action)  # type: ignore[attr-defined]
    return rows


def for_household(household: Household) -> list[Enrollment]:
    """Every enrollment recorded with `household` (household- and person-level)."""
    return _labelled(_with_latest_step(Enrollment.objects.filter(household_id=household.pk)))


def for_person(person: Person) -> list[Enrollment]:
    """`person`'s own enrollments plus their current household's household-level ones."""
    return _labelled(
        _with_latest_step(
            Enrollment.objects.filter(
                Q(person_id=person.pk) | Q(household_id=person.household_id, person__isnull=True)
            )
        )
    )
