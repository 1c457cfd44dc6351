"""When a restriction or objection is in force, and keeping the registry's copy of that
state right (decision 43).

In force:
- a restriction request (art. 11) from the moment it is received while it is open
  (received or being processed: the person's processing is held while the request is
  examined), and once granted (status done) until it is lifted;
- an objection (art. 10) once granted, until lifted; while it is being examined
  processing continues (art. 15 lets a public task go on) and the person's page
  shows the open objection;
- a refused request, or a lifted one, is not in force.

The lower apps cannot read pilar.pdp, so `sync(person)` writes the state onto the
person through `registry.actions.restrict_processing` /
`lift_processing_restriction`, called by every pdp action that changes it: recording,
deciding and lifting a request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from pilar.pdp.choices import OPEN_REQUEST, RequestKind, RequestStatus
from pilar.pdp.models import SubjectRequest
from pilar.registry import actions as registry_actions
from pilar.registry.choices import RestrictionBasis
from pilar.registry.models import Person

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

IN_FORCE = Q(kind=RequestKind.RESTRICTION, status__in=OPEN_REQUEST) | Q(
    kind__in=[RequestKind.RESTRICTION, RequestKind.OBJECTION],
    status=RequestStatus.DONE,
    lifted_at__isnull=True,
)


def in_force(person: Person) -> QuerySet[SubjectRequest]:
    """The person's requests in force, oldest first (the first one decides "since")."""
    return SubjectRequest.objects.filter(IN_FORCE, person=person).order_by("received_at", "pk")


def since(req: SubjectRequest):
    """A restriction holds from when it was received; an objection from when it was
    granted."""
    if req.kind == RequestKind.OBJECTION and req.closed_at is not None:
        return req.closed_at
    return req.received_at


def sync(person: Person | None, *, acting_user: User, cause: SubjectRequest) -> None:
    """Write onto `person` whether a request about them is in force (the oldest one
    decides since when and which request the registry names). `cause` is the request
    whose change triggered this; its id goes into the history when the restriction
    ends."""
    if person is None:
        return
    first = in_force(person).first()
    if first is None:
        registry_actions.lift_processing_restriction(
            person, acting_user=acting_user, request_id=cause.pk
        )
        return
    kind = (
        RestrictionBasis.OBJECTION
        if first.kind == RequestKind.OBJECTION
        else RestrictionBasis.RESTRICTION
    )
    registry_actions.restrict_processing(
        person, acting_user=acting_user, request_id=first.pk, kind=kind, since=since(first)
    )


def may_lift(req: SubjectRequest) -> bool:
    return (
        req.kind in (RequestKind.RESTRICTION, RequestKind.OBJECTION)
        and req.status == RequestStatus.DONE
        and req.lifted_at is None
    )
