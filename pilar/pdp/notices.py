"""What the person's page says about the personal data law: an open or granted
(not lifted) request to restrict processing or an objection (UU 27/2022 art. 10, 11),
and what the restriction blocks while it is in force (`Person.processing_*`,
decision 43), and for Dinas Sosial a link to record a request about this person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pilar.pdp.choices import OPEN_REQUEST, RequestKind, RequestStatus
from pilar.pdp.models import SubjectRequest
from pilar.registry.models import ProcessingOverride

if TYPE_CHECKING:  # annotations only
    from pilar.registry.models import Person


def restriction_for(person: Person) -> SubjectRequest | None:
    """The newest restriction or objection about `person` that is open or was granted.
    Read without the register's scope: the caller fetched the person through the
    user's own, and the notice carries no more than its kind, number and status."""
    return (
        SubjectRequest.objects.filter(
            person=person,
            kind__in=[RequestKind.RESTRICTION, RequestKind.OBJECTION],
            status__in=[*OPEN_REQUEST, RequestStatus.DONE],
            lifted_at__isnull=True,
        )
        .order_by("-received_at", "-pk")
        .first()
    )


def overrides_for(person: Person) -> list[ProcessingOverride]:
    """What was processed on `person` although restricted (newest first)."""
    return list(ProcessingOverride.objects.filter(person=person).select_related("actor")[:20])
