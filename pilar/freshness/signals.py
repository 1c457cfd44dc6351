"""Recompute a household's freshness when something about it changes: a field report
reaches the office or is decided, a member dies or moves, a disaster record is added,
a household is created or moves. The recomputation runs after the transaction
commits (on_commit), so a failed write changes nothing and the report's own
transaction stays short. Bulk SQL writes (imports) send no signals: the nightly
`pilar freshness` covers them."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save

from pilar.freshness.refresh import refresh
from pilar.ppks.models import PpksRecord
from pilar.registry.models import Household, Person
from pilar.submissions.choices import Status
from pilar.submissions.models import Submission


def _later(household_id: int | None) -> None:
    if not household_id:
        return

    transaction.on_commit(lambda: refresh([household_id]))


def on_submission(sender, instance: Submission, **kwargs) -> None:
    if instance.status != Status.DRAFT:
        _later(instance.household_id)


def on_person(sender, instance: Person, **kwargs) -> None:
    if instance.life_status != "hidup":
        _later(instance.household_id)


def on_ppks(sender, instance: PpksRecord, **kwargs) -> None:
    _later(instance.household_id)


def on_household(sender, instance: Household, **kwargs) -> None:
    _later(instance.pk)


def connect() -> None:
    post_save.connect(on_submission, sender=Submission, dispatch_uid="freshness_submission")
    post_save.connect(on_person, sender=Person, dispatch_uid="freshness_person")
    post_save.connect(on_ppks, sender=PpksRecord, dispatch_uid="freshness_ppks")
    post_save.connect(on_household, sender=Household, dispatch_uid="freshness_household")
